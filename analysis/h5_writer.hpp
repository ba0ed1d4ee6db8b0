#pragma once
// Minimal column writer over the HDF5 C API: a table is a group of equally long
// 1-D datasets, one per column, which h5py and pandas read directly.
#include <hdf5.h>

#include <cstdint>
#include <string>
#include <vector>

namespace fleetsim::analysis {

class H5File {
 public:
  explicit H5File(const std::string& path);  // creates or truncates
  ~H5File();
  H5File(const H5File&) = delete;
  H5File& operator=(const H5File&) = delete;
  hid_t group(const std::string& path);  // creates missing parents; owned by the file
  void column(hid_t group, const std::string& name, const std::vector<double>& v, const std::string& unit = "");
  void column(hid_t group, const std::string& name, const std::vector<std::int64_t>& v, const std::string& unit = "");
  void column(hid_t group, const std::string& name, const std::vector<std::string>& v);
  void attribute(hid_t object, const std::string& name, const std::string& value);
  void attribute(hid_t object, const std::string& name, std::int64_t value);
  hid_t root() const { return file_; }

 private:
  hid_t file_;
  std::vector<hid_t> groups_;
};

}  // namespace fleetsim::analysis
