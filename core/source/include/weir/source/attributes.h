// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The per-message attribute encoding lives with the store, which keeps it with each event;
// sources use it under these names.
#include "weir/store/attributes.h"

namespace weir::source {

namespace attr = store::attr;
using store::appendAttribute;
using store::findAttribute;
using store::forEachAttribute;
using store::topicLevel;

} // namespace weir::source
