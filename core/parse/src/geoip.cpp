// SPDX-License-Identifier: GPL-3.0-or-later
#include "weir/parse/geoip.h"

#include "weir/parse/field_types.h"

#include <arpa/inet.h>
#include <cerrno>
#include <cstring>
#include <map>
#include <maxminddb.h>
#include <mutex>
#include <netinet/in.h>
#include <sys/socket.h>

namespace weir::parse {

struct GeoIpDatabase::Impl {
    MMDB_s mmdb{};
    bool opened = false; // MMDB_close only after a successful MMDB_open
    ~Impl() {
        if (opened)
            MMDB_close(&mmdb);
    }
};

GeoIpDatabase::GeoIpDatabase(std::unique_ptr<Impl> impl, std::string path)
    : m_impl(std::move(impl))
    , m_path(std::move(path)) {}

GeoIpDatabase::~GeoIpDatabase() = default;

std::shared_ptr<const GeoIpDatabase> GeoIpDatabase::open(const std::string &path,
                                                         std::string *error) {
    // Open databases by path, so every parser and clone of a run shares one mapping.
    static std::mutex mutex;
    static std::map<std::string, std::weak_ptr<const GeoIpDatabase>> open;
    std::lock_guard<std::mutex> lock(mutex);
    if (auto it = open.find(path); it != open.end()) {
        if (auto db = it->second.lock())
            return db;
    }
    auto impl = std::make_unique<Impl>();
    errno = 0;
    const int status = MMDB_open(path.c_str(), MMDB_MODE_MMAP, &impl->mmdb);
    const int savedErrno = errno;
    if (status != MMDB_SUCCESS) {
        // MMDB_open has freed what it allocated.
        if (error) {
            *error = "geoip: cannot open '" + path + "': " + MMDB_strerror(status);
            if ((status == MMDB_IO_ERROR || status == MMDB_FILE_OPEN_ERROR) && savedErrno)
                *error += std::string(" (") + std::strerror(savedErrno) + ")";
        }
        return nullptr;
    }
    impl->opened = true;
    std::shared_ptr<const GeoIpDatabase> db(new GeoIpDatabase(std::move(impl), path));
    open[path] = db;
    return db;
}

std::string_view GeoIpDatabase::databaseType() const {
    const char *t = m_impl->mmdb.metadata.database_type;
    return t ? std::string_view(t) : std::string_view();
}

namespace {

// A UTF-8 string value at `path`, or empty.
std::string_view stringAt(MMDB_entry_s &entry, const char *const *path) {
    MMDB_entry_data_s data{};
    if (MMDB_aget_value(&entry, &data, path) != MMDB_SUCCESS || !data.has_data ||
        data.type != MMDB_DATA_TYPE_UTF8_STRING)
        return {};
    return {data.utf8_string, data.data_size};
}

} // namespace

bool GeoIpDatabase::lookup(std::string_view ip, GeoLocation &out) const {
    out = GeoLocation{};
    if (!ip.empty() && ip.front() == '[' && ip.back() == ']')
        ip = ip.substr(1, ip.size() - 2);
    if (const size_t zone = ip.find('%'); zone != std::string_view::npos)
        ip = ip.substr(0, zone);
    char text[INET6_ADDRSTRLEN + 1];
    if (ip.empty() || ip.size() >= sizeof text || std::memchr(ip.data(), '\0', ip.size()))
        return false;
    std::memcpy(text, ip.data(), ip.size());
    text[ip.size()] = '\0';
    sockaddr_storage storage{};
    if (inet_pton(AF_INET, text, &reinterpret_cast<sockaddr_in &>(storage).sin_addr) == 1) {
        storage.ss_family = AF_INET;
    } else if (inet_pton(AF_INET6, text, &reinterpret_cast<sockaddr_in6 &>(storage).sin6_addr) ==
               1) {
        storage.ss_family = AF_INET6;
    } else {
        return false;
    }
    int status = MMDB_SUCCESS;
    MMDB_lookup_result_s r =
        MMDB_lookup_sockaddr(&m_impl->mmdb, reinterpret_cast<const sockaddr *>(&storage), &status);
    if (status != MMDB_SUCCESS || !r.found_entry)
        return false;
    static const char *const kCountryName[] = {"country", "names", "en", nullptr};
    static const char *const kCountryCode[] = {"country", "iso_code", nullptr};
    static const char *const kRegisteredName[] = {"registered_country", "names", "en", nullptr};
    static const char *const kRegisteredCode[] = {"registered_country", "iso_code", nullptr};
    static const char *const kCityName[] = {"city", "names", "en", nullptr};
    out.countryCode = stringAt(r.entry, kCountryCode);
    out.country = stringAt(r.entry, kCountryName);
    if (out.country.empty() && out.countryCode.empty()) {
        out.countryCode = stringAt(r.entry, kRegisteredCode);
        out.country = stringAt(r.entry, kRegisteredName);
    }
    if (out.country.empty())
        out.country = out.countryCode;
    out.city = stringAt(r.entry, kCityName);
    return out.any();
}

GeoIpEnricher::GeoIpEnricher(std::unique_ptr<Parser> inner, std::shared_ptr<const GeoIpDatabase> db,
                             std::string ipField)
    : m_inner(std::move(inner))
    , m_db(std::move(db))
    , m_ipField(std::move(ipField)) {}

bool GeoIpEnricher::parseFields(std::string_view line, FieldList &out) const {
    if (!m_inner->parseFields(line, out))
        return false;
    const Field *ip = nullptr;
    if (!m_ipField.empty()) {
        ip = out.find(m_ipField);
    } else {
        // Typed IP fields, or strings holding an address (JSON keeps its own types).
        for (const auto &f : out.fields) {
            if (f.type == FieldType::Ip || (f.type == FieldType::String && isIpAddress(f.text))) {
                ip = &f;
                break;
            }
        }
    }
    GeoLocation geo;
    if (!ip || !m_db->lookup(ip->text, geo))
        return true;
    // Copies: the fields may outlive this parser (and so the mapping) in a consumer's hands.
    const auto add = [&](std::string_view name, std::string_view value) {
        if (value.empty())
            return;
        Field f;
        f.name = name;
        f.type = FieldType::String;
        f.text = out.keep(std::string(value));
        out.fields.push_back(f);
    };
    add(kGeoCountryField, geo.country);
    add(kGeoCountryCodeField, geo.countryCode);
    add(kGeoCityField, geo.city);
    return true;
}

std::vector<std::string> GeoIpEnricher::fieldNames() const {
    std::vector<std::string> names = m_inner->fieldNames();
    names.emplace_back(kGeoCountryField);
    names.emplace_back(kGeoCountryCodeField);
    names.emplace_back(kGeoCityField);
    return names;
}

std::unique_ptr<Parser> GeoIpEnricher::clone() const {
    return std::make_unique<GeoIpEnricher>(m_inner->clone(), m_db, m_ipField);
}

} // namespace weir::parse
