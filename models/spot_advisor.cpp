#include "models/spot_advisor.hpp"

#include <map>
#include <tuple>

#include "models/spot_market.hpp"
#include "util/csv.hpp"
#include "util/input_error.hpp"

namespace fleetsim::models {

std::optional<std::pair<double, std::string>> advisor_entry(const std::string& csv_path,
                                                            const std::string& instance_type,
                                                            const std::string& region) {
  CsvReader r(csv_path);
  r.require({"instance_type", "region", "savings_percent", "interruption_bucket"});
  const bool has_os = r.has("os");
  std::map<std::tuple<std::string, std::string, std::string>, int> first_line;
  std::optional<std::pair<double, std::string>> found;
  while (r.next()) {
    const double savings = r.non_negative_number("savings_percent");
    if (savings > 100) r.fail("savings_percent", "a percentage between 0 and 100");
    auto bucket = parse_bucket(r.str("interruption_bucket"));
    if (!bucket) r.fail("interruption_bucket", "one of <5%, 5-10%, 10-15%, 15-20%, >20%");
    const std::string os = has_os ? r.str("os") : std::string();
    auto key = std::make_tuple(r.str("instance_type"), r.str("region"), os);
    auto [it, fresh] = first_line.emplace(key, r.line());
    if (!fresh)
      throw InputError(where(csv_path, r.line(), "instance_type") + ": '" + r.str("instance_type") + "' in '" +
                       r.str("region") + "' appears again (first on line " + std::to_string(it->second) + ")");
    if (has_os && os != "Linux") continue;
    if (r.str("instance_type") == instance_type && r.str("region") == region)
      found = std::make_pair(savings / 100.0, bucket->label);
  }
  return found;
}

}  // namespace fleetsim::models
