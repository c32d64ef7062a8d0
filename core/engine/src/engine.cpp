// SPDX-License-Identifier: GPL-3.0-or-later
#include "weir/engine/engine.h"

#include "attributed_parser.h"
#include "weir/common/line_scan.h"
#include "weir/common/text.h"
#include "weir/common/time_util.h"
#include "weir/parse/format_registry.h"

#include <algorithm>
#include <cstring>
#include <deque>
#include <pthread.h>

namespace weir::engine {

using parse::DeadLetterReason;
using parse::ParseStatus;

struct Engine::Channel {
    SourceId id;
    std::string name;
    std::string requestedFormat;
    std::string format;
    double matchRate = 1.0;
    bool detected = false;
    std::unique_ptr<parse::Parser> parser;  // engine thread
    AttributedParser *attributed = nullptr; // `parser` once a message brought attributes
    std::shared_ptr<const parse::Parser> decoder;
    uint64_t decoderSchema = ~uint64_t{0};
    std::vector<std::string> fieldNames;
    uint64_t nextLine = 1; // line count for batches that leave numbering to the engine
    uint64_t events = 0;
    uint64_t deadLetters = 0;
    bool reparsed = false; // made by reparseDeadLetters for the dead letters of reparsedFrom
    SourceId reparsedFrom;
};

struct Engine::Slot {
    std::unique_ptr<source::Source> source;
    std::unique_ptr<IngestQueue> queue;
    SourceId firstId;
    size_t channelCount = 0;
    bool bounded = false;
    std::atomic<bool> ended{false};
    bool started = false;
    // Engine thread (publish): the message rate over about a second.
    int64_t rateSinceMono = 0;
    uint64_t rateMessages = 0;
    double messagesPerSecond = 0;
    // Engine thread: lines and messages stored (or dead-lettered), and the wait of the last
    // batch between its arrival (RawBatch::ingestTime) and then.
    uint64_t storedMessages = 0;
    int64_t lastWaitNs = 0;
};

Engine::Engine(Options options)
    : m_options(options)
    , m_store(options.store)
    , m_deadLetters(options.deadLetters)
    , m_maxLineBytes(
          std::clamp<size_t>(options.maxLineBytes, 1, store::EventRecord::kMaxRawLength)) {
    m_snapshot = std::make_shared<Snapshot>();
}

Engine::~Engine() {
    stop();
}

void Engine::wake() {
    {
        std::lock_guard<std::mutex> lock(m_wakeMutex);
        m_workPending = true;
    }
    m_wakeCv.notify_one();
}

SourceId Engine::addSource(std::unique_ptr<source::Source> src) {
    auto slot = std::make_shared<Slot>();
    slot->queue = std::make_unique<IngestQueue>(m_options.queueBytes, [this] { wake(); });
    slot->bounded = src->isBounded();
    const std::vector<source::ChannelSpec> specs = src->channels();
    slot->channelCount = specs.size();
    slot->source = std::move(src);
    bool startNow = false;
    {
        std::lock_guard<std::mutex> lock(m_slotsMutex);
        slot->firstId = SourceId{m_nextSourceId};
        for (const auto &spec : specs) {
            auto ch = std::make_shared<Channel>();
            ch->id = SourceId{m_nextSourceId++};
            ch->name = spec.name;
            ch->requestedFormat = spec.format.empty() ? "auto" : spec.format;
            m_channels.push_back(std::move(ch));
        }
        m_slots.push_back(slot);
        startNow = m_running;
        slot->started = startNow;
    }
    if (startNow)
        slot->source->start(*slot->queue);
    wake();
    return slot->firstId;
}

void Engine::start() {
    if (m_running.exchange(true))
        return;
    m_stopRequested = false;
    m_startMono = monotonicNowNs();
    m_rateWindowStart = m_startMono;
    m_thread = std::thread([this] {
        pthread_setname_np(pthread_self(), "weir-engine");
        run();
    });
    std::vector<std::shared_ptr<Slot>> toStart;
    {
        std::lock_guard<std::mutex> lock(m_slotsMutex);
        for (auto &s : m_slots) {
            if (!s->started) {
                s->started = true;
                toStart.push_back(s);
            }
        }
    }
    for (auto &s : toStart)
        s->source->start(*s->queue);
}

void Engine::stop() {
    if (!m_running.exchange(false))
        return;
    std::vector<std::shared_ptr<Slot>> slots;
    {
        std::lock_guard<std::mutex> lock(m_slotsMutex);
        slots = m_slots;
    }
    // Producers first: unblock them, then cancel and join their threads.
    for (auto &s : slots)
        s->queue->close();
    for (auto &s : slots)
        s->source->stop();
    {
        std::lock_guard<std::mutex> lock(m_wakeMutex);
        m_stopRequested = true;
    }
    m_wakeCv.notify_one();
    if (m_thread.joinable())
        m_thread.join();
}

std::shared_ptr<const Snapshot> Engine::snapshot() const {
    std::lock_guard<std::mutex> lock(m_snapshotMutex);
    return m_snapshot;
}

bool Engine::waitFinished(std::chrono::milliseconds timeout) const {
    std::unique_lock<std::mutex> lock(m_snapshotMutex);
    return m_publishedCv.wait_for(lock, timeout, [this] { return m_snapshot->stats.finished; });
}

void Engine::setPublishCallback(std::function<void(uint64_t)> callback) {
    std::lock_guard<std::mutex> lock(m_snapshotMutex);
    m_onPublish = std::move(callback);
}

bool Engine::allFinished() const {
    std::lock_guard<std::mutex> lock(m_slotsMutex);
    if (m_slots.empty())
        return false;
    return std::all_of(m_slots.begin(), m_slots.end(),
                       [](const auto &s) { return s->bounded && s->ended; });
}

void Engine::resolveFormat(Channel &ch, const source::RawBatch &batch) {
    std::string format = ch.requestedFormat;
    if (parse::isAutoFormat(format)) {
        // Sample the first lines of the first batch.
        std::vector<std::string_view> sample;
        const std::string_view data = batch.bytes();
        if (batch.messages.empty()) {
            size_t pos = 0;
            while (pos < data.size() && sample.size() < 1000) {
                size_t nl = data.find('\n', pos);
                if (nl == std::string_view::npos)
                    nl = data.size();
                sample.push_back(data.substr(pos, nl - pos));
                pos = nl + 1;
            }
        } else {
            for (const auto &m : batch.messages) {
                if (sample.size() >= 1000)
                    break;
                sample.push_back(data.substr(m.offset, m.length));
            }
        }
        const parse::Detection d = parse::detectFormat(sample);
        format = parse::withOptionsOf(d.format, ch.requestedFormat);
        ch.matchRate = d.matchRate;
        ch.detected = true;
    }
    std::string error;
    ch.parser = parse::makeParser(format, &error);
    if (!ch.parser) {
        // An unknown format name: fall back to detection rather than dropping the input.
        ch.requestedFormat = "auto";
        resolveFormat(ch, batch);
        return;
    }
    ch.format = std::string(ch.parser->formatName());
}

size_t Engine::processBatch(Slot &slot, source::RawBatch &batch) {
    size_t records = 0;
    const std::string_view data = batch.bytes();
    if (!data.empty() || !batch.messages.empty()) {
        const size_t index =
            slot.firstId.value + std::min<size_t>(batch.channel, slot.channelCount - 1);
        std::shared_ptr<Channel> chp;
        {
            std::lock_guard<std::mutex> lock(m_slotsMutex);
            chp = m_channels[index];
        }
        Channel &ch = *chp;
        if (!ch.parser) {
            resolveFormat(ch, batch);
            for (auto &p : m_processors)
                p->onChannel(ch.id, ch.name);
        }
        const TimestampNs ingest = batch.ingestTime.value ? batch.ingestTime : wallNow();
        m_external = batch.owner ? store::ExternalBytes{batch.owner, batch.external}
                                 : store::ExternalBytes{};
        m_stats.bytes += data.size();
        if (batch.messages.empty()) {
            uint64_t position = batch.firstPosition ? batch.firstPosition : ch.nextLine;
            // One pass finds the newlines and which lines are plain ASCII, a run at a time.
            LineSplitter splitter(data.data(), data.size());
            std::array<LineSplitter::Line, 256> lines;
            std::array<std::string_view, 256> views; // for parsers that take lines in batches
            const bool batches = ch.parser->batchesLines();
            while (const size_t n = splitter.take(lines.data(), lines.size())) {
                if (batches) {
                    for (size_t i = 0; i < n; ++i)
                        views[i] = lines[i].view();
                    ch.parser->prepareLines(views.data(), n);
                }
                for (size_t i = 0; i < n; ++i)
                    processLine(ch, lines[i].view(), position++, 0, ingest, lines[i].ascii);
                records += n;
                if (batches)
                    ch.parser->prepareLines(nullptr, 0);
            }
            ch.nextLine = position;
        } else {
            for (const auto &m : batch.messages) {
                if (static_cast<size_t>(m.offset) + m.length > data.size())
                    continue;
                const uint64_t position = m.position ? m.position : ch.nextLine;
                ch.nextLine = position + 1;
                std::string_view attrs;
                if (m.attrLength != 0 &&
                    static_cast<size_t>(m.attrOffset) + m.attrLength <= batch.attributes.size()) {
                    attrs = std::string_view(batch.attributes).substr(m.attrOffset, m.attrLength);
                    if (!ch.attributed) {
                        auto wrapped = std::make_unique<AttributedParser>(std::move(ch.parser));
                        ch.attributed = wrapped.get();
                        ch.parser = std::move(wrapped);
                    }
                    ch.attributed->noteNames(attrs);
                }
                if (ch.attributed)
                    ch.attributed->setCurrent(attrs);
                processLine(ch, data.substr(m.offset, m.length), position, m.flags, ingest, false,
                            attrs);
                ++records;
            }
        }
        flushStaged(); // the batch's bytes go after this call
        m_external = {};
    } else if (!batch.attributes.empty()) {
        // A control batch: a Kafka source's partition assignment changed.
        const SourceId id{static_cast<uint16_t>(
            slot.firstId.value + std::min<size_t>(batch.channel, slot.channelCount - 1))};
        for (auto &p : m_processors)
            p->onAssignment(id, batch.attributes);
    }
    if (batch.endOfStream) {
        slot.ended = true;
        for (auto &p : m_processors) {
            for (size_t c = 0; c < slot.channelCount; ++c)
                p->onSourceEnd(SourceId{static_cast<uint16_t>(slot.firstId.value + c)});
        }
        if (!m_processors.empty() && !m_inputFinished && allFinished()) {
            m_inputFinished = true;
            for (auto &p : m_processors)
                p->onInputFinished();
        }
    }
    return records;
}

bool Engine::reparseDeadLetters(std::optional<SourceId> source, std::string format) {
    std::string error;
    if (!parse::makeParser(format, &error))
        return false;
    {
        std::lock_guard<std::mutex> lock(m_reparseMutex);
        m_reparses.push_back({source, std::move(format)});
    }
    wake();
    return true;
}

bool Engine::runReparses() {
    std::vector<ReparseRequest> requests;
    {
        std::lock_guard<std::mutex> lock(m_reparseMutex);
        requests.swap(m_reparses);
    }
    for (const ReparseRequest &req : requests) {
        // The snapshot keeps the blocks it reads: resolve() copies any it changes.
        const store::DeadLetterSnapshot dead = m_deadLetters.snapshot();
        std::vector<std::shared_ptr<Channel>> channels;
        {
            std::lock_guard<std::mutex> lock(m_slotsMutex); // addSource may push meanwhile
            channels = m_channels;
        }
        std::vector<std::shared_ptr<Channel>> made(channels.size()); // by original id
        for (size_t i = 0; i < dead.size(); ++i) {
            const store::DeadLetter &d = dead[i];
            if (d.resolved || (req.source && d.source != *req.source) ||
                (d.reason != DeadLetterReason::Malformed &&
                 d.reason != DeadLetterReason::BadTimestamp) ||
                d.raw.size() != d.rawFullSize || d.source.value >= made.size())
                continue;
            std::shared_ptr<Channel> &ch = made[d.source.value];
            if (!ch) {
                ch = std::make_shared<Channel>();
                ch->parser = parse::makeParser(req.format);
                if (!ch->parser)
                    break; // checked when queued; a format's validity does not change
                ch->requestedFormat = req.format;
                ch->format = std::string(ch->parser->formatName());
                ch->reparsed = true;
                ch->reparsedFrom = d.source;
                ch->name = channels[d.source.value]->name;
                std::lock_guard<std::mutex> lock(m_slotsMutex);
                ch->id = SourceId{m_nextSourceId++};
                m_channels.push_back(ch);
            }
            parse::EventHeader header{};
            const parse::ParseResult r = ch->parser->parseHeader(d.raw, header);
            if (r.status == ParseStatus::DeadLetter)
                continue;
            m_deadLetters.resolve(dead.firstIndex() + i);
            ++m_stats.resolvedDeadLetters;
            --m_stats.deadLetters;
            --m_stats.deadByReason[static_cast<size_t>(d.reason)];
            --channels[d.source.value]->deadLetters;
            if (r.status == ParseStatus::Header) {
                ++m_stats.headerLines;
                continue;
            }
            store::EventRecord rec{};
            rec.time = header.hasTime ? header.time : d.ingestTime;
            rec.source = ch->id;
            rec.status = header.status;
            rec.severity = header.severity;
            rec.flags = header.hasTime ? 0 : store::TimeFromArrival;
            rec.setPosition(d.position);
            m_store.append(rec, d.raw, d.ingestTime);
            ++m_stats.events;
            ++ch->events;
            m_stats.minEventTime = std::min(m_stats.minEventTime, rec.time);
            m_stats.maxEventTime = std::max(m_stats.maxEventTime, rec.time);
            m_timeline.add(rec.time, RateTimeline::classOf(rec.status, rec.severity));
            m_severityTimeline.add(rec.time, RateTimeline::classOf(0, rec.severity));
        }
    }
    return !requests.empty();
}

void Engine::addProcessor(std::shared_ptr<EventProcessor> processor) {
    m_staging = m_staging || processor->stages();
    m_processors.push_back(std::move(processor));
}

void Engine::replaceProcessors(std::vector<std::shared_ptr<EventProcessor>> processors) {
    {
        std::lock_guard<std::mutex> lock(m_wakeMutex);
        m_nextProcessors = std::move(processors);
        m_processorsPending = true;
        m_workPending = true;
    }
    m_wakeCv.notify_one();
}

// Engine thread, between batches.
void Engine::applyProcessors(std::vector<std::shared_ptr<EventProcessor>> next) {
    const store::StoreSnapshot events = m_store.snapshot();
    std::vector<std::shared_ptr<Channel>> channels;
    std::vector<std::shared_ptr<Slot>> slots;
    {
        std::lock_guard<std::mutex> lock(m_slotsMutex);
        channels = m_channels;
        slots = m_slots;
    }
    const bool finished = allFinished();
    for (const auto &p : next) {
        if (std::find(m_processors.begin(), m_processors.end(), p) != m_processors.end())
            continue;
        for (const auto &ch : channels) {
            if (ch && ch->parser)
                p->onChannel(ch->id, ch->name);
        }
        // A processor that stages catches up in groups, as it runs live (the snapshot keeps
        // the raw bytes valid until finishStaged). Its verdicts are not applied: stored events
        // keep their flags.
        const bool staged = p->stages();
        size_t pending = 0;
        const auto finishGroup = [&] {
            m_verdicts.assign(pending, ProcessorVerdict{});
            p->finishStaged(m_verdicts.data(), pending);
            pending = 0;
        };
        events.forEach(events.firstIndex(), events.endIndex(), [&](const store::EventRef &e) {
            const store::EventRecord &rec = e.record();
            if (rec.source.value >= channels.size() || !channels[rec.source.value] ||
                !channels[rec.source.value]->parser)
                return;
            Channel &ch = *channels[rec.source.value];
            const std::string_view attrs = e.attributes();
            if (ch.attributed)
                ch.attributed->setCurrent(attrs);
            if (!attrs.empty())
                p->onAttributes(attrs);
            if (!staged) {
                p->onEvent(rec, e.raw(), *ch.parser);
                return;
            }
            p->stage(rec, e.raw(), *ch.parser, false);
            if (++pending == kStageGroup)
                finishGroup();
        });
        if (pending > 0)
            finishGroup();
        for (const auto &slot : slots) {
            if (!slot->ended)
                continue;
            for (size_t c = 0; c < slot->channelCount; ++c)
                p->onSourceEnd(SourceId{static_cast<uint16_t>(slot->firstId.value + c)});
        }
        if (finished)
            p->onInputFinished();
        p->onTick(monotonicNowNs());
    }
    for (const auto &ch : channels) {
        if (ch && ch->attributed)
            ch->attributed->setCurrent({}); // the snapshot's bytes go with it
    }
    m_inputFinished = m_inputFinished || (finished && !next.empty());
    m_processors = std::move(next);
    m_staging = std::any_of(m_processors.begin(), m_processors.end(),
                            [](const auto &p) { return p->stages(); });
}

// Inlined into processBatch's loops: it runs once per line.
__attribute__((always_inline)) inline void Engine::processLine(Channel &ch, std::string_view line,
                                                               uint64_t position, uint8_t msgFlags,
                                                               TimestampNs ingest, bool ascii,
                                                               std::string_view attrs) {
    ++m_stats.lines;
    if (!line.empty() && line.back() == '\r')
        line.remove_suffix(1);
    uint8_t flags = (msgFlags & source::MessageTruncated) ? store::Truncated : 0;
    if (line.size() > m_maxLineBytes) {
        line = line.substr(0, m_maxLineBytes);
        flags |= store::Truncated;
    }
    DeadLetterReason reason = DeadLetterReason::None;
    if (line.empty() || ((line.front() == ' ' || line.front() == '\t') && trim(line).empty())) {
        reason = DeadLetterReason::Empty;
    } else if (!ascii && !isAscii(line) && !isValidUtf8(line)) {
        reason = DeadLetterReason::InvalidUtf8;
    } else {
        m_header = parse::EventHeader{};
        const parse::ParseResult r = ch.parser->parseHeader(line, m_header);
        if (r.status == ParseStatus::Header) {
            ++m_stats.headerLines;
            return;
        }
        reason = r.status == ParseStatus::Event ? DeadLetterReason::None : r.reason;
        // A line cut at the limit that no longer parses is reported as too long.
        if (reason == DeadLetterReason::Malformed && (flags & store::Truncated))
            reason = DeadLetterReason::TooLong;
    }
    if (reason != DeadLetterReason::None) {
        if (!m_staged.empty())
            flushStaged(); // dead letters stay in line order
        ++m_stats.deadLetters;
        ++m_stats.deadByReason[static_cast<size_t>(reason)];
        ++ch.deadLetters;
        m_deadLetters.add(reason, ch.id, position, ingest, line);
        return;
    }
    // Staged: the record is built in its staged slot (built aside and copied in, its 8-byte
    // stores would be reloaded 16 bytes at a time: a store-forwarding stall per event).
    store::EventRecord local;
    StagedEvent *staged = m_staging ? &m_staged.emplace_back() : nullptr;
    store::EventRecord &rec = staged ? staged->rec : local;
    rec = store::EventRecord{};
    if (m_header.hasTime) {
        rec.time = m_header.time;
    } else {
        rec.time = ingest;
        flags |= store::TimeFromArrival;
    }
    rec.source = ch.id;
    rec.status = m_header.status;
    rec.severity = m_header.severity;
    rec.flags = flags;
    rec.setPosition(position);
    if (staged) {
        stageEvent(*staged, ch, line, position, ingest, attrs);
        return;
    }
    for (auto &p : m_processors) {
        if (!attrs.empty())
            p->onAttributes(attrs);
        const ProcessorVerdict v = p->onEvent(rec, line, *ch.parser);
        rec.flags |= v.flags;
        if (v.droppedLate) {
            ++m_stats.deadByReason[static_cast<size_t>(DeadLetterReason::Late)];
            m_deadLetters.add(DeadLetterReason::Late, ch.id, position, ingest, line);
        }
    }
    storeEvent(ch, rec, line, attrs, ingest);
}

__attribute__((always_inline)) inline void
Engine::storeEvent(Channel &ch, const store::EventRecord &rec, std::string_view line,
                   std::string_view attrs, TimestampNs ingest) {
    if (m_external.owner)
        m_store.appendExternal(rec, line, ingest, m_external);
    else if (!attrs.empty())
        m_store.appendWithAttributes(rec, line, attrs, ingest);
    else
        m_store.append(rec, line, ingest);
    ++m_stats.events;
    ++ch.events;
    m_stats.truncated += (rec.flags & store::Truncated) != 0;
    m_stats.minEventTime = std::min(m_stats.minEventTime, rec.time);
    m_stats.maxEventTime = std::max(m_stats.maxEventTime, rec.time);
    m_timeline.add(rec.time, RateTimeline::classOf(rec.status, rec.severity));
    m_severityTimeline.add(rec.time, RateTimeline::classOf(0, rec.severity));
}

// Processors that do not stage decide at once; the others when the group is flushed.
void Engine::stageEvent(StagedEvent &s, Channel &ch, std::string_view line, uint64_t position,
                        TimestampNs ingest, std::string_view attrs) {
    s.line = line;
    s.attrs = attrs;
    s.position = position;
    s.ingest = ingest;
    s.channel = &ch;
    s.lateDrops = 0;
    for (auto &p : m_processors) {
        if (!attrs.empty())
            p->onAttributes(attrs);
        if (p->stages()) {
            p->stage(s.rec, line, *ch.parser, true);
            continue;
        }
        const ProcessorVerdict v = p->onEvent(s.rec, line, *ch.parser);
        s.rec.flags |= v.flags;
        s.lateDrops += v.droppedLate ? 1 : 0;
    }
    if (m_staged.size() >= kStageGroup)
        flushStaged();
}

void Engine::flushStaged() {
    const size_t n = m_staged.size();
    if (n == 0)
        return;
    for (auto &p : m_processors) {
        if (!p->stages())
            continue;
        m_verdicts.assign(n, ProcessorVerdict{});
        p->finishStaged(m_verdicts.data(), n);
        for (size_t i = 0; i < n; ++i) {
            m_staged[i].rec.flags |= m_verdicts[i].flags;
            m_staged[i].lateDrops += m_verdicts[i].droppedLate ? 1 : 0;
        }
    }
    for (const StagedEvent &s : m_staged) {
        for (uint32_t k = 0; k < s.lateDrops; ++k) {
            ++m_stats.deadByReason[static_cast<size_t>(DeadLetterReason::Late)];
            m_deadLetters.add(DeadLetterReason::Late, s.channel->id, s.position, s.ingest, s.line);
        }
        storeEvent(*s.channel, s.rec, s.line, s.attrs, s.ingest);
    }
    m_staged.clear();
}

void Engine::publish() {
    auto snap = std::make_shared<Snapshot>();
    const int64_t now = monotonicNowNs();
    std::vector<std::shared_ptr<Slot>> slots;
    std::vector<std::shared_ptr<Channel>> channels;
    {
        std::lock_guard<std::mutex> lock(m_slotsMutex);
        slots = m_slots;
        channels = m_channels;
    }
    EngineStats &st = m_stats;
    st.droppedBatches = st.droppedMessages = st.droppedBytes = st.backpressureWaits = 0;
    st.queuedBytes = 0;
    for (const auto &s : slots) {
        SourceStatus ss;
        ss.name = s->source->name();
        ss.bounded = s->bounded;
        ss.ended = s->ended;
        ss.error = s->source->error();
        ss.status = s->source->status();
        ss.queue = s->queue->counters();
        ss.firstChannel = s->firstId;
        ss.metrics = s->source->metrics();
        if (s->rateSinceMono == 0 || ss.metrics.messages < s->rateMessages) {
            s->rateSinceMono = now;
            s->rateMessages = ss.metrics.messages;
        } else if (now - s->rateSinceMono >= kNsPerSecond) {
            s->messagesPerSecond = static_cast<double>(ss.metrics.messages - s->rateMessages) *
                                   1e9 / static_cast<double>(now - s->rateSinceMono);
            s->rateSinceMono = now;
            s->rateMessages = ss.metrics.messages;
        }
        ss.messagesPerSecond = s->messagesPerSecond;
        if (ss.metrics.state != source::SourceState::None) {
            const uint64_t done = s->storedMessages + ss.queue.droppedMessages;
            ss.waitingMessages = ss.metrics.messages > done ? ss.metrics.messages - done : 0;
            ss.waitingSeconds =
                ss.waitingMessages > 0 ? static_cast<double>(s->lastWaitNs) / 1e9 : 0.0;
        }
        st.droppedBatches += ss.queue.droppedBatches;
        st.droppedMessages += ss.queue.droppedMessages;
        st.droppedBytes += ss.queue.droppedBytes;
        st.backpressureWaits += ss.queue.backpressureWaits;
        st.queuedBytes += ss.queue.queuedBytes;
        snap->sources.push_back(std::move(ss));
    }
    for (const auto &c : channels) {
        if (c->parser && c->parser->schemaVersion() != c->decoderSchema) {
            c->decoderSchema = c->parser->schemaVersion();
            c->decoder = c->parser->clone();
            c->fieldNames = c->parser->fieldNames();
        }
        ChannelInfo info;
        info.id = c->id;
        info.name = c->name;
        info.format = c->format.empty() ? c->requestedFormat : c->format;
        info.matchRate = c->matchRate;
        info.detected = c->detected;
        info.events = c->events;
        info.deadLetters = c->deadLetters;
        info.fieldNames = c->fieldNames;
        info.decoder = c->decoder;
        info.reparsed = c->reparsed;
        info.reparsedFrom = c->reparsedFrom;
        snap->channels.push_back(std::move(info));
    }
    st.evictedEvents = m_store.evictedEvents();
    st.evictedDeadLetters = m_deadLetters.evicted();
    st.memoryBytes = m_store.memoryBytes() + m_deadLetters.memoryBytes();
    st.elapsedSeconds = static_cast<double>(now - m_startMono) / 1e9;
    if (now - m_rateWindowStart >= kNsPerSecond) {
        st.eventsPerSecond = static_cast<double>(st.events - m_rateWindowEvents) * 1e9 /
                             static_cast<double>(now - m_rateWindowStart);
        m_rateWindowStart = now;
        m_rateWindowEvents = st.events;
    }
    st.finished = allFinished();
    snap->stats = st;
    snap->events = m_store.snapshot();
    snap->deadLetters = m_deadLetters.snapshot();
    snap->timeline = m_timeline;
    snap->severityTimeline = m_severityTimeline;
    for (auto &p : m_processors)
        p->publish(*snap);
    std::function<void(uint64_t)> callback;
    uint64_t version;
    {
        std::lock_guard<std::mutex> lock(m_snapshotMutex);
        version = m_snapshot->version + 1;
        snap->version = version;
        m_snapshot = std::move(snap);
        m_version.store(version, std::memory_order_release);
        callback = m_onPublish;
    }
    m_publishedCv.notify_all();
    if (callback)
        callback(version);
}

void Engine::run() {
    const int64_t interval =
        std::chrono::duration_cast<std::chrono::nanoseconds>(m_options.publishInterval).count();
    int64_t nextPublish = monotonicNowNs();
    bool dirty = true;
    bool wasFinished = false;
    std::deque<source::RawBatch> batches;
    std::vector<std::shared_ptr<EventProcessor>> nextProcessors;
    bool replacing = false;
    while (true) {
        {
            std::unique_lock<std::mutex> lock(m_wakeMutex);
            const int64_t waitNs =
                dirty ? std::max<int64_t>(0, nextPublish - monotonicNowNs()) : 200 * kNsPerMs;
            m_wakeCv.wait_for(lock, std::chrono::nanoseconds(waitNs),
                              [this] { return m_workPending || m_stopRequested; });
            m_workPending = false;
            if (m_stopRequested)
                break;
            if (m_processorsPending) {
                m_processorsPending = false;
                nextProcessors = std::move(m_nextProcessors);
                m_nextProcessors.clear();
                replacing = true;
            }
        }
        if (replacing) {
            applyProcessors(std::move(nextProcessors));
            nextProcessors.clear();
            replacing = false;
            dirty = true;
        }
        if (runReparses())
            dirty = true;
        std::vector<std::shared_ptr<Slot>> slots;
        {
            std::lock_guard<std::mutex> lock(m_slotsMutex);
            slots = m_slots;
        }
        for (const auto &slot : slots) {
            slot->queue->popAll(batches);
            for (auto &b : batches) {
                const int64_t t0 = monotonicNowNs();
                const uint64_t ack = b.ackToken;
                if (const size_t records = processBatch(*slot, b)) {
                    slot->storedMessages += records;
                    if (b.ingestTime.value != 0)
                        slot->lastWaitNs =
                            std::max<int64_t>(0, wallNow().value - b.ingestTime.value);
                }
                // Stored: at-least-once sources (Kafka) may now commit this batch's offsets.
                if (ack != 0)
                    slot->source->acknowledge(ack);
                slot->queue->recycle(std::move(b.data));
                const int64_t t1 = monotonicNowNs();
                m_stats.busySeconds += static_cast<double>(t1 - t0) / 1e9;
                dirty = true;
                if (t1 >= nextPublish) {
                    publish();
                    nextPublish = t1 + interval;
                }
            }
            batches.clear();
        }
        const int64_t now = monotonicNowNs();
        for (auto &p : m_processors)
            p->onTick(now);
        const bool finished = allFinished();
        if ((dirty && now >= nextPublish) || finished != wasFinished || !dirty) {
            publish();
            nextPublish = now + interval;
            dirty = false;
            wasFinished = finished;
        }
    }
    publish();
}

} // namespace weir::engine
