// SPDX-License-Identifier: GPL-3.0-or-later
// A mapped file truncated under the reader: with the MappedRegionGuard the lost pages read as
// zeros (counted) instead of SIGBUS, both for a bare registered mapping and for a zero-copy
// FileSource replay whose store still references the mapping; a fault outside any registered
// region still ends the process.
#include "../test_support.h"
#include "weir/engine/engine.h"
#include "weir/source/file_source.h"
#include "weir/source/mapped_region_guard.h"

#include <chrono>
#include <csignal>
#include <fcntl.h>
#include <fstream>
#include <gtest/gtest.h>
#include <sys/mman.h>
#include <unistd.h>

using namespace weir;
using source::MappedRegionGuard;
using namespace std::chrono_literals;

namespace {

size_t pageSize() {
    return static_cast<size_t>(::sysconf(_SC_PAGESIZE));
}

void writeFile(const std::string &path, size_t bytes, char fill) {
    std::ofstream out(path, std::ios::binary);
    out << std::string(bytes, fill);
}

// Reads every byte through a volatile pointer (the compiler may not skip or reorder the
// reads around the truncation) and returns how many were not zero.
size_t nonZeroBytes(const char *p, size_t n) {
    size_t count = 0;
    const volatile char *v = p;
    for (size_t i = 0; i < n; ++i)
        count += v[i] != 0;
    return count;
}

} // namespace

TEST(MappedRegionGuard, TruncatedPagesOfARegisteredMappingReadAsZeros) {
    test::TempDir dir;
    const std::string path = dir.file("data.bin");
    const size_t page = pageSize();
    writeFile(path, 3 * page, 'x');
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    ASSERT_GE(fd, 0);
    void *region = ::mmap(nullptr, 3 * page, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
    ::close(fd);
    ASSERT_NE(region, MAP_FAILED);
    const int slot = MappedRegionGuard::registerRegion(region, 3 * page);
    ASSERT_GE(slot, 0);
    const auto *bytes = static_cast<const char *>(region);
    EXPECT_EQ(nonZeroBytes(bytes, 3 * page), 3 * page);

    const uint64_t before = MappedRegionGuard::replacedPages();
    ASSERT_EQ(::truncate(path.c_str(), static_cast<off_t>(page)), 0); // keep the first page
    EXPECT_EQ(nonZeroBytes(bytes, page), page);                       // still in the file
    EXPECT_EQ(nonZeroBytes(bytes + page, 2 * page), 0u);              // lost: zeros, no SIGBUS
    EXPECT_EQ(MappedRegionGuard::replacedPages() - before, 2u);

    MappedRegionGuard::unregisterRegion(slot);
    ::munmap(region, 3 * page);
}

TEST(MappedRegionGuard, SlotsAreReusedAfterUnregistering) {
    char probe[64];
    const size_t live = MappedRegionGuard::liveRegions();
    for (int i = 0; i < 1000; ++i) { // far fewer slots than kCapacity if each is freed
        const int slot = MappedRegionGuard::registerRegion(probe, sizeof probe);
        ASSERT_GE(slot, 0) << "iteration " << i;
        EXPECT_EQ(MappedRegionGuard::liveRegions(), live + 1);
        MappedRegionGuard::unregisterRegion(slot);
    }
    EXPECT_EQ(MappedRegionGuard::liveRegions(), live);
}

TEST(MappedRegionGuardDeathTest, AFaultOutsideEveryRegisteredRegionStillKillsTheProcess) {
    ::testing::FLAGS_gtest_death_test_style = "threadsafe";
    test::TempDir dir;
    const std::string path = dir.file("unguarded.bin");
    const size_t page = pageSize();
    writeFile(path, 2 * page, 'y');
    char probe[16];
    const int slot = MappedRegionGuard::registerRegion(probe, sizeof probe); // handler installed
    ASSERT_GE(slot, 0);
    EXPECT_DEATH(
        {
            // An unregistered mapping of a file truncated under it: reading it must fault.
            const int fd = ::open(path.c_str(), O_RDWR | O_CLOEXEC);
            void *region =
                fd < 0 ? MAP_FAILED : ::mmap(nullptr, 2 * page, PROT_READ, MAP_PRIVATE, fd, 0);
            if (region == MAP_FAILED || ::ftruncate(fd, 0) != 0)
                std::_Exit(0); // setup failure: reported as "did not die"
            nonZeroBytes(static_cast<const char *>(region) + page, 1);
            std::_Exit(0);
        },
        "");
    MappedRegionGuard::unregisterRegion(slot);
}

TEST(MappedRegionGuard, ZeroCopyReplaySurvivesTheFileBeingTruncatedAfterwards) {
    test::TempDir dir;
    const std::string path = dir.file("access.log");
    {
        std::ofstream out(path, std::ios::binary);
        for (int i = 0; i < 20000; ++i)
            out << test::combinedLine("line" + std::to_string(i)) << '\n';
    }
    engine::Engine engine{engine::Engine::Options{}};
    source::FileSource::Options fo;
    fo.path = path;
    fo.format = "combined";
    fo.zeroCopy = true;
    fo.blockBytes = 64 << 10; // several mappings
    engine.addSource(std::make_unique<source::FileSource>(fo));
    const size_t liveBefore = MappedRegionGuard::liveRegions();
    engine.start();
    ASSERT_TRUE(engine.waitFinished(60s));
    auto snap = engine.snapshot();
    ASSERT_EQ(snap->stats.events, 20000u);
    EXPECT_GT(MappedRegionGuard::liveRegions(), liveBefore); // the store holds the mappings
    const auto first = snap->events.at(0);
    ASSERT_TRUE(first);
    EXPECT_NE(std::string(first.raw()).find("line0"), std::string::npos);

    const uint64_t before = MappedRegionGuard::replacedPages();
    ASSERT_EQ(::truncate(path.c_str(), 0), 0);
    size_t nonZero = 0;
    for (uint64_t i = 0; i < 20000; ++i) {
        const auto e = snap->events.at(i);
        ASSERT_TRUE(e);
        nonZero += nonZeroBytes(e.raw().data(), e.raw().size());
    }
    EXPECT_EQ(nonZero, 0u); // every line's bytes are gone from the file: zeros, not a crash
    EXPECT_GT(MappedRegionGuard::replacedPages(), before);

    engine.stop();
    snap.reset();
}
