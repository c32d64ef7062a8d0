// SPDX-License-Identifier: GPL-3.0-or-later
#include "weir/source/mapped_region_guard.h"

#include <atomic>
#include <cerrno>
#include <csignal>
#include <mutex>
#include <sys/mman.h>
#include <unistd.h>

namespace weir::source {

namespace {

// Slot states: begin == 0 free, == 1 being filled, otherwise the region's first byte. The
// handler only reads slots below the high-water mark; a slot's end is written before its
// begin is published (release) and read after it (acquire).
constexpr uintptr_t kFree = 0;
constexpr uintptr_t kFilling = 1;

std::atomic<uintptr_t> g_begin[MappedRegionGuard::kCapacity];
std::atomic<uintptr_t> g_end[MappedRegionGuard::kCapacity];
std::atomic<size_t> g_highWater{0};
std::atomic<size_t> g_live{0};
std::atomic<uint64_t> g_replaced{0};
uintptr_t g_pageSize = 4096;
struct sigaction g_previous;
bool g_installed = false;
std::once_flag g_installOnce;

static_assert(std::atomic<uintptr_t>::is_always_lock_free, "the handler needs lock-free atomics");

bool inRegisteredRegion(uintptr_t addr) {
    const size_t n = g_highWater.load(std::memory_order_acquire);
    for (size_t i = 0; i < n; ++i) {
        const uintptr_t b = g_begin[i].load(std::memory_order_acquire);
        if (b > kFilling && addr >= b && addr < g_end[i].load(std::memory_order_relaxed))
            return true;
    }
    return false;
}

// Runs on whichever thread touched the lost page. Only async-signal-safe calls: mmap and
// sigaction are plain system calls; errno is preserved for the interrupted code.
void onSigbus(int sig, siginfo_t *info, void *context) {
    const int savedErrno = errno;
    const uintptr_t addr = reinterpret_cast<uintptr_t>(info ? info->si_addr : nullptr);
    if (addr && inRegisteredRegion(addr)) {
        void *page = reinterpret_cast<void *>(addr & ~(g_pageSize - 1));
        if (::mmap(page, g_pageSize, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) !=
            MAP_FAILED) {
            g_replaced.fetch_add(1, std::memory_order_relaxed);
            errno = savedErrno;
            return; // the faulting read runs again and reads zeros
        }
    }
    if ((g_previous.sa_flags & SA_SIGINFO) && g_previous.sa_sigaction) {
        g_previous.sa_sigaction(sig, info, context);
    } else if (g_previous.sa_handler != SIG_DFL && g_previous.sa_handler != SIG_IGN &&
               !(g_previous.sa_flags & SA_SIGINFO)) {
        g_previous.sa_handler(sig);
    } else {
        // Not ours and nobody else's: restore the default action; returning re-runs the
        // faulting access, which then ends the process as if we had never been installed.
        struct sigaction dfl {};
        dfl.sa_handler = SIG_DFL;
        sigemptyset(&dfl.sa_mask);
        ::sigaction(SIGBUS, &dfl, nullptr);
    }
    errno = savedErrno;
}

void install() {
    const long page = ::sysconf(_SC_PAGESIZE);
    if (page > 0)
        g_pageSize = static_cast<uintptr_t>(page);
    struct sigaction sa {};
    sa.sa_sigaction = &onSigbus;
    sa.sa_flags = SA_SIGINFO | SA_RESTART;
    sigemptyset(&sa.sa_mask);
    g_installed = ::sigaction(SIGBUS, &sa, &g_previous) == 0;
}

} // namespace

int MappedRegionGuard::registerRegion(const void *begin, size_t length) {
    std::call_once(g_installOnce, install);
    if (!g_installed || !begin || length == 0)
        return -1;
    const auto b = reinterpret_cast<uintptr_t>(begin);
    for (size_t i = 0; i < kCapacity; ++i) {
        uintptr_t expected = kFree;
        if (!g_begin[i].compare_exchange_strong(expected, kFilling, std::memory_order_acq_rel))
            continue;
        g_end[i].store(b + length, std::memory_order_relaxed);
        g_begin[i].store(b, std::memory_order_release);
        size_t hw = g_highWater.load(std::memory_order_relaxed);
        while (hw < i + 1 &&
               !g_highWater.compare_exchange_weak(hw, i + 1, std::memory_order_acq_rel)) {
        }
        g_live.fetch_add(1, std::memory_order_relaxed);
        return static_cast<int>(i);
    }
    return -1;
}

void MappedRegionGuard::unregisterRegion(int slot) {
    if (slot < 0 || static_cast<size_t>(slot) >= kCapacity)
        return;
    g_begin[static_cast<size_t>(slot)].store(kFree, std::memory_order_release);
    g_live.fetch_sub(1, std::memory_order_relaxed);
}

uint64_t MappedRegionGuard::replacedPages() {
    return g_replaced.load(std::memory_order_relaxed);
}

size_t MappedRegionGuard::liveRegions() {
    return g_live.load(std::memory_order_relaxed);
}

} // namespace weir::source
