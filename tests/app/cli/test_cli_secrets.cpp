// SPDX-License-Identifier: GPL-3.0-or-later
// weir-cli takes passwords from a file or an environment variable, never from the command line
// (where ps and /proc show them to every user): --password and secret --kafka-property keys are
// refused without echoing the value, and --password-env logs in to a real mosquitto.
#include "bus_fixtures.h"

#include <cstdlib>
#include <gtest/gtest.h>
#include <sys/stat.h>

using namespace weir::testing;
using namespace std::chrono_literals;

namespace {

const std::string kSecret = "ps-shows-this-0xC0FFEE";

CommandResult cli(std::vector<std::string> args) {
    args.insert(args.begin(), WEIR_CLI_PATH);
    return runCommand(args, "", 60s);
}

} // namespace

TEST(CliSecrets, PasswordsOnTheCommandLineAreRefused) {
    const std::vector<std::vector<std::string>> cases = {
        {"--mqtt", "127.0.0.1:1", "--topic", "t", "--user", "u", "--password", kSecret},
        {"--kafka", "127.0.0.1:1", "--topic", "t", "--kafka-property", "sasl.password=" + kSecret},
        {"--kafka", "127.0.0.1:1", "--topic", "t", "--kafka-property",
         "ssl.key.password=" + kSecret},
    };
    for (const auto &args : cases) {
        const CommandResult r = cli(args);
        EXPECT_EQ(r.status, 2) << args[4] << ": " << r.err;
        EXPECT_NE(r.err.find("command line"), std::string::npos) << r.err;
        EXPECT_EQ(r.err.find(kSecret), std::string::npos) << "the secret was echoed: " << r.err;
        EXPECT_EQ(r.out.find(kSecret), std::string::npos);
    }
    // Harmless properties still pass the option check (they fail later: nothing listens).
    const CommandResult ok = cli(
        {"--kafka", "127.0.0.1:1", "--topic", "t", "--kafka-property", "client.id=x", "--help"});
    EXPECT_EQ(ok.status, 0) << ok.err;
}

TEST(CliSecrets, PasswordEnvNeedsAUserAndASetVariable) {
    ::unsetenv("WEIR_TEST_UNSET_PASSWORD");
    CommandResult r = cli({"--mqtt", "127.0.0.1:1", "--topic", "t", "--password-env", "X"});
    EXPECT_EQ(r.status, 2) << r.err;
    EXPECT_NE(r.err.find("--password-env needs --user"), std::string::npos) << r.err;
    r = cli({"--mqtt", "127.0.0.1:1", "--topic", "t", "--user", "u", "--password-env",
             "WEIR_TEST_UNSET_PASSWORD", "--duration", "1"});
    EXPECT_NE(r.status, 0);
    EXPECT_NE(r.err.find("WEIR_TEST_UNSET_PASSWORD"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("not set"), std::string::npos) << r.err;
}

TEST(CliSecrets, PasswordFromTheEnvironmentLogsIn) {
    TempDir dir;
    const std::string pwfile = dir.file("passwd");
    ASSERT_EQ(runCommand({"mosquitto_passwd", "-b", "-c", pwfile, "weir", kSecret}, "").status, 0);
    ::chmod(pwfile.c_str(), 0600);
    MosquittoBroker broker("allow_anonymous false\npassword_file " + pwfile + "\n");
    const std::string where = "127.0.0.1:" + std::to_string(broker.port());

    // A wrong password in the variable is refused by the broker (exit 3), and not printed.
    ::setenv("WEIR_TEST_MQTT_PASSWORD", "not-the-password", 1);
    const CommandResult bad =
        cli({"--mqtt", where, "--topic", "t/#", "--user", "weir", "--password-env",
             "WEIR_TEST_MQTT_PASSWORD", "--idle-exit", "30", "--duration", "50"});
    EXPECT_EQ(bad.status, 3) << bad.err;
    EXPECT_EQ(bad.err.find("not-the-password"), std::string::npos) << bad.err;

    // The right one logs in: the subscriber gets a message published with the same login.
    ::setenv("WEIR_TEST_MQTT_PASSWORD", kSecret.c_str(), 1);
    Process sub({WEIR_CLI_PATH, "--mqtt", where, "--topic", "t/#", "--user", "weir",
                 "--password-env", "WEIR_TEST_MQTT_PASSWORD", "--max-events", "3", "--idle-exit",
                 "30", "--duration", "60", "--stats"});
    ::unsetenv("WEIR_TEST_MQTT_PASSWORD");
    ASSERT_TRUE(sub.waitFor("subscribed", 30s, true)) << sub.err();
    const CommandResult pub =
        runCommand({"mosquitto_pub", "-h", "127.0.0.1", "-p", std::to_string(broker.port()), "-t",
                    "t/x", "-q", "1", "-l", "-u", "weir", "-P", kSecret},
                   "{\"n\":1}\n{\"n\":2}\n{\"n\":3}\n", 60s);
    ASSERT_EQ(pub.status, 0) << pub.err;
    ASSERT_EQ(sub.wait(60s), 0) << sub.err();
    EXPECT_NE(sub.out().find("\"events\":3"), std::string::npos) << sub.out();
    EXPECT_EQ(sub.err().find(kSecret), std::string::npos);
    EXPECT_EQ(sub.out().find(kSecret), std::string::npos);
}
