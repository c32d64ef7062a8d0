// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "weir/common/types.h"

#include <deque>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace weir::parse {

// Why a line or message did not become an event. Stable names: they appear in --stats output.
enum class DeadLetterReason : uint8_t {
    None = 0,
    Malformed,    // the format did not match
    BadTimestamp, // matched, but the time field does not parse
    InvalidUtf8,  // not valid UTF-8
    Empty,        // blank line or empty message
    Late,         // behind the watermark beyond the allowed lateness
    TooLong,      // cut at the line limit and no longer parseable
    Count_,
};
std::string_view reasonName(DeadLetterReason r);

// The few values the store keeps for every event; everything else is derived from the raw
// bytes on demand through Parser::parseFields.
struct EventHeader {
    TimestampNs time{};
    bool hasTime = false;
    Severity severity = Severity::Unknown;
    uint16_t status = 0; // HTTP status where the format has one
};

enum class ParseStatus : uint8_t {
    Event,      // a valid event; the header is filled
    Header,     // a schema line (a CSV header row): consumed, not an event
    DeadLetter, // see ParseResult::reason
};

struct ParseResult {
    ParseStatus status = ParseStatus::Event;
    DeadLetterReason reason = DeadLetterReason::None;

    static ParseResult event() { return {}; }
    static ParseResult header() { return {ParseStatus::Header, DeadLetterReason::None}; }
    static ParseResult dead(DeadLetterReason r) { return {ParseStatus::DeadLetter, r}; }
};

enum class FieldType : uint8_t { Null, String, Int, Float, Time, Bool, Ip };
std::string_view fieldTypeName(FieldType t);

struct Field {
    std::string_view name;
    FieldType type = FieldType::Null;
    std::string_view text; // the field's text as it appears (unescaped where needed)
    int64_t i = 0;         // Int, Bool (0/1) and Time (ns since epoch)
    double f = 0;          // Float; also set for Int
};

// Fields of one event. Views point into the raw line, into static names, or into `keep`.
class FieldList {
public:
    std::vector<Field> fields;

    void clear() {
        fields.clear();
        if (!m_storage.empty()) // most events keep nothing: no call then
            m_storage.clear();
    }
    // Stores a string for the lifetime of this list and returns a stable view of it.
    std::string_view keep(std::string s) {
        m_storage.push_back(std::move(s));
        return m_storage.back();
    }
    const Field *find(std::string_view name) const {
        for (const auto &f : fields) {
            if (f.name.size() == name.size() && sameBytes(f.name.data(), name.data(), name.size()))
                return &f;
        }
        return nullptr;
    }

private:
    // Field names are short: a byte loop, not a call to memcmp per field (window pipelines look
    // fields up for every event).
    static bool sameBytes(const char *a, const char *b, size_t n) {
        for (size_t i = 0; i < n; ++i) {
            if (a[i] != b[i])
                return false;
        }
        return true;
    }

    std::deque<std::string> m_storage;
};

// The fields a consumer reads from every event (a window pipeline's key and value fields), for
// Parser::parseNamedFields. It also holds a memo a parser may keep between calls (CSV: which
// columns hold these fields under the header it last saw), so a selection belongs to one
// consumer on one thread.
class FieldSelection {
public:
    FieldSelection() = default;
    explicit FieldSelection(std::vector<std::string> names)
        : m_names(std::move(names)) {}

    const std::vector<std::string> &names() const { return m_names; }
    bool contains(std::string_view name) const {
        for (const std::string &n : m_names) {
            if (n == name)
                return true;
        }
        return false;
    }

    // For parsers: `tag` names the state `indices` were computed for (0: nothing yet). A tag
    // must identify the parser's field layout exactly, across all parsers alive.
    struct Memo {
        uint64_t tag = 0;
        std::vector<uint32_t> indices;
    };
    Memo &memo() const { return m_memo; }

private:
    std::vector<std::string> m_names;
    mutable Memo m_memo;
};

// A log or message format. Thread contract: parseHeader is called only by the engine thread
// and may update schema state (a CSV header row); parseFields and the rest are const and safe
// to call from any thread on a clone taken after the last schema change.
class Parser {
public:
    virtual ~Parser() = default;

    // Short stable name, e.g. "combined", "csv", "json".
    virtual std::string_view formatName() const = 0;

    // Hot path: no allocation. `line` has no trailing newline (a trailing CR is allowed).
    virtual ParseResult parseHeader(std::string_view line, EventHeader &out) = 0;

    // Optional batching, engine thread: announces the lines the next parseHeader calls will
    // get, in that order (some may be skipped, or passed cut shorter). A parser may parse them
    // together; it must then answer parseHeader exactly as it would line by line, and only for
    // a view with the same data pointer and length. prepareLines(nullptr, 0) forgets them
    // (their memory may be reused after it). The views must stay valid until then.
    virtual void prepareLines(const std::string_view *lines, size_t count) {
        (void)lines;
        (void)count;
    }
    // True when prepareLines is worth calling.
    virtual bool batchesLines() const { return false; }

    // Full typed fields for display and export; false when the line does not parse.
    virtual bool parseFields(std::string_view line, FieldList &out) const = 0;
    // For consumers that read a few fields of every event (window pipelines): like parseFields,
    // but only the fields named in `selection` must be in `out`, typed and ordered as
    // parseFields gives them (FieldList::find finds the same field); others may be left out.
    // The default gives every field.
    virtual bool parseNamedFields(std::string_view line, const FieldSelection &selection,
                                  FieldList &out) const {
        (void)selection;
        return parseFields(line, out);
    }

    // Engine thread only, for the line the last parseHeader call was given, right after it
    // returned an event: parseNamedFields, but a parser may reuse what parseHeader found in
    // that line (CSV: its cells). The default is parseNamedFields.
    virtual bool parseNamedFieldsOfHeaderLine(std::string_view line,
                                              const FieldSelection &selection,
                                              FieldList &out) const {
        return parseNamedFields(line, selection, out);
    }

    // Column names in display order, as known so far.
    virtual std::vector<std::string> fieldNames() const = 0;

    // Incremented whenever parseHeader changed the schema (so clones must be refreshed).
    virtual uint64_t schemaVersion() const { return 0; }

    virtual std::unique_ptr<Parser> clone() const = 0;
};

} // namespace weir::parse
