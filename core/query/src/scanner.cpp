// SPDX-License-Identifier: GPL-3.0-or-later
#include "weir/query/scanner.h"

#include <algorithm>

namespace weir::query {

uint64_t scanInto(Matcher &matcher, const store::StoreSnapshot &snapshot, uint64_t from,
                  uint64_t to, MatchBitmap &bits, const ScanControl &control) {
    from = std::max(from, snapshot.firstIndex());
    to = std::min(to, snapshot.endIndex());
    if (from >= to)
        return std::max(from, std::min(to, snapshot.endIndex()));
    const uint64_t total = to - from;
    uint64_t nextProgress = control.progressStep;
    auto &words = bits.words();
    const uint64_t base = bits.base();
    uint64_t index = from;
    while (index < to) {
        // One block: up to kCancelCheckRows rows, then poll cancel and report progress. Bits
        // are gathered in a register and stored once per 64 rows.
        const uint64_t blockEnd = std::min(to, index + ScanControl::kCancelCheckRows);
        uint64_t word = 0;
        uint64_t wordIndex = (index - base) >> 6;
        snapshot.forEach(index, blockEnd, [&](const store::EventRef &e) {
            const uint64_t bit = (index - base) & 63;
            if (bit == 0 && word) {
                words[static_cast<size_t>(wordIndex)] |= word;
                word = 0;
            }
            wordIndex = (index - base) >> 6;
            word |= uint64_t{matcher.matches(e)} << bit;
            ++index;
        });
        if (word)
            words[static_cast<size_t>(wordIndex)] |= word;
        index = blockEnd;
        const uint64_t done = index - from;
        if (control.progress && done >= nextProgress && index < to) {
            control.progress(done, total);
            nextProgress = done + control.progressStep;
        }
        if (control.cancelled())
            return index;
    }
    if (control.progress)
        control.progress(index - from, total);
    return index;
}

ScanResult scan(const Query &query, const SourceCatalog &catalog,
                const store::StoreSnapshot &snapshot, const ScanControl &control) {
    Matcher matcher(query, catalog);
    ScanResult result;
    result.matches = MatchBitmap(snapshot.firstIndex(), snapshot.endIndex());
    const uint64_t reached = scanInto(matcher, snapshot, snapshot.firstIndex(), snapshot.endIndex(),
                                      result.matches, control);
    if (reached < snapshot.endIndex()) {
        result.cancelled = true;
        result.matches.truncate(reached);
    }
    return result;
}

} // namespace weir::query
