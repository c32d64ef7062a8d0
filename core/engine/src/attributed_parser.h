// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "weir/parse/parser.h"

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace weir::engine {

// Wraps a channel's parser for message sources: parseFields adds the provenance fields of the
// message being processed (store::appendAttributeFields) after the payload's, and fieldNames
// lists the provenance fields seen so far, so that catalogs, filters and exports know them.
// Thread contract: the engine thread owns it and sets the current message's attributes before
// handing it to processors; clones (the decoders readers use) carry no current attributes
// (readers take them from the stored event, EventRef::attributes).
class AttributedParser final : public parse::Parser {
public:
    explicit AttributedParser(std::unique_ptr<parse::Parser> inner);

    // Engine thread: the attributes of the message about to be processed (empty: none).
    void setCurrent(std::string_view attrs) { m_current = attrs; }
    // Engine thread: records the field names `attrs` gives (bumps schemaVersion if new).
    void noteNames(std::string_view attrs);

    std::string_view formatName() const override { return m_inner->formatName(); }
    parse::ParseResult parseHeader(std::string_view line, parse::EventHeader &out) override {
        return m_inner->parseHeader(line, out);
    }
    void prepareLines(const std::string_view *lines, size_t count) override {
        m_inner->prepareLines(lines, count);
    }
    bool batchesLines() const override { return m_inner->batchesLines(); }
    bool parseFields(std::string_view line, parse::FieldList &out) const override;
    std::vector<std::string> fieldNames() const override;
    uint64_t schemaVersion() const override { return m_inner->schemaVersion() + m_namesVersion; }
    std::unique_ptr<parse::Parser> clone() const override;

private:
    std::unique_ptr<parse::Parser> m_inner;
    std::vector<std::string> m_names; // provenance field names seen, in order
    uint64_t m_namesVersion = 0;
    std::string_view m_current;
};

} // namespace weir::engine
