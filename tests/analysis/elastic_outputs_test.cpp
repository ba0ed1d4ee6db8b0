// An elastic run's results read back: the new /jobs columns of run.h5 and
// jobs.csv, the failed count and elastic totals in summary.json, and the
// terminal summary's elastic line agree with the run's records.
#include <gtest/gtest.h>
#include <hdf5.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "analysis/memory_recorder.hpp"
#include "analysis/results_dir.hpp"
#include "analysis/summary.hpp"
#include "analysis/terminal_summary.hpp"
#include "scenario/scenario.hpp"
#include "world/world.hpp"

namespace fleetsim::analysis {
namespace {

namespace fs = std::filesystem;

std::vector<std::int64_t> read_ints(const std::string& file, const std::string& path) {
  std::vector<std::int64_t> out;
  hid_t f = H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  if (f < 0) return out;
  hid_t ds = H5Dopen2(f, path.c_str(), H5P_DEFAULT);
  if (ds >= 0) {
    hid_t sp = H5Dget_space(ds);
    out.resize(static_cast<std::size_t>(H5Sget_simple_extent_npoints(sp)));
    H5Dread(ds, H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, out.data());
    H5Sclose(sp);
    H5Dclose(ds);
  }
  H5Fclose(f);
  return out;
}

TEST(ElasticOutputs, ColumnsAndTotalsMatchTheRecords) {
  // Karpenter spot with one restart allowed: some jobs fail, some grow back.
  const auto s = scenario::load_scenario(
      std::string(FLEETSIM_SOURCE_DIR) + "/scenarios/elastic-training.yaml",
      {"workload[0].elastic.max_restarts=1", "karpenter.nodepools[0].spot.interruption=0.99", "horizon=4d",
       "workload[0].synthetic.until=3d"});
  MemoryRecorder rec;
  world::World w(s, 1, rec);
  const auto r = w.run();
  const Summary sum = summarize(r);
  const std::string dir = ::testing::TempDir() + "elastic_outputs_" + std::to_string(::getpid());
  write_results(dir, r, sum, rec);

  std::size_t failed = 0;
  std::uint64_t restarts = 0, rescales = 0;
  for (const auto& x : r.records) {
    failed += x.status == world::JobStatus::failed;
    restarts += static_cast<std::uint64_t>(x.restarts);
    rescales += static_cast<std::uint64_t>(x.rescales);
  }
  ASSERT_GT(failed, 0u);  // the run shows every new field non-zero
  ASSERT_GT(rescales, 0u);

  const std::string h5 = dir + "/run.h5";
  const auto h5_restarts = read_ints(h5, "/jobs/restarts");
  const auto h5_rescales = read_ints(h5, "/jobs/rescales");
  const auto h5_replicas = read_ints(h5, "/jobs/replicas");
  const auto h5_max = read_ints(h5, "/jobs/max_replicas");
  ASSERT_EQ(h5_restarts.size(), r.jobs.size());
  ASSERT_EQ(h5_rescales.size(), r.jobs.size());
  ASSERT_EQ(h5_replicas.size(), r.jobs.size());
  ASSERT_EQ(h5_max.size(), r.jobs.size());
  for (std::size_t i = 0; i < r.jobs.size(); ++i) {
    EXPECT_EQ(h5_restarts[i], r.records[i].restarts);
    EXPECT_EQ(h5_rescales[i], r.records[i].rescales);
    EXPECT_EQ(h5_replicas[i], r.records[i].replicas);
    EXPECT_EQ(h5_max[i], 4);
  }

  // jobs.csv: status and the last four columns.
  std::ifstream csv(dir + "/jobs.csv");
  std::string line;
  ASSERT_TRUE(std::getline(csv, line));
  EXPECT_NE(line.find(",cost_usd,replicas,restarts,rescales"), std::string::npos) << line;
  for (std::size_t i = 0; i < r.jobs.size() && std::getline(csv, line); ++i) {
    const auto& x = r.records[i];
    std::string tail = ",";
    tail.append(std::to_string(x.replicas)).append(",").append(std::to_string(x.restarts));
    tail.append(",").append(std::to_string(x.rescales)).append(",1,0,,0");  // topology_rate: none set; no oom_kills; no deadline
    EXPECT_EQ(line.substr(line.size() - tail.size()), tail) << line;
    EXPECT_NE(line.find(std::string(",").append(world::to_string(x.status)).append(",")), std::string::npos) << line;
  }

  std::ifstream js(dir + "/summary.json");
  const auto j = nlohmann::json::parse(js);
  EXPECT_EQ(j.at("jobs").at("failed").get<std::size_t>(), failed);
  EXPECT_EQ(j.at("jobs").at("elastic").get<std::size_t>(), r.jobs.size());
  EXPECT_EQ(j.at("jobs").at("elastic_restarts").get<std::uint64_t>(), restarts);
  EXPECT_EQ(j.at("jobs").at("elastic_rescales").get<std::uint64_t>(), rescales);
  EXPECT_GT(j.at("capacity").at("rescale_pause_gpu_hours").get<double>(), 0);

  std::ostringstream term;
  print_summary(term, sum);
  std::string elastic_line = "  elastic     ";
  elastic_line.append(std::to_string(r.jobs.size())).append(" jobs: ").append(std::to_string(restarts));
  elastic_line.append(" restarts after losing workers, ").append(std::to_string(rescales));
  elastic_line.append(" to grow back, ").append(std::to_string(failed)).append(" failed out of restarts\n");
  EXPECT_NE(term.str().find(elastic_line), std::string::npos) << term.str();
  std::string failed_count = ", ";
  failed_count.append(std::to_string(failed)).append(" failed;");
  EXPECT_NE(term.str().find(failed_count), std::string::npos) << term.str();
  fs::remove_all(dir);
}

}  // namespace
}  // namespace fleetsim::analysis
