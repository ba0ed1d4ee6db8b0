#include "analysis/h5_writer.hpp"

#include <stdexcept>

namespace fleetsim::analysis {

namespace {
void check(herr_t e, const std::string& what) {
  if (e < 0) throw std::runtime_error("HDF5: " + what);
}

// Creation properties without modification times: the same data gives the
// same bytes (a sweep's merged aggregate is compared with an unsharded one).
hid_t untimed(hid_t cls) {
  hid_t p = H5Pcreate(cls);
  H5Pset_obj_track_times(p, 0);
  return p;
}
}  // namespace

H5File::H5File(const std::string& path) {
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  file_ = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  if (file_ < 0) throw std::runtime_error("HDF5: cannot create " + path);
}

H5File::~H5File() {
  for (auto it = groups_.rbegin(); it != groups_.rend(); ++it) H5Gclose(*it);
  H5Fclose(file_);
}

hid_t H5File::group(const std::string& path) {
  hid_t lcpl = H5Pcreate(H5P_LINK_CREATE);
  H5Pset_create_intermediate_group(lcpl, 1);
  hid_t gcpl = untimed(H5P_GROUP_CREATE);
  hid_t g = H5Gcreate2(file_, path.c_str(), lcpl, gcpl, H5P_DEFAULT);
  H5Pclose(gcpl);
  H5Pclose(lcpl);
  if (g < 0) throw std::runtime_error("HDF5: cannot create group " + path);
  groups_.push_back(g);
  return g;
}

namespace {
template <class T>
void write_numeric(H5File& f, hid_t group, const std::string& name, const std::vector<T>& v, hid_t type,
                   const std::string& unit) {
  hsize_t dims[1] = {v.size()};
  hid_t space = H5Screate_simple(1, dims, nullptr);
  hid_t dcpl = untimed(H5P_DATASET_CREATE);
  hid_t ds = H5Dcreate2(group, name.c_str(), type, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
  H5Pclose(dcpl);
  if (ds < 0) throw std::runtime_error("HDF5: cannot create dataset " + name);
  if (!v.empty()) check(H5Dwrite(ds, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data()), "write " + name);
  if (!unit.empty()) f.attribute(ds, "unit", unit);
  H5Dclose(ds);
  H5Sclose(space);
}
}  // namespace

void H5File::column(hid_t g, const std::string& name, const std::vector<double>& v, const std::string& unit) {
  write_numeric(*this, g, name, v, H5T_NATIVE_DOUBLE, unit);
}

void H5File::column(hid_t g, const std::string& name, const std::vector<std::int64_t>& v, const std::string& unit) {
  write_numeric(*this, g, name, v, H5T_NATIVE_INT64, unit);
}

void H5File::column(hid_t g, const std::string& name, const std::vector<std::string>& v) {
  hid_t type = H5Tcopy(H5T_C_S1);
  H5Tset_size(type, H5T_VARIABLE);
  H5Tset_cset(type, H5T_CSET_UTF8);
  std::vector<const char*> ptrs;
  ptrs.reserve(v.size());
  for (const auto& s : v) ptrs.push_back(s.c_str());
  hsize_t dims[1] = {v.size()};
  hid_t space = H5Screate_simple(1, dims, nullptr);
  hid_t dcpl = untimed(H5P_DATASET_CREATE);
  hid_t ds = H5Dcreate2(g, name.c_str(), type, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
  H5Pclose(dcpl);
  if (ds < 0) throw std::runtime_error("HDF5: cannot create dataset " + name);
  if (!v.empty()) check(H5Dwrite(ds, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, ptrs.data()), "write " + name);
  H5Dclose(ds);
  H5Sclose(space);
  H5Tclose(type);
}

void H5File::attribute(hid_t obj, const std::string& name, const std::string& value) {
  hid_t type = H5Tcopy(H5T_C_S1);
  H5Tset_size(type, H5T_VARIABLE);
  H5Tset_cset(type, H5T_CSET_UTF8);
  hid_t space = H5Screate(H5S_SCALAR);
  hid_t a = H5Acreate2(obj, name.c_str(), type, space, H5P_DEFAULT, H5P_DEFAULT);
  const char* p = value.c_str();
  check(H5Awrite(a, type, &p), "attribute " + name);
  H5Aclose(a);
  H5Sclose(space);
  H5Tclose(type);
}

void H5File::attribute(hid_t obj, const std::string& name, std::int64_t value) {
  hid_t space = H5Screate(H5S_SCALAR);
  hid_t a = H5Acreate2(obj, name.c_str(), H5T_NATIVE_INT64, space, H5P_DEFAULT, H5P_DEFAULT);
  check(H5Awrite(a, H5T_NATIVE_INT64, &value), "attribute " + name);
  H5Aclose(a);
  H5Sclose(space);
}

}  // namespace fleetsim::analysis
