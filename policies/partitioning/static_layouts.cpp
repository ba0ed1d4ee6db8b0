// static: every GPU keeps the layout its pool gave it (NVIDIA's mig-manager
// applies one configuration per node; changing it is an operator's decision).
#include "policies/partitioning/mig_partitioner.hpp"

namespace fleetsim::policies {
namespace {

class StaticLayouts final : public MigPartitioner {
 public:
  bool dynamic() const override { return false; }
  std::vector<MigRepartition> plan(const models::Cluster&, const std::vector<std::string>&) override { return {}; }
};

const bool registered = MigPartitionerRegistry::instance().add(
    {"static", "MIG layouts stay as each pool's sharing.layout sets them.", {},
     [](const Params&) { return std::make_unique<StaticLayouts>(); }});

}  // namespace
}  // namespace fleetsim::policies
