#include "models/instance_catalog.hpp"

#include <algorithm>
#include <cmath>

#include "util/csv.hpp"
#include "util/input_error.hpp"

namespace fleetsim::models {

const char* to_string(Interconnect i) {
  switch (i) {
    case Interconnect::pcie: return "pcie";
    case Interconnect::nvlink: return "nvlink";
    case Interconnect::nvswitch: return "nvswitch";
  }
  return "?";
}

InstanceCatalog InstanceCatalog::load_csv(const std::string& path) {
  CsvReader r(path);
  r.require({"instance_type", "gpu_model", "gpus", "vcpu", "memory_gib", "interconnect",
             "ondemand_usd_per_hour"});
  InstanceCatalog cat;
  cat.source_ = path;
  while (r.next()) {
    InstanceType t;
    t.name = r.str("instance_type");
    if (t.name.empty()) r.fail("instance_type", "a name");
    if (cat.find(t.name)) r.fail("instance_type", "a name not used on an earlier row");
    t.cloud = r.opt_str("cloud").value_or("");
    t.region = r.opt_str("region").value_or("");
    t.gpu_model = r.str("gpu_model");
    t.gpus = static_cast<int>(r.non_negative_integer("gpus"));
    if (t.gpus > 32) r.fail("gpus", "at most 32 GPUs per node");
    if (t.gpus > 0 && t.gpu_model.empty()) r.fail("gpu_model", "a GPU model when gpus > 0");
    if (r.has("gpu_memory_gib") && !r.str("gpu_memory_gib").empty())
      t.gpu_memory_gib = r.non_negative_number("gpu_memory_gib");
    t.vcpu = static_cast<int>(r.non_negative_integer("vcpu"));
    if (t.vcpu == 0) r.fail("vcpu", "a positive integer");
    t.memory_gib = r.non_negative_number("memory_gib");
    if (t.memory_gib < 1) r.fail("memory_gib", "at least 1 GiB");
    const std::string& ic = r.str("interconnect");
    if (ic == "pcie") t.interconnect = Interconnect::pcie;
    else if (ic == "nvlink") t.interconnect = Interconnect::nvlink;
    else if (ic == "nvswitch") t.interconnect = Interconnect::nvswitch;
    else r.fail("interconnect", "one of pcie, nvlink, nvswitch");
    t.ondemand_usd_per_hour = r.non_negative_number("ondemand_usd_per_hour");
    t.price_source = r.opt_str("price_source").value_or("");
    t.price_date = r.opt_str("price_date").value_or("");
    cat.types_.push_back(std::move(t));
  }
  if (cat.types_.empty()) throw InputError(path + ": the catalog has no instance types");
  return cat;
}

const InstanceType* InstanceCatalog::find(const std::string& name) const {
  for (const auto& t : types_)
    if (t.name == name) return &t;
  return nullptr;
}

std::vector<std::string> InstanceCatalog::names() const {
  std::vector<std::string> out;
  for (const auto& t : types_) out.push_back(t.name);
  return out;
}

void InstanceCatalog::add(InstanceType t) { types_.push_back(std::move(t)); }

Resources allocatable_for(const InstanceType& t, int max_pods) {
  if (!t.reserve_system)
    return Resources{t.vcpu * 1000LL, static_cast<std::int64_t>(std::llround(t.memory_gib * 1024)), t.gpus};
  // CPU reservation in millicores by core band.
  double cores = t.vcpu;
  double reserved = 60.0 * std::min(cores, 1.0) + 10.0 * std::clamp(cores - 1, 0.0, 1.0) +
                    5.0 * std::clamp(cores - 2, 0.0, 2.0) + 2.5 * std::max(cores - 4, 0.0);
  Resources r;
  r.cpu_milli = t.vcpu * 1000LL - static_cast<std::int64_t>(std::ceil(reserved));
  std::int64_t mem = static_cast<std::int64_t>(std::llround(t.memory_gib * 1024));
  r.memory_mib = mem - (11LL * max_pods + 255) - 100;
  r.gpus = t.gpus;
  return r;
}

}  // namespace fleetsim::models
