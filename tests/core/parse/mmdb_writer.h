// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// A minimal writer of MaxMind DB files for tests, written from the published format
// specification (https://maxmind.github.io/MaxMind-DB/): a binary search tree over the address
// bits (24-bit records), 16 zero bytes, a data section in the MaxMind DB data format, then
// "\xAB\xCD\xEFMaxMind.com" and the metadata map. Enough to build GeoIP2-City-shaped records
// (country.iso_code, country.names.en, city.names.en) for a few networks, IPv4 and IPv6.

#include <arpa/inet.h>
#include <array>
#include <cstdint>
#include <fstream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace weir::test {

// Values of the MaxMind DB data format, encoded in place.
class MmdbData {
public:
    std::string bytes;

    void string(const std::string &s) {
        control(2, s.size());
        bytes += s;
    }
    void mapHeader(size_t pairs) { control(7, pairs); }
    void arrayHeader(size_t items) { control(11, items); }
    void uint16(uint16_t v) { unsignedValue(5, v); }
    void uint32(uint32_t v) { unsignedValue(6, v); }
    void uint64(uint64_t v) { unsignedValue(9, v); }

    // Type number (1..15) and payload size: the control byte, the extended type byte for
    // types above 7, then 0-3 size bytes.
    void control(unsigned type, size_t size) {
        std::string sizeBytes;
        unsigned sizeBits = 0;
        if (size < 29) {
            sizeBits = static_cast<unsigned>(size);
        } else if (size < 29 + 256) {
            sizeBits = 29;
            sizeBytes += static_cast<char>(size - 29);
        } else if (size < 285 + 65536) {
            sizeBits = 30;
            const size_t v = size - 285;
            sizeBytes += static_cast<char>(v >> 8);
            sizeBytes += static_cast<char>(v & 0xff);
        } else {
            sizeBits = 31;
            const size_t v = size - 65821;
            sizeBytes += static_cast<char>(v >> 16);
            sizeBytes += static_cast<char>((v >> 8) & 0xff);
            sizeBytes += static_cast<char>(v & 0xff);
        }
        if (type <= 7) {
            bytes += static_cast<char>((type << 5) | sizeBits);
        } else {
            bytes += static_cast<char>(sizeBits);
            bytes += static_cast<char>(type - 7);
        }
        bytes += sizeBytes;
    }

private:
    void unsignedValue(unsigned type, uint64_t v) {
        std::string be;
        while (v) {
            be.insert(be.begin(), static_cast<char>(v & 0xff));
            v >>= 8;
        }
        control(type, be.size());
        bytes += be;
    }
};

class MmdbWriter {
public:
    // ipVersion 6 holds IPv4 networks under ::/96, as MaxMind's own databases do.
    explicit MmdbWriter(int ipVersion = 6)
        : m_ipVersion(ipVersion) {
        m_nodes.emplace_back();
    }

    // "81.2.69.0/24" or "2a02:8000::/20" -> a GeoIP2-City-shaped record. An empty city leaves
    // the city out (a country-level record).
    void addNetwork(const std::string &cidr, const std::string &isoCode,
                    const std::string &countryName, const std::string &city = "") {
        MmdbData d;
        d.mapHeader(city.empty() ? 1 : 2);
        if (!city.empty()) {
            d.string("city");
            d.mapHeader(1);
            d.string("names");
            d.mapHeader(1);
            d.string("en");
            d.string(city);
        }
        d.string("country");
        d.mapHeader(2);
        d.string("iso_code");
        d.string(isoCode);
        d.string("names");
        d.mapHeader(1);
        d.string("en");
        d.string(countryName);
        addRecord(cidr, d.bytes);
    }

    // A network whose record is the given encoded data (for damaged-record tests).
    void addRecord(const std::string &cidr, const std::string &encoded) {
        const uint32_t offset = static_cast<uint32_t>(m_data.size());
        m_data += encoded;
        insert(cidr, Child{Kind::Data, offset});
    }

    // A network whose tree record points `beyond` bytes past the end of the data section.
    void addDanglingRecord(const std::string &cidr, uint32_t beyond) {
        m_dangling.push_back(beyond);
        insert(cidr, Child{Kind::Dangling, static_cast<uint32_t>(m_dangling.size() - 1)});
    }

    std::string build() const {
        const uint32_t nodeCount = static_cast<uint32_t>(m_nodes.size());
        std::string out;
        const auto record = [&](const Child &c) {
            uint32_t v = nodeCount; // empty
            if (c.kind == Kind::Node)
                v = c.value;
            else if (c.kind == Kind::Data)
                v = nodeCount + 16 + c.value;
            else if (c.kind == Kind::Dangling)
                v = nodeCount + 16 + static_cast<uint32_t>(m_data.size()) + m_dangling[c.value];
            if (v >= (1u << 24))
                throw std::runtime_error("record does not fit 24 bits");
            out += static_cast<char>(v >> 16);
            out += static_cast<char>((v >> 8) & 0xff);
            out += static_cast<char>(v & 0xff);
        };
        for (const auto &n : m_nodes) {
            record(n.child[0]);
            record(n.child[1]);
        }
        out += std::string(16, '\0');
        out += m_data;
        out += "\xAB\xCD\xEFMaxMind.com";
        MmdbData m;
        m.mapHeader(9);
        m.string("binary_format_major_version");
        m.uint16(2);
        m.string("binary_format_minor_version");
        m.uint16(0);
        m.string("build_epoch");
        m.uint64(1700000000);
        m.string("database_type");
        m.string("Weir-Test-City");
        m.string("description");
        m.mapHeader(1);
        m.string("en");
        m.string("Weir test database");
        m.string("ip_version");
        m.uint16(static_cast<uint16_t>(m_ipVersion));
        m.string("languages");
        m.arrayHeader(1);
        m.string("en");
        m.string("node_count");
        m.uint32(nodeCount);
        m.string("record_size");
        m.uint16(24);
        out += m.bytes;
        return out;
    }

    static void writeFile(const std::string &path, const std::string &bytes) {
        std::ofstream f(path, std::ios::binary | std::ios::trunc);
        f.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
        if (!f)
            throw std::runtime_error("cannot write " + path);
    }

private:
    enum class Kind { Empty, Node, Data, Dangling };
    struct Child {
        Kind kind = Kind::Empty;
        uint32_t value = 0;
    };
    struct Node {
        std::array<Child, 2> child;
    };

    void insert(const std::string &cidr, Child leaf) {
        const size_t slash = cidr.find('/');
        const std::string addr = cidr.substr(0, slash);
        int prefix = std::stoi(cidr.substr(slash + 1));
        std::array<uint8_t, 16> bits{};
        if (addr.find(':') == std::string::npos) {
            if (inet_pton(AF_INET, addr.c_str(), bits.data() + 12) != 1)
                throw std::runtime_error("bad IPv4 network " + cidr);
            if (m_ipVersion == 6)
                prefix += 96; // ::a.b.c.d
        } else {
            if (m_ipVersion != 6 || inet_pton(AF_INET6, addr.c_str(), bits.data()) != 1)
                throw std::runtime_error("bad IPv6 network " + cidr);
        }
        const int first = m_ipVersion == 6 ? 0 : 96; // IPv4 trees hold the last 32 bits only
        uint32_t node = 0;
        for (int depth = first; depth < first + prefix; ++depth) {
            const int bit = (bits[static_cast<size_t>(depth / 8)] >> (7 - depth % 8)) & 1;
            Child &c = m_nodes[node].child[static_cast<size_t>(bit)];
            if (depth == first + prefix - 1) {
                c = leaf;
                return;
            }
            if (c.kind != Kind::Node) {
                // Split an empty or less specific record into a node holding it twice.
                const Child inherited = c;
                m_nodes.emplace_back();
                const uint32_t created = static_cast<uint32_t>(m_nodes.size() - 1);
                m_nodes[created].child = {inherited, inherited};
                m_nodes[node].child[static_cast<size_t>(bit)] = Child{Kind::Node, created};
            }
            node = m_nodes[node].child[static_cast<size_t>(bit)].value;
        }
    }

    int m_ipVersion;
    std::vector<Node> m_nodes;
    std::string m_data;
    std::vector<uint32_t> m_dangling;
};

} // namespace weir::test
