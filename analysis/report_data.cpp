#include "analysis/report_data.hpp"

#include <hdf5.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>

#include "util/csv.hpp"
#include "util/input_error.hpp"

namespace fleetsim::analysis {

namespace fs = std::filesystem;

namespace {

const char* const kExpected =
    "expected a `fleetsim run` directory (summary.json, run.h5) or a `fleetsim sweep` directory (sweep.csv, "
    "summary.csv)";

std::string in(const std::string& dir, const std::string& file) { return (fs::path(dir) / file).string(); }

void require_file(const std::string& dir, const std::string& file, const std::string& what) {
  const std::string p = in(dir, file);
  if (!fs::is_regular_file(p)) throw InputError(p + ": missing: " + what);
}

// Read-only access to run.h5 through the HDF5 C API; columns are 1-D datasets.
class H5In {
 public:
  explicit H5In(const std::string& path) : path_(path) {
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);  // errors are reported by return value, not printed
    file_ = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
    if (file_ < 0) throw InputError(path + ": cannot read: expected an HDF5 file written by `fleetsim run`");
  }
  ~H5In() { H5Fclose(file_); }
  H5In(const H5In&) = delete;
  H5In& operator=(const H5In&) = delete;

  bool exists(const std::string& p) const {
    // Check each level: H5Lexists needs the parents to exist.
    std::size_t pos = 0;
    while ((pos = p.find('/', pos + 1)) != std::string::npos)
      if (H5Lexists(file_, p.substr(0, pos).c_str(), H5P_DEFAULT) <= 0) return false;
    return H5Lexists(file_, p.c_str(), H5P_DEFAULT) > 0;
  }

  std::vector<std::string> members(const std::string& group) const {
    std::vector<std::string> out;
    if (!exists(group)) return out;
    hid_t g = H5Gopen2(file_, group.c_str(), H5P_DEFAULT);
    if (g < 0) return out;
    H5G_info_t info;
    if (H5Gget_info(g, &info) >= 0)
      for (hsize_t i = 0; i < info.nlinks; ++i) {
        const ssize_t n = H5Lget_name_by_idx(g, ".", H5_INDEX_NAME, H5_ITER_INC, i, nullptr, 0, H5P_DEFAULT);
        if (n <= 0) continue;
        std::string name(static_cast<std::size_t>(n) + 1, '\0');
        H5Lget_name_by_idx(g, ".", H5_INDEX_NAME, H5_ITER_INC, i, name.data(), name.size(), H5P_DEFAULT);
        name.resize(static_cast<std::size_t>(n));
        out.push_back(name);
      }
    H5Gclose(g);
    return out;
  }

  std::vector<double> doubles(const std::string& p) const {
    if (!exists(p)) throw InputError(path_ + ": " + p + ": missing: expected a column written by `fleetsim run`");
    hid_t ds = H5Dopen2(file_, p.c_str(), H5P_DEFAULT);
    hid_t sp = ds < 0 ? -1 : H5Dget_space(ds);
    std::vector<double> v;
    bool ok = sp >= 0 && H5Sget_simple_extent_ndims(sp) == 1;
    if (ok) {
      hsize_t dims[1] = {0};
      H5Sget_simple_extent_dims(sp, dims, nullptr);
      v.resize(static_cast<std::size_t>(dims[0]));
      ok = v.empty() || H5Dread(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data()) >= 0;
    }
    if (sp >= 0) H5Sclose(sp);
    if (ds >= 0) H5Dclose(ds);
    if (!ok) throw InputError(path_ + ": " + p + ": cannot read: expected a 1-D numeric column");
    return v;
  }

 private:
  std::string path_;
  hid_t file_;
};

std::vector<double> finite(const std::vector<double>& v) {
  std::vector<double> out;
  std::copy_if(v.begin(), v.end(), std::back_inserter(out), [](double x) { return std::isfinite(x); });
  return out;
}

}  // namespace

ReportKind detect_report_kind(const std::string& dir) {
  if (!fs::is_directory(dir)) throw InputError(dir + ": not a directory: " + kExpected);
  if (fs::exists(in(dir, "summary.json"))) return ReportKind::run;
  for (const char* f : {"sweep.csv", "summary.csv", "sweep.json"})
    if (fs::exists(in(dir, f))) return ReportKind::sweep;
  throw InputError(dir + ": not a fleetsim results directory: " + kExpected);
}

const StepSeries* RunInputs::find(const std::string& name) const {
  for (const auto& s : series)
    if (s.name == name) return &s;
  return nullptr;
}

RunInputs load_run_inputs(const std::string& dir) {
  const char* what = "a run directory has summary.json and run.h5 (written by `fleetsim run`)";
  require_file(dir, "summary.json", what);
  require_file(dir, "run.h5", what);
  RunInputs r;
  r.dir = dir;
  {
    const std::string p = in(dir, "summary.json");
    std::ifstream f(p);
    r.summary = nlohmann::json::parse(f, nullptr, false);
    if (r.summary.is_discarded() || !r.summary.is_object())
      throw InputError(p + ": cannot parse: expected the JSON object written by `fleetsim run`");
  }
  H5In h5(in(dir, "run.h5"));
  for (const auto& name : h5.members("/timeseries")) {
    StepSeries s{name, h5.doubles("/timeseries/" + name + "/t_s"), h5.doubles("/timeseries/" + name + "/value")};
    if (s.t_s.size() != s.value.size())
      throw InputError(in(dir, "run.h5") + ": /timeseries/" + name + ": t_s and value differ in length");
    r.series.push_back(std::move(s));
  }
  r.wait_s = finite(h5.doubles("/jobs/wait_s"));
  r.jct_s = finite(h5.doubles("/jobs/jct_s"));
  r.node_usd_per_hour = h5.doubles("/nodes/usd_per_hour");
  r.node_gpus = h5.doubles("/nodes/gpus");
  return r;
}

std::size_t CsvTable::column(const std::string& name) const {
  auto it = std::find(header.begin(), header.end(), name);
  if (it == header.end()) throw InputError(path + ": missing column '" + name + "'");
  return static_cast<std::size_t>(it - header.begin());
}

CsvTable read_csv_table(const std::string& path) {
  std::ifstream f(path);
  if (!f) throw InputError(path + ": cannot open file");
  CsvTable t;
  t.path = path;
  std::string line;
  int n = 0;
  while (std::getline(f, line)) {
    ++n;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (t.header.empty() && !line.empty() && line[0] == '#') {
      if (t.comment.empty()) t.comment = line.substr(line.find_first_not_of("# ") == std::string::npos
                                                         ? line.size()
                                                         : line.find_first_not_of("# "));
      continue;
    }
    if (line.empty()) continue;
    auto fields = split_csv_line(line);
    if (t.header.empty()) {
      t.header = std::move(fields);
      continue;
    }
    if (fields.size() != t.header.size())
      throw InputError(path + ":" + std::to_string(n) + ": expected " + std::to_string(t.header.size()) +
                       " fields as in the header, found " + std::to_string(fields.size()));
    t.rows.push_back(std::move(fields));
  }
  if (t.header.empty()) throw InputError(path + ": expected a header row");
  return t;
}

SweepInputs load_sweep_inputs(const std::string& dir) {
  const char* what =
      "a sweep directory has sweep.csv and summary.csv (written by `fleetsim sweep` when every run is done; rerun "
      "it to finish an interrupted sweep)";
  require_file(dir, "summary.csv", what);
  require_file(dir, "sweep.csv", what);
  SweepInputs s;
  s.dir = dir;
  s.summary = read_csv_table(in(dir, "summary.csv"));
  s.runs = read_csv_table(in(dir, "sweep.csv"));
  for (const char* c : {"point", "metric", "seeds", "mean", "ci95_half_width"}) s.summary.column(c);
  s.runs.column("point");
  if (fs::exists(in(dir, "paired.csv"))) {
    s.paired = read_csv_table(in(dir, "paired.csv"));
    for (const char* c : {"point", "metric", "seeds", "mean_difference", "ci95_half_width"}) s.paired->column(c);
  }
  return s;
}

}  // namespace fleetsim::analysis
