// --set path=value edits the YAML tree before validation.
#include <gtest/gtest.h>

#include "scenario/scenario.hpp"
#include "util/input_error.hpp"

namespace fleetsim::scenario {
namespace {

YAML::Node tree() { return YAML::Load("scheduler: {placement: first-fit}\ncluster: {pools: [{count: 1}, {count: 2}]}\n"); }

TEST(Overrides, SetsNestedKeysAndListItems) {
  YAML::Node root = tree();
  apply_override(root, "scheduler.placement=best-fit");
  apply_override(root, "cluster.pools[1].count=5");
  apply_override(root, "scheduler.queue={policy: priority, preemption: false}");
  EXPECT_EQ(root["scheduler"]["placement"].Scalar(), "best-fit");
  EXPECT_EQ(root["cluster"]["pools"][1]["count"].Scalar(), "5");
  EXPECT_EQ(root["cluster"]["pools"][0]["count"].Scalar(), "1");
  EXPECT_EQ(root["scheduler"]["queue"]["preemption"].Scalar(), "false");
}

TEST(Overrides, RejectsMalformedPaths) {
  for (const char* bad : {"scheduler..placement=x", ".scheduler=x", "scheduler.=x", "cluster.pools[0]x=1",
                          "cluster.pools.[0]=1"}) {
    YAML::Node root = tree();
    try {
      apply_override(root, bad);
      ADD_FAILURE() << bad << " was accepted";
    } catch (const InputError& e) {
      EXPECT_EQ(std::string(e.what()), std::string("--set ") + bad +
                                           ": expected path=value with a path like scheduler.placement or "
                                           "cluster.pools[0].count");
    }
  }
}

}  // namespace
}  // namespace fleetsim::scenario
