// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Publishing to a loopback mosquitto from the GUI tests until the app shows what arrived.
#include "bus_fixtures.h"

#include <QDeadlineTimer>
#include <QTest>

namespace weir::test {

// Publishes one message a second to `topic` (logged in with `login`: see mosquittoLogin) until
// `arrived()` holds or `timeoutMs` passed, processing Qt events in between: a subscription may
// not be up yet when the first message goes out. `message()` makes each line. Returns arrived().
template<class Message, class Arrived>
bool publishUntil(int port, const std::string &topic, const std::vector<std::string> &login,
                  Message message, Arrived arrived, int timeoutMs = 60000) {
    QDeadlineTimer deadline(timeoutMs);
    while (!arrived() && !deadline.hasExpired()) {
        weir::testing::mosquittoPublishLines(port, topic, message(), 1, login);
        QTest::qWait(1000);
    }
    return arrived();
}

} // namespace weir::test
