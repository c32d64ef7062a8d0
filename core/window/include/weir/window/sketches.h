// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace weir::window {

// 64-bit hash of a byte string (our own multiply-xorshift mix, 8 bytes per step). Stable
// across runs and platforms of the same endianness; used for distinct counting and dedup.
uint64_t hashBytes(std::string_view s, uint64_t seed = 0);

// Exact sum of doubles in fixed point, so the result does not depend on the order of additions.
// Each value is rounded to a multiple of 2^-40 (about 9.1e-13) and added to a 128-bit integer;
// integer addition is associative, so any arrival order and any merge order give the same bits.
// Values with |x| >= 2^62 (and inf/NaN) fall back to an ordinary double side-sum. 24 bytes.
class ExactSum {
public:
    void add(double x);
    void merge(const ExactSum &other);
    double value() const;
    void reset() { *this = ExactSum{}; }

private:
    void addFixed(int64_t lo, int64_t hi);

    // Two's complement 128-bit integer in two words (8-byte aligned, so states stay compact).
    uint64_t m_lo = 0;
    int64_t m_hi = 0;
    double m_overflow = 0;
};

// A mergeable quantile sketch with relative-error guarantee, after the DDSketch idea
// (logarithmic buckets whose bounds differ by a ratio of at most gamma = (1 + a) / (1 - a),
// a = 0.01), using a log-linear index mapping so adding a value needs no logarithm.
//
// Guarantee: quantile(q) returns a value within 1 % relative error (plus floating-point rounding,
// ~1e-15) of the exact element of rank floor(q * (n - 1)) in sorted order (0-based), for every
// value whose magnitude is in [1e-9, 1e300] and as long as at most kMaxBins buckets per sign are
// in use (a dynamic range of about 2^80 = 1e24 between the smallest and largest magnitude).
// Magnitudes below 1e-9 count as 0; beyond kMaxBins the lowest buckets are collapsed into one
// (only the lowest quantiles then lose the guarantee). The answer is clamped into [min, max],
// which only reduces the error. Merging two sketches gives exactly the sketch of the union.
// Memory: 2 bytes (8 once a bucket passes 65535) per bucket between the smallest and largest
// used one (50 buckets per octave).
class DdSketch {
public:
    static constexpr double kRelativeAccuracy = 0.01;
    static constexpr double kMinMagnitude = 1e-9;
    static constexpr int kMaxBins = 4096;
    static constexpr double kBinsPerOctave = 50; // >= 1 / ln(gamma) = 49.995

    inline void add(double x);
    // Cache hint: the address of the bucket add(x) would update, nullptr if it does not exist
    // yet. For the caller to prefetch: a function that only prefetches is "pure" to GCC, so an
    // inlined call of one is deleted as having no effect.
    inline const void *bucketAddress(double x) const;
    void merge(const DdSketch &other);
    double quantile(double q) const; // NaN when empty
    uint64_t count() const { return m_count; }
    void reset() { *this = DdSketch{}; }

private:
    // Dense run of bucket counts for one sign, starting at bucket index `offset`. Counts are
    // 16-bit while every bucket stays below 65535 (a quarter of the cache footprint on the hot
    // path), then widened to 64-bit for good.
    struct Store {
        std::vector<uint16_t> narrow;
        std::vector<uint64_t> wide;
        int32_t offset = 0;
        bool isWide = false;
        size_t size() const { return isWide ? wide.size() : narrow.size(); }
        uint64_t at(size_t i) const { return isWide ? wide[i] : narrow[i]; }
        void add(int32_t index, uint64_t n) {
            // The common case inline: a 16-bit bucket inside the run, far from overflowing.
            const size_t at = static_cast<size_t>(static_cast<int64_t>(index) - offset);
            if (!isWide && at < narrow.size() && narrow[at] + n < 0xFFFF) {
                narrow[at] = static_cast<uint16_t>(narrow[at] + n);
                return;
            }
            addSlow(index, n);
        }
        void addSlow(int32_t index, uint64_t n);
        void merge(const Store &o);
        void widen();
    };
    // Log-linear bucket mapping (no log call): with x = m * 2^e, m in [1, 2), the piecewise-linear
    // approximation L(x) = e + (m - 1) of log2(x) is monotonic, and an interval of width 1/M in L
    // spans a ratio of at most e^(1/M) in x (the slope of L against log2 x is m ln 2 >= ln 2).
    // M = kBinsPerOctave = 50 >= 1 / ln(gamma) keeps every bucket's ratio at most gamma, and the
    // representative 2 lo hi / (lo + hi) is then within a = (gamma - 1) / (gamma + 1) of any value
    // in [lo, hi]. Costs ~1.44x the buckets of exact logarithms.
    static int32_t indexOf(double magnitude) {
        uint64_t bits;
        std::memcpy(&bits, &magnitude, sizeof bits);
        const auto exponent = static_cast<int64_t>((bits >> 52) & 0x7FF) - 1023;
        const double mantissaFrac = static_cast<double>(bits & ((uint64_t{1} << 52) - 1)) * 0x1p-52;
        const double l = static_cast<double>(exponent) + mantissaFrac;
        const double y = l * kBinsPerOctave;
        // std::ceil(y) without the library's general case: |y| < 2^31 for every magnitude in
        // [kMinMagnitude, 1e300], so truncating toward zero and stepping up when below is exact.
        const auto t = static_cast<int32_t>(y);
        return t + (static_cast<double>(t) < y ? 1 : 0);
    }
    static double valueOf(int32_t index);
    void addNonPositive(double x); // x <= kMinMagnitude: the negative store or the zero count

    // The add path touches the first cache line only (positive store, count, min, max, zero).
    Store m_pos;
    uint64_t m_count = 0;
    double m_min = 0;
    double m_max = 0;
    uint64_t m_zero = 0;
    std::unique_ptr<Store> m_neg; // magnitudes of negative values, when there are any

public:
    DdSketch() = default;
    DdSketch(DdSketch &&) = default;
    DdSketch &operator=(DdSketch &&) = default;
    DdSketch(const DdSketch &o);
    DdSketch &operator=(const DdSketch &o);
};

inline void DdSketch::add(double x) {
    if (std::isnan(x))
        return;
    x = std::clamp(x, -1e300, 1e300);
    if (m_count == 0) {
        m_min = m_max = x;
    } else {
        m_min = std::min(m_min, x);
        m_max = std::max(m_max, x);
    }
    ++m_count;
    if (x > kMinMagnitude)
        m_pos.add(indexOf(x), 1);
    else
        addNonPositive(x);
}

inline const void *DdSketch::bucketAddress(double x) const {
    const Store *store = x > kMinMagnitude ? &m_pos : x < -kMinMagnitude ? m_neg.get() : nullptr;
    if (!store || !(std::fabs(x) <= 1e300))
        return nullptr;
    const int64_t pos = static_cast<int64_t>(indexOf(std::fabs(x))) - store->offset;
    if (pos < 0 || pos >= static_cast<int64_t>(store->size()))
        return nullptr;
    if (store->isWide)
        return store->wide.data() + pos;
    return store->narrow.data() + pos;
}

// Distinct count: exact (a set of 64-bit value hashes) up to kExactLimit distinct values, then a
// HyperLogLog with 2^12 one-byte registers. Error: 0 below the limit (barring 64-bit hash
// collisions); above it a standard error of 1.04 / sqrt(4096) = 1.6 % (so within 5 % in
// practice, 3 standard errors). Mergeable; merge of exact sets stays exact while under the
// limit. Values are compared by their text.
class DistinctCounter {
public:
    static constexpr size_t kExactLimit = 512;
    static constexpr int kPrecision = 12;

    void addHash(uint64_t h);
    void add(std::string_view text) { addHash(hashBytes(text, 0x5EEDu)); }
    void merge(const DistinctCounter &other);
    double estimate() const;
    bool exact() const { return m_registers.empty(); }
    void reset() { *this = DistinctCounter{}; }

private:
    void toRegisters();
    void addToRegisters(uint64_t h);

    std::vector<uint64_t> m_exact;    // sorted hashes while exact
    std::vector<uint8_t> m_registers; // HLL registers once above the limit
};

// Heavy hitters with the space-saving algorithm: `capacity` counters; an untracked item replaces
// the smallest counter and inherits its count as over-estimation error. Each reported count
// over-estimates the true count by at most total / capacity; counts are exact while no more
// than `capacity` distinct items were seen. Mergeable (counters summed, then the largest
// `capacity` kept).
class SpaceSaving {
public:
    struct Entry {
        std::string item;
        uint64_t count = 0;
        uint64_t error = 0;
    };

    explicit SpaceSaving(size_t capacity = 64)
        : m_capacity(capacity < 1 ? 1 : capacity) {}
    void add(std::string_view item, uint64_t n = 1);
    void merge(const SpaceSaving &other);
    // The k largest, by count descending then item ascending.
    std::vector<Entry> top(size_t k) const;
    uint64_t total() const { return m_total; }
    size_t capacity() const { return m_capacity; }
    void reset();

private:
    size_t m_capacity;
    uint64_t m_total = 0;
    std::vector<Entry> m_entries;
    std::unordered_map<std::string, size_t> m_index;
    std::string m_scratch;
};

} // namespace weir::window
