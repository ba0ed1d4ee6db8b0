#pragma once
// What the world keeps for one online service while it runs (world/services.cpp):
// its autoscaler, its request queue and latency record, its live replicas, and
// the totals its ServiceResult reports.
#include <memory>
#include <vector>

#include "models/job.hpp"
#include "models/serving/fluid_queue.hpp"
#include "models/serving/latency_mix.hpp"
#include "policies/autoscaling/autoscaler.hpp"
#include "scenario/services_yaml.hpp"
#include "sim/recorder.hpp"

namespace fleetsim::world {

struct ServiceState {
  ServiceState(const scenario::ServiceSpec& s)
      : spec(&s), latency(s.model, s.traffic.arrival_scv) {}

  const scenario::ServiceSpec* spec;
  std::unique_ptr<policies::Autoscaler> autoscaler;  // none: a fixed replica count
  models::Job replica;                               // the pod template every replica copies
  models::serving::FluidQueue queue;
  models::serving::LatencyMix latency;
  sim::SimTime advanced_to = 0;           // requests accounted up to here
  int desired = 0;                        // spec.replicas of the Deployment
  std::vector<models::JobId> replicas;    // live: pending, starting or ready, oldest first
  int ready = 0;
  double load = 0;                        // busy share of each ready replica now
  int next_number = 0;                    // names replicas <service>-<n>
  models::serving::RequestCounts window;  // since the autoscaler last looked
  sim::SimTime window_start = 0;
  models::serving::RequestCounts total;
  double ready_replica_s = 0, no_ready_s = 0, cold_start_s = 0;
  int cold_starts = 0, max_ready = 0;
  sim::SeriesId s_ready{}, s_desired{};
  std::vector<models::serving::RatePiece> pieces;  // scratch
};

}  // namespace fleetsim::world
