#pragma once
// Policies register under the name scenarios use (`placement: best-fit`), with a
// description and their declared parameters, so `fleetsim list` shows what exists
// and the core never switches on a policy name.
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "util/params.hpp"

namespace fleetsim {

template <class Interface>
class Registry {
 public:
  using Factory = std::function<std::unique_ptr<Interface>(const Params&)>;
  struct Entry {
    std::string name;
    std::string description;
    std::vector<ParamSpec> params;
    Factory make;
  };

  static Registry& instance() {
    static Registry r;
    return r;
  }
  bool add(Entry e) {
    std::string name = e.name;
    return entries_.emplace(std::move(name), std::move(e)).second;
  }
  const Entry* find(const std::string& name) const {
    auto it = entries_.find(name);
    return it == entries_.end() ? nullptr : &it->second;
  }
  std::vector<std::string> names() const {
    std::vector<std::string> out;
    for (const auto& [n, e] : entries_) out.push_back(n);
    return out;
  }
  const std::map<std::string, Entry>& entries() const { return entries_; }

 private:
  std::map<std::string, Entry> entries_;
};

}  // namespace fleetsim
