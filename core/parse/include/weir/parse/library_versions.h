// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace weir::parse {

// Versions of the parsing libraries this library links (RE2, simdjson, libmaxminddb), as
// {name, version} pairs: the runtime version where the library reports one, else the version
// built against. Any thread.
std::vector<std::pair<std::string, std::string>> linkedLibraryVersions();

} // namespace weir::parse
