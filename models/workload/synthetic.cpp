#include "models/workload/synthetic.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "models/workload/priority_lookup.hpp"
#include "util/input_error.hpp"

namespace fleetsim::models {

namespace {

double max_of(const std::vector<double>& v) { return v.empty() ? 1.0 : *std::max_element(v.begin(), v.end()); }

void check_profile(const std::vector<double>& v, std::size_t n, const char* what) {
  if (v.empty()) return;
  if (v.size() != n) throw std::invalid_argument(std::string("synthetic ") + what + ": wrong number of multipliers");
  for (double x : v)
    if (!(x >= 0) || !std::isfinite(x)) throw std::invalid_argument(std::string("synthetic ") + what + ": bad multiplier");
  if (max_of(v) <= 0) throw std::invalid_argument(std::string("synthetic ") + what + ": all multipliers are zero");
}

void check_spec(const SyntheticSpec& s) {
  if (!s.count && !s.until) throw std::invalid_argument("synthetic: neither count nor until is set");
  if (!(s.rate_per_s > 0) || !std::isfinite(s.rate_per_s)) throw std::invalid_argument("synthetic: rate must be > 0");
  check_profile(s.daily, 24, "daily");
  check_profile(s.weekly, 7, "weekly");
  if (s.shapes.empty()) throw std::invalid_argument("synthetic: no shapes");
  for (const auto& sh : s.shapes)
    if (!(sh.weight > 0) || sh.pods < 1) throw std::invalid_argument("synthetic: bad shape");
  for (const auto& t : s.teams)
    if (!(t.weight > 0)) throw std::invalid_argument("synthetic: bad team weight");
  const auto& d = s.duration;
  if (d.distribution == DurationDistribution::empirical && d.samples_s.empty())
    throw std::invalid_argument("synthetic: empirical duration without samples");
}

// Index drawn with probability weight/sum; one uniform01() per call.
template <class T>
std::size_t pick(const std::vector<T>& items, sim::Rng& rng) {
  double total = 0;
  for (const auto& i : items) total += i.weight;
  double u = rng.uniform01() * total, acc = 0;
  for (std::size_t k = 0; k < items.size(); ++k) {
    acc += items[k].weight;
    if (u < acc) return k;
  }
  return items.size() - 1;
}

sim::SimTime draw_duration(const DurationSpec& d, sim::Rng& rng) {
  double s = 0;
  switch (d.distribution) {
    case DurationDistribution::exponential: s = rng.exponential(d.mean_s); break;
    case DurationDistribution::lognormal: s = rng.lognormal(std::log(d.median_s), d.sigma); break;
    case DurationDistribution::empirical: s = d.samples_s[rng.below(d.samples_s.size())]; break;
  }
  sim::SimTime t = sim::from_seconds(std::min(s, 9.0e12));
  if (d.min) t = std::max(t, *d.min);
  if (d.max) t = std::min(t, *d.max);
  return std::max<sim::SimTime>(t, 1);  // a job always runs for some time
}

}  // namespace

double synthetic_rate_at(const SyntheticSpec& spec, sim::SimTime t) {
  double r = spec.rate_per_s;
  if (!spec.daily.empty()) r *= spec.daily[static_cast<std::size_t>((t / sim::kHour) % 24)];
  if (!spec.weekly.empty()) r *= spec.weekly[static_cast<std::size_t>((t / sim::kDay) % 7)];
  return r;
}

std::vector<Job> generate_synthetic(const SyntheticSpec& spec, sim::Rng& rng, const PriorityClasses& classes,
                                    JobId first_id, std::string source_name) {
  check_spec(spec);
  std::vector<SyntheticTeam> teams = spec.teams;
  if (teams.empty()) teams.push_back(SyntheticTeam{"", 1.0, "default", "", ""});
  // Resolve every team's class up front so a typo fails before any work.
  std::vector<Job> team_templates;
  for (std::size_t i = 0; i < teams.size(); ++i) {
    Job tmpl;
    if (!apply_priority_class(tmpl, classes, teams[i].priority_class)) {
      std::string at = teams[i].where.empty()
                           ? "synthetic source " + source_name + ": teams[" + std::to_string(i) + "].priority_class"
                           : teams[i].where;
      throw InputError(at + ": expected " + expected_priority_class(classes, teams[i].priority_class) +
                       ", got '" + teams[i].priority_class + "'");
    }
    tmpl.team = teams[i].name;
    tmpl.namespace_ = teams[i].namespace_.empty() ? (teams[i].name.empty() ? "default" : teams[i].name)
                                                  : teams[i].namespace_;
    tmpl.labels = spec.labels;
    tmpl.source = spec.where;
    team_templates.push_back(std::move(tmpl));
  }

  sim::Rng arrivals(rng.next()), mix(rng.next()), durations(rng.next());
  const double peak = spec.rate_per_s * max_of(spec.daily) * max_of(spec.weekly);
  std::vector<Job> jobs;
  double t_s = sim::to_seconds(spec.start);
  while (!spec.count || static_cast<std::int64_t>(jobs.size()) < *spec.count) {
    // Lewis-Shedler thinning: candidates at the peak rate, each kept with
    // probability rate(t)/peak. Two draws per candidate, always.
    t_s += arrivals.exponential(1.0 / peak);
    double u = arrivals.uniform01();
    sim::SimTime t = sim::from_seconds(t_s);
    if (spec.until && t >= *spec.until) break;
    if (u * peak >= synthetic_rate_at(spec, t)) continue;
    if (static_cast<std::int64_t>(jobs.size()) >= kMaxSyntheticJobs)
      throw InputError(spec.where + ": synthetic source " + source_name + " would generate more than " +
                       std::to_string(kMaxSyntheticJobs) + " jobs; lower the rate or set count/until");

    const SyntheticShape& shape = spec.shapes[pick(spec.shapes, mix)];
    std::size_t team = pick(teams, mix);
    Job job = team_templates[team];
    job.id = first_id + static_cast<JobId>(jobs.size());
    job.name = source_name + "-" + std::to_string(jobs.size());
    job.submit = t;
    job.duration = draw_duration(spec.duration, durations);
    PodSpec pod;
    pod.cpu_milli = shape.cpu_milli_per_pod;
    pod.memory_mib = shape.memory_mib_per_pod;
    pod.gpus = shape.gpus_per_pod;
    pod.gpu_memory_mib = shape.gpu_memory_mib;
    pod.gpu_model = shape.gpu_model;
    pod.gpu_milli = shape.gpu_milli;
    pod.mig_profile = shape.mig_profile;
    job.pods.assign(static_cast<std::size_t>(shape.pods), pod);
    jobs.push_back(std::move(job));
  }
  return jobs;
}

}  // namespace fleetsim::models
