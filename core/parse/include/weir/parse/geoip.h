// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "weir/parse/parser.h"

#include <memory>
#include <string>
#include <string_view>

namespace weir::parse {

// What a MaxMind-format database knows about one address. Views point into the database's
// read-only mapping and stay valid while the GeoIpDatabase lives.
struct GeoLocation {
    std::string_view country;     // English name, else the ISO code
    std::string_view countryCode; // ISO 3166-1 alpha-2
    std::string_view city;        // English name
    bool any() const { return !country.empty() || !countryCode.empty() || !city.empty(); }
};

// A MaxMind DB file (GeoLite2/GeoIP2 Country or City, or any database with the same keys),
// mapped read-only through libmaxminddb. Thread contract: immutable after open; lookup is
// const and safe from any thread at once.
class GeoIpDatabase {
public:
    // nullptr with *error set ("cannot open 'x.mmdb': ...") for a missing or corrupt file.
    // Databases are shared: opening the same path again returns the same mapping while any
    // holder keeps it.
    static std::shared_ptr<const GeoIpDatabase> open(const std::string &path, std::string *error);
    ~GeoIpDatabase();
    GeoIpDatabase(const GeoIpDatabase &) = delete;
    GeoIpDatabase &operator=(const GeoIpDatabase &) = delete;

    // False for text that is not an IP address, an address the database does not cover, or a
    // record the database cannot decode (a damaged data section): never throws, never reads
    // outside the file.
    bool lookup(std::string_view ip, GeoLocation &out) const;

    const std::string &path() const { return m_path; }
    std::string_view databaseType() const;

private:
    struct Impl;
    explicit GeoIpDatabase(std::unique_ptr<Impl> impl, std::string path);
    std::unique_ptr<Impl> m_impl;
    std::string m_path;
};

// Field names the enrichment adds.
inline constexpr std::string_view kGeoCountryField = "geo.country";
inline constexpr std::string_view kGeoCountryCodeField = "geo.country_code";
inline constexpr std::string_view kGeoCityField = "geo.city";

// Decorates a parser: parseFields appends geo.country, geo.country_code and geo.city for the
// IP in `ipField` (empty: the first field typed as an IP address, or the first string field
// holding one). The hot path (parseHeader)
// is the inner parser's, untouched. Thread contract: as Parser; clones share the database.
class GeoIpEnricher final : public Parser {
public:
    GeoIpEnricher(std::unique_ptr<Parser> inner, std::shared_ptr<const GeoIpDatabase> db,
                  std::string ipField);

    std::string_view formatName() const override { return m_inner->formatName(); }
    ParseResult parseHeader(std::string_view line, EventHeader &out) override {
        return m_inner->parseHeader(line, out);
    }
    void prepareLines(const std::string_view *lines, size_t count) override {
        m_inner->prepareLines(lines, count);
    }
    bool batchesLines() const override { return m_inner->batchesLines(); }
    bool parseFields(std::string_view line, FieldList &out) const override;
    std::vector<std::string> fieldNames() const override;
    uint64_t schemaVersion() const override { return m_inner->schemaVersion(); }
    std::unique_ptr<Parser> clone() const override;

    const Parser &inner() const { return *m_inner; }

private:
    std::unique_ptr<Parser> m_inner;
    std::shared_ptr<const GeoIpDatabase> m_db;
    std::string m_ipField;
};

} // namespace weir::parse
