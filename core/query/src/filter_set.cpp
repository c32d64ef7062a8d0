// SPDX-License-Identifier: GPL-3.0-or-later
#include "weir/query/filter_set.h"

#include <algorithm>

namespace weir::query {

FilterSet::FilterId FilterSet::add(Query query, Mode mode, bool enabled) {
    Filter f{m_nextId++, std::move(query), mode, enabled, MatchBitmap(), false};
    m_filters.push_back(std::move(f));
    return m_filters.back().id;
}

FilterSet::Filter *FilterSet::find(FilterId id) {
    for (auto &f : m_filters) {
        if (f.id == id)
            return &f;
    }
    return nullptr;
}

bool FilterSet::remove(FilterId id) {
    const auto it = std::find_if(m_filters.begin(), m_filters.end(),
                                 [&](const Filter &f) { return f.id == id; });
    if (it == m_filters.end())
        return false;
    m_filters.erase(it);
    return true;
}

bool FilterSet::setEnabled(FilterId id, bool enabled) {
    Filter *f = find(id);
    if (f)
        f->enabled = enabled;
    return f != nullptr;
}

bool FilterSet::setMode(FilterId id, Mode mode) {
    Filter *f = find(id);
    if (f)
        f->mode = mode;
    return f != nullptr;
}

const MatchBitmap *FilterSet::matches(FilterId id) const {
    for (const auto &f : m_filters) {
        if (f.id == id)
            return &f.bits;
    }
    return nullptr;
}

size_t FilterSet::memoryBytes() const {
    size_t n = 0;
    for (const auto &f : m_filters)
        n += f.bits.memoryBytes();
    return n;
}

bool FilterSet::update(const store::StoreSnapshot &snapshot, const SourceCatalog &catalog,
                       const ScanControl &control) {
    const uint64_t first = snapshot.firstIndex();
    const uint64_t end = snapshot.endIndex();
    m_first = first;
    m_end = end;
    uint64_t total = 0;
    for (auto &f : m_filters) {
        if (!f.started || f.bits.end() < first) {
            f.bits = MatchBitmap(first, first);
            f.started = true;
        }
        f.bits.dropBefore(first);
        total += end - f.bits.end();
    }
    uint64_t doneBefore = 0;
    for (auto &f : m_filters) {
        const uint64_t from = f.bits.end();
        if (from >= end)
            continue;
        f.bits.extendTo(end);
        ScanControl c;
        c.cancel = control.cancel;
        c.progressStep = control.progressStep;
        if (control.progress) {
            c.progress = [&](uint64_t done, uint64_t) {
                control.progress(doneBefore + done, total);
            };
        }
        Matcher matcher(f.query, catalog);
        const uint64_t reached = scanInto(matcher, snapshot, from, end, f.bits, c);
        doneBefore += reached - from;
        if (reached < end) {
            f.bits.truncate(reached);
            return false;
        }
    }
    return true;
}

VisibleRows FilterSet::visibleRows() const {
    uint64_t end = m_end;
    bool any = false;
    for (const auto &f : m_filters) {
        if (f.enabled && f.started) {
            end = std::min(end, f.bits.end());
            any = true;
        }
    }
    if (!any)
        return VisibleRows::all(m_first, m_end);
    MatchBitmap visible(m_first, end);
    visible.setAll();
    for (const auto &f : m_filters) {
        if (!f.enabled || !f.started)
            continue;
        if (f.mode == Mode::Include)
            visible.andWith(f.bits);
        else
            visible.andNotWith(f.bits);
    }
    return VisibleRows(std::move(visible));
}

} // namespace weir::query
