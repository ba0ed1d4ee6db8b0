#pragma once
// The AWS Spot Instance Advisor's two numbers per instance type and region:
// savings over on-demand and the interruption-frequency bucket. The shipped
// file is data/spot/advisor-buckets.csv (us-east-1 GPU types, Linux, snapshot
// of 2021-02-10; see data/spot/README.md).
#include <optional>
#include <string>
#include <utility>

namespace fleetsim::models {

// Reads a CSV with columns instance_type, region, savings_percent,
// interruption_bucket and optionally os (then only "Linux" rows count) and
// returns (savings as a fraction, e.g. 0.70; the bucket's canonical label, e.g.
// "<5%") for the row of that type and region, or nullopt when there is none.
// Every row is checked: savings_percent in [0, 100], a bucket parse_bucket
// knows. Throws InputError naming file:line: column for bad rows, a missing
// column, or two rows for the same type, region and OS.
std::optional<std::pair<double, std::string>> advisor_entry(const std::string& csv_path,
                                                            const std::string& instance_type,
                                                            const std::string& region);

}  // namespace fleetsim::models
