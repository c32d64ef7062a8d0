// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Test helper: a throwaway PKI made with openssl in a temporary directory, for a mosquitto TLS
// listener that requires client certificates. The subscriber's key is encrypted with
// kPassphrase (PKCS#8, the openssl default); the publisher's key is not, so mosquitto_pub never
// asks. Loopback only: the server certificate is for IP 127.0.0.1.
#include "bus_fixtures.h"

#include <cstdlib>
#include <string>
#include <sys/stat.h>
#include <utility>
#include <vector>

namespace weir::testing {

class TlsClientCerts {
public:
    static constexpr const char *kPassphrase = "open-sesame-7d21";

    // False (and error() says which step) when openssl is missing or fails.
    bool create() {
        m_dir.write("passphrase", std::string(kPassphrase) + "\n");
        m_dir.write("san.ext", "subjectAltName=IP:127.0.0.1\n");
        const std::string ec = "-newkey ec -pkeyopt ec_paramgen_curve:prime256v1";
        const std::string sign = " -CA ca.pem -CAkey ca.key -CAcreateserial -days 2";
        const char *const steps[][2] = {
            {"ca", "openssl req -x509 %EC -nodes -keyout ca.key -out ca.pem -days 2 "
                   "-subj /CN=weir-test-ca"},
            {"server key", "openssl req %EC -nodes -keyout server.key -out server.csr "
                           "-subj /CN=127.0.0.1"},
            {"server cert", "openssl x509 -req -in server.csr %SIGN -out server.pem "
                            "-extfile san.ext"},
            {"client key", "openssl req %EC -keyout client.key -passout file:passphrase "
                           "-out client.csr -subj /CN=weir-client"},
            {"client cert", "openssl x509 -req -in client.csr %SIGN -out client.pem"},
            {"publisher key", "openssl req %EC -nodes -keyout pub.key -out pub.csr "
                              "-subj /CN=weir-publisher"},
            {"publisher cert", "openssl x509 -req -in pub.csr %SIGN -out pub.pem"},
        };
        for (const auto &step : steps) {
            std::string cmd = step[1];
            for (const auto &[from, to] : {std::pair<std::string, std::string>{"%EC", ec},
                                           std::pair<std::string, std::string>{"%SIGN", sign}}) {
                const size_t at = cmd.find(from);
                if (at != std::string::npos)
                    cmd.replace(at, from.size(), to);
            }
            const std::string full =
                "cd " + shellQuote(m_dir.path()) + " && " + cmd + " >>openssl.log 2>&1";
            if (std::system(full.c_str()) != 0) {
                m_error = std::string("openssl failed at the ") + step[0] + " step";
                return false;
            }
        }
        ::chmod(file("server.key").c_str(), 0644); // mosquitto may read as another user
        return true;
    }

    // The listener block for MosquittoBroker: TLS with a client certificate required.
    std::string brokerConfig() const {
        return "allow_anonymous true\ncafile " + file("ca.pem") + "\ncertfile " +
               file("server.pem") + "\nkeyfile " + file("server.key") +
               "\nrequire_certificate true\n";
    }
    // mosquitto_pub arguments for the publisher's certificate.
    std::vector<std::string> publisherArgs() const {
        return {"--cafile", file("ca.pem"), "--cert", file("pub.pem"), "--key", file("pub.key")};
    }
    std::string file(const std::string &name) const { return m_dir.file(name); }
    const std::string &error() const { return m_error; }

private:
    TempDir m_dir;
    std::string m_error;
};

} // namespace weir::testing
