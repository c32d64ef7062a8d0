// SPDX-License-Identifier: GPL-3.0-or-later
#include "weir/parse/field_types.h"

#include "weir/common/text.h"
#include "weir/common/time_util.h"

#include <arpa/inet.h>
#include <cstring>

namespace weir::parse {

bool isIpv4(std::string_view s) {
    if (s.size() < 7 || s.size() > 15)
        return false;
    int parts = 0;
    size_t p = 0;
    while (true) {
        unsigned v = 0;
        const size_t b = p;
        while (p < s.size() && s[p] >= '0' && s[p] <= '9' && p - b < 3)
            v = v * 10 + static_cast<unsigned>(s[p++] - '0');
        if (p == b || v > 255 || (p - b > 1 && s[b] == '0'))
            return false;
        ++parts;
        if (p == s.size())
            return parts == 4;
        if (s[p] != '.' || parts == 4)
            return false;
        ++p;
    }
}

bool isIpAddress(std::string_view s) {
    if (isIpv4(s))
        return true;
    if (s.size() < 2 || s.size() > 45 || s.find(':') == std::string_view::npos)
        return false;
    const size_t zone = s.find('%');
    if (zone != std::string_view::npos)
        s = s.substr(0, zone);
    char buf[64];
    std::memcpy(buf, s.data(), s.size());
    buf[s.size()] = 0;
    unsigned char addr[16];
    return inet_pton(AF_INET6, buf, addr) == 1;
}

void inferFieldType(Field &f) {
    const std::string_view t = f.text;
    f.i = 0;
    f.f = 0;
    if (t.empty() || t == "-") {
        f.type = FieldType::Null;
        return;
    }
    const char c = t[0];
    if ((c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.') {
        if (parseInt64(t, f.i)) {
            f.type = FieldType::Int;
            f.f = static_cast<double>(f.i);
            return;
        }
        if (parseDouble(t, f.f)) {
            f.type = FieldType::Float;
            return;
        }
        if (isIpv4(t)) {
            f.type = FieldType::Ip;
            return;
        }
        TimestampNs ts;
        if (t.size() >= 10 && t[4] == '-' && t[7] == '-' && parseIso8601(t, ts)) {
            f.type = FieldType::Time;
            f.i = ts.value;
            return;
        }
    }
    if (t == "true" || t == "false") {
        f.type = FieldType::Bool;
        f.i = t == "true";
        return;
    }
    if (t.find(':') != std::string_view::npos && isIpAddress(t)) {
        f.type = FieldType::Ip;
        return;
    }
    f.type = FieldType::String;
}

void addInferred(FieldList &out, std::string_view name, std::string_view text) {
    Field f;
    f.name = name;
    f.text = text;
    inferFieldType(f);
    out.fields.push_back(f);
}

} // namespace weir::parse
