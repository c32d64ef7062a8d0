// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstddef>
#include <cstdint>

namespace weir::source {

// Keeps read-only file mappings safe when someone truncates the file under them (logrotate's
// copytruncate, an editor rewriting in place): touching a page past the new end of file
// raises SIGBUS. A process-wide SIGBUS handler, installed on the first registration, looks the
// faulting address up among the registered regions and, when it is in one, maps a page of
// zeros over the faulting page and returns: the reader sees NUL bytes instead of the lost
// text, the process goes on, and the page is counted. Faults outside every registered region
// go to the handler installed before ours (or the default action: the process dies as
// before).
//
// Thread contract: all functions may be called from any thread; the region table is a fixed
// array of atomics (no allocation, no lock), so the handler is async-signal-safe. A region
// must be unregistered before it is unmapped.
class MappedRegionGuard {
public:
    // Registers [begin, begin + length) (a whole mapping, page aligned). Returns the slot to
    // pass to unregisterRegion, or -1 when the handler could not be installed or the table is
    // full (then the caller should not rely on the guard: read the file instead).
    static int registerRegion(const void *begin, size_t length);
    static void unregisterRegion(int slot);

    // Pages of registered regions replaced by zeros after a truncation, since process start.
    static uint64_t replacedPages();
    // Regions registered now (for tests and statistics).
    static size_t liveRegions();

    static constexpr size_t kCapacity = 65536; // 256 GiB of file in 4 MiB mappings
};

} // namespace weir::source
