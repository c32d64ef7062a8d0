// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "weir/window/window_setup.h"

#include <QJsonArray>
#include <QJsonValue>
#include <QString>
#include <vector>

namespace weir::app {

// A workspace's "windows": one object per window pipeline, its options as typed (the names of
// weir's and weir-cli's options):
//   {"window": "sliding:60s/10s", "key": "lat,lon", "agg": "count,mean(speed)",
//    "lateness": "5m", "outOfOrder": "10s", "idleTimeout": "30s", "early": "0",
//    "mode": "accumulating", "dedup": "raw", "dedupTtl": "10m"}
// Only "window" is required; "key" and "dedup" may also be lists of field names. Plain data,
// any thread.
QJsonArray windowSetupsToJson(const std::vector<window::WindowSetupText> &setups);
// Reads and checks every pipeline (window::parseWindowSetup). False with `error` naming the
// entry and field at fault ("windows[1].lateness: ..."); `out` is then unchanged.
bool windowSetupsFromJson(const QJsonValue &windows, std::vector<window::WindowSetupText> *out,
                          QString *error);

} // namespace weir::app
