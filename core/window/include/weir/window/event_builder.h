// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "weir/parse/parser.h"
#include "weir/window/aggregate.h"
#include "weir/window/window_operator.h"

#include <string>
#include <string_view>
#include <vector>

namespace weir::window {

// Turns one parsed event (typed fields from Parser::parseFields) into an InputEvent: the key
// is the texts of the key fields joined with '|' (a missing field gives an empty part), the
// values follow the operator's input fields, and the dedup key is either the joined texts of
// the dedup fields or, for the single dedup field "raw" (or "line"), the raw line itself.
// Views in the returned event stay valid until the next build() or until `fields` changes.
// Not thread-safe: one per owner thread.
class EventBuilder {
public:
    EventBuilder(std::vector<std::string> keyFields, std::vector<std::string> inputFields,
                 std::vector<std::string> dedupFields = {});

    InputEvent build(TimestampNs time, SourceId source, const parse::FieldList &fields,
                     std::string_view raw);
    // The same event written in place: into `out`, with its values in `values` (one per input
    // field; `out.values` points there). For callers that keep events in arrays (staged
    // groups): no event or value is built aside and copied in.
    void buildInto(TimestampNs time, SourceId source, const parse::FieldList &fields,
                   std::string_view raw, InputEvent &out, FieldValue *values);

    static std::vector<std::string> splitList(std::string_view commaList);

private:
    static void joinInto(std::string &out, const std::vector<std::string> &names,
                         const parse::FieldList &fields);

    std::vector<std::string> m_keyFields;
    std::vector<std::string> m_inputFields;
    std::vector<std::string> m_dedupFields;
    bool m_dedupRaw = false;
    std::string m_key;
    std::string m_dedup;
    std::vector<FieldValue> m_values;
};

} // namespace weir::window
