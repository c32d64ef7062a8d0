// SPDX-License-Identifier: GPL-3.0-or-later
#include "weir/common/text.h"

#include <cfloat>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <locale.h>

namespace weir {

bool isAscii(std::string_view s) {
    const char *p = s.data();
    size_t n = s.size();
    uint64_t acc = 0;
    while (n >= 8) {
        uint64_t w;
        std::memcpy(&w, p, 8);
        acc |= w;
        p += 8;
        n -= 8;
    }
    while (n > 0) {
        acc |= static_cast<unsigned char>(*p++);
        --n;
    }
    return (acc & 0x8080808080808080ULL) == 0;
}

namespace {

// Length of the valid UTF-8 sequence at s[i], or 0 if it is invalid or truncated.
size_t utf8SequenceLength(std::string_view s, size_t i) {
    const auto b = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
    const unsigned char c = b(i);
    if (c < 0x80)
        return 1;
    const size_t left = s.size() - i;
    const auto cont = [&](size_t k) { return (b(k) & 0xC0) == 0x80; };
    if (c >= 0xC2 && c <= 0xDF)
        return left >= 2 && cont(i + 1) ? 2 : 0;
    if (c >= 0xE0 && c <= 0xEF) {
        if (left < 3 || !cont(i + 1) || !cont(i + 2))
            return 0;
        if (c == 0xE0 && b(i + 1) < 0xA0)
            return 0; // overlong
        if (c == 0xED && b(i + 1) > 0x9F)
            return 0; // surrogate
        return 3;
    }
    if (c >= 0xF0 && c <= 0xF4) {
        if (left < 4 || !cont(i + 1) || !cont(i + 2) || !cont(i + 3))
            return 0;
        if (c == 0xF0 && b(i + 1) < 0x90)
            return 0;
        if (c == 0xF4 && b(i + 1) > 0x8F)
            return 0;
        return 4;
    }
    return 0;
}

} // namespace

bool isValidUtf8(std::string_view s) {
    if (isAscii(s))
        return true;
    size_t i = 0;
    while (i < s.size()) {
        const size_t n = utf8SequenceLength(s, i);
        if (n == 0)
            return false;
        i += n;
    }
    return true;
}

void appendJsonEscaped(std::string &out, std::string_view s) {
    static constexpr char kHex[] = "0123456789abcdef";
    size_t i = 0;
    while (i < s.size()) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (c >= 0x80) {
            const size_t n = utf8SequenceLength(s, i);
            if (n == 0) {
                out += "\xEF\xBF\xBD";
                ++i;
            } else {
                out.append(s.data() + i, n);
                i += n;
            }
            continue;
        }
        switch (c) {
        case '"':
            out += "\\\"";
            break;
        case '\\':
            out += "\\\\";
            break;
        case '\n':
            out += "\\n";
            break;
        case '\r':
            out += "\\r";
            break;
        case '\t':
            out += "\\t";
            break;
        default:
            if (c < 0x20 || c == 0x7F) {
                out += "\\u00";
                out += kHex[c >> 4];
                out += kHex[c & 15];
            } else {
                out += static_cast<char>(c);
            }
        }
        ++i;
    }
}

void appendJsonString(std::string &out, std::string_view s) {
    out += '"';
    appendJsonEscaped(out, s);
    out += '"';
}

bool parseInt64(std::string_view s, int64_t &out) {
    if (s.empty())
        return false;
    const char *b = s.data();
    const char *e = b + s.size();
    if (*b == '+')
        ++b;
    // Up to 18 digits cannot overflow: one pass that stops at the first other byte (the usual
    // numbers, and "54.23" rejected at its '.'). Longer texts: from_chars, which checks range.
    const bool negative = b < e && *b == '-';
    const char *digits = negative ? b + 1 : b;
    if (digits < e && e - digits <= 18) {
        int64_t v = 0;
        for (const char *p = digits; p < e; ++p) {
            const unsigned d = static_cast<unsigned char>(*p) - unsigned{'0'};
            if (d > 9) {
                if (p > digits) // as from_chars leaves it: the value of the digits before
                    out = negative ? -v : v;
                return false;
            }
            v = v * 10 + static_cast<int64_t>(d);
        }
        out = negative ? -v : v;
        return true;
    }
    const auto r = std::from_chars(b, e, out);
    return r.ec == std::errc() && r.ptr == e;
}

namespace {

// Clinger's fast path needs each operation rounded once, in double precision.
static_assert(FLT_EVAL_METHOD == 0, "double arithmetic must not use extended precision");

// 10^0 ... 10^22: every one is exactly representable as a double.
constexpr double kExactPow10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                  1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                  1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

inline bool isDigit(char c) {
    return c >= '0' && c <= '9';
}

// Appends the decimal digits at `p` to `w` (w = w * 10 + digit each; wraps past 19 digits,
// which the caller detects from the count) and returns the end of the run. Eight digits at a
// time where eight bytes are left: on little-endian targets the first digit is the lowest
// byte, and three multiply-shift-mask steps combine bytes into pairs, pairs into quadruples,
// quadruples into the eight-digit value.
inline const char *appendDigits(const char *p, const char *end, uint64_t &w) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    constexpr uint64_t kHighNibbles = 0xF0F0F0F0F0F0F0F0ULL;
    constexpr uint64_t kZeros = 0x3030303030303030ULL;
    while (end - p >= 8) {
        uint64_t chunk;
        std::memcpy(&chunk, p, 8);
        // Every byte 0x30-0x39: high nibble 3, and still 3 after adding 6 (0x3A-0x3F are not).
        if ((chunk & kHighNibbles) != kZeros ||
            ((chunk + 0x0606060606060606ULL) & kHighNibbles) != kZeros)
            break;
        uint64_t v = chunk - kZeros;                         // bytes d0..d7, d0 lowest
        v = (v * 10 + (v >> 8)) & 0x00FF00FF00FF00FFULL;     // 16-bit lanes: d0d1, d2d3...
        v = (v * 100 + (v >> 16)) & 0x0000FFFF0000FFFFULL;   // 32-bit lanes: d0..d3, d4..d7
        v = (v * 10000 + (v >> 32)) & 0x00000000FFFFFFFFULL; // d0..d7
        w = w * 100000000 + v;
        p += 8;
    }
#endif
    for (; p != end && isDigit(*p); ++p)
        w = w * 10 + static_cast<uint64_t>(*p - '0');
    return p;
}

// Plain decimals ([+-]digits[.digits][(e|E)[+-]digits]) whose significand w (leading zeros
// dropped) is at most 2^53 and whose decimal exponent q is within [-22, 22]: w and 10^|q| are
// exact doubles, so the one multiplication or division w * 10^q rounds once, to nearest, and
// gives the correctly rounded value, the same bits as strtod. False for anything else (more
// digits, larger exponents, hex, inf/nan, spaces, junk): the caller asks strtod.
bool parseDecimalFast(const char *p, const char *end, double &out) {
    bool negative = false;
    if (p != end && (*p == '-' || *p == '+')) {
        negative = *p == '-';
        ++p;
    }
    const char *const intStart = p;
    while (p != end && *p == '0')
        ++p; // leading zeros
    uint64_t w = 0;
    const char *significant = p;
    p = appendDigits(p, end, w);
    size_t digits = static_cast<size_t>(p - significant); // in w, leading zeros excluded
    bool any = p != intStart;
    int exponent = 0; // decimal exponent of w's last digit
    if (p != end && *p == '.') {
        const char *const fraction = ++p;
        if (w == 0) {
            while (p != end && *p == '0')
                ++p; // zeros after the point before the first significant digit
        }
        significant = p;
        p = appendDigits(p, end, w);
        digits += static_cast<size_t>(p - significant);
        exponent = -static_cast<int>(p - fraction);
        any = any || p != fraction;
    }
    if (!any || digits > 19)
        return false; // no digits, or w may have wrapped
    if (p != end && (*p == 'e' || *p == 'E')) {
        ++p;
        bool negativeExponent = false;
        if (p != end && (*p == '-' || *p == '+')) {
            negativeExponent = *p == '-';
            ++p;
        }
        if (p == end || !isDigit(*p))
            return false;
        int e = 0;
        for (; p != end && isDigit(*p); ++p) {
            if (e < 100000)
                e = e * 10 + (*p - '0');
        }
        exponent += negativeExponent ? -e : e;
    }
    if (p != end)
        return false;
    if (w == 0) {
        out = negative ? -0.0 : 0.0;
        return true;
    }
    if (w > (uint64_t{1} << 53) || exponent < -22 || exponent > 22)
        return false;
    double d = static_cast<double>(w);
    d = exponent < 0 ? d / kExactPow10[-exponent] : d * kExactPow10[exponent];
    out = negative ? -d : d;
    return true;
}

} // namespace

namespace {

// The C locale, made once (thread-safe static initialisation) and kept for the process.
locale_t cLocale() {
    static const locale_t c = ::newlocale(LC_ALL_MASK, "C", static_cast<locale_t>(nullptr));
    return c;
}

} // namespace

double strtodC(const char *s, char **end) {
    return ::strtod_l(s, end, cLocale());
}

int vsnprintfC(char *buf, size_t size, const char *fmt, va_list ap) {
    // uselocale changes the calling thread's locale only; the previous one is put back.
    const locale_t previous = ::uselocale(cLocale());
    const int n = std::vsnprintf(buf, size, fmt, ap);
    ::uselocale(previous);
    return n;
}

bool parseDouble(std::string_view s, double &out) {
    if (s.empty() || s.size() > 64)
        return false;
    if (parseDecimalFast(s.data(), s.data() + s.size(), out))
        return true;
    char buf[72];
    std::memcpy(buf, s.data(), s.size());
    buf[s.size()] = '\0';
    char *end = nullptr;
    out = strtodC(buf, &end);
    return end == buf + s.size() && std::isfinite(out);
}

void appendDouble(std::string &out, double v) {
    if (!std::isfinite(v)) {
        out += "null";
        return;
    }
    char buf[64];
    const auto r = std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, r.ptr);
}

bool iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size())
        return false;
    for (size_t i = 0; i < a.size(); ++i) {
        char x = a[i], y = b[i];
        if (x >= 'A' && x <= 'Z')
            x = static_cast<char>(x | 0x20);
        if (y >= 'A' && y <= 'Z')
            y = static_cast<char>(y | 0x20);
        if (x != y)
            return false;
    }
    return true;
}

} // namespace weir
