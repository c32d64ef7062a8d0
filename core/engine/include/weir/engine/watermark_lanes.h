// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "weir/common/types.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace weir::engine {

// Maps events to watermark lanes for the window operators of the window and alert processors:
// one lane per channel, and for Kafka one per topic partition of a channel, so that the pipeline
// watermark is the minimum over the assigned partitions (a partition that is behind holds
// windows open). Lanes are SourceIds private to one processor. Engine thread only.
class WatermarkLanes {
public:
    // The next event's transport attributes (EventProcessor::onAttributes); used by the very
    // next laneOf() only.
    void setAttributes(std::string_view attrs) { m_attrs = attrs; }
    // The lane of the event about to be processed (its partition's, or its channel's).
    SourceId laneOf(SourceId channel) {
        // The usual case inline: a file's line (no attributes) of a channel already seen.
        if (m_attrs.empty() && channel.value < m_channelLanes.size() &&
            m_channelLanes[channel.value] >= 0)
            return SourceId{static_cast<uint16_t>(m_channelLanes[channel.value])};
        return laneOfSlow(channel);
    }
    // A Kafka assignment of `channel` (EventProcessor::onAssignment): `assigned` gets the lanes
    // of the partitions listed (new ones should hold the watermark), `revoked` the channel's
    // other partition lanes (they should stop holding it).
    void assignment(SourceId channel, std::string_view partitions, std::vector<SourceId> &assigned,
                    std::vector<SourceId> &revoked);
    // Every lane of a channel (EventProcessor::onSourceEnd).
    const std::vector<SourceId> &lanesOf(SourceId channel);

private:
    SourceId partitionLane(SourceId channel, std::string_view topic, int64_t partition);

    struct PartitionLane {
        uint16_t channel;
        int32_t partition;
        std::string topic;
        SourceId lane;
    };
    SourceId laneOfSlow(SourceId channel);

    std::string_view m_attrs;
    std::vector<int32_t> m_channelLanes;                 // channel -> lane (-1: none yet)
    std::vector<PartitionLane> m_partitionLanes;         // few: one per assigned partition
    std::vector<std::vector<SourceId>> m_lanesOfChannel; // for onSourceEnd
    uint16_t m_nextLane = 0;
};

} // namespace weir::engine
