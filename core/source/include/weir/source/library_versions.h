// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace weir::source {

// Runtime versions of the transport libraries this library links (librdkafka, libmosquitto), as
// {name, version} pairs, for About boxes and bug reports. Any thread.
std::vector<std::pair<std::string, std::string>> linkedLibraryVersions();

} // namespace weir::source
