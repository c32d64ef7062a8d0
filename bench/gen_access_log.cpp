// SPDX-License-Identifier: GPL-3.0-or-later
// weir-gen-access-log BYTES [SEED] [SEED_SHARE] > FILE
// Writes a deterministic, realistic access log of at least BYTES bytes (whole lines) to stdout:
// a mix of seed-format and Apache combined lines (see access_log_generator.h).
#include "access_log_generator.h"

#include <cstdio>
#include <cstdlib>
#include <string>

int main(int argc, char **argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: %s BYTES [SEED] [SEED_SHARE] > FILE\n", argv[0]);
        return 2;
    }
    const unsigned long long target = std::strtoull(argv[1], nullptr, 10);
    const unsigned long long seed = argc > 2 ? std::strtoull(argv[2], nullptr, 10) : 1;
    const double share = argc > 3 ? std::strtod(argv[3], nullptr) : 0.3;
    weir::bench::AccessLogGenerator gen(seed, share);
    std::string buf;
    buf.reserve(1 << 21);
    unsigned long long written = 0, lines = 0;
    while (written < target) {
        buf.clear();
        while (buf.size() < (1u << 20) && written + buf.size() < target) {
            gen.next(buf);
            buf += '\n';
            ++lines;
        }
        if (std::fwrite(buf.data(), 1, buf.size(), stdout) != buf.size()) {
            std::perror("write");
            return 1;
        }
        written += buf.size();
    }
    std::fprintf(stderr, "%llu lines, %llu bytes\n", lines, written);
    return 0;
}
