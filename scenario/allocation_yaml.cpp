#include "scenario/allocation_yaml.hpp"

#include <set>

#include "util/input_error.hpp"

namespace fleetsim::scenario {

namespace {

OverheadItem parse_item(const YAML::Node& n, const std::string& file, const std::string& path,
                        std::set<std::string>& seen) {
  Fields f(n, file, path, {"name", "usd_per_hour", "usd_per_month"});
  OverheadItem item;
  item.name = f.str("name");
  if (item.name.empty()) f.fail("name", "a non-empty name");
  if (!seen.insert(item.name).second) f.fail("name", "a name not used by another overhead entry");
  const bool hourly = f.has("usd_per_hour"), monthly = f.has("usd_per_month");
  if (hourly == monthly) f.fail(hourly ? "usd_per_month" : "usd_per_hour", "exactly one of usd_per_hour or usd_per_month");
  item.usd_per_hour = hourly ? f.number("usd_per_hour", 0, 1e9) : f.number("usd_per_month", 0, 1e12) / kHoursPerMonth;
  return item;
}

}  // namespace

AllocationSpec parse_allocation(const Fields& root) {
  AllocationSpec a;
  if (!root.has("allocation")) return a;
  Fields f(root.node("allocation"), root.file(), root.field("allocation"), {"idle", "overhead_split", "overhead"});
  a.idle = f.one_of("idle", {"separate", "shared"}, "separate") == "shared" ? IdleMode::shared : IdleMode::separate;
  a.overhead_split = f.one_of("overhead_split", {"even", "proportional"}, "even") == "proportional"
                         ? OverheadSplit::proportional
                         : OverheadSplit::even;
  if (f.has("overhead")) {
    const YAML::Node list = f.node("overhead");
    if (!list.IsSequence())
      fail_at(list, f.file(), f.field("overhead"), "a list of {name, usd_per_hour or usd_per_month}");
    std::set<std::string> seen;
    for (std::size_t i = 0; i < list.size(); ++i)
      a.overhead.push_back(parse_item(list[i], f.file(), f.field("overhead") + "[" + std::to_string(i) + "]", seen));
  }
  return a;
}

AllocationSpec allocation_from_text(const std::string& yaml_text, const std::string& file) {
  YAML::Node root;
  try {
    root = YAML::Load(yaml_text);
  } catch (const YAML::ParserException& e) {
    throw InputError(file + ":" + std::to_string(e.mark.line + 1) + ": not valid YAML: " + e.msg);
  }
  if (!root.IsMap() || !root["allocation"].IsDefined()) return {};
  YAML::Node only;
  only["allocation"] = root["allocation"];
  return parse_allocation(Fields(only, file, "", {"allocation"}));
}

}  // namespace fleetsim::scenario
