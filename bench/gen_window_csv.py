#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The window benchmark's CSV input: `time,key,v` rows, epoch microseconds 10 us apart, keys
sensor-0..sensor-9999 drawn uniformly, log-normal values with two decimals (seed 7).

    python3 bench/gen_window_csv.py 5000000 > window-10k-5M.csv   # 175 MB, see bench/RESULTS.md
"""
import random
import sys


def main():
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 5_000_000
    rng = random.Random(7)
    out = sys.stdout
    out.write("time,key,v\n")
    base = 1637576132000000
    lines = []
    for i in range(rows):
        key = rng.randrange(10000)
        value = rng.lognormvariate(4.0, 0.4)
        lines.append("%d,sensor-%d,%.2f\n" % (base + 10 * i, key, value))
        if len(lines) == 65536:
            out.write("".join(lines))
            lines.clear()
    out.write("".join(lines))


if __name__ == "__main__":
    main()
