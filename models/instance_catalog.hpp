#pragma once
// Cloud GPU instance types with their on-demand prices. The shipped catalog is
// data/catalog/instances.csv (sources and dates per row); users pass their own
// file with the same columns.
#include <optional>
#include <string>
#include <vector>

#include "models/resources.hpp"

namespace fleetsim::models {

enum class Interconnect { pcie, nvlink, nvswitch };
const char* to_string(Interconnect i);

struct InstanceType {
  std::string name;
  std::string cloud;
  std::string region;
  std::string gpu_model;  // "" for CPU-only types
  int gpus = 0;
  double gpu_memory_gib = 0;  // per GPU
  int vcpu = 0;
  double memory_gib = 0;
  Interconnect interconnect = Interconnect::pcie;
  double ondemand_usd_per_hour = 0;
  std::string price_source;
  std::string price_date;
  // Trace node lists (Alibaba openb) give what pods may use; catalog types give
  // machine capacity, from which kubelet reservations are subtracted.
  bool reserve_system = true;
};

class InstanceCatalog {
 public:
  static InstanceCatalog load_csv(const std::string& path);
  const InstanceType* find(const std::string& name) const;
  std::vector<std::string> names() const;
  const std::vector<InstanceType>& types() const { return types_; }
  const std::string& source() const { return source_; }
  // Adds a type not in the file (traces that bring their own node shapes).
  void add(InstanceType t);

 private:
  std::vector<InstanceType> types_;
  std::string source_;
};

// Kubernetes allocatable for a node of this type: capacity minus kube-reserved,
// system-reserved and the eviction threshold, by the EKS AMI formula
// (awslabs/amazon-eks-ami: CPU 6% of the first core, 1% of the second, 0.5% of
// cores 3-4, 0.25% above; memory 11 MiB per pod + 255 MiB; eviction 100 MiB).
Resources allocatable_for(const InstanceType& t, int max_pods = 110);

}  // namespace fleetsim::models
