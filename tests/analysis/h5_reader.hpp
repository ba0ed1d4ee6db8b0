#pragma once
// Reading HDF5 outputs back in tests, through the C API as a user's program would.
#include <hdf5.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

namespace fleetsim::testing_h5 {

// RAII for an HDF5 file opened read-only.
class H5Reader {
 public:
  explicit H5Reader(const std::string& path) { file_ = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT); }
  ~H5Reader() {
    if (file_ >= 0) H5Fclose(file_);
  }
  H5Reader(const H5Reader&) = delete;
  H5Reader& operator=(const H5Reader&) = delete;
  bool ok() const { return file_ >= 0; }
  hid_t id() const { return file_; }

  bool exists(const std::string& path) const { return H5Lexists(file_, path.c_str(), H5P_DEFAULT) > 0; }
  bool is_group(const std::string& path) const {
    if (!exists(path)) return false;
    hid_t g = H5Gopen2(file_, path.c_str(), H5P_DEFAULT);
    if (g < 0) return false;
    H5Gclose(g);
    return true;
  }
  std::vector<std::string> members(const std::string& group) const {
    std::vector<std::string> out;
    hid_t g = H5Gopen2(file_, group.c_str(), H5P_DEFAULT);
    if (g < 0) return out;
    H5G_info_t info;
    H5Gget_info(g, &info);
    for (hsize_t i = 0; i < info.nlinks; ++i) {
      char name[256];
      H5Lget_name_by_idx(g, ".", H5_INDEX_NAME, H5_ITER_INC, i, name, sizeof name, H5P_DEFAULT);
      out.emplace_back(name);
    }
    H5Gclose(g);
    return out;
  }
  // Length of a 1-D dataset; -1 when it is missing or not 1-D.
  long long length(const std::string& path) const {
    hid_t ds = H5Dopen2(file_, path.c_str(), H5P_DEFAULT);
    if (ds < 0) return -1;
    hid_t sp = H5Dget_space(ds);
    long long n = -1;
    if (H5Sget_simple_extent_ndims(sp) == 1) {
      hsize_t dims[1];
      H5Sget_simple_extent_dims(sp, dims, nullptr);
      n = static_cast<long long>(dims[0]);
    }
    H5Sclose(sp);
    H5Dclose(ds);
    return n;
  }
  std::vector<double> doubles(const std::string& path) const {
    std::vector<double> v(static_cast<std::size_t>(std::max(0LL, length(path))));
    hid_t ds = H5Dopen2(file_, path.c_str(), H5P_DEFAULT);
    if (ds >= 0 && !v.empty()) H5Dread(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data());
    if (ds >= 0) H5Dclose(ds);
    return v;
  }
  std::vector<std::string> strings(const std::string& path) const {
    std::vector<char*> raw(static_cast<std::size_t>(std::max(0LL, length(path))), nullptr);
    std::vector<std::string> out;
    hid_t ds = H5Dopen2(file_, path.c_str(), H5P_DEFAULT);
    if (ds < 0) return out;
    hid_t t = H5Tcopy(H5T_C_S1);
    H5Tset_size(t, H5T_VARIABLE);
    H5Tset_cset(t, H5T_CSET_UTF8);  // as written: no conversion between character sets
    if (!raw.empty() && H5Dread(ds, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, raw.data()) >= 0)
      for (char* p : raw) {
        out.emplace_back(p ? p : "");
        H5free_memory(p);
      }
    H5Tclose(t);
    H5Dclose(ds);
    return out;
  }
  std::string string_attribute(const std::string& name) const {
    hid_t a = H5Aopen(file_, name.c_str(), H5P_DEFAULT);
    if (a < 0) return "(missing)";
    hid_t t = H5Tcopy(H5T_C_S1);
    H5Tset_size(t, H5T_VARIABLE);
    H5Tset_cset(t, H5T_CSET_UTF8);  // as written: no conversion between character sets
    char* p = nullptr;
    std::string out = H5Aread(a, t, &p) >= 0 && p ? std::string(p) : "(unreadable)";
    H5free_memory(p);
    H5Tclose(t);
    H5Aclose(a);
    return out;
  }
  std::int64_t int_attribute(const std::string& name) const {
    hid_t a = H5Aopen(file_, name.c_str(), H5P_DEFAULT);
    if (a < 0) return -1;
    std::int64_t v = -1;
    H5Aread(a, H5T_NATIVE_INT64, &v);
    H5Aclose(a);
    return v;
  }

 private:
  hid_t file_ = -1;
};

}  // namespace fleetsim::testing_h5
