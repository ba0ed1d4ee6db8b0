#pragma once
// What a run reports about its online services: the summary.json block, the
// terminal lines, services.csv, the /services table of run.h5 and the metrics
// compare and sweeps tabulate (docs/outputs.md, docs/serving.md).
#include <nlohmann/json.hpp>

#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "analysis/h5_writer.hpp"
#include "world/run_result.hpp"

namespace fleetsim::analysis {

nlohmann::ordered_json services_json(const std::vector<world::ServiceResult>& services);
void print_services(std::ostream& out, const std::vector<world::ServiceResult>& services);
void write_services_csv(const std::string& path, const std::vector<world::ServiceResult>& services);
void write_services_h5(H5File& f, const std::vector<world::ServiceResult>& services);
// Totals over all services, then each service's own, as (name, value) metrics.
void add_service_metrics(const std::vector<world::ServiceResult>& services,
                         std::vector<std::pair<std::string, double>>& metrics);

}  // namespace fleetsim::analysis
