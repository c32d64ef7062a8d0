// SPDX-License-Identifier: GPL-3.0-or-later
#include "weir/alert/state_machine.h"

namespace weir::alert {

std::string_view alertStateName(AlertState s) {
    switch (s) {
    case AlertState::Normal:
        return "normal";
    case AlertState::Pending:
        return "pending";
    case AlertState::Firing:
        return "firing";
    case AlertState::Resolved:
        return "resolved";
    case AlertState::NoData:
        return "nodata";
    case AlertState::Error:
        return "error";
    }
    return "normal";
}

AlertState AlertStateMachine::step(TimestampNs time, Observation obs,
                                   const StateMachineOptions &o) {
    const auto enter = [&](AlertState s) {
        m_state = s;
        m_since = time;
        return s;
    };
    switch (obs) {
    case Observation::NoData:
        m_trueCount = 0;
        return m_state == AlertState::NoData ? AlertState::Normal : enter(AlertState::NoData);
    case Observation::Error:
        m_trueCount = 0;
        return m_state == AlertState::Error ? AlertState::Normal : enter(AlertState::Error);
    case Observation::True: {
        m_lastTrue = time;
        if (m_state == AlertState::Firing)
            return AlertState::Normal;
        if (m_state != AlertState::Pending) {
            m_pendingFrom = time;
            m_trueCount = 0;
        }
        ++m_trueCount;
        const bool held = (o.forNs <= 0 || time.value - m_pendingFrom.value >= o.forNs) &&
                          (o.forEvaluations <= 1 || m_trueCount >= o.forEvaluations);
        if (held)
            return enter(AlertState::Firing);
        return m_state == AlertState::Pending ? AlertState::Normal : enter(AlertState::Pending);
    }
    case Observation::False:
        m_trueCount = 0;
        switch (m_state) {
        case AlertState::Pending:
            enter(AlertState::Normal);
            return AlertState::Normal; // a pending alert that never fired ends silently
        case AlertState::Firing:
            if (o.keepFiringForNs > 0 && time.value - m_lastTrue.value < o.keepFiringForNs)
                return AlertState::Normal;
            enter(AlertState::Normal);
            return AlertState::Resolved;
        case AlertState::NoData:
        case AlertState::Error:
            enter(AlertState::Normal);
            return AlertState::Resolved;
        default:
            return AlertState::Normal;
        }
    }
    return AlertState::Normal;
}

} // namespace weir::alert
