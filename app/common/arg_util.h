// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Command-line helpers shared by weir and weir-cli, so both report a bad command line the
// same way. Plain C++ (weir-cli links no Qt).
#include "weir/common/text.h"

#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>

namespace weir::app {

// Prints "PROGRAM: MESSAGE" and a hint to --help on stderr, then exits with status 2.
[[noreturn]] inline void usageError(const char *program, const std::string &message) {
    std::fprintf(stderr, "%s: %s\nTry '%s --help'.\n", program, message.c_str(), program);
    std::exit(2);
}

// The value of an option that takes a number >= 0. Anything else goes to `fail`, which
// must not return.
inline double nonNegativeArg(const std::string &name, const char *value,
                             const std::function<void(const std::string &)> &fail) {
    double v = 0;
    if (!value || !parseDouble(value, v) || v < 0)
        fail("option " + name + " needs a non-negative number");
    return v;
}

} // namespace weir::app
