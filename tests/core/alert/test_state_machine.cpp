// SPDX-License-Identifier: GPL-3.0-or-later
#include "weir/alert/state_machine.h"

#include <gtest/gtest.h>

using namespace weir;
using namespace weir::alert;

namespace {

TimestampNs minute(int m) {
    return TimestampNs{m * kNsPerMinute};
}

} // namespace

TEST(AlertStateMachine, FiresAtOnceWithoutFor) {
    AlertStateMachine sm;
    StateMachineOptions o;
    EXPECT_EQ(sm.step(minute(1), Observation::False, o), AlertState::Normal);
    EXPECT_EQ(sm.step(minute(2), Observation::True, o), AlertState::Firing);
    EXPECT_EQ(sm.step(minute(3), Observation::True, o), AlertState::Normal); // still firing
    EXPECT_EQ(sm.state(), AlertState::Firing);
    EXPECT_EQ(sm.since(), minute(2));
    EXPECT_EQ(sm.step(minute(4), Observation::False, o), AlertState::Resolved);
    EXPECT_EQ(sm.state(), AlertState::Normal);
}

TEST(AlertStateMachine, ForDurationGoesThroughPending) {
    AlertStateMachine sm;
    StateMachineOptions o;
    o.forNs = 3 * kNsPerMinute;
    EXPECT_EQ(sm.step(minute(1), Observation::True, o), AlertState::Pending);
    EXPECT_EQ(sm.step(minute(2), Observation::True, o), AlertState::Normal);
    EXPECT_EQ(sm.step(minute(3), Observation::True, o), AlertState::Normal);
    EXPECT_EQ(sm.state(), AlertState::Pending);
    EXPECT_EQ(sm.step(minute(4), Observation::True, o), AlertState::Firing);
}

TEST(AlertStateMachine, PendingThatClearsEndsSilently) {
    AlertStateMachine sm;
    StateMachineOptions o;
    o.forEvaluations = 3;
    EXPECT_EQ(sm.step(minute(1), Observation::True, o), AlertState::Pending);
    EXPECT_EQ(sm.step(minute(2), Observation::True, o), AlertState::Normal);
    EXPECT_EQ(sm.step(minute(3), Observation::False, o), AlertState::Normal);
    EXPECT_EQ(sm.state(), AlertState::Normal);
    // The count starts again.
    EXPECT_EQ(sm.step(minute(4), Observation::True, o), AlertState::Pending);
    EXPECT_EQ(sm.step(minute(5), Observation::True, o), AlertState::Normal);
    EXPECT_EQ(sm.step(minute(6), Observation::True, o), AlertState::Firing);
}

TEST(AlertStateMachine, KeepFiringForAvoidsFlapping) {
    AlertStateMachine sm;
    StateMachineOptions o;
    o.keepFiringForNs = 2 * kNsPerMinute;
    EXPECT_EQ(sm.step(minute(1), Observation::True, o), AlertState::Firing);
    EXPECT_EQ(sm.step(minute(2), Observation::False, o), AlertState::Normal);
    EXPECT_EQ(sm.step(minute(3), Observation::True, o), AlertState::Normal); // flap absorbed
    EXPECT_EQ(sm.step(minute(4), Observation::False, o), AlertState::Normal);
    EXPECT_EQ(sm.state(), AlertState::Firing);
    EXPECT_EQ(sm.step(minute(5), Observation::False, o), AlertState::Resolved);
}

TEST(AlertStateMachine, NoDataAndErrorAreReportedOnceAndRecover) {
    AlertStateMachine sm;
    StateMachineOptions o;
    EXPECT_EQ(sm.step(minute(1), Observation::NoData, o), AlertState::NoData);
    EXPECT_EQ(sm.step(minute(2), Observation::NoData, o), AlertState::Normal);
    EXPECT_EQ(sm.step(minute(3), Observation::False, o), AlertState::Resolved);
    EXPECT_EQ(sm.step(minute(4), Observation::Error, o), AlertState::Error);
    EXPECT_EQ(sm.step(minute(5), Observation::Error, o), AlertState::Normal);
    EXPECT_EQ(sm.step(minute(6), Observation::True, o), AlertState::Firing);
    EXPECT_EQ(sm.step(minute(7), Observation::NoData, o), AlertState::NoData);
}

TEST(AlertStateMachine, StateNames) {
    EXPECT_EQ(alertStateName(AlertState::Pending), "pending");
    EXPECT_EQ(alertStateName(AlertState::Firing), "firing");
    EXPECT_EQ(alertStateName(AlertState::Resolved), "resolved");
    EXPECT_EQ(alertStateName(AlertState::NoData), "nodata");
    EXPECT_EQ(alertStateName(AlertState::Error), "error");
}
