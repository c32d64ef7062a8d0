// SPDX-License-Identifier: GPL-3.0-or-later
// The example files the package ships under /usr/share/weir/examples stay readable by the
// loaders they illustrate.
#include "weir/alert/rule.h"

#include <gtest/gtest.h>
#include <string>
#include <vector>

using namespace weir::alert;

TEST(PackagedExamples, RulesExampleLoadsWithEveryRuleValid) {
    std::string error;
    const auto rules =
        loadRulesFile(std::string(WEIR_PACKAGING_DIR) + "/examples/rules.example.json", &error);
    ASSERT_TRUE(rules.has_value()) << error;
    ASSERT_EQ(rules->size(), 5u);
    EXPECT_EQ((*rules)[0].name, "heavy pages");
    EXPECT_EQ((*rules)[0].kind, RuleKind::Threshold);
    EXPECT_EQ((*rules)[0].filter, "path:*");
    EXPECT_EQ((*rules)[2].referenceKey, (std::vector<std::string>{"LATITUDE", "LONGITUDE"}));
    EXPECT_EQ((*rules)[3].kind, RuleKind::Pattern);
    EXPECT_EQ((*rules)[3].minCount, 10u);
    EXPECT_EQ((*rules)[4].kind, RuleKind::Absence);
    EXPECT_EQ((*rules)[4].silentForNs, 10LL * 60 * 1000 * 1000 * 1000);
}
