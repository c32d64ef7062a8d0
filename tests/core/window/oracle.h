// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Test support: a brute-force reference for windowed aggregation, written independently of the
// engine (sort all events, assign windows, aggregate exactly), and a randomized event stream.

#include "weir/window/window_operator.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <map>
#include <random>
#include <set>
#include <string>
#include <tuple>
#include <vector>

namespace weir::window::test {

struct TEvent {
    int64_t t = 0;
    std::string key;
    double v = 0;
    std::string tag;
    uint64_t id = 0;      // unique per original event; duplicates share it
    bool tooLate = false; // must be dropped by the engine
    bool duplicate = false;
};

using ResultKey = std::tuple<int64_t, int64_t, std::string>; // start, end, key

// Exact results per window and key for the aggregates used by these tests:
// count, sum(v), min(v), max(v), mean(v), p95(v), distinct(tag), topk(tag,3), first(tag), last(v)
struct Exact {
    uint64_t count = 0;
    double sum = 0;
    double min = 0, max = 0;
    std::vector<double> values;
    std::set<std::string> tags;
    std::map<std::string, uint64_t> tagCounts;
    int64_t firstT = 0, lastT = 0;
    std::string firstTag;
    double lastV = 0;

    double quantile(double q) const {
        std::vector<double> s = values;
        std::sort(s.begin(), s.end());
        const auto r = static_cast<size_t>(std::floor(q * static_cast<double>(s.size() - 1)));
        return s[r];
    }
    std::string topk(size_t k) const {
        std::vector<std::pair<std::string, uint64_t>> v(tagCounts.begin(), tagCounts.end());
        std::sort(v.begin(), v.end(), [](const auto &a, const auto &b) {
            return a.second != b.second ? a.second > b.second : a.first < b.first;
        });
        std::string out;
        for (size_t i = 0; i < v.size() && i < k; ++i) {
            if (!out.empty())
                out += ';';
            out += v[i].first + "=" + std::to_string(v[i].second);
        }
        return out;
    }
};

inline void accumulate(Exact &e, const TEvent &ev) {
    if (e.count == 0) {
        e.min = e.max = ev.v;
        e.firstT = e.lastT = ev.t;
        e.firstTag = ev.tag;
        e.lastV = ev.v;
    } else {
        e.min = std::min(e.min, ev.v);
        e.max = std::max(e.max, ev.v);
        if (ev.t < e.firstT || (ev.t == e.firstT && ev.tag < e.firstTag)) {
            e.firstT = ev.t;
            e.firstTag = ev.tag;
        }
        // last(v) ties: the larger text wins; the engine compares texts, and for these values
        // (fixed two-decimal texts of non-negative numbers < 10000) larger text = larger v.
        if (ev.t > e.lastT || (ev.t == e.lastT && ev.v > e.lastV)) {
            e.lastT = ev.t;
            e.lastV = ev.v;
        }
    }
    ++e.count;
    e.sum += ev.v;
    e.values.push_back(ev.v);
    e.tags.insert(ev.tag);
    ++e.tagCounts[ev.tag];
}

enum class OKind { Fixed, Sliding, Session };

// All accepted events (no too-late, no duplicates), brute force.
inline std::map<ResultKey, Exact> oracle(std::vector<TEvent> events, OKind kind, int64_t size,
                                         int64_t period, int64_t gap) {
    events.erase(std::remove_if(events.begin(), events.end(),
                                [](const TEvent &e) { return e.tooLate || e.duplicate; }),
                 events.end());
    std::sort(events.begin(), events.end(), [](const TEvent &a, const TEvent &b) {
        return std::tie(a.key, a.t, a.id) < std::tie(b.key, b.t, b.id);
    });
    std::map<ResultKey, Exact> out;
    if (kind == OKind::Session) {
        size_t i = 0;
        while (i < events.size()) {
            size_t j = i;
            int64_t end = events[i].t + gap;
            while (j + 1 < events.size() && events[j + 1].key == events[i].key &&
                   events[j + 1].t < end) {
                ++j;
                end = std::max(end, events[j].t + gap);
            }
            Exact &e = out[ResultKey{events[i].t, end, events[i].key}];
            for (size_t k = i; k <= j; ++k)
                accumulate(e, events[k]);
            i = j + 1;
        }
        return out;
    }
    const int64_t step = kind == OKind::Fixed ? size : period;
    for (const TEvent &ev : events) {
        // Every start s = k * step with s <= t < s + size, found by scanning candidates.
        const int64_t hi = ev.t >= 0 ? ev.t / step : -((-ev.t + step - 1) / step);
        for (int64_t k = hi; k * step > ev.t - size; --k)
            accumulate(out[ResultKey{k * step, k * step + size, ev.key}], ev);
    }
    return out;
}

struct StreamOptions {
    uint64_t seed = 1;
    size_t events = 3000;
    size_t keys = 7;
    size_t tags = 12;
    int64_t start = 1637576132LL * 1000000000LL;
    int64_t meanGapNs = 50 * 1000000LL;
    int64_t outOfOrderNs = 2 * 1000000000LL;
    int64_t latenessNs = 8 * 1000000000LL;   // must exceed 2 * outOfOrderNs
    int64_t maxWindowNs = 10 * 1000000000LL; // longest window (or gap) of the operator
    double duplicateShare = 0.03;
    double lateShare = 0.02;    // behind the watermark but within the lateness
    double tooLateShare = 0.02; // beyond the lateness for every window
    bool dyadic = true;         // values k/4: every sum is exact in double arithmetic
};

// A stream in arrival order: sorted event times shuffled within the out-of-order bound,
// with duplicates, late events (within lateness) and too-late events inserted.
inline std::vector<TEvent> makeStream(const StreamOptions &o, uint64_t shuffleSeed) {
    std::mt19937_64 rng(o.seed);
    std::uniform_real_distribution<double> u(0, 1);
    std::vector<TEvent> base;
    int64_t t = o.start;
    uint64_t id = 1;
    for (size_t i = 0; i < o.events; ++i) {
        t += static_cast<int64_t>(u(rng) * 2 * static_cast<double>(o.meanGapNs));
        TEvent e;
        e.t = t;
        e.key = "k" + std::to_string(rng() % o.keys);
        e.v = o.dyadic ? static_cast<double>(rng() % 4000) / 4.0 : u(rng) * 1000.0;
        e.tag = "tag" + std::to_string(rng() % o.tags);
        e.id = id++;
        base.push_back(e);
    }
    // Specials attached to base events (decided independently of the shuffle, so every
    // shuffle sees the same multiset of events): a duplicate, a late event within the
    // lateness, or a too-late event, each released right after its base event arrives.
    // When base event j arrives, every earlier arrival has time < t_j + bound, so the
    // watermark is in [t_j - bound, t_j). A late event at t_j - bound - back with
    // 0 < back < lateness - 2 * bound is behind the watermark, within the lateness and after
    // every window already freed (which ended below watermark - lateness); one at
    // t_j - bound - lateness - maxWindow - 1 - x is beyond it for every window.
    std::mt19937_64 xr(o.seed * 7919 + 1);
    std::vector<std::vector<TEvent>> specials(base.size());
    for (size_t j = 0; j < base.size(); ++j) {
        const double r = std::uniform_real_distribution<double>(0, 1)(xr);
        if (r < o.duplicateShare) {
            TEvent d = base[j];
            d.duplicate = true;
            specials[j].push_back(d);
        } else if (r < o.duplicateShare + o.lateShare && j > 50) {
            TEvent l;
            const auto back =
                static_cast<int64_t>(std::uniform_real_distribution<double>(0.05, 0.95)(xr) *
                                     static_cast<double>(o.latenessNs - 2 * o.outOfOrderNs));
            l.t = base[j].t - o.outOfOrderNs - back;
            l.key = "k" + std::to_string(xr() % o.keys);
            l.v = o.dyadic ? static_cast<double>(xr() % 4000) / 4.0 : 1.5;
            l.tag = "late" + std::to_string(xr() % 3);
            l.id = id++;
            specials[j].push_back(l);
        } else if (r < o.duplicateShare + o.lateShare + o.tooLateShare && j > 50) {
            TEvent l;
            l.t = base[j].t - o.outOfOrderNs - o.latenessNs - o.maxWindowNs - 1 -
                  static_cast<int64_t>(xr() % 1000000000ULL);
            l.key = "k" + std::to_string(xr() % o.keys);
            l.v = 12345;
            l.tag = "toolate";
            l.id = id++;
            l.tooLate = true;
            specials[j].push_back(l);
        }
    }
    // Arrival order: sort by t + jitter with jitter < bound, so each event's time is above
    // (max time of earlier arrivals) - bound.
    std::mt19937_64 srng(shuffleSeed);
    std::vector<std::pair<int64_t, size_t>> order;
    for (size_t i = 0; i < base.size(); ++i) {
        const auto jitter =
            static_cast<int64_t>(static_cast<double>(o.outOfOrderNs - 1) *
                                 std::uniform_real_distribution<double>(0, 1)(srng));
        order.emplace_back(base[i].t + jitter, i);
    }
    std::sort(order.begin(), order.end());
    std::vector<TEvent> result;
    std::vector<TEvent> dupQueue;
    for (const auto &entry : order) {
        const size_t j = entry.second;
        result.push_back(base[j]);
        for (const TEvent &sp : specials[j]) {
            if (sp.duplicate)
                dupQueue.push_back(sp);
            else
                result.push_back(sp);
        }
        // Duplicates come back a few arrivals later (dedup runs before the lateness check).
        if (!dupQueue.empty() && srng() % 4 == 0) {
            result.push_back(dupQueue.front());
            dupQueue.erase(dupQueue.begin());
        }
    }
    for (auto &d : dupQueue)
        result.push_back(d);
    return result;
}

} // namespace weir::window::test
