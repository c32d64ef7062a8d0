// SPDX-License-Identifier: GPL-3.0-or-later
// Runs the real weir-cli binary on the fixtures in tests/data/cli and checks its --stats JSON
// exactly for counts, and its exit codes and messages for --help, --version and bad options.
#include "../../core/test_support.h"

#include <cstdlib>
#include <fstream>
#include <gtest/gtest.h>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <sys/wait.h>
#include <vector>

namespace {

const std::string kCli = WEIR_CLI_PATH;
const std::string kData = std::string(WEIR_TEST_DATA_DIR) + "/cli/";

// A minimal JSON reader, enough to check the --stats object strictly (whole input consumed).
struct Json {
    enum Kind { Null, Bool, Number, String, Array, Object } kind = Null;
    bool b = false;
    double number = 0;
    std::string text; // String value, or a Number's literal text
    std::vector<Json> items;
    std::map<std::string, Json> members;

    const Json &operator[](const std::string &key) const {
        static const Json missing;
        const auto it = members.find(key);
        return it == members.end() ? missing : it->second;
    }
    bool has(const std::string &key) const { return members.count(key) != 0; }
    // An unsigned integer literal, or -1.
    long long integer() const {
        if (kind != Number || text.empty() ||
            text.find_first_not_of("0123456789") != std::string::npos)
            return -1;
        return std::stoll(text);
    }
};

class JsonReader {
public:
    explicit JsonReader(const std::string &s)
        : m_s(s) {}
    bool read(Json &out) {
        if (!value(out, 0))
            return false;
        ws();
        return m_p == m_s.size();
    }

private:
    void ws() {
        while (m_p < m_s.size() &&
               (m_s[m_p] == ' ' || m_s[m_p] == '\n' || m_s[m_p] == '\r' || m_s[m_p] == '\t'))
            ++m_p;
    }
    bool lit(const char *w) {
        const std::string word = w;
        if (m_s.compare(m_p, word.size(), word) != 0)
            return false;
        m_p += word.size();
        return true;
    }
    bool str(std::string &out) {
        if (m_p >= m_s.size() || m_s[m_p] != '"')
            return false;
        ++m_p;
        while (m_p < m_s.size() && m_s[m_p] != '"') {
            const unsigned char c = static_cast<unsigned char>(m_s[m_p]);
            if (c < 0x20)
                return false; // raw control characters are not valid JSON
            if (c == '\\') {
                if (++m_p >= m_s.size())
                    return false;
                const char e = m_s[m_p];
                if (e == 'u') {
                    if (m_p + 4 >= m_s.size())
                        return false;
                    out += '?';
                    m_p += 4;
                } else if (std::string("\"\\/bfnrt").find(e) != std::string::npos) {
                    out += e == 'n' ? '\n' : e == 't' ? '\t' : e;
                } else {
                    return false;
                }
            } else {
                out += static_cast<char>(c);
            }
            ++m_p;
        }
        if (m_p >= m_s.size())
            return false;
        ++m_p;
        return true;
    }
    bool value(Json &out, int depth) {
        if (depth > 32)
            return false;
        ws();
        if (m_p >= m_s.size())
            return false;
        const char c = m_s[m_p];
        if (c == '{') {
            out.kind = Json::Object;
            ++m_p;
            ws();
            if (m_p < m_s.size() && m_s[m_p] == '}')
                return ++m_p, true;
            while (true) {
                ws();
                std::string key;
                if (!str(key))
                    return false;
                ws();
                if (m_p >= m_s.size() || m_s[m_p++] != ':')
                    return false;
                Json v;
                if (!value(v, depth + 1) || out.members.count(key))
                    return false; // duplicate keys are a defect too
                out.members.emplace(key, std::move(v));
                ws();
                if (m_p < m_s.size() && m_s[m_p] == ',') {
                    ++m_p;
                    continue;
                }
                return m_p < m_s.size() && m_s[m_p++] == '}';
            }
        }
        if (c == '[') {
            out.kind = Json::Array;
            ++m_p;
            ws();
            if (m_p < m_s.size() && m_s[m_p] == ']')
                return ++m_p, true;
            while (true) {
                Json v;
                if (!value(v, depth + 1))
                    return false;
                out.items.push_back(std::move(v));
                ws();
                if (m_p < m_s.size() && m_s[m_p] == ',') {
                    ++m_p;
                    continue;
                }
                return m_p < m_s.size() && m_s[m_p++] == ']';
            }
        }
        if (c == '"') {
            out.kind = Json::String;
            return str(out.text);
        }
        if (lit("true")) {
            out.kind = Json::Bool;
            out.b = true;
            return true;
        }
        if (lit("false")) {
            out.kind = Json::Bool;
            return true;
        }
        if (lit("null"))
            return true;
        const size_t start = m_p;
        while (m_p < m_s.size() &&
               std::string("+-0123456789.eE").find(m_s[m_p]) != std::string::npos)
            ++m_p;
        if (m_p == start)
            return false;
        out.kind = Json::Number;
        out.text = m_s.substr(start, m_p - start);
        char *end = nullptr;
        out.number = std::strtod(out.text.c_str(), &end);
        return end == out.text.c_str() + out.text.size();
    }

    const std::string &m_s;
    size_t m_p = 0;
};

struct CliRun {
    int exitCode = -1;
    std::string out, err;
    Json stats;
    bool statsValid = false;
};

using weir::test::shellQuote;

// Runs weir-cli with `args` (already shell-quoted where needed); stdin from `input` if given.
CliRun runCli(const std::string &args, const std::string &input = {}) {
    weir::test::TempDir dir;
    const weir::test::CommandRun run =
        weir::test::runShell(dir, shellQuote(kCli) + " " + args, input);
    CliRun r;
    r.exitCode = run.exitCode;
    r.out = run.out;
    r.err = run.err;
    r.statsValid = !r.out.empty() && JsonReader(r.out).read(r.stats);
    return r;
}

long long count(const Json &j, const char *key) {
    return j[key].integer();
}

// The dead_letter object as a plain map.
std::map<std::string, long long> deadLetters(const Json &stats) {
    std::map<std::string, long long> m;
    for (const auto &kv : stats["dead_letter"].members)
        m[kv.first] = kv.second.integer();
    return m;
}

using Counts = std::map<std::string, long long>;

} // namespace

TEST(Cli, HelpAndVersionExitZero) {
    for (const char *flag : {"--help", "-h"}) {
        const CliRun r = runCli(flag);
        EXPECT_EQ(r.exitCode, 0) << flag;
        EXPECT_NE(r.out.find("Usage: weir-cli"), std::string::npos) << r.out;
        EXPECT_NE(r.out.find("--stats"), std::string::npos);
        EXPECT_EQ(r.err, "");
    }
    const CliRun v = runCli("--version");
    EXPECT_EQ(v.exitCode, 0);
    EXPECT_EQ(v.out.rfind("weir-cli ", 0), 0u) << v.out;
    EXPECT_NE(v.out.find_first_of("0123456789"), std::string::npos);
    EXPECT_EQ(v.err, "");
}

TEST(Cli, BadOptionsExitTwoWithAMessage) {
    struct Case {
        std::string args;
        std::string message;
    };
    const std::vector<Case> cases = {
        {"--bogus", "unknown option --bogus"},
        {"", "no input"},
        {"--stats", "no input"},
        {"--demo", "needs a value"},
        {"--demo abc", "--demo"},
        {"--demo -5", "--demo"},
        {"--format nope " + shellQuote(kData + "empty.log"), "unknown format"},
        {shellQuote(kData + "empty.log") + " --max-line-bytes", "needs a value"},
        {shellQuote(kData + "empty.log") + " --speed fast", "--speed"},
    };
    for (const auto &c : cases) {
        const CliRun r = runCli(c.args);
        EXPECT_EQ(r.exitCode, 2) << c.args;
        EXPECT_NE(r.err.find(c.message), std::string::npos) << c.args << " -> " << r.err;
        EXPECT_NE(r.err.find("weir-cli"), std::string::npos) << r.err;
        EXPECT_EQ(r.out, "") << c.args;
    }
}

TEST(Cli, StatsOnMixedAccessLogAreExact) {
    for (const char *format : {"", " --format combined"}) {
        const CliRun r = runCli(shellQuote(kData + "access_mixed.log") + " --stats" + format);
        ASSERT_EQ(r.exitCode, 0) << r.err;
        ASSERT_TRUE(r.statsValid) << "not one JSON object: " << r.out;
        const Json &s = r.stats;
        EXPECT_EQ(count(s, "lines"), 23) << r.out;
        EXPECT_EQ(count(s, "events"), 16) << r.out;
        EXPECT_EQ(count(s, "bytes"), 2266) << r.out;
        EXPECT_EQ(count(s, "dead_letters"), 7) << r.out;
        EXPECT_EQ(
            deadLetters(s),
            (Counts{{"malformed", 3}, {"bad_timestamp", 1}, {"invalid_utf8", 1}, {"empty", 2}}))
            << r.out;
        EXPECT_EQ(count(s, "truncated"), 0);
        EXPECT_EQ(count(s, "dropped"), 0);
        EXPECT_EQ(count(s, "evicted"), 0);
        ASSERT_EQ(s["seconds"].kind, Json::Number);
        EXPECT_GE(s["seconds"].number, 0.0);
        ASSERT_EQ(s["sources"].kind, Json::Array);
        ASSERT_EQ(s["sources"].items.size(), 1u);
        const Json &src = s["sources"].items[0];
        EXPECT_EQ(src["format"].text, "combined");
        EXPECT_EQ(count(src, "events"), 16);
        EXPECT_EQ(count(src, "dead_letters"), 7);
        EXPECT_EQ(src["detected"].b, std::string(format).empty());
        EXPECT_EQ(r.out.back(), '\n');
        EXPECT_EQ(r.out.find('\n'), r.out.size() - 1) << "one line of JSON";
    }
}

TEST(Cli, StatsOnCleanCombinedLog) {
    const CliRun r = runCli(shellQuote(kData + "combined_200.log") + " --stats");
    ASSERT_EQ(r.exitCode, 0) << r.err;
    ASSERT_TRUE(r.statsValid) << r.out;
    EXPECT_EQ(count(r.stats, "lines"), 200);
    EXPECT_EQ(count(r.stats, "events"), 200);
    EXPECT_EQ(count(r.stats, "bytes"), 17672);
    EXPECT_TRUE(r.stats["dead_letter"].members.empty()) << r.out;
    EXPECT_EQ(r.stats["dead_letter"].kind, Json::Object);
    const Json &src = r.stats["sources"].items.at(0);
    EXPECT_EQ(src["format"].text, "combined");
    EXPECT_TRUE(src["detected"].b);
    EXPECT_EQ(src["match_rate"].number, 1.0);
}

TEST(Cli, EmptyFile) {
    const CliRun r = runCli(shellQuote(kData + "empty.log") + " --stats");
    ASSERT_EQ(r.exitCode, 0) << r.err;
    ASSERT_TRUE(r.statsValid) << r.out;
    EXPECT_EQ(count(r.stats, "lines"), 0);
    EXPECT_EQ(count(r.stats, "events"), 0);
    EXPECT_EQ(count(r.stats, "bytes"), 0);
    EXPECT_TRUE(r.stats["dead_letter"].members.empty());
}

TEST(Cli, SeveralFilesAddUp) {
    const CliRun r =
        runCli(shellQuote(kData + "combined_200.log") + " " + shellQuote(kData + "empty.log") +
               " " + shellQuote(kData + "access_mixed.log") + " --stats --format combined");
    ASSERT_EQ(r.exitCode, 0) << r.err;
    ASSERT_TRUE(r.statsValid) << r.out;
    EXPECT_EQ(count(r.stats, "lines"), 223);
    EXPECT_EQ(count(r.stats, "events"), 216);
    EXPECT_EQ(count(r.stats, "bytes"), 17672 + 2266);
    EXPECT_EQ(count(r.stats, "dead_letters"), 7);
    ASSERT_EQ(r.stats["sources"].items.size(), 3u);
    EXPECT_EQ(count(r.stats["sources"].items[0], "events"), 200);
    EXPECT_EQ(count(r.stats["sources"].items[1], "events"), 0);
    EXPECT_EQ(count(r.stats["sources"].items[2], "events"), 16);
}

TEST(Cli, StandardInput) {
    const CliRun r = runCli("- --stats", kData + "access_mixed.log");
    ASSERT_EQ(r.exitCode, 0) << r.err;
    ASSERT_TRUE(r.statsValid) << r.out;
    EXPECT_EQ(count(r.stats, "lines"), 23);
    EXPECT_EQ(count(r.stats, "events"), 16);
    EXPECT_EQ(count(r.stats, "bytes"), 2266);
    EXPECT_EQ(r.stats["sources"].items.at(0)["name"].text, "stdin");
}

TEST(Cli, MissingFileExitsOneButStillReports) {
    const CliRun r = runCli(shellQuote(kData + "no-such-file.log") + " --stats");
    EXPECT_EQ(r.exitCode, 1);
    EXPECT_NE(r.err.find("no-such-file.log"), std::string::npos) << r.err;
    ASSERT_TRUE(r.statsValid) << r.out;
    EXPECT_EQ(count(r.stats, "lines"), 0);
}

TEST(Cli, WithoutStatsPrintsNothing) {
    const CliRun r = runCli(shellQuote(kData + "combined_200.log"));
    EXPECT_EQ(r.exitCode, 0) << r.err;
    EXPECT_EQ(r.out, "");
}

TEST(Cli, LineLimitCutsEveryLongLine) {
    const CliRun r =
        runCli(shellQuote(kData + "combined_200.log") + " --max-line-bytes 64 --stats");
    ASSERT_EQ(r.exitCode, 0) << r.err;
    ASSERT_TRUE(r.statsValid) << r.out;
    EXPECT_EQ(count(r.stats, "lines"), 200);
    EXPECT_EQ(count(r.stats, "bytes"), 17672);
    // Every line is longer than 64 bytes: each is a truncated event or a dead letter.
    EXPECT_EQ(count(r.stats, "events") + count(r.stats, "dead_letters"), 200);
    EXPECT_EQ(count(r.stats, "events"), count(r.stats, "truncated"));
}

TEST(Cli, DemoGivesExactlyNLinesDeterministically) {
    const CliRun a = runCli("--demo 5000 --seed 9 --stats");
    const CliRun b = runCli("--demo 5000 --seed 9 --stats");
    ASSERT_EQ(a.exitCode, 0) << a.err;
    ASSERT_TRUE(a.statsValid && b.statsValid) << a.out << b.out;
    EXPECT_EQ(count(a.stats, "lines"), 5000);
    EXPECT_EQ(count(a.stats, "header_lines"), 1);
    EXPECT_EQ(count(a.stats, "events") + count(a.stats, "dead_letters") + 1, 5000);
    long long sum = 0;
    for (const auto &kv : deadLetters(a.stats))
        sum += kv.second;
    EXPECT_EQ(sum, count(a.stats, "dead_letters"));
    // Same seed, same counts (everything but the timings).
    for (const char *key : {"lines", "events", "dead_letters", "bytes", "header_lines"})
        EXPECT_EQ(count(a.stats, key), count(b.stats, key)) << key;
    EXPECT_EQ(deadLetters(a.stats), deadLetters(b.stats));
    ASSERT_EQ(a.stats["sources"].items.size(), 3u);
    for (size_t i = 0; i < 3; ++i)
        EXPECT_EQ(count(a.stats["sources"].items[i], "events"),
                  count(b.stats["sources"].items[i], "events"));
}

TEST(Cli, MemoryBudgetEvicts) {
    const CliRun r = runCli("--demo 100000 --memory-budget 2 --stats");
    ASSERT_EQ(r.exitCode, 0) << r.err;
    ASSERT_TRUE(r.statsValid) << r.out;
    EXPECT_EQ(count(r.stats, "lines"), 100000);
    EXPECT_GT(count(r.stats, "evicted"), 0);
    EXPECT_LT(count(r.stats, "evicted"), count(r.stats, "events"));
}
