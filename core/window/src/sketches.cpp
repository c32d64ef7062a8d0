// SPDX-License-Identifier: GPL-3.0-or-later
#include "weir/window/sketches.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

namespace weir::window {

namespace {

constexpr uint64_t kMulA = 0x9E3779B97F4A7C15ULL;
constexpr uint64_t kMulB = 0xBF58476D1CE4E5B9ULL;
constexpr uint64_t kMulC = 0x94D049BB133111EBULL;

inline uint64_t finalMix(uint64_t z) {
    z = (z ^ (z >> 30)) * kMulB;
    z = (z ^ (z >> 27)) * kMulC;
    return z ^ (z >> 31);
}

} // namespace

uint64_t hashBytes(std::string_view s, uint64_t seed) {
    const char *p = s.data();
    size_t n = s.size();
    uint64_t h = seed ^ (static_cast<uint64_t>(n) * kMulA);
    while (n >= 8) {
        uint64_t w;
        std::memcpy(&w, p, 8);
        h = (h ^ w) * kMulB;
        h ^= h >> 29;
        p += 8;
        n -= 8;
    }
    uint64_t w = 0;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    if (n > 0 && s.size() >= 8) {
        // The last 1..7 bytes as one load ending at the string's end, shifted down: the same
        // word the byte loop below builds.
        std::memcpy(&w, p + n - 8, 8);
        w >>= 8 * (8 - n);
        n = 0;
    }
#endif
    for (size_t i = 0; i < n; ++i)
        w |= static_cast<uint64_t>(static_cast<unsigned char>(p[i])) << (8 * i);
    h = (h ^ w) * kMulC;
    return finalMix(h);
}

// ---- ExactSum

void ExactSum::addFixed(int64_t lo, int64_t hi) {
    const uint64_t before = m_lo;
    m_lo += static_cast<uint64_t>(lo);
    // Sign-extend `lo` into the high word, plus the carry out of the low word.
    m_hi += hi + (lo < 0 ? -1 : 0) + (m_lo < before ? 1 : 0);
}

void ExactSum::add(double x) {
    const double ax = std::fabs(x);
    if (ax < 0x1p22) {
        // x * 2^40 is exact; truncation toward zero is as deterministic as rounding.
        addFixed(static_cast<int64_t>(x * 0x1p40), 0);
        return;
    }
    if (!(ax < 0x1p62)) { // also catches NaN
        m_overflow += x;
        return;
    }
    // whole * 2^40 + frac * 2^40 as a 128-bit integer, with whole = q * 2^24 + r, 0 <= r < 2^24:
    // whole * 2^40 = q * 2^64 + r * 2^40 (the latter below 2^64, added as unsigned).
    const double whole = std::trunc(x);
    const double frac = x - whole; // exact
    const auto w = static_cast<int64_t>(whole);
    const int64_t q = w >> 24; // floor division by 2^24 (arithmetic shift)
    const auto r = static_cast<uint64_t>(w - q * (int64_t{1} << 24));
    const uint64_t before = m_lo;
    m_lo += r << 40;
    m_hi += q + (m_lo < before ? 1 : 0);
    addFixed(static_cast<int64_t>(frac * 0x1p40), 0);
}

void ExactSum::merge(const ExactSum &other) {
    const uint64_t before = m_lo;
    m_lo += other.m_lo;
    m_hi += other.m_hi + (m_lo < before ? 1 : 0);
    m_overflow += other.m_overflow;
}

double ExactSum::value() const {
    __extension__ typedef __int128 Int128;
    __extension__ typedef unsigned __int128 UInt128;
    const auto fixed =
        static_cast<Int128>((static_cast<UInt128>(static_cast<uint64_t>(m_hi)) << 64) | m_lo);
    return static_cast<double>(fixed) * 0x1p-40 + m_overflow;
}

// ---- DdSketch

namespace {
// Inverse of the log-linear approximation: the x with L(x) = y.
double fromLogLinear(double y) {
    const double e = std::floor(y);
    return std::ldexp(1.0 + (y - e), static_cast<int>(e));
}
} // namespace

double DdSketch::valueOf(int32_t index) {
    const double lo = fromLogLinear(static_cast<double>(index - 1) / kBinsPerOctave);
    const double hi = fromLogLinear(static_cast<double>(index) / kBinsPerOctave);
    return 2.0 * lo * hi / (lo + hi);
}

namespace {

// Makes room for bucket `index` in the dense run (growing up, growing down with some slack, or
// collapsing the smallest magnitudes when the span would pass kMaxBins) and returns its
// position. Collapsing sums buckets, so callers use it on 64-bit counts only.
template<typename T>
size_t place(std::vector<T> &counts, int32_t &offset, int32_t index, bool mayCollapse,
             bool &needsCollapse) {
    needsCollapse = false;
    if (counts.empty()) {
        offset = index;
        counts.assign(1, 0);
        return 0;
    }
    const int64_t size = static_cast<int64_t>(counts.size());
    const int64_t hi0 = offset + size - 1;
    if (index >= offset && index <= hi0)
        return static_cast<size_t>(index - offset);
    if (index > hi0 && index - offset < DdSketch::kMaxBins) {
        counts.resize(static_cast<size_t>(index - offset + 1), 0); // amortized growth
        return counts.size() - 1;
    }
    if (index < offset && hi0 - index < DdSketch::kMaxBins) {
        // Grow downwards with some slack so a descending run does not copy every step.
        const int64_t need = offset - index;
        const int64_t slack = std::min<int64_t>({size, 64, DdSketch::kMaxBins - size - need});
        counts.insert(counts.begin(), static_cast<size_t>(need + slack), 0);
        offset = static_cast<int32_t>(offset - need - slack);
        return static_cast<size_t>(index - offset);
    }
    if (!mayCollapse) {
        needsCollapse = true;
        return 0;
    }
    const int64_t hi = std::max<int64_t>(hi0, index);
    const int64_t lo = hi - DdSketch::kMaxBins + 1;
    std::vector<T> grown(static_cast<size_t>(DdSketch::kMaxBins), 0);
    for (size_t i = 0; i < counts.size(); ++i) {
        const int64_t idx = std::max<int64_t>(lo, offset + static_cast<int64_t>(i));
        grown[static_cast<size_t>(idx - lo)] += counts[i];
    }
    counts = std::move(grown);
    offset = static_cast<int32_t>(lo);
    return static_cast<size_t>(std::max<int64_t>(lo, index) - lo);
}

} // namespace

void DdSketch::Store::widen() {
    if (isWide)
        return;
    wide.assign(narrow.begin(), narrow.end());
    narrow.clear();
    narrow.shrink_to_fit();
    isWide = true;
}

void DdSketch::Store::addSlow(int32_t index, uint64_t n) {
    bool needsCollapse = false;
    if (!isWide && narrow.empty())
        narrow.reserve(16); // the first few buckets without a reallocation each
    if (!isWide) {
        const size_t pos = place(narrow, offset, index, false, needsCollapse);
        if (!needsCollapse && narrow[pos] + n < 0xFFFF) {
            narrow[pos] = static_cast<uint16_t>(narrow[pos] + n);
            return;
        }
        widen();
    }
    const size_t pos = place(wide, offset, index, true, needsCollapse);
    wide[pos] += n;
}

void DdSketch::Store::merge(const Store &o) {
    for (size_t i = 0; i < o.size(); ++i) {
        if (const uint64_t c = o.at(i))
            add(o.offset + static_cast<int32_t>(i), c);
    }
}

DdSketch::DdSketch(const DdSketch &o)
    : m_pos(o.m_pos)
    , m_count(o.m_count)
    , m_min(o.m_min)
    , m_max(o.m_max)
    , m_zero(o.m_zero)
    , m_neg(o.m_neg ? std::make_unique<Store>(*o.m_neg) : nullptr) {}

DdSketch &DdSketch::operator=(const DdSketch &o) {
    if (this != &o) {
        DdSketch copy(o);
        *this = std::move(copy);
    }
    return *this;
}

void DdSketch::addNonPositive(double x) {
    if (x < -kMinMagnitude) {
        if (!m_neg)
            m_neg = std::make_unique<Store>();
        m_neg->add(indexOf(-x), 1);
    } else {
        ++m_zero;
    }
}

void DdSketch::merge(const DdSketch &other) {
    if (other.m_count == 0)
        return;
    if (m_count == 0) {
        *this = other;
        return;
    }
    m_pos.merge(other.m_pos);
    if (other.m_neg) {
        if (!m_neg)
            m_neg = std::make_unique<Store>();
        m_neg->merge(*other.m_neg);
    }
    m_zero += other.m_zero;
    m_count += other.m_count;
    m_min = std::min(m_min, other.m_min);
    m_max = std::max(m_max, other.m_max);
}

double DdSketch::quantile(double q) const {
    if (m_count == 0)
        return std::numeric_limits<double>::quiet_NaN();
    q = std::clamp(q, 0.0, 1.0);
    const auto rank = static_cast<uint64_t>(std::floor(q * static_cast<double>(m_count - 1)));
    uint64_t seen = 0;
    double result = m_max;
    bool found = false;
    // Negative values, most negative (largest magnitude) first.
    if (m_neg) {
        for (size_t i = m_neg->size(); i-- > 0 && !found;) {
            seen += m_neg->at(i);
            if (seen > rank) {
                result = -valueOf(m_neg->offset + static_cast<int32_t>(i));
                found = true;
            }
        }
    }
    if (!found) {
        seen += m_zero;
        if (seen > rank) {
            result = 0;
            found = true;
        }
    }
    for (size_t i = 0; i < m_pos.size() && !found; ++i) {
        seen += m_pos.at(i);
        if (seen > rank) {
            result = valueOf(m_pos.offset + static_cast<int32_t>(i));
            found = true;
        }
    }
    return std::clamp(result, m_min, m_max);
}

// ---- DistinctCounter

void DistinctCounter::addToRegisters(uint64_t h) {
    const size_t idx = static_cast<size_t>(h >> (64 - kPrecision));
    const uint64_t w = (h << kPrecision) | (uint64_t{1} << (kPrecision - 1));
    const auto rank = static_cast<uint8_t>(__builtin_clzll(w) + 1);
    if (rank > m_registers[idx])
        m_registers[idx] = rank;
}

void DistinctCounter::toRegisters() {
    m_registers.assign(size_t{1} << kPrecision, 0);
    for (uint64_t h : m_exact)
        addToRegisters(h);
    m_exact.clear();
    m_exact.shrink_to_fit();
}

void DistinctCounter::addHash(uint64_t h) {
    if (!m_registers.empty()) {
        addToRegisters(h);
        return;
    }
    const auto it = std::lower_bound(m_exact.begin(), m_exact.end(), h);
    if (it != m_exact.end() && *it == h)
        return;
    m_exact.insert(it, h);
    if (m_exact.size() > kExactLimit)
        toRegisters();
}

void DistinctCounter::merge(const DistinctCounter &other) {
    if (other.m_registers.empty()) {
        for (uint64_t h : other.m_exact)
            addHash(h);
        return;
    }
    if (m_registers.empty())
        toRegisters();
    for (size_t i = 0; i < m_registers.size(); ++i)
        m_registers[i] = std::max(m_registers[i], other.m_registers[i]);
}

double DistinctCounter::estimate() const {
    if (m_registers.empty())
        return static_cast<double>(m_exact.size());
    const double m = static_cast<double>(m_registers.size());
    double sum = 0;
    size_t zeros = 0;
    for (uint8_t r : m_registers) {
        sum += std::ldexp(1.0, -static_cast<int>(r));
        zeros += r == 0;
    }
    const double alpha = 0.7213 / (1.0 + 1.079 / m);
    const double raw = alpha * m * m / sum;
    if (raw <= 2.5 * m && zeros > 0)
        return m * std::log(m / static_cast<double>(zeros)); // linear counting for small sets
    return raw;
}

// ---- SpaceSaving

void SpaceSaving::reset() {
    m_total = 0;
    m_entries.clear();
    m_index.clear();
}

void SpaceSaving::add(std::string_view item, uint64_t n) {
    m_total += n;
    m_scratch.assign(item.data(), item.size());
    const auto it = m_index.find(m_scratch);
    if (it != m_index.end()) {
        m_entries[it->second].count += n;
        return;
    }
    if (m_entries.size() < m_capacity) {
        m_index.emplace(m_scratch, m_entries.size());
        m_entries.push_back(Entry{m_scratch, n, 0});
        return;
    }
    size_t minAt = 0;
    for (size_t i = 1; i < m_entries.size(); ++i) {
        const Entry &e = m_entries[i];
        const Entry &best = m_entries[minAt];
        if (e.count < best.count || (e.count == best.count && e.item > best.item))
            minAt = i;
    }
    Entry &victim = m_entries[minAt];
    m_index.erase(victim.item);
    victim.error = victim.count;
    victim.count += n;
    victim.item = m_scratch;
    m_index.emplace(m_scratch, minAt);
}

void SpaceSaving::merge(const SpaceSaving &other) {
    const auto minOf = [](const SpaceSaving &s) -> uint64_t {
        if (s.m_entries.size() < s.m_capacity)
            return 0; // not full: an untracked item was never seen
        uint64_t m = std::numeric_limits<uint64_t>::max();
        for (const auto &e : s.m_entries)
            m = std::min(m, e.count);
        return m;
    };
    const uint64_t minThis = minOf(*this);
    const uint64_t minOther = minOf(other);
    std::unordered_map<std::string, Entry> combined;
    for (const auto &e : m_entries) {
        Entry c = e;
        c.count += minOther;
        c.error += minOther;
        combined.emplace(e.item, std::move(c));
    }
    for (const auto &e : other.m_entries) {
        const auto it = combined.find(e.item);
        if (it != combined.end()) {
            it->second.count += e.count - minOther;
            it->second.error += e.error - minOther;
        } else {
            combined.emplace(e.item, Entry{e.item, e.count + minThis, e.error + minThis});
        }
    }
    m_entries.clear();
    for (auto &kv : combined)
        m_entries.push_back(std::move(kv.second));
    std::sort(m_entries.begin(), m_entries.end(), [](const Entry &a, const Entry &b) {
        return a.count != b.count ? a.count > b.count : a.item < b.item;
    });
    if (m_entries.size() > m_capacity)
        m_entries.resize(m_capacity);
    m_index.clear();
    for (size_t i = 0; i < m_entries.size(); ++i)
        m_index.emplace(m_entries[i].item, i);
    m_total += other.m_total;
}

std::vector<SpaceSaving::Entry> SpaceSaving::top(size_t k) const {
    std::vector<Entry> out = m_entries;
    std::sort(out.begin(), out.end(), [](const Entry &a, const Entry &b) {
        return a.count != b.count ? a.count > b.count : a.item < b.item;
    });
    if (out.size() > k)
        out.resize(k);
    return out;
}

} // namespace weir::window
