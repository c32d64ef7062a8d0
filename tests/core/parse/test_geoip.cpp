// SPDX-License-Identifier: GPL-3.0-or-later
// GeoIP enrichment against MaxMind DB files the test writes itself (mmdb_writer.h).
#include "mmdb_writer.h"
#include "weir/parse/format_options.h"
#include "weir/parse/format_registry.h"
#include "weir/parse/geoip.h"

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <map>
#include <sstream>
#include <string>
#include <unistd.h>

namespace fs = std::filesystem;
using namespace weir::parse;
using weir::test::MmdbData;
using weir::test::MmdbWriter;

namespace {

class GeoIpTest : public ::testing::Test {
protected:
    void SetUp() override {
        m_dir = fs::temp_directory_path() /
                ("weir-geoip-" + std::to_string(::getpid()) + "-" +
                 ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::create_directories(m_dir);
    }
    void TearDown() override {
        std::error_code ec;
        fs::remove_all(m_dir, ec);
    }
    std::string path(const std::string &name) const { return (m_dir / name).string(); }

    // The reference database: three IPv4 networks and two IPv6 networks.
    std::string cityDb(const std::string &name = "city.mmdb") const {
        MmdbWriter w;
        w.addNetwork("81.2.69.0/24", "GB", "United Kingdom", "London");
        w.addNetwork("89.160.20.112/28", "SE", "Sweden", "Linköping");
        w.addNetwork("175.16.199.0/24", "CN", "China"); // country only
        w.addNetwork("2001:db8::/32", "DE", "Germany", "Berlin");
        w.addNetwork("2a02:cf40::/29", "NO", "Norway", "Oslo");
        const std::string p = path(name);
        MmdbWriter::writeFile(p, w.build());
        return p;
    }

    std::string fieldText(const FieldList &f, std::string_view name) {
        const Field *x = f.find(name);
        return x ? std::string(x->text) : std::string("<none>");
    }

    fs::path m_dir;
};

TEST_F(GeoIpTest, LooksUpIpv4AndIpv6Networks) {
    std::string error;
    auto db = GeoIpDatabase::open(cityDb(), &error);
    ASSERT_TRUE(db) << error;
    EXPECT_EQ(db->databaseType(), "Weir-Test-City");
    GeoLocation g;
    ASSERT_TRUE(db->lookup("81.2.69.160", g));
    EXPECT_EQ(g.country, "United Kingdom");
    EXPECT_EQ(g.countryCode, "GB");
    EXPECT_EQ(g.city, "London");
    ASSERT_TRUE(db->lookup("89.160.20.120", g));
    EXPECT_EQ(g.city, "Linköping");
    ASSERT_TRUE(db->lookup("175.16.199.1", g));
    EXPECT_EQ(g.country, "China");
    EXPECT_EQ(g.city, "");
    ASSERT_TRUE(db->lookup("2001:db8::1", g));
    EXPECT_EQ(g.country, "Germany");
    EXPECT_EQ(g.city, "Berlin");
    ASSERT_TRUE(db->lookup("2001:db8:ffff:ffff::abcd", g));
    EXPECT_EQ(g.countryCode, "DE");
    ASSERT_TRUE(db->lookup("2a02:cf47::9", g));
    EXPECT_EQ(g.city, "Oslo");
    ASSERT_TRUE(db->lookup("[2001:db8::1]", g)); // bracketed, as in some logs
    EXPECT_EQ(g.city, "Berlin");
    EXPECT_FALSE(db->lookup("fe80::1%eth0", g));
}

TEST_F(GeoIpTest, UnknownAndInvalidAddressesFindNothing) {
    std::string error;
    auto db = GeoIpDatabase::open(cityDb(), &error);
    ASSERT_TRUE(db) << error;
    GeoLocation g;
    EXPECT_FALSE(db->lookup("8.8.8.8", g));
    EXPECT_FALSE(g.any());
    EXPECT_FALSE(db->lookup("81.2.70.1", g)); // next to a known network
    EXPECT_FALSE(db->lookup("89.160.20.111", g));
    EXPECT_FALSE(db->lookup("2001:db9::1", g));
    EXPECT_FALSE(db->lookup("::1", g));
    EXPECT_FALSE(db->lookup("", g));
    EXPECT_FALSE(db->lookup("-", g));
    EXPECT_FALSE(db->lookup("81.2.69", g));
    EXPECT_FALSE(db->lookup("not an ip", g));
    EXPECT_FALSE(db->lookup(std::string(300, '1'), g));
    EXPECT_FALSE(db->lookup(std::string_view("81.2.69.1\0x", 11), g));
}

TEST_F(GeoIpTest, Ipv4OnlyDatabase) {
    MmdbWriter w(4);
    w.addNetwork("10.1.0.0/16", "FR", "France", "Paris");
    w.addNetwork("10.2.3.4/32", "IT", "Italy", "Rome");
    const std::string p = path("v4.mmdb");
    MmdbWriter::writeFile(p, w.build());
    std::string error;
    auto db = GeoIpDatabase::open(p, &error);
    ASSERT_TRUE(db) << error;
    GeoLocation g;
    ASSERT_TRUE(db->lookup("10.1.200.3", g));
    EXPECT_EQ(g.city, "Paris");
    ASSERT_TRUE(db->lookup("10.2.3.4", g));
    EXPECT_EQ(g.city, "Rome");
    EXPECT_FALSE(db->lookup("10.2.3.5", g));
    EXPECT_FALSE(db->lookup("2001:db8::1", g)); // IPv6 in an IPv4 database: no answer
}

TEST_F(GeoIpTest, OpeningTheSamePathSharesOneMapping) {
    const std::string p = cityDb();
    std::string error;
    auto a = GeoIpDatabase::open(p, &error);
    auto b = GeoIpDatabase::open(p, &error);
    ASSERT_TRUE(a && b) << error;
    EXPECT_EQ(a.get(), b.get());
}

TEST_F(GeoIpTest, AccessLogFieldsGainGeoFields) {
    FormatOptions o;
    o.geoipDatabase = cityDb();
    std::string error;
    auto parser = makeParser(composeFormat("combined", o), &error);
    ASSERT_TRUE(parser) << error;
    auto plain = makeParser("combined");
    const std::string line = R"(81.2.69.160 - - [22/Nov/2026:10:15:32 +0000] "GET /a HTTP/1.1" )"
                             R"(200 12 "-" "curl/8")";
    EventHeader h, hp;
    ASSERT_EQ(parser->parseHeader(line, h).status, ParseStatus::Event);
    ASSERT_EQ(plain->parseHeader(line, hp).status, ParseStatus::Event);
    EXPECT_EQ(h.time.value, hp.time.value);
    EXPECT_EQ(h.status, 200);
    FieldList f, fp;
    ASSERT_TRUE(parser->parseFields(line, f));
    ASSERT_TRUE(plain->parseFields(line, fp));
    EXPECT_EQ(f.fields.size(), fp.fields.size() + 3);
    EXPECT_EQ(fieldText(f, "geo.country"), "United Kingdom");
    EXPECT_EQ(fieldText(f, "geo.country_code"), "GB");
    EXPECT_EQ(fieldText(f, "geo.city"), "London");
    EXPECT_EQ(f.find("geo.city")->type, FieldType::String);
    EXPECT_EQ(fieldText(f, "status"), "200"); // everything else as before
    const auto names = parser->fieldNames();
    EXPECT_NE(std::find(names.begin(), names.end(), "geo.country"), names.end());
    EXPECT_NE(std::find(names.begin(), names.end(), "geo.city"), names.end());
    EXPECT_EQ(parser->formatName(), "combined");

    // A clone (what other threads use) answers the same, also after the original is gone.
    auto clone = parser->clone();
    parser.reset();
    FieldList c;
    ASSERT_TRUE(clone->parseFields(line, c));
    EXPECT_EQ(fieldText(c, "geo.city"), "London");
}

TEST_F(GeoIpTest, UnknownIpKeepsEveryOtherField) {
    FormatOptions o;
    o.geoipDatabase = cityDb();
    auto parser = makeParser(composeFormat("combined", o));
    ASSERT_TRUE(parser);
    const std::string line = R"(8.8.8.8 - - [22/Nov/2026:10:15:32 +0000] "GET /b HTTP/1.1" )"
                             R"(404 0 "-" "curl/8")";
    FieldList f, fp;
    ASSERT_TRUE(parser->parseFields(line, f));
    ASSERT_TRUE(makeParser("combined")->parseFields(line, fp));
    EXPECT_EQ(f.fields.size(), fp.fields.size());
    EXPECT_EQ(f.find("geo.country"), nullptr);
    EXPECT_EQ(fieldText(f, "status"), "404");
    // A line that does not parse still does not parse.
    EXPECT_FALSE(parser->parseFields("garbage", f));
}

TEST_F(GeoIpTest, ChosenIpFieldInJsonAndFirstIpByDefault) {
    FormatOptions o;
    o.geoipDatabase = cityDb();
    const std::string line =
        R"({"ts":"2026-11-22T10:15:32Z","peer":"81.2.69.7","client_ip":"2001:db8::5"})";
    auto byDefault = makeParser(composeFormat("json", o));
    ASSERT_TRUE(byDefault);
    FieldList f;
    ASSERT_TRUE(byDefault->parseFields(line, f));
    EXPECT_EQ(fieldText(f, "geo.city"), "London"); // "peer" is the first IP field
    o.geoipField = "client_ip";
    auto chosen = makeParser(composeFormat("json", o));
    ASSERT_TRUE(chosen);
    ASSERT_TRUE(chosen->parseFields(line, f));
    EXPECT_EQ(fieldText(f, "geo.country"), "Germany");
    EXPECT_EQ(fieldText(f, "geo.city"), "Berlin");
    o.geoipField = "absent";
    auto absent = makeParser(composeFormat("json", o));
    ASSERT_TRUE(absent);
    ASSERT_TRUE(absent->parseFields(line, f));
    EXPECT_EQ(f.find("geo.country"), nullptr);
    EXPECT_EQ(fieldText(f, "peer"), "81.2.69.7");
}

TEST_F(GeoIpTest, FormatOptionsRoundTrip) {
    FormatOptions o;
    o.timeField = "ts";
    o.geoipDatabase = "/x/y.mmdb";
    o.geoipField = "client_ip";
    FormatOptions back;
    EXPECT_EQ(splitFormat(composeFormat("json", o), back), "json");
    EXPECT_EQ(back.geoipDatabase, "/x/y.mmdb");
    EXPECT_EQ(back.geoipField, "client_ip");
    EXPECT_EQ(back.timeField, "ts");
}

TEST_F(GeoIpTest, MissingOrCorruptDatabaseIsAClearError) {
    std::string error;
    FormatOptions o;
    o.geoipDatabase = path("missing.mmdb");
    EXPECT_EQ(makeParser(composeFormat("combined", o), &error), nullptr);
    EXPECT_NE(error.find("cannot open"), std::string::npos) << error;
    EXPECT_NE(error.find("missing.mmdb"), std::string::npos) << error;

    const std::string good = MmdbWriter().build();
    const std::map<std::string, std::string> corrupt = {
        {"empty.mmdb", ""},
        {"garbage.mmdb", std::string(4096, '\x5a')},
        {"truncated.mmdb", good.substr(0, good.size() / 2)},
        {"no-metadata.mmdb", good.substr(0, good.find("MaxMind.com") - 3)},
        {"bad-metadata.mmdb", good.substr(0, good.find("MaxMind.com") + 11) + "\xff\xff\xff"},
    };
    for (const auto &[name, bytes] : corrupt) {
        MmdbWriter::writeFile(path(name), bytes);
        error.clear();
        EXPECT_EQ(GeoIpDatabase::open(path(name), &error), nullptr) << name;
        EXPECT_NE(error.find(name), std::string::npos) << error;
        EXPECT_NE(error.find("cannot open"), std::string::npos) << error;
    }
}

TEST_F(GeoIpTest, DamagedRecordsGiveNoGeoFieldsAndLoseNothingElse) {
    MmdbWriter w;
    w.addNetwork("81.2.69.0/24", "GB", "United Kingdom", "London");
    w.addDanglingRecord("10.0.0.0/8", 1000); // points past the data section
    MmdbData bad;
    bad.mapHeader(3); // claims three pairs, holds one
    bad.string("country");
    bad.string("not a map");
    w.addRecord("192.168.0.0/16", bad.bytes);
    w.addRecord("172.16.0.0/12", std::string("\xff\xff\xff\xff", 4)); // not a value at all
    const std::string p = path("damaged.mmdb");
    MmdbWriter::writeFile(p, w.build());
    std::string error;
    auto db = GeoIpDatabase::open(p, &error);
    ASSERT_TRUE(db) << error;
    GeoLocation g;
    EXPECT_FALSE(db->lookup("10.1.2.3", g));
    EXPECT_FALSE(db->lookup("192.168.1.1", g));
    EXPECT_FALSE(db->lookup("172.16.1.1", g));
    ASSERT_TRUE(db->lookup("81.2.69.1", g)); // the intact record still answers
    EXPECT_EQ(g.city, "London");

    FormatOptions o;
    o.geoipDatabase = p;
    auto parser = makeParser(composeFormat("logfmt", o), &error);
    ASSERT_TRUE(parser) << error;
    for (const char *ip : {"10.1.2.3", "192.168.1.1", "172.16.1.1"}) {
        FieldList f;
        const std::string line = std::string("ip=") + ip + " status=500 msg=hello";
        ASSERT_TRUE(parser->parseFields(line, f)) << ip;
        EXPECT_EQ(f.find("geo.country"), nullptr) << ip;
        EXPECT_EQ(fieldText(f, "ip"), ip);
        EXPECT_EQ(fieldText(f, "status"), "500");
        EXPECT_EQ(fieldText(f, "msg"), "hello");
    }
}

// ---- weir-cli end to end ------------------------------------------------------------------

std::string readFile(const std::string &p) {
    std::ifstream f(p, std::ios::binary);
    std::ostringstream s;
    s << f.rdbuf();
    return s.str();
}

int runCli(const std::string &args, const std::string &errPath) {
    const std::string cmd = std::string(WEIR_CLI_PATH) + " " + args + " 2>" + errPath;
    const int status = std::system(cmd.c_str());
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

TEST_F(GeoIpTest, CliWindowKeysFiltersAndExportUseGeoFields) {
    const std::string db = cityDb();
    const char *ips[] = {"81.2.69.160", "81.2.69.161", "2001:db8::7", "175.16.199.3",
                         "8.8.8.8",     "81.2.69.162", "2001:db8::8", "89.160.20.113"};
    std::string log;
    int second = 0;
    for (const char *ip : ips) {
        char line[256];
        std::snprintf(line, sizeof line,
                      "%s - - [22/Nov/2026:10:15:%02d +0000] \"GET /p HTTP/1.1\" 200 5 \"-\" "
                      "\"t\"\n",
                      ip, second++);
        log += line;
    }
    const std::string in = path("access.log");
    MmdbWriter::writeFile(in, log);
    const std::string csv = path("per-country.csv"), err = path("err.txt");
    ASSERT_EQ(runCli(in + " --format combined --geoip " + db +
                         " --window fixed:60s --key geo.country --agg count --emit final --out " +
                         csv,
                     err),
              0)
        << readFile(err);
    const std::string table = readFile(csv);
    // One row per country (and one for the address the database does not know).
    std::map<std::string, int> counts;
    std::istringstream rows(table);
    std::string row, header;
    std::getline(rows, header);
    const auto cols = [](const std::string &s) {
        std::vector<std::string> v;
        std::string cell;
        std::istringstream cs(s);
        while (std::getline(cs, cell, ','))
            v.push_back(cell);
        return v;
    };
    const auto head = cols(header);
    const auto keyCol = std::find(head.begin(), head.end(), "key") - head.begin();
    const auto countCol = std::find(head.begin(), head.end(), "count") - head.begin();
    ASSERT_LT(static_cast<size_t>(keyCol), head.size()) << table;
    ASSERT_LT(static_cast<size_t>(countCol), head.size()) << table;
    while (std::getline(rows, row)) {
        const auto v = cols(row);
        ASSERT_GT(v.size(), static_cast<size_t>(std::max(keyCol, countCol))) << row;
        counts[v[static_cast<size_t>(keyCol)]] += std::stoi(v[static_cast<size_t>(countCol)]);
    }
    EXPECT_EQ(counts["United Kingdom"], 3) << table;
    EXPECT_EQ(counts["Germany"], 2) << table;
    EXPECT_EQ(counts["China"], 1) << table;
    EXPECT_EQ(counts["Sweden"], 1) << table;
    EXPECT_EQ(counts[""], 1) << table; // 8.8.8.8: no geo.country

    // Filter and export on the enriched fields, auto-detected format this time.
    const std::string out = path("de.jsonl");
    ASSERT_EQ(runCli(in + " --geoip " + db + " --geoip-field host --filter 'geo.city:Berlin'" +
                         " --events-out " + out,
                     err),
              0)
        << readFile(err);
    const std::string events = readFile(out);
    EXPECT_EQ(std::count(events.begin(), events.end(), '\n'), 2) << events;
    EXPECT_NE(events.find(R"("geo.country":"Germany")"), std::string::npos) << events;
    EXPECT_NE(events.find(R"("geo.city":"Berlin")"), std::string::npos) << events;
    EXPECT_EQ(events.find("London"), std::string::npos) << events;
}

TEST_F(GeoIpTest, CliRefusesAMissingOrCorruptDatabaseBeforeWritingAnything) {
    const std::string in = path("access.log");
    MmdbWriter::writeFile(
        in, "81.2.69.160 - - [22/Nov/2026:10:15:32 +0000] \"GET / HTTP/1.1\" 200 5 \"-\" \"t\"\n");
    const std::string out = path("events.jsonl"), err = path("err.txt");
    MmdbWriter::writeFile(out, "previous results\n");
    const std::string bad = path("corrupt.mmdb");
    MmdbWriter::writeFile(bad, std::string(1000, '\x01'));
    for (const std::string &db : {path("missing.mmdb"), bad}) {
        for (const char *format : {"", " --format combined"}) {
            EXPECT_EQ(runCli(in + format + " --geoip " + db + " --events-out " + out, err), 2);
            const std::string message = readFile(err);
            EXPECT_NE(message.find("cannot open '" + db + "'"), std::string::npos) << message;
            EXPECT_EQ(readFile(out), "previous results\n"); // nothing overwritten
        }
    }
}

} // namespace
