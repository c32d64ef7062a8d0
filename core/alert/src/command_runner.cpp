// SPDX-License-Identifier: GPL-3.0-or-later
#include "weir/alert/command_runner.h"

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

namespace weir::alert {

namespace {

int64_t monotonicMs() {
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return int64_t{ts.tv_sec} * 1000 + ts.tv_nsec / 1000000;
}

} // namespace

CommandResult runShellCommand(const std::string &command, std::string_view input,
                              std::chrono::milliseconds timeout) {
    CommandResult r;
    // A socket pair rather than a pipe: send(MSG_NOSIGNAL) reports a reader that went away
    // as EPIPE instead of killing the whole application with SIGPIPE.
    int fds[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0) {
        r.error = std::string("socketpair: ") + std::strerror(errno);
        return r;
    }
    const int devNull = open("/dev/null", O_WRONLY | O_CLOEXEC);
    // Everything the child needs is prepared before fork(): after it, only async-signal-safe
    // calls (dup2, setpgid, execv, _exit).
    const char *argv[] = {"sh", "-c", command.c_str(), nullptr};
    const pid_t pid = fork();
    if (pid < 0) {
        r.error = std::string("fork: ") + std::strerror(errno);
        close(fds[0]);
        close(fds[1]);
        if (devNull >= 0)
            close(devNull);
        return r;
    }
    if (pid == 0) {
        setpgid(0, 0);
        dup2(fds[1], STDIN_FILENO);
        if (devNull >= 0)
            dup2(devNull, STDOUT_FILENO);
        execv("/bin/sh", const_cast<char *const *>(argv));
        _exit(127);
    }
    setpgid(pid, pid); // also from the parent, so the group exists before any kill
    close(fds[1]);
    if (devNull >= 0)
        close(devNull);
    r.started = true;
    shutdown(fds[0], SHUT_RD);
    fcntl(fds[0], F_SETFL, fcntl(fds[0], F_GETFL) | O_NONBLOCK);

    const int64_t deadline = monotonicMs() + timeout.count();
    size_t written = 0;
    while (written < input.size()) {
        const int64_t left = deadline - monotonicMs();
        if (left <= 0)
            break;
        pollfd p{fds[0], POLLOUT, 0};
        if (poll(&p, 1, static_cast<int>(std::min<int64_t>(left, 100))) < 0 && errno != EINTR)
            break;
        const ssize_t n =
            send(fds[0], input.data() + written, input.size() - written, MSG_NOSIGNAL);
        if (n > 0)
            written += static_cast<size_t>(n);
        else if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
            break; // the command closed its input: fine, it just did not read everything
    }
    close(fds[0]); // end of input

    int status = 0;
    for (;;) {
        const pid_t w = waitpid(pid, &status, WNOHANG);
        if (w == pid)
            break;
        if (w < 0 && errno != EINTR) {
            r.error = std::string("waitpid: ") + std::strerror(errno);
            return r;
        }
        if (monotonicMs() >= deadline) {
            kill(-pid, SIGKILL);
            kill(pid, SIGKILL);
            while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
            }
            r.timedOut = true;
            r.error = "timed out after " + std::to_string(timeout.count()) + " ms";
            return r;
        }
        timespec pause{0, 5 * 1000 * 1000};
        nanosleep(&pause, nullptr);
    }
    if (WIFEXITED(status)) {
        r.exitCode = WEXITSTATUS(status);
        if (r.exitCode != 0)
            r.error = "exit status " + std::to_string(r.exitCode);
        // What sh -c answers for a command it cannot find or cannot execute.
        if (r.exitCode == 127)
            r.error += " (command not found)";
        else if (r.exitCode == 126)
            r.error += " (command not executable)";
    } else if (WIFSIGNALED(status)) {
        r.error = "killed by signal " + std::to_string(WTERMSIG(status));
    }
    return r;
}

} // namespace weir::alert
