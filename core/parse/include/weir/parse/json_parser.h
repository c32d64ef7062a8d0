#pragma once

#include "weir/parse/parser.h"

#include <string>
#include <vector>

namespace weir::parse {

// One JSON object per line. Nested objects are flattened to dotted names ("a.b.c"); arrays are
// kept as their JSON text. The event time is the configured field, else the first field with
// a conventional time name; the level likewise.
class JsonParser final : public Parser {
public:
    struct Options {
        std::string timeField;  // empty: auto
        std::string levelField; // empty: auto
    };

    JsonParser() = default;
    explicit JsonParser(Options options)
        : m_options(std::move(options)) {}

    std::string_view formatName() const override { return "json"; }
    ParseResult parseHeader(std::string_view line, EventHeader &out) override;
    bool parseFields(std::string_view line, FieldList &out) const override;
    std::vector<std::string> fieldNames() const override { return m_names; }
    uint64_t schemaVersion() const override { return m_names.size(); }
    std::unique_ptr<Parser> clone() const override;

    enum class ValueKind : uint8_t { String, Number, Bool, Null, Array };
    struct Value {
        ValueKind kind;
        std::string_view raw; // string body without quotes (escapes kept), or the literal text
        bool escaped = false; // a string body containing backslash escapes
    };
    // Visits every scalar or array leaf with its dotted path. False if the text is not one
    // JSON object (trailing whitespace allowed).
    template<typename Visitor>
    static bool walk(std::string_view line, std::string &path, Visitor &&visit);

    static std::string unescape(std::string_view body);

private:
    Options m_options;
    std::vector<std::string> m_names; // seen in the first lines, for columns
    std::string m_path;               // engine-thread scratch
    size_t m_sampled = 0;
};

} // namespace weir::parse
