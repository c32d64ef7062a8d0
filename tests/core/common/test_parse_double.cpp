// SPDX-License-Identifier: GPL-3.0-or-later
// parseDouble's fast decimal path against strtod, bit for bit.
#include "../test_support.h"
#include "weir/common/text.h"

#include <cmath>
#include <cstdarg>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <gtest/gtest.h>
#include <random>
#include <string>
#include <vector>

using namespace weir;

namespace {

// What parseDouble answered before the fast path: strtod over the whole text.
bool referenceParse(const std::string &s, double &out) {
    if (s.empty() || s.size() > 64)
        return false;
    char *end = nullptr;
    out = std::strtod(s.c_str(), &end);
    return end == s.c_str() + s.size() && std::isfinite(out);
}

uint64_t bitsOf(double d) {
    uint64_t b;
    std::memcpy(&b, &d, sizeof b);
    return b;
}

// Compares one text; returns true when both accept it.
bool expectSame(const std::string &s) {
    double expected = 0, actual = 0;
    const bool expectedOk = referenceParse(s, expected);
    const bool actualOk = parseDouble(s, actual);
    EXPECT_EQ(actualOk, expectedOk) << "text '" << s << "'";
    if (expectedOk && actualOk) {
        EXPECT_EQ(bitsOf(actual), bitsOf(expected))
            << "text '" << s << "': " << actual << " vs " << expected;
    }
    return expectedOk && actualOk;
}

std::string digits(std::mt19937_64 &rng, int n, bool leadingNonZero) {
    std::string s;
    for (int i = 0; i < n; ++i) {
        int d = static_cast<int>(rng() % 10);
        if (i == 0 && leadingNonZero && d == 0)
            d = 1 + static_cast<int>(rng() % 9);
        s += static_cast<char>('0' + d);
    }
    return s;
}

// A random number-like text: mostly well-formed decimals around the fast path's limits (15-20
// significant digits, exponents near +-22, leading and trailing zeros), some mangled.
std::string randomNumberText(std::mt19937_64 &rng) {
    std::string s;
    const unsigned sign = rng() % 4;
    if (sign == 0)
        s += '-';
    else if (sign == 1)
        s += '+';
    if (rng() % 5 == 0)
        s += std::string(rng() % 4, '0');
    const int intDigits = static_cast<int>(rng() % 21);
    s += digits(rng, intDigits, rng() % 2 == 0);
    if (rng() % 3 != 0) {
        s += '.';
        if (rng() % 4 == 0)
            s += std::string(rng() % 25, '0');
        s += digits(rng, static_cast<int>(rng() % 21), false);
    }
    if (rng() % 3 == 0) {
        s += (rng() % 2) ? 'e' : 'E';
        const unsigned es = rng() % 3;
        if (es == 0)
            s += '-';
        else if (es == 1)
            s += '+';
        const int e = static_cast<int>(rng() % 40);
        s += std::to_string(e);
    }
    if (rng() % 50 == 0 && !s.empty()) {
        // Mangle one byte: a stray character the fast path must refuse like strtod.
        static const char kJunk[] = " .eE+-x,_abn\t0";
        s[rng() % s.size()] = kJunk[rng() % (sizeof kJunk - 1)];
    }
    return s;
}

} // namespace

TEST(ParseDouble, EdgeCasesMatchStrtod) {
    const std::vector<std::string> cases = {
        "0", "-0", "+0", "0.0", "-0.0", "00", "000.000", "0e5", "-0e-5", "0e99999", "1", "-1", "+1",
        "1.", ".5", "-.5", "+.5", "1.5", "90.73", "0.1", "0.2", "0.3", "1e22", "1e23", "1e-22",
        "1e-23", "9e22", "123456789012345e22", "123456789012345e-22", "9007199254740992",
        "9007199254740993", "9007199254740991", "18014398509481984", "9007199254740992e1",
        "9007199254740993e-5", "4.9e-324", "2.2250738585072014e-308", "1.7976931348623157e308",
        "1.8e308", "1e309", "-1e309", "1e-400", "1637576132000000", "1637576132.123456",
        "99999999999999999999", "0.000000000000000000001", "00000000000000000000001.5",
        "1.00000000000000000000", "3.14159265358979323846", "1e0", "1E+0", "1e-0", "1e+22", "1e",
        "1e+", "1e-", "e5", ".", "-", "+", "", "-.", "1..2", "1.2.3", "1e5e5", "--1", "+-1", " 1",
        "1 ", "\t1", "0x10", "0x1p3", "inf", "-inf", "nan", "infinity", "1,5", "1_000", "12a",
        "a12", std::string(64, '1'), std::string(65, '1'), "0." + std::string(62, '0'),
        "1e2147483648", "1e-2147483649",
        // Eight-digit runs and bytes just outside '0'-'9' inside them.
        "12345678", "87654321.12345678", "1234567890123456", "12345678901234567890",
        "1234567:", "1234567/", "123:5678", "12345678:", "0000000012345678.00000000",
        "99999999.99999999", "0.1234567812345678"};
    size_t accepted = 0;
    for (const std::string &s : cases)
        accepted += expectSame(s) ? 1 : 0;
    // The list mixes both kinds; a parser that refused everything would fail here.
    EXPECT_GT(accepted, cases.size() / 2);
    double v = 0;
    ASSERT_TRUE(parseDouble("-0", v));
    EXPECT_TRUE(std::signbit(v));
    ASSERT_TRUE(parseDouble("90.73", v));
    EXPECT_EQ(v, 90.73);
    EXPECT_FALSE(parseDouble("1e309", v));
    EXPECT_FALSE(parseDouble("1 ", v));
}

TEST(ParseDouble, RandomDecimalsMatchStrtodBitForBit) {
    std::mt19937_64 rng(20261122);
    size_t accepted = 0, inFastRange = 0;
    constexpr int kCases = 400000;
    for (int i = 0; i < kCases; ++i) {
        const std::string s = randomNumberText(rng);
        accepted += expectSame(s) ? 1 : 0;
        if (::testing::Test::HasFailure())
            break; // one report is enough
    }
    // Short decimals with small exponents: the fast path's own domain.
    for (int i = 0; i < kCases && !::testing::Test::HasFailure(); ++i) {
        std::string s = (rng() % 2) ? "-" : "";
        const int n = 1 + static_cast<int>(rng() % 15);
        std::string d = digits(rng, n, true);
        const int point = static_cast<int>(rng() % (n + 1));
        s += d.substr(0, point) + "." + d.substr(point);
        if (rng() % 2)
            s += "e" + std::to_string(static_cast<int>(rng() % 15) - 7);
        inFastRange += expectSame(s) ? 1 : 0;
    }
    EXPECT_GT(accepted, kCases / 2);
    EXPECT_EQ(inFastRange, static_cast<size_t>(kCases));
}

TEST(ParseDouble, EveryBitPatternRoundTripsThroughShortestText) {
    // Random doubles printed shortest (to_chars) and with %.17g, read back: the same bits.
    std::mt19937_64 rng(7);
    for (int i = 0; i < 200000 && !::testing::Test::HasFailure(); ++i) {
        uint64_t bits = rng();
        double d;
        std::memcpy(&d, &bits, sizeof d);
        if (!std::isfinite(d))
            continue;
        std::string shortest;
        appendDouble(shortest, d);
        expectSame(shortest);
        char buf[40];
        std::snprintf(buf, sizeof buf, "%.17g", d);
        expectSame(buf);
        // Values of sensor-like magnitude with few digits: mostly the fast path.
        std::snprintf(buf, sizeof buf, "%.*f", static_cast<int>(rng() % 7),
                      static_cast<double>(rng() % 100000000) / 1000.0);
        double back = 0;
        EXPECT_TRUE(expectSame(buf) && parseDouble(buf, back)) << buf;
    }
}

// In a locale whose decimal point is a comma (a GUI in the user's German locale), numbers still
// read and print with a '.': the fast path never looked at the locale, and strtod's part and
// printf's are made in the C locale.
TEST(ParseDouble, TheDecimalPointIsADotInACommaLocale) {
    const std::vector<std::string> texts = {"0.12345678901234567890123", "1.5e300", "2.5e-30",
                                            "0.5", "-12.75"};
    std::vector<double> inC;
    for (const std::string &t : texts) {
        double v = 0;
        ASSERT_TRUE(parseDouble(t, v)) << t;
        inC.push_back(v);
    }
    weir::test::CommaLocale comma;
    ASSERT_TRUE(comma.ok()) << "cannot make a de_DE locale (apt-get install locales)";
    char *end = nullptr;
    EXPECT_EQ(std::strtod("0.5", &end), 0.0); // the premise: the C library now stops at '.'
    EXPECT_STREQ(end, ".5");
    for (size_t i = 0; i < texts.size(); ++i) {
        double v = 0;
        EXPECT_TRUE(parseDouble(texts[i], v)) << texts[i];
        EXPECT_EQ(bitsOf(v), bitsOf(inC[i])) << texts[i];
    }
    EXPECT_EQ(strtodC("2.5", &end), 2.5);
    EXPECT_STREQ(end, "");
    const auto print = [](const char *fmt, ...) {
        char buf[32];
        va_list ap;
        va_start(ap, fmt);
        vsnprintfC(buf, sizeof buf, fmt, ap);
        va_end(ap);
        return std::string(buf);
    };
    EXPECT_EQ(print("%.4f", 32.8291), "32.8291");
}
