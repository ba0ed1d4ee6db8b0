#pragma once
// The world builder and run loop: creates the cluster and the workload from a
// scenario, picks policies by name from the registries, and applies their
// decisions on the engine's clock. Policies decide; the world applies.
#include <deque>
#include <functional>
#include <memory>
#include <set>
#include <vector>

#include "policies/partitioning/mig_partitioner.hpp"
#include "policies/placement/placement_policy.hpp"
#include "policies/provisioning/provisioner.hpp"
#include "policies/queueing/queue_policy.hpp"
#include "scenario/scenario.hpp"
#include "sim/recorder.hpp"
#include "models/spot_market.hpp"
#include "sim/simulation.hpp"
#include "world/run_result.hpp"
#include "world/service_state.hpp"

namespace fleetsim::world {

struct RunOptions {
  bool progress = false;  // a progress line on stderr (only drawn on a terminal)
};

class World {
 public:
  // Throws InputError when a job can never fit any node of the cluster.
  World(const scenario::Scenario& s, std::uint64_t seed, sim::Recorder& recorder);
  RunResult run(const RunOptions& opts = {});

 private:
  void build_cluster();
  void check_jobs_can_fit() const;
  void on_arrival(models::JobId id);
  void on_complete(models::JobId id);
  void on_evicted(models::JobId id);
  void launch_node(models::PoolId pool);
  void on_node_running(models::NodeId id);
  void on_node_ready(models::NodeId id);
  void remove_node(models::NodeId id);
  void evict(models::JobId id);
  void end_attempt(models::JobId id);
  void reconcile();
  void reschedule_spot(models::PoolId pool);
  void on_spot_event(models::PoolId pool);
  void on_spot_trace(models::PoolId pool, std::size_t row);
  void reclaim_some(models::PoolId pool, const std::function<int(int)>& how_many);
  void on_reclaim(models::NodeId id);
  void node_stopped(models::NodeId id);
  double node_cost(const models::Node& n, sim::SimTime from, sim::SimTime to) const;
  void request_cycle();
  void cycle();
  bool try_start(models::JobId id);
  // A job's runs (world/attempts.cpp).
  std::size_t place_more(models::JobId id);
  void begin_attempt(models::JobId id, bool restart);
  void book_attempt(models::JobId id, sim::SimTime lost, sim::SimTime overhead);
  void requeue(models::JobId id);
  // Elastic jobs (world/elastic.cpp).
  void lose_members(models::JobId id);
  void rebind(models::JobId id, std::vector<models::NodeId> nodes);
  void grow_elastic();
  void fail(models::JobId id);
  void add_partly_placed(std::vector<policies::PendingJob>& pending) const;
  // Shared GPUs (world/sharing.cpp).
  bool start_on_shared_gpus(models::JobId id);
  void out_of_memory(models::JobId id);
  void on_restart(models::JobId id);
  double sharing_rate(models::JobId id) const;
  std::vector<models::JobId> gpu_neighbours(models::JobId id) const;
  void retune(std::vector<models::JobId> jobs);
  void continue_attempt(models::JobId id, double rate);
  sim::SimTime saved_by(models::JobId id, sim::SimTime t) const;
  // MIG repartitioning (world/mig_partitioning.cpp).
  void watch_mig_pending();
  std::vector<std::string> pending_mig_profiles() const;
  void on_partition();
  void on_mig_ready(std::size_t i);
  // Online services (world/services.cpp).
  void init_services();
  void on_service_tick(std::size_t i);
  void advance_service(std::size_t i, sim::SimTime until);
  void set_load(ServiceState& s, double load, sim::SimTime from);
  void scale_service(std::size_t i, int desired);
  void add_replica(std::size_t i);
  void delete_replica(models::JobId id);
  void start_replica(models::JobId id);
  void replica_ready(models::JobId id, bool cold);
  void replica_released(models::JobId id);
  bool replica_deleted(models::JobId id);
  policies::AutoscalerView autoscaler_view(std::size_t i);
  void sample_service(const ServiceState& s);
  std::vector<ServiceResult> service_results();
  // Per-job state for jobs added while running (service replicas).
  void size_per_job();
  void check_fits(const models::Job& j) const;
  bool try_preempt(models::JobId id);
  void release(models::JobId id);
  void accrue(models::JobId id, sim::SimTime until);
  void sample();
  RunResult finish(const sim::RunStats& stats);

  const scenario::Scenario& scenario_;
  sim::Recorder& recorder_;
  sim::Simulation sim_;
  // The instance types the cluster's pools and nodes point to, shared with the
  // RunResult so that it outlives the scenario.
  std::shared_ptr<const models::InstanceCatalog> catalog_;
  models::Cluster cluster_;
  std::unique_ptr<policies::QueuePolicy> queue_;
  std::unique_ptr<policies::PlacementPolicy> placement_;
  std::unique_ptr<policies::Provisioner> provisioner_;
  sim::Rng provisioning_rng_;
  std::vector<sim::Rng> launch_rng_;  // per pool: launch failures
  std::vector<const models::Job*> running_view_;
  std::vector<sim::SimTime> pending_since_;
  std::vector<models::Attempt> attempt_;     // the current run of each job
  std::vector<sim::SimTime> bound_at_;       // when that run's pods were bound (before any pause)
  // GPU sharing: whether any pool shares GPUs; each job's rate without sharing
  // (elastic size, topology); the sharing rate now (0 while crashed), which
  // scales its busy GPU time; whether it waits to restart after running out
  // of GPU memory; and, for an attempt continued at a new speed, the work it had
  // checkpointed (-1 otherwise).
  bool sharing_ = false;
  std::vector<double> base_rate_;
  std::vector<double> busy_rate_;
  std::vector<bool> backing_off_;
  std::vector<sim::SimTime> saved_floor_;
  std::uint64_t oom_kills_ = 0;
  // MIG repartitioning: the partitioner, the batch of pending MIG pods it is
  // waiting on (start, pods counted, the event that ends it), and the
  // re-partitions under way (event payloads index them).
  std::unique_ptr<policies::MigPartitioner> partitioner_;
  sim::SimTime mig_batch_start_ = sim::kNever;
  std::size_t mig_pending_seen_ = 0;
  sim::EventHandle mig_batch_end_;
  std::vector<policies::MigRepartition> repartitions_;
  std::set<models::JobId> growable_;         // running elastic jobs below max_replicas
  std::vector<sim::SimTime> notice_at_;      // SIGTERM / interruption notice, kNever if none
  std::vector<sim::EventHandle> evict_event_;  // pending end of a preemption victim's grace
  std::vector<std::optional<models::SpotMarket>> markets_;  // per pool, spot pools only
  std::vector<sim::Rng> spot_rng_;                          // per pool
  std::vector<sim::EventHandle> spot_event_;                // per pool: next interruption
  std::vector<bool> reclaimed_;                             // per node: interrupted by the provider
  std::vector<std::vector<std::pair<models::JobId, double>>> spot_charges_;  // per node: job accruals
  // A deque: replicas are added while running, and pointers to jobs (queue,
  // provisioners' view) must stay valid.
  std::deque<models::Job> jobs_;
  std::vector<ServiceState> services_;
  std::vector<double> load_;                   // per job: a replica's busy share of capacity (1 otherwise)
  std::vector<sim::EventHandle> ready_event_;  // per job: a replica's cold start ending
  std::vector<bool> ready_;                    // per job: a replica ready to serve
  std::vector<bool> deleted_;                  // per job: a replica scaled down while terminating
  std::vector<bool> prewarmed_;                // per job: a replica the scenario starts with (warm if placed at 0)
  std::vector<JobRecord> records_;
  std::vector<sim::EventHandle> completion_;
  std::vector<sim::SimTime> accrued_to_;  // cost accrued up to this time
  std::vector<NodeBill> bills_;
  std::vector<models::JobId> arrivals_since_cycle_;
  // The queued jobs as provisioners see them, rebuilt when the queue changed.
  std::vector<policies::PendingJob> pending_;
  std::uint64_t queue_version_ = 1, pending_seen_ = 0;  // queue changes, and the one pending_ reflects
  std::uint64_t pending_version_ = 1;                    // changes of pending_'s content
  std::vector<int> awaiting_victims_;  // per preemptor: evictions not yet done
  std::vector<models::JobId> nominated_by_;  // per victim: its preemptor
  sim::EventType ev_arrival_{}, ev_complete_{}, ev_evicted_{}, ev_cycle_{}, ev_node_running_{}, ev_node_ready_{},
      ev_reconcile_{}, ev_spot_{}, ev_spot_trace_{}, ev_reclaim_{}, ev_restart_{}, ev_partition_{}, ev_mig_ready_{},
      ev_service_tick_{}, ev_replica_ready_{};
  bool cycle_pending_ = false;
  bool capacity_freed_ = true;
  std::size_t arrived_ = 0, running_ = 0, terminating_ = 0;
  std::uint64_t preemptions_ = 0, evictions_ = 0, interruptions_ = 0;
  // When the cluster last changed (jobs running, nodes), to detect a stalled run.
  sim::SimTime last_change_ = 0;
  std::size_t last_nodes_ = 0;
  std::int64_t last_running_nodes_ = 0;
  sim::SeriesId s_alloc_{}, s_queued_{}, s_running_{}, s_nodes_{}, s_gpus_{};
};

// Convenience: load, build, run.
RunResult run_scenario(const scenario::Scenario& s, std::uint64_t seed, sim::Recorder& recorder,
                       const RunOptions& opts = {});

}  // namespace fleetsim::world
