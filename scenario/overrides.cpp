// --set path=value: edits the YAML tree before validation, so an override is
// checked exactly like the same value written in the file.
#include <string>
#include <vector>

#include "scenario/scenario.hpp"
#include "util/input_error.hpp"

namespace fleetsim::scenario {

namespace {
struct Step {
  std::string key;
  int index = -1;  // >= 0: a list item
};

std::vector<Step> parse_path(const std::string& path, const std::string& assignment) {
  std::vector<Step> steps;
  std::size_t i = 0;
  auto bad = [&]() {
    throw InputError("--set " + assignment + ": expected path=value with a path like scheduler.placement or "
                     "cluster.pools[0].count");
  };
  while (i < path.size()) {
    std::size_t j = i;
    while (j < path.size() && path[j] != '.' && path[j] != '[') ++j;
    if (j == i) bad();  // an empty key: "a..b", ".a", "a.[0]"
    steps.push_back({path.substr(i, j - i), -1});
    while (j < path.size() && path[j] == '[') {
      std::size_t close = path.find(']', j);
      if (close == std::string::npos) bad();
      try {
        steps.push_back({"", std::stoi(path.substr(j + 1, close - j - 1))});
      } catch (...) {
        bad();
      }
      j = close + 1;
    }
    if (j < path.size() && (path[j] != '.' || ++j == path.size())) bad();  // "a[0]x", "a." 
    i = j;
  }
  if (steps.empty()) bad();
  return steps;
}

// A copy of `n` without source marks: a --set value has no line in the scenario
// file, so messages about it must not name one (YAML::Load marks it line 1).
YAML::Node unmarked(const YAML::Node& n) {
  if (n.IsScalar()) return YAML::Node(n.Scalar());
  YAML::Node out(n.Type());
  if (n.IsSequence())
    for (const auto& item : n) out.push_back(unmarked(item));
  if (n.IsMap())
    for (const auto& kv : n) out[kv.first.Scalar()] = unmarked(kv.second);
  return out;
}
}  // namespace

void apply_override(YAML::Node& root, const std::string& assignment) {
  auto eq = assignment.find('=');
  if (eq == std::string::npos || eq == 0)
    throw InputError("--set " + assignment + ": expected path=value, e.g. scheduler.placement=best-fit");
  const std::string path = assignment.substr(0, eq);
  YAML::Node value;
  try {
    value = unmarked(YAML::Load(assignment.substr(eq + 1)));
  } catch (const YAML::Exception& e) {
    throw InputError("--set " + assignment + ": the value is not valid YAML: " + e.msg);
  }
  auto steps = parse_path(path, assignment);
  // yaml-cpp nodes are handles: walk with reset() so we never assign through them.
  YAML::Node cur;
  cur.reset(root);
  std::string walked;
  for (std::size_t s = 0; s < steps.size(); ++s) {
    const bool last = s + 1 == steps.size();
    const Step& st = steps[s];
    if (st.index >= 0) {
      walked.append("[").append(std::to_string(st.index)).append("]");
      if (!cur.IsSequence() || st.index >= static_cast<int>(cur.size()))
        throw InputError("--set " + assignment + ": " + walked + " is not an item of a list in the scenario");
      if (last) {
        cur[st.index] = value;
        return;
      }
      YAML::Node next = cur[st.index];
      cur.reset(next);
    } else {
      walked += (walked.empty() ? "" : ".") + st.key;
      if (!cur.IsMap() && !cur.IsNull())
        throw InputError("--set " + assignment + ": " + walked + " is inside a value that is not a mapping");
      if (last) {
        cur[st.key] = value;
        return;
      }
      if (!cur[st.key].IsDefined() || cur[st.key].IsNull()) cur[st.key] = YAML::Node(YAML::NodeType::Map);
      YAML::Node next = cur[st.key];
      cur.reset(next);
    }
  }
}

}  // namespace fleetsim::scenario
