// SPDX-License-Identifier: GPL-3.0-or-later
// weir-cli takes passwords from a file or an environment variable, never from the command line
// (where ps and /proc show them to every user): --password and secret --kafka-property keys are
// refused without echoing the value, and --password-env logs in to a real mosquitto. An
// encrypted TLS client key is opened with a passphrase from a file or the environment.
#include "bus_fixtures.h"
#include "tls_client_certs.h"

#include <cstdlib>
#include <gtest/gtest.h>

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
        {"--mqtt", "127.0.0.1:1", "--topic", "t", "--tls-key-passphrase", kSecret},
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
    MosquittoBroker broker(mosquittoPasswordConfig(dir, "weir", kSecret));
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
        mosquittoPublishLines(broker.port(), "t/x", "{\"n\":1}\n{\"n\":2}\n{\"n\":3}\n", 1,
                              mosquittoLogin("weir", kSecret));
    ASSERT_EQ(pub.status, 0) << pub.err;
    ASSERT_EQ(sub.wait(60s), 0) << sub.err();
    EXPECT_NE(sub.out().find("\"events\":3"), std::string::npos) << sub.out();
    EXPECT_EQ(sub.err().find(kSecret), std::string::npos);
    EXPECT_EQ(sub.out().find(kSecret), std::string::npos);
}

TEST(CliSecrets, KeyPassphraseNeedsAKeyAndOneSource) {
    CommandResult r = cli({"--mqtt", "127.0.0.1:1", "--topic", "t", "--tls-key-passphrase-env", "X",
                           "--duration", "1"});
    EXPECT_EQ(r.status, 2) << r.err;
    EXPECT_NE(r.err.find("needs --tls-key"), std::string::npos) << r.err;
    r = cli({"--mqtt", "127.0.0.1:1", "--topic", "t", "--tls-ca", "ca.pem", "--tls-cert", "c",
             "--tls-key", "k", "--tls-key-passphrase-env", "X", "--tls-key-passphrase-file", "f",
             "--duration", "1"});
    EXPECT_EQ(r.status, 2) << r.err;
    EXPECT_NE(r.err.find("not both"), std::string::npos) << r.err;
}

// A real mosquitto TLS listener that requires a client certificate; weir-cli's key is
// encrypted. Without the passphrase, or with a wrong one, weir-cli fails at once with the
// reason (it never prompts on a terminal); with it, from a file or the environment, it
// receives what a publisher sends.
TEST(CliSecrets, EncryptedTlsKeyWithAPassphraseFromAFileOrTheEnvironment) {
    TlsClientCerts certs;
    ASSERT_TRUE(certs.create()) << certs.error();
    MosquittoBroker broker(certs.brokerConfig());
    const std::string where = "127.0.0.1:" + std::to_string(broker.port());
    const std::vector<std::string> tls = {"--mqtt",     where,
                                          "--topic",    "t/#",
                                          "--tls-ca",   certs.file("ca.pem"),
                                          "--tls-cert", certs.file("client.pem"),
                                          "--tls-key",  certs.file("client.key")};
    const auto with = [&](std::vector<std::string> extra) {
        std::vector<std::string> args = tls;
        args.insert(args.end(), extra.begin(), extra.end());
        return args;
    };

    CommandResult r = cli(with({"--idle-exit", "30", "--duration", "50"}));
    EXPECT_EQ(r.status, 3) << r.err;
    EXPECT_NE(r.err.find("passphrase"), std::string::npos) << r.err;

    TempDir dir;
    const std::string wrong = dir.write("wrong", "not-the-passphrase-5e1\n");
    r = cli(with({"--tls-key-passphrase-file", wrong, "--idle-exit", "30", "--duration", "50"}));
    EXPECT_EQ(r.status, 3) << r.err;
    EXPECT_NE(r.err.find("passphrase"), std::string::npos) << r.err;
    EXPECT_EQ(r.err.find("not-the-passphrase-5e1"), std::string::npos) << r.err;

    const auto receives = [&](const std::vector<std::string> &source, int first) {
        std::vector<std::string> args = with(source);
        args.insert(args.begin(), WEIR_CLI_PATH);
        for (const char *a :
             {"--max-events", "3", "--idle-exit", "30", "--duration", "60", "--stats"})
            args.push_back(a);
        Process sub(args);
        if (!sub.waitFor("subscribed", 30s, true))
            return "not subscribed: " + sub.err() + broker.log();
        std::vector<std::string> pub = {
            "mosquitto_pub", "-h", "127.0.0.1", "-p", std::to_string(broker.port()), "-t",
            "t/x",           "-q", "1",         "-l"};
        for (const auto &a : certs.publisherArgs())
            pub.push_back(a);
        std::string lines;
        for (int i = first; i < first + 3; ++i)
            lines += "{\"n\":" + std::to_string(i) + "}\n";
        const CommandResult p = runCommand(pub, lines, 60s);
        if (p.status != 0)
            return "mosquitto_pub failed: " + p.err;
        if (sub.wait(60s) != 0)
            return "weir-cli failed: " + sub.err();
        if (sub.out().find("\"events\":3") == std::string::npos)
            return "not 3 events: " + sub.out();
        if (sub.err().find(TlsClientCerts::kPassphrase) != std::string::npos ||
            sub.out().find(TlsClientCerts::kPassphrase) != std::string::npos)
            return std::string("the passphrase was printed");
        return std::string();
    };
    EXPECT_EQ(receives({"--tls-key-passphrase-file", certs.file("passphrase")}, 1), "");
    ::setenv("WEIR_TEST_KEY_PASSPHRASE", TlsClientCerts::kPassphrase, 1);
    EXPECT_EQ(receives({"--tls-key-passphrase-env", "WEIR_TEST_KEY_PASSPHRASE"}, 10), "");
    ::unsetenv("WEIR_TEST_KEY_PASSPHRASE");
}

// Kafka: the passphrase reaches librdkafka (ssl.key.password). Without it the encrypted key
// cannot be loaded and the consumer is not created (exit 3, the reason named); with it the
// consumer starts (nothing listens on port 1, so it only retries until --duration).
TEST(CliSecrets, KafkaEncryptedTlsKeyIsOpenedWithThePassphrase) {
    TlsClientCerts certs;
    ASSERT_TRUE(certs.create()) << certs.error();
    const std::vector<std::string> tls = {"--kafka",    "127.0.0.1:1",
                                          "--topic",    "logs",
                                          "--tls-ca",   certs.file("ca.pem"),
                                          "--tls-cert", certs.file("client.pem"),
                                          "--tls-key",  certs.file("client.key"),
                                          "--duration", "3"};
    CommandResult r = cli(tls);
    EXPECT_EQ(r.status, 3) << r.err;
    EXPECT_NE(r.err.find("ssl.key"), std::string::npos) << r.err;

    std::vector<std::string> args = tls;
    args.insert(args.end(), {"--tls-key-passphrase-file", certs.file("passphrase")});
    r = cli(args);
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.err.find("ssl.key"), std::string::npos) << r.err;
    EXPECT_EQ(r.err.find(TlsClientCerts::kPassphrase), std::string::npos) << r.err;
}
