// SPDX-License-Identifier: GPL-3.0-or-later
#include "weir/common/text.h"
#include "weir/common/types.h"

#include <charconv>
#include <cmath>
#include <gtest/gtest.h>
#include <random>
#include <string>
#include <vector>

using namespace weir;

namespace {

std::string escaped(std::string_view s) {
    std::string out;
    appendJsonEscaped(out, s);
    return out;
}

std::string bytes(std::initializer_list<int> b) {
    std::string s;
    for (int c : b)
        s += static_cast<char>(c);
    return s;
}

} // namespace

TEST(Text, IsAscii) {
    EXPECT_TRUE(isAscii(""));
    EXPECT_TRUE(isAscii("plain text with\ttabs and \x7F"));
    EXPECT_TRUE(isAscii(std::string(1000, 'a')));
    // A high byte at every position relative to the 8-byte words.
    for (size_t i = 0; i < 20; ++i) {
        std::string s(20, 'x');
        s[i] = static_cast<char>(0x80);
        EXPECT_FALSE(isAscii(s)) << i;
    }
}

TEST(Text, Utf8AcceptsValidSequences) {
    EXPECT_TRUE(isValidUtf8(""));
    EXPECT_TRUE(isValidUtf8("ascii"));
    EXPECT_TRUE(isValidUtf8("caf\xC3\xA9"));                  // U+00E9
    EXPECT_TRUE(isValidUtf8("\xC2\x80"));                     // U+0080, smallest 2-byte
    EXPECT_TRUE(isValidUtf8("\xDF\xBF"));                     // U+07FF
    EXPECT_TRUE(isValidUtf8("\xE0\xA0\x80"));                 // U+0800, smallest 3-byte
    EXPECT_TRUE(isValidUtf8("\xE2\x82\xAC"));                 // euro sign
    EXPECT_TRUE(isValidUtf8("\xED\x9F\xBF"));                 // U+D7FF, below surrogates
    EXPECT_TRUE(isValidUtf8("\xEE\x80\x80"));                 // U+E000, above surrogates
    EXPECT_TRUE(isValidUtf8("\xEF\xBF\xBF"));                 // U+FFFF
    EXPECT_TRUE(isValidUtf8("\xF0\x90\x80\x80"));             // U+10000
    EXPECT_TRUE(isValidUtf8("\xF0\x9F\x98\x80"));             // emoji
    EXPECT_TRUE(isValidUtf8("\xF4\x8F\xBF\xBF"));             // U+10FFFF, the maximum
    EXPECT_TRUE(isValidUtf8(std::string("nul\0inside", 10))); // NUL is valid UTF-8
}

TEST(Text, Utf8RejectsOverlongs) {
    EXPECT_FALSE(isValidUtf8(bytes({0xC0, 0x80})));             // overlong NUL
    EXPECT_FALSE(isValidUtf8(bytes({0xC0, 0xAF})));             // overlong '/'
    EXPECT_FALSE(isValidUtf8(bytes({0xC1, 0xBF})));             // overlong U+007F
    EXPECT_FALSE(isValidUtf8(bytes({0xE0, 0x80, 0xAF})));       // 3-byte overlong '/'
    EXPECT_FALSE(isValidUtf8(bytes({0xE0, 0x9F, 0xBF})));       // 3-byte overlong U+07FF
    EXPECT_FALSE(isValidUtf8(bytes({0xF0, 0x80, 0x80, 0xAF}))); // 4-byte overlong '/'
    EXPECT_FALSE(isValidUtf8(bytes({0xF0, 0x8F, 0xBF, 0xBF}))); // 4-byte overlong U+FFFF
}

TEST(Text, Utf8RejectsSurrogatesAndOutOfRange) {
    EXPECT_FALSE(isValidUtf8(bytes({0xED, 0xA0, 0x80})));                   // U+D800
    EXPECT_FALSE(isValidUtf8(bytes({0xED, 0xBF, 0xBF})));                   // U+DFFF
    EXPECT_FALSE(isValidUtf8(bytes({0xED, 0xA0, 0xBD, 0xED, 0xB8, 0x80}))); // CESU pair
    EXPECT_FALSE(isValidUtf8(bytes({0xF4, 0x90, 0x80, 0x80})));             // U+110000
    EXPECT_FALSE(isValidUtf8(bytes({0xF5, 0x80, 0x80, 0x80})));
    EXPECT_FALSE(isValidUtf8(bytes({0xF8, 0x88, 0x80, 0x80, 0x80}))); // 5-byte form
    EXPECT_FALSE(isValidUtf8(bytes({0xFE})));
    EXPECT_FALSE(isValidUtf8(bytes({0xFF})));
}

TEST(Text, Utf8RejectsBrokenSequences) {
    EXPECT_FALSE(isValidUtf8(bytes({0x80}))); // lone continuation
    EXPECT_FALSE(isValidUtf8(bytes({0xBF, 0x41})));
    EXPECT_FALSE(isValidUtf8(bytes({0xC3})));       // truncated at end
    EXPECT_FALSE(isValidUtf8(bytes({0xC3, 0x28}))); // bad continuation
    EXPECT_FALSE(isValidUtf8(bytes({0xE2, 0x82}))); // truncated 3-byte
    EXPECT_FALSE(isValidUtf8(bytes({0xE2, 0x28, 0xA1})));
    EXPECT_FALSE(isValidUtf8(bytes({0xF0, 0x9F, 0x98}))); // truncated 4-byte
    EXPECT_FALSE(isValidUtf8(bytes({0xF0, 0x9F, 0x98, 0x41})));
    // A valid prefix does not make a broken tail valid.
    EXPECT_FALSE(isValidUtf8("caf\xC3\xA9 \xE9t\xE9")); // Latin-1
}

TEST(Text, JsonEscapesSpecialCharacters) {
    EXPECT_EQ(escaped("plain"), "plain");
    EXPECT_EQ(escaped("a\"b"), "a\\\"b");
    EXPECT_EQ(escaped("back\\slash"), "back\\\\slash");
    EXPECT_EQ(escaped("l1\nl2\r\t"), "l1\\nl2\\r\\t");
    EXPECT_EQ(escaped(std::string("\0", 1)), "\\u0000");
    EXPECT_EQ(escaped("\x01\x1F\x7F"), "\\u0001\\u001f\\u007f");
    EXPECT_EQ(escaped("\b\f"), "\\u0008\\u000c");
    EXPECT_EQ(escaped("/"), "/");
}

TEST(Text, JsonKeepsValidUtf8AndReplacesInvalidBytes) {
    EXPECT_EQ(escaped("caf\xC3\xA9 \xF0\x9F\x98\x80"), "caf\xC3\xA9 \xF0\x9F\x98\x80");
    const std::string fffd = "\xEF\xBF\xBD";
    EXPECT_EQ(escaped(bytes({0xFF})), fffd);
    EXPECT_EQ(escaped(bytes({'a', 0xC3, 0x28, 'b'})), "a" + fffd + "(b");
    // Each byte of an overlong or a surrogate is replaced on its own.
    EXPECT_EQ(escaped(bytes({0xC0, 0xAF})), fffd + fffd);
    EXPECT_EQ(escaped(bytes({0xED, 0xA0, 0x80})), fffd + fffd + fffd);
    // Truncated sequence at the end.
    EXPECT_EQ(escaped(bytes({'x', 0xE2, 0x82})), "x" + fffd + fffd);
    // The output is valid UTF-8 whatever the input.
    std::string all;
    for (int c = 0; c < 256; ++c)
        all += static_cast<char>(c);
    const std::string out = escaped(all + all);
    EXPECT_TRUE(isValidUtf8(out));
    for (unsigned char c : out)
        EXPECT_GE(c, 0x20) << "raw control character in JSON output";
}

TEST(Text, JsonStringAddsQuotes) {
    std::string out = "x=";
    appendJsonString(out, "say \"hi\"");
    EXPECT_EQ(out, "x=\"say \\\"hi\\\"\"");
}

TEST(Text, ParseNumbers) {
    int64_t i = 0;
    EXPECT_TRUE(parseInt64("42", i));
    EXPECT_EQ(i, 42);
    EXPECT_TRUE(parseInt64("-9223372036854775808", i));
    EXPECT_EQ(i, INT64_MIN);
    EXPECT_TRUE(parseInt64("+7", i));
    EXPECT_EQ(i, 7);
    EXPECT_FALSE(parseInt64("", i));
    EXPECT_FALSE(parseInt64("9223372036854775808", i));
    EXPECT_FALSE(parseInt64("12x", i));
    EXPECT_FALSE(parseInt64(" 12", i));
    double d = 0;
    EXPECT_TRUE(parseDouble("0.5", d));
    EXPECT_EQ(d, 0.5);
    EXPECT_TRUE(parseDouble("-1e3", d));
    EXPECT_EQ(d, -1000);
    EXPECT_FALSE(parseDouble("", d));
    EXPECT_FALSE(parseDouble("1.5x", d));
    EXPECT_FALSE(parseDouble("inf", d));
    EXPECT_FALSE(parseDouble("nan", d));
    EXPECT_FALSE(parseDouble(std::string(100, '1'), d));
}

// parseInt64 reads up to 18 digits itself: it must answer as std::from_chars (after an
// optional '+') does, including the value from_chars leaves after a partial match ("54.23").
TEST(Text, ParseInt64AnswersAsFromChars) {
    const auto reference = [](std::string_view s, int64_t &out) {
        if (s.empty())
            return false;
        const char *b = s.data();
        const char *e = b + s.size();
        if (*b == '+')
            ++b;
        const auto r = std::from_chars(b, e, out);
        return r.ec == std::errc() && r.ptr == e;
    };
    std::vector<std::string> texts = {"0",
                                      "-0",
                                      "+0",
                                      "-",
                                      "+",
                                      "+-5",
                                      "--5",
                                      "54.23",
                                      "-54.23",
                                      "007",
                                      "999999999999999999",
                                      "-999999999999999999",
                                      "1000000000000000000",
                                      "9223372036854775807",
                                      "9223372036854775808",
                                      "-9223372036854775808",
                                      "12x",
                                      "x12",
                                      "1637576132000010",
                                      "1 2",
                                      "1e5"};
    std::mt19937_64 rng(11);
    const std::string alphabet = "0123456789-+.e x";
    for (int n = 0; n < 200000; ++n) {
        std::string t;
        const size_t length = rng() % 22;
        const bool digitsOnly = rng() % 2 == 0;
        for (size_t k = 0; k < length; ++k)
            t += digitsOnly && k > 0 ? static_cast<char>('0' + rng() % 10)
                                     : alphabet[rng() % alphabet.size()];
        texts.push_back(t);
    }
    for (const std::string &t : texts) {
        int64_t got = 12345;
        int64_t want = 12345;
        ASSERT_EQ(parseInt64(t, got), reference(t, want)) << '"' << t << '"';
        ASSERT_EQ(got, want) << '"' << t << '"';
    }
}

TEST(Text, AppendDoubleIsShortestAndJsonSafe) {
    const auto fmt = [](double v) {
        std::string s;
        appendDouble(s, v);
        return s;
    };
    EXPECT_EQ(fmt(0.1), "0.1");
    EXPECT_EQ(fmt(-3), "-3");
    EXPECT_EQ(fmt(1e300), "1e+300");
    EXPECT_EQ(fmt(std::nan("")), "null");
    EXPECT_EQ(fmt(INFINITY), "null");
    for (double v : {0.1, 1.0 / 3, 123456.789, -2.5e-10, 6.02214076e23}) {
        double back = 0;
        ASSERT_TRUE(parseDouble(fmt(v), back));
        EXPECT_EQ(back, v);
    }
}

TEST(Text, TrimAndIequals) {
    EXPECT_EQ(trim("  a b \t\r\n"), "a b");
    EXPECT_EQ(trim(" \t "), "");
    EXPECT_EQ(trim(""), "");
    EXPECT_TRUE(iequals("WaRn", "warn"));
    EXPECT_FALSE(iequals("warn", "warning"));
    EXPECT_FALSE(iequals("a", "b"));
}

TEST(Types, SeverityNames) {
    EXPECT_EQ(severityFromName("WARN"), Severity::Warning);
    EXPECT_EQ(severityFromName("err"), Severity::Error);
    EXPECT_EQ(severityFromName("Fatal"), Severity::Critical);
    EXPECT_EQ(severityFromName("emerg"), Severity::Emergency);
    EXPECT_EQ(severityFromName("bogus"), Severity::Unknown);
    EXPECT_EQ(severityName(Severity::Warning), "warning");
    for (int s = 1; s <= static_cast<int>(Severity::Emergency); ++s)
        EXPECT_EQ(severityFromName(severityName(static_cast<Severity>(s))),
                  static_cast<Severity>(s));
}
