// SPDX-License-Identifier: GPL-3.0-or-later
// A main() for the fuzz targets when libFuzzer is not available (GCC builds): runs the seed
// inputs, then a bounded number of deterministic mutations of them (byte flips, inserts,
// deletions, splices). Usage: fuzz_x [-runs=N] SEED_FILE...
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

namespace {

uint64_t g_state = 0x9E3779B97F4A7C15ULL;

uint64_t next() {
    g_state ^= g_state << 13;
    g_state ^= g_state >> 7;
    g_state ^= g_state << 17;
    return g_state;
}

void run(const std::string &s) {
    LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t *>(s.data()), s.size());
}

} // namespace

int main(int argc, char **argv) {
    long runs = 20000;
    std::vector<std::string> seeds;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a.rfind("-runs=", 0) == 0) {
            runs = std::strtol(a.c_str() + 6, nullptr, 10);
        } else if (a[0] != '-') {
            std::ifstream in(a, std::ios::binary);
            std::stringstream ss;
            ss << in.rdbuf();
            seeds.push_back(ss.str());
        }
    }
    seeds.emplace_back();
    for (const auto &s : seeds)
        run(s);
    static const char kBytes[] = "\0\n\r\t \"\\[]{}:,=%$-+.0123456789TZaz\xff\xc3\x80<>";
    for (long r = 0; r < runs; ++r) {
        std::string s = seeds[next() % seeds.size()];
        const int edits = 1 + static_cast<int>(next() % 8);
        for (int e = 0; e < edits; ++e) {
            const size_t pos = s.empty() ? 0 : next() % (s.size() + 1);
            switch (next() % 5) {
            case 0:
                if (pos < s.size())
                    s[pos] = static_cast<char>(next());
                break;
            case 1:
                s.insert(pos, 1, kBytes[next() % (sizeof kBytes - 1)]);
                break;
            case 2:
                if (pos < s.size())
                    s.erase(pos, 1 + next() % 16);
                break;
            case 3: {
                const std::string &o = seeds[next() % seeds.size()];
                if (!o.empty()) {
                    const size_t from = next() % o.size();
                    s.insert(pos, o.substr(from, next() % 64));
                }
                break;
            }
            default:
                if (pos < s.size())
                    s.insert(pos, s.substr(pos, next() % 32)); // repeat a chunk
                break;
            }
        }
        if (s.size() > 8192)
            s.resize(8192);
        run(s);
    }
    std::printf("fuzz smoke: %ld mutated runs over %zu seeds\n", runs, seeds.size());
    return 0;
}
