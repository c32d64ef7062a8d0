// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "weir/common/types.h"
#include "weir/parse/parser.h"

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace weir::query {

// One input channel as the filter sees it, indexed by SourceId value. Built from the engine
// snapshot's ChannelInfo (name, decoder, fieldNames); the decoder must be safe to call from
// the thread that evaluates (engine decoders are).
struct SourceEntry {
    std::string name;
    std::shared_ptr<const parse::Parser> decoder;
    std::vector<std::string> fieldNames;
};
using SourceCatalog = std::vector<SourceEntry>;

// Why a filter expression did not compile. `position` is a 0-based byte offset into the
// expression text (the end of the text for "unexpected end" errors).
struct QueryError {
    size_t position = 0;
    std::string reason;

    // "column 8: expected a value after '>='" (1-based column).
    std::string toString() const;
    // The expression, then a caret under the position, then the reason (for terminals).
    std::string pointer(std::string_view text) const;
};

struct CompileOptions {
    // The instant `last 5m` is relative to. Headless replays pass the end of the data.
    TimestampNs now = kMinTimestamp; // kMinTimestamp: the wall clock at compile time
};

struct Program; // the compiled form, immutable, shared by copies of a Query

// A filter expression parsed once into a compiled predicate. Immutable and cheap to copy;
// one Query may be evaluated by several threads at once, each through its own Matcher.
//
// Language (see docs in core/query/README.md):
//   free text           error   "connection reset"     (case-insensitive substring of the raw line)
//   regex on the line   /time(d)?out/   /GET/i
//   field match         path:/api/*   host="10.0.0.1"   user!=bob   (case-insensitive, * wildcard)
//   comparisons         status>=500   bytes<1k   latency>0.5   (k/m/g/t suffixes, 1k = 1024)
//   field regex         agent~/bot/i   path!~/^\/static/
//   lists and ranges    status in (500,502)   status:500..599   status:5xx   bytes:1k..1m
//   time                time>"2026-11-22 10:00"   time:"2026-11-22".."2026-11-23"   last 5m
//   level               level>=warn   level:error   level in (error, critical)
//   source              source:access.log   source~/node-\d+/
//   presence            user_agent:*
//   boolean             a and b, a b (implicit and), a or b, not a, !a, -a, ( ... )
class Query {
public:
    // An empty query: matches everything.
    Query();

    // Parses and compiles `text`. On failure returns nullopt and fills *error when given.
    static std::optional<Query> compile(std::string_view text, const CompileOptions &options = {},
                                        QueryError *error = nullptr);

    const std::string &text() const;
    bool matchesEverything() const;
    // Needs only the 32-byte record (time, level, status, source): no raw text, no fields.
    bool isRecordOnly() const;
    // Needs parsed fields for at least some events.
    bool needsFields() const;
    // Canonical s-expression of the compiled tree, e.g. (and (status >= 500) (text "x")).
    // Children appear in evaluation order (cheap record tests first).
    std::string describe() const;

    const std::shared_ptr<const Program> &program() const { return m_program; }

private:
    explicit Query(std::shared_ptr<const Program> program);
    std::shared_ptr<const Program> m_program;
};

} // namespace weir::query
