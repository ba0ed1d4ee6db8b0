#pragma once
// "did you mean ...?" for misspelled keys and names.
#include <string>
#include <string_view>
#include <vector>

namespace fleetsim {

std::size_t edit_distance(std::string_view a, std::string_view b);
// The closest candidate within a small distance, or "" when none is close.
std::string nearest(std::string_view word, const std::vector<std::string>& candidates);
// " (did you mean 'x'?)" or "".
std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates);
std::string join(const std::vector<std::string>& items, std::string_view sep);

}  // namespace fleetsim
