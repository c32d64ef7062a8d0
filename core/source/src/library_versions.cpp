// SPDX-License-Identifier: GPL-3.0-or-later
#include "weir/source/library_versions.h"

#include <librdkafka/rdkafka.h>
#include <mosquitto.h>

namespace weir::source {

std::vector<std::pair<std::string, std::string>> linkedLibraryVersions() {
    int major = 0, minor = 0, revision = 0;
    mosquitto_lib_version(&major, &minor, &revision);
    return {
        {"librdkafka", rd_kafka_version_str()},
        {"libmosquitto",
         std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(revision)},
    };
}

} // namespace weir::source
