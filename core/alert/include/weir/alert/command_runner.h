// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <chrono>
#include <string>
#include <string_view>

namespace weir::alert {

struct CommandResult {
    bool started = false;
    bool timedOut = false; // killed (with its process group) at the deadline
    int exitCode = -1;     // when it exited normally
    std::string error;     // why it could not start, or how it ended badly
    bool ok() const { return started && !timedOut && exitCode == 0; }
};

// Runs `/bin/sh -c command` with `input` on its standard input (then closed), its standard
// output discarded, and waits at most `timeout` for it to finish; past that it kills the
// command's process group. POSIX only. Blocks the calling thread for up to `timeout`, so call
// it from a worker thread in a GUI. Safe to call from several threads at once; never raises
// SIGPIPE when the command does not read its input.
CommandResult runShellCommand(const std::string &command, std::string_view input,
                              std::chrono::milliseconds timeout);

} // namespace weir::alert
