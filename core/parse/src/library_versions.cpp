// SPDX-License-Identifier: GPL-3.0-or-later
#include "weir/parse/library_versions.h"

#include <maxminddb.h>
#include <simdjson.h>

#ifndef WEIR_RE2_VERSION
#define WEIR_RE2_VERSION ""
#endif

namespace weir::parse {

std::vector<std::pair<std::string, std::string>> linkedLibraryVersions() {
    // RE2 has no version API; pkg-config's is all there is, and Debian's says 0.0.0.
    std::string re2 = WEIR_RE2_VERSION;
    if (re2.empty() || re2 == "0.0.0")
        re2 = "(reports no version)";
    return {
        {"RE2", re2},
        {"simdjson", std::to_string(simdjson::SIMDJSON_VERSION_MAJOR) + "." +
                         std::to_string(simdjson::SIMDJSON_VERSION_MINOR) + "." +
                         std::to_string(simdjson::SIMDJSON_VERSION_REVISION) + " (built against)"},
        {"libmaxminddb", MMDB_lib_version()},
    };
}

} // namespace weir::parse
