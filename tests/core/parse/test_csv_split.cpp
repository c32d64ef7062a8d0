// SPDX-License-Identifier: GPL-3.0-or-later
// CsvParser::splitCells (eight bytes at a time for rows without quotes) against the plain
// byte-by-byte RFC 4180 walk, and CSV fields typed from it.
#include "weir/parse/csv_parser.h"

#include <gtest/gtest.h>
#include <memory>
#include <random>
#include <string>
#include <string_view>
#include <vector>

using namespace weir;
using namespace weir::parse;

namespace {

// The byte walk splitCells always used (quoted cells may hold delimiters and "" escapes).
bool referenceSplit(std::string_view line, char delimiter, std::vector<std::string_view> &cells) {
    cells.clear();
    if (!line.empty() && line.back() == '\r')
        line.remove_suffix(1);
    size_t pos = 0;
    while (true) {
        size_t end = pos;
        if (pos < line.size() && line[pos] == '"') {
            end = pos + 1;
            while (true) {
                if (end >= line.size())
                    return false;
                if (line[end] == '"') {
                    if (end + 1 < line.size() && line[end + 1] == '"') {
                        end += 2;
                        continue;
                    }
                    ++end;
                    break;
                }
                ++end;
            }
            if (end < line.size() && line[end] != delimiter)
                return false;
        } else {
            while (end < line.size() && line[end] != delimiter)
                ++end;
        }
        cells.push_back(line.substr(pos, end - pos));
        if (end >= line.size())
            return true;
        pos = end + 1;
    }
}

void expectSameSplit(const std::string &line, char delimiter) {
    std::vector<std::string_view> expected, actual{"stale"};
    const bool expectedOk = referenceSplit(line, delimiter, expected);
    const bool actualOk = CsvParser::splitCells(line, delimiter, actual);
    ASSERT_EQ(actualOk, expectedOk) << "row '" << line << "'";
    if (!expectedOk)
        return;
    ASSERT_EQ(actual.size(), expected.size()) << "row '" << line << "'";
    for (size_t i = 0; i < actual.size(); ++i) {
        EXPECT_EQ(actual[i], expected[i]) << "row '" << line << "' cell " << i;
        EXPECT_EQ(actual[i].data(), expected[i].data()) << "row '" << line << "' cell " << i;
    }
}

} // namespace

TEST(CsvSplit, EdgeRowsMatchTheByteWalk) {
    const std::vector<std::string> rows = {"",
                                           ",",
                                           ",,",
                                           "a",
                                           "a,b",
                                           "a,b,",
                                           ",a,b",
                                           "1637576132000000,sensor-5305,90.73",
                                           "1637576132000000,sensor-5305,90.73\r",
                                           "\r",
                                           "12345678,",
                                           "1234567,8",
                                           "12345678,12345678,12345678",
                                           "1234567890123456,",
                                           "\"a,b\",c",
                                           "a,\"b\"\"c\",d",
                                           "a,b\"c,d",
                                           "abcdefgh\"ijk,l",
                                           "abcdefghijklmnop,\"q",
                                           "\"unterminated",
                                           "\"x\"y,z",
                                           "\x80\xff,\x7f,\x01"};
    for (const std::string &row : rows) {
        for (const char delimiter : {',', ';', '\t', '|'})
            expectSameSplit(row, delimiter);
    }
    std::vector<std::string_view> cells;
    ASSERT_TRUE(CsvParser::splitCells("1637576132000000,sensor-5305,90.73\r", ',', cells));
    ASSERT_EQ(cells.size(), 3u);
    EXPECT_EQ(cells[0], "1637576132000000");
    EXPECT_EQ(cells[1], "sensor-5305");
    EXPECT_EQ(cells[2], "90.73");
}

TEST(CsvSplit, RandomRowsMatchTheByteWalk) {
    std::mt19937_64 rng(42);
    // Bytes that matter to the split, plus ordinary ones and bytes with the high bit set.
    static const char kAlphabet[] = ",,,;;\t\"\"\r\n a1.-x\x80\xfe\x2c\x22";
    for (int i = 0; i < 200000 && !::testing::Test::HasFatalFailure(); ++i) {
        std::string row;
        // Mostly short rows; some past 64 bytes (more than one block of the mask).
        const size_t n = (rng() % 4 == 0) ? rng() % 160 : rng() % 48;
        const bool quoteFree = rng() % 2 == 0;
        for (size_t k = 0; k < n; ++k) {
            char c = kAlphabet[rng() % (sizeof kAlphabet - 1)];
            if (quoteFree && c == '"')
                c = 'q';
            row += c;
        }
        for (const char delimiter : {',', ';', '\t'})
            expectSameSplit(row, delimiter);
    }
}

TEST(CsvSplit, FieldsAreTypedFromTheCells) {
    CsvParser parser;
    EventHeader header;
    ASSERT_EQ(parser.parseHeader("time,key,v", header).status, ParseStatus::Header);
    const std::string line = "1637576132000010,sensor-791,29.02";
    ASSERT_EQ(parser.parseHeader(line, header).status, ParseStatus::Event);
    EXPECT_TRUE(header.hasTime);
    // Epoch microseconds go through a double: within a microsecond.
    EXPECT_NEAR(static_cast<double>(header.time.value), 1637576132000010000.0, 1000.0);
    FieldList fields;
    ASSERT_TRUE(parser.parseFields(line, fields));
    ASSERT_EQ(fields.fields.size(), 3u);
    EXPECT_EQ(fields.fields[0].type, FieldType::Time);
    EXPECT_EQ(fields.fields[1].type, FieldType::String);
    EXPECT_EQ(fields.fields[1].text, "sensor-791");
    EXPECT_EQ(fields.fields[2].type, FieldType::Float);
    EXPECT_EQ(fields.fields[2].f, 29.02);
    EXPECT_FALSE(parser.parseFields("1637576132000010,\"sensor-791", fields));
}

TEST(CsvSplit, NamedFieldsAreThoseOfParseFields) {
    CsvParser parser;
    EventHeader header;
    ASSERT_EQ(parser.parseHeader("time,key,v,key,label", header).status, ParseStatus::Header);
    const std::string line = "1637576132000010,sensor-791,29.02,second,\"a \"\"quoted\"\" label\"";
    FieldList all, named;
    ASSERT_TRUE(parser.parseFields(line, all));
    ASSERT_EQ(all.fields.size(), 5u);
    const FieldSelection names({"label", "key", "absent"});
    ASSERT_TRUE(parser.parseNamedFields(line, names, named));
    // Only the named columns, in column order (both "key" columns: find gives the first).
    ASSERT_EQ(named.fields.size(), 3u);
    for (const std::string name : {"key", "label"}) {
        const Field *a = all.find(name);
        const Field *n = named.find(name);
        ASSERT_NE(a, nullptr);
        ASSERT_NE(n, nullptr);
        EXPECT_EQ(n->type, a->type) << name;
        EXPECT_EQ(n->text, a->text) << name;
    }
    EXPECT_EQ(named.find("key")->text, "sensor-791");
    EXPECT_EQ(named.find("label")->text, "a \"quoted\" label");
    EXPECT_EQ(named.find("v"), nullptr);
    EXPECT_EQ(named.find("time"), nullptr);
    EXPECT_FALSE(parser.parseNamedFields("1,2", names, named));
}

// parseNamedFields right after parseHeader (the engine's window path) answers for the row it
// is given, its views into that row, whatever row parseHeader read last.
TEST(CsvSplit, NamedFieldsAfterParseHeaderFollowTheRowGiven) {
    CsvParser parser;
    EventHeader header;
    ASSERT_EQ(parser.parseHeader("time,key,v", header).status, ParseStatus::Header);
    std::string row = "1637576132000010,sensor-791,29.02";
    ASSERT_EQ(parser.parseHeader(row, header).status, ParseStatus::Event);
    const FieldSelection names({"key", "v"});
    FieldList fields;
    // Same bytes at another address: views into the copy.
    const std::string copy = row;
    ASSERT_TRUE(parser.parseNamedFields(copy, names, fields));
    ASSERT_NE(fields.find("key"), nullptr);
    EXPECT_EQ(fields.find("key")->text, "sensor-791");
    EXPECT_EQ(fields.find("key")->text.data(), copy.data() + 17);
    EXPECT_EQ(fields.find("v")->f, 29.02);
    // Same size, other bytes (as in a reused buffer): four cells, not this schema.
    const std::string remembered = row;
    row = "1637576132000011,sensor-7,1,29.02";
    ASSERT_EQ(row.size(), remembered.size());
    EXPECT_FALSE(parser.parseNamedFields(row, names, fields));
    row = "1637576132000011,sensor-792,29.03";
    ASSERT_TRUE(parser.parseNamedFields(row, names, fields));
    EXPECT_EQ(fields.find("key")->text, "sensor-792");
    EXPECT_EQ(fields.find("v")->f, 29.03);
}

// One selection used with parsers of different headers (a window pipeline over two CSV files):
// its memo of which columns to type follows the parser it is used with, every time.
TEST(CsvSplit, NamedFieldsSelectionFollowsEachParsersHeader) {
    CsvParser first;
    CsvParser second;
    EventHeader header;
    ASSERT_EQ(first.parseHeader("time,key,v", header).status, ParseStatus::Header);
    ASSERT_EQ(second.parseHeader("v,label,time,key", header).status, ParseStatus::Header);
    const std::unique_ptr<Parser> firstClone = first.clone();
    const FieldSelection selection({"key", "v"});
    FieldList fields;
    for (int round = 0; round < 2; ++round) {
        ASSERT_TRUE(first.parseNamedFields("1637576132000010,sensor-1,1.5", selection, fields));
        ASSERT_EQ(fields.fields.size(), 2u);
        EXPECT_EQ(fields.find("key")->text, "sensor-1");
        EXPECT_EQ(fields.find("v")->f, 1.5);
        ASSERT_TRUE(second.parseNamedFields("2.5,x,1637576132000011,sensor-2", selection, fields));
        ASSERT_EQ(fields.fields.size(), 2u);
        EXPECT_EQ(fields.find("key")->text, "sensor-2");
        EXPECT_EQ(fields.find("v")->f, 2.5);
        EXPECT_EQ(fields.find("label"), nullptr);
        ASSERT_TRUE(
            firstClone->parseNamedFields("1637576132000012,sensor-3,3.5", selection, fields));
        EXPECT_EQ(fields.find("key")->text, "sensor-3");
        EXPECT_EQ(fields.find("v")->f, 3.5);
    }
    // A parser whose header is not read yet has no columns: no row matches it.
    CsvParser fresh;
    EXPECT_FALSE(fresh.parseNamedFields("1,sensor-4,4.5", selection, fields));
}

// The engine's path: right after parseHeader found an event in a row, the fields of that row
// come from the cells parseHeader split; any other row, or a row parseHeader did not accept
// as an event, is split again.
TEST(CsvSplit, NamedFieldsOfTheHeaderLineAreThoseOfParseNamedFields) {
    CsvParser parser;
    EventHeader header;
    ASSERT_EQ(parser.parseHeader("time,key,v", header).status, ParseStatus::Header);
    const FieldSelection selection({"key", "v"});
    FieldList fields;
    const std::string row = "1637576132000010,sensor-1,1.5";
    ASSERT_EQ(parser.parseHeader(row, header).status, ParseStatus::Event);
    ASSERT_TRUE(parser.parseNamedFieldsOfHeaderLine(row, selection, fields));
    ASSERT_EQ(fields.fields.size(), 2u);
    EXPECT_EQ(fields.find("key")->text, "sensor-1");
    EXPECT_EQ(fields.find("key")->text.data(), row.data() + 17);
    EXPECT_EQ(fields.find("v")->f, 1.5);
    // Another row (not the one parseHeader was given): its own fields.
    const std::string other = "1637576132000011,sensor-2,2.5";
    ASSERT_TRUE(parser.parseNamedFieldsOfHeaderLine(other, selection, fields));
    EXPECT_EQ(fields.find("key")->text, "sensor-2");
    EXPECT_EQ(fields.find("v")->f, 2.5);
    // parseHeader rejected the last row it was given (three cells, bad time): the earlier
    // row's fields are its own, not the rejected row's cells.
    ASSERT_EQ(parser.parseHeader("not-a-time,sensor-9,9.5", header).status,
              ParseStatus::DeadLetter);
    ASSERT_TRUE(parser.parseNamedFieldsOfHeaderLine(row, selection, fields));
    EXPECT_EQ(fields.find("key")->text, "sensor-1");
    EXPECT_EQ(fields.find("v")->f, 1.5);
    EXPECT_FALSE(parser.parseNamedFieldsOfHeaderLine("1,2", selection, fields));
}
