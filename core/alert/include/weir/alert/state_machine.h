// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "weir/common/types.h"

#include <cstdint>
#include <string_view>

namespace weir::alert {

// Grafana-style alert states, per rule and key.
enum class AlertState : uint8_t {
    Normal,
    Pending, // the condition holds, waiting for its `for` duration
    Firing,
    Resolved, // reported when Firing (or NoData/Error) ends; the state then is Normal
    NoData,
    Error,
};
std::string_view alertStateName(AlertState s); // "normal", "pending", "firing", ...

// What one evaluation found.
enum class Observation : uint8_t { False, True, NoData, Error };

struct StateMachineOptions {
    int64_t forNs = 0;           // the condition must hold this long (event time) ...
    uint32_t forEvaluations = 0; // ... or for this many consecutive evaluations
    int64_t keepFiringForNs = 0; // stay Firing this long after the condition stops holding
};

// The state of one rule for one key. Evaluations arrive in event-time order (a late
// re-evaluation is fed with the latest time seen, so time never goes backwards); step()
// returns the state to report, or Normal when nothing is to be reported.
//
//   Normal/NoData/Error --true--> Pending (or Firing at once when no `for` is set)
//   Pending --true, held long enough--> Firing         Pending --false--> Normal (silent)
//   Firing --false, keep-firing-for elapsed--> Resolved, then Normal
//   any --no data--> NoData        any --error--> Error
//   NoData/Error --false--> Resolved, then Normal
class AlertStateMachine {
public:
    AlertState state() const { return m_state; }
    TimestampNs since() const { return m_since; }

    // Returns the transition to report (Pending, Firing, Resolved, NoData, Error) or Normal.
    AlertState step(TimestampNs time, Observation observation, const StateMachineOptions &o);
    // The fast path of step(time, True, o) for a Firing alert (nothing to report): returns
    // false, changing nothing, when the state is not Firing.
    bool stayFiring(TimestampNs time) {
        if (m_state != AlertState::Firing)
            return false;
        m_lastTrue = time;
        return true;
    }

private:
    // 32 bytes: the state and the count share a word (an engine keeps one machine per rule and
    // key that is not Normal: hundreds of thousands when many alerts fire).
    AlertState m_state = AlertState::Normal;
    uint32_t m_trueCount = 0;
    TimestampNs m_since{}; // when the current state began
    TimestampNs m_pendingFrom{};
    TimestampNs m_lastTrue{};
};

} // namespace weir::alert
