// SPDX-License-Identifier: GPL-3.0-or-later
#include "weir/engine/watermark_lanes.h"

#include "weir/common/text.h"
#include "weir/store/attributes.h"

#include <algorithm>

namespace weir::engine {

SourceId WatermarkLanes::partitionLane(SourceId channel, std::string_view topic,
                                       int64_t partition) {
    for (const PartitionLane &p : m_partitionLanes) {
        if (p.channel == channel.value && p.partition == partition && p.topic == topic)
            return p.lane;
    }
    const SourceId lane{m_nextLane++};
    if (m_lanesOfChannel.size() <= channel.value)
        m_lanesOfChannel.resize(size_t{channel.value} + 1);
    m_lanesOfChannel[channel.value].push_back(lane);
    m_partitionLanes.push_back(
        {channel.value, static_cast<int32_t>(partition), std::string(topic), lane});
    return lane;
}

SourceId WatermarkLanes::laneOfSlow(SourceId channel) {
    const std::string_view attrs = m_attrs;
    m_attrs = {};
    bool found = false;
    const std::string_view partitionText =
        attrs.empty() ? std::string_view()
                      : store::findAttribute(attrs, store::attr::kPartition, &found);
    int64_t partition = 0;
    if (found && parseInt64(partitionText, partition))
        return partitionLane(channel, store::findAttribute(attrs, store::attr::kTopic), partition);
    if (m_channelLanes.size() <= channel.value)
        m_channelLanes.resize(size_t{channel.value} + 1, -1);
    int32_t &lane = m_channelLanes[channel.value];
    if (lane < 0) {
        lane = m_nextLane++;
        if (m_lanesOfChannel.size() <= channel.value)
            m_lanesOfChannel.resize(size_t{channel.value} + 1);
        m_lanesOfChannel[channel.value].push_back(SourceId{static_cast<uint16_t>(lane)});
    }
    return SourceId{static_cast<uint16_t>(lane)};
}

void WatermarkLanes::assignment(SourceId channel, std::string_view partitions,
                                std::vector<SourceId> &assigned, std::vector<SourceId> &revoked) {
    assigned.clear();
    revoked.clear();
    std::string_view topic;
    store::forEachAttribute(partitions, [&](std::string_view name, std::string_view value) {
        int64_t partition = 0;
        if (name == store::attr::kTopic)
            topic = value;
        else if (name == store::attr::kPartition && parseInt64(value, partition))
            assigned.push_back(partitionLane(channel, topic, partition));
    });
    for (const PartitionLane &p : m_partitionLanes) {
        if (p.channel == channel.value &&
            std::find(assigned.begin(), assigned.end(), p.lane) == assigned.end())
            revoked.push_back(p.lane);
    }
}

const std::vector<SourceId> &WatermarkLanes::lanesOf(SourceId channel) {
    if (m_lanesOfChannel.size() <= channel.value)
        m_lanesOfChannel.resize(size_t{channel.value} + 1);
    return m_lanesOfChannel[channel.value];
}

} // namespace weir::engine
