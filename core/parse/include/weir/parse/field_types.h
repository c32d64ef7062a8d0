// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "weir/parse/parser.h"

#include <string_view>

namespace weir::parse {

bool isIpv4(std::string_view s);
// IPv4, or IPv6 in any of its text forms (with an optional %zone).
bool isIpAddress(std::string_view s);

// Sets f.type (and f.i / f.f) from f.text: Null for "" and "-", Int, Float, Bool for
// true/false, Ip, Time for an ISO 8601 value, else String.
void inferFieldType(Field &f);

// Appends a field of inferred type.
void addInferred(FieldList &out, std::string_view name, std::string_view text);

} // namespace weir::parse
