// The shared GPUs of a node (models/gpu_sharing.hpp): which pods fit, which GPU
// or MIG instance each gets, its share of the node's GPU cost, its GPU memory
// and how fast it runs next to its neighbours.
#include <algorithm>
#include <bit>
#include <stdexcept>

#include "models/cluster.hpp"

namespace fleetsim::models {

namespace {

std::int64_t gpu_memory_mib(const Node& n) { return static_cast<std::int64_t>(n.type->gpu_memory_gib * 1024.0); }

const BoundPod& bound(const Node& n, PodRef ref) {
  for (const auto& b : n.pods)
    if (b.ref == ref) return b;
  throw std::logic_error("pod not bound on " + n.name);
}

GpuTenant& tenant(SharedGpu& g, PodRef ref) {
  for (auto& t : g.tenants)
    if (t.ref == ref) return t;
  throw std::logic_error("pod is no tenant of this GPU");
}

template <class F>
void for_each_gpu(std::uint32_t mask, F f) {
  for (; mask; mask &= mask - 1) f(std::countr_zero(mask));
}

template <class F>
void for_each_device(std::uint64_t mask, F f) {
  for (; mask; mask &= mask - 1) f(std::countr_zero(mask));
}

bool mig_wanted(const MigDevice& d, const PodSpec& p, MigStrategy strategy) {
  return d.profile && !d.used && (strategy == MigStrategy::single || d.profile->name == p.mig_profile);
}

}  // namespace

std::int64_t memory_per_gpu(const PodSpec& p) { return p.gpu_memory_mib / std::max(1, p.whole_gpus()); }

void init_gpu_devices(Node& n, const NodePool& pool) {
  n.sharing = pool.sharing.mode;
  const int gpus = pool.type->gpus;
  if (n.sharing == SharingMode::none) return;
  if (n.sharing != SharingMode::mig) {
    n.shared.assign(static_cast<std::size_t>(gpus), SharedGpu{});
    return;
  }
  const MigSpec& spec = pool.sharing.mig;
  for (int g = 0; g < gpus; ++g)
    for (const auto& inst : spec.layout.instances) {
      MigDevice d;
      d.gpu = g;
      d.profile = spec.gpu->find(inst.profile);
      d.start = inst.start;
      n.mig.push_back(d);
    }
}

bool Cluster::fits_shared(const Node& n, const PodSpec& p) const {
  const GpuSharing& s = pools_[n.pool].sharing;
  const int g = p.whole_gpus();
  if (g == 0) return true;  // CPU only
  if (s.mode == SharingMode::mig) {
    if (!p.accepts_model(n.type->gpu_model)) return false;
    // mixed advertises nvidia.com/mig-<profile>; single advertises them as nvidia.com/gpu.
    if ((s.mig.strategy == MigStrategy::mixed) == p.mig_profile.empty()) return false;
    const int want = s.mig.strategy == MigStrategy::mixed ? 1 : g;
    return std::count_if(n.mig.begin(), n.mig.end(),
                         [&](const MigDevice& d) { return mig_wanted(d, p, s.mig.strategy); }) >= want;
  }
  if (!p.mig_profile.empty() || !meets_gpu_constraints(p, *n.type)) return false;
  // The MPS device plugin rejects a container asking for more than one replica.
  if (s.mode == SharingMode::mps && g > 1) return false;
  if (s.mode == SharingMode::fractional && p.gpus == 0) {
    return std::any_of(n.shared.begin(), n.shared.end(),
                       [&](const SharedGpu& x) { return x.milli_used + p.gpu_milli <= 1000; });
  }
  const std::size_t per_gpu = s.mode == SharingMode::fractional ? 1 : static_cast<std::size_t>(s.replicas);
  return std::count_if(n.shared.begin(), n.shared.end(),
                       [&](const SharedGpu& x) { return x.tenants.size() < per_gpu; }) >= g;
}

std::uint32_t Cluster::bind_shared(Node& n, BoundPod& b, const PodSpec& p, double demand) {
  const GpuSharing& s = pools_[n.pool].sharing;
  const int g = p.whole_gpus();
  std::uint32_t mask = 0;
  if (g == 0) return 0;
  if (s.mode == SharingMode::mig) {
    int want = s.mig.strategy == MigStrategy::mixed ? 1 : g;
    for (std::size_t i = 0; i < n.mig.size() && want > 0; ++i) {
      MigDevice& d = n.mig[i];
      if (!mig_wanted(d, p, s.mig.strategy)) continue;
      d.used = true;
      d.user = b.ref;
      d.demand = demand;
      b.mig_devices |= std::uint64_t{1} << i;
      mask |= 1u << d.gpu;
      --want;
    }
    return mask;
  }
  const auto gpus = static_cast<int>(n.shared.size());
  std::int32_t milli = 0;
  if (s.mode == SharingMode::fractional && p.gpus == 0) {
    // The tightest GPU that still fits, the lowest index among equals (the FGD
    // artifact's best-fit GPU choice, as in models/gpu_share.hpp).
    int best = -1;
    for (int i = 0; i < gpus; ++i) {
      const auto used = n.shared[static_cast<std::size_t>(i)].milli_used;
      if (used + p.gpu_milli <= 1000 && (best < 0 || used > n.shared[static_cast<std::size_t>(best)].milli_used))
        best = i;
    }
    mask = 1u << best;
    milli = p.gpu_milli;
  } else if (s.mode == SharingMode::fractional) {
    std::uint32_t empty = 0;
    for (int i = 0; i < gpus; ++i)
      if (n.shared[static_cast<std::size_t>(i)].tenants.empty()) empty |= 1u << i;
    mask = g > 1 ? n.topology->nvlinked_subset(empty, g) : 0;
    for (int k = std::popcount(mask); k < g; ++k) {
      const std::uint32_t left = empty & ~mask;
      mask |= left & (~left + 1u);  // the lowest free GPU
    }
    milli = 1000;
  } else {
    // Replicas: the GPUs with the fewest tenants, the lowest index among equals,
    // spreading pods over GPUs as the device plugin's replicated allocation does.
    std::vector<int> order;
    for (int i = 0; i < gpus; ++i)
      if (n.shared[static_cast<std::size_t>(i)].tenants.size() < static_cast<std::size_t>(s.replicas)) order.push_back(i);
    std::stable_sort(order.begin(), order.end(), [&](int a, int c) {
      return n.shared[static_cast<std::size_t>(a)].tenants.size() < n.shared[static_cast<std::size_t>(c)].tenants.size();
    });
    for (int k = 0; k < g; ++k) mask |= 1u << order[static_cast<std::size_t>(k)];
  }
  for_each_gpu(mask, [&](int i) {
    SharedGpu& x = n.shared[static_cast<std::size_t>(i)];
    x.tenants.push_back(GpuTenant{b.ref, milli, memory_per_gpu(p), demand, false});
    x.milli_used += milli;
  });
  return mask;
}

void Cluster::release_shared(Node& n, const BoundPod& b) const {
  for_each_device(b.mig_devices, [&](int i) {
    MigDevice& d = n.mig[static_cast<std::size_t>(i)];
    d.used = false;
    d.user = PodRef{};
    d.demand = 1;
  });
  if (n.shared.empty()) return;
  for_each_gpu(b.gpu_mask, [&](int i) {
    SharedGpu& x = n.shared[static_cast<std::size_t>(i)];
    auto it = std::find_if(x.tenants.begin(), x.tenants.end(), [&](const GpuTenant& t) { return t.ref == b.ref; });
    x.milli_used -= it->milli;
    if (it->active) x.memory_active_mib -= it->memory_mib;
    x.tenants.erase(it);
  });
}

void Cluster::recount_busy(Node& n) const {
  std::uint32_t busy = 0;
  for (std::size_t i = 0; i < n.shared.size(); ++i)
    if (!n.shared[i].tenants.empty()) busy |= 1u << i;
  for (const auto& d : n.mig)
    if (d.used) busy |= 1u << d.gpu;
  const int gpus = n.type->gpus;
  const std::uint32_t all = gpus >= 32 ? 0xFFFFFFFFu : ((1u << gpus) - 1u);
  n.free_gpu_mask = all & ~busy;
  n.requested.gpus = std::popcount(busy);
}

double Cluster::gpu_share(const Node& n, const PodSpec& p) const {
  const GpuSharing& s = pools_[n.pool].sharing;
  const int g = p.whole_gpus();
  switch (s.mode) {
    case SharingMode::none: return g;
    case SharingMode::time_slicing:
    case SharingMode::mps: return static_cast<double>(g) / s.replicas;
    case SharingMode::fractional: return p.gpus > 0 ? p.gpus : p.gpu_milli / 1000.0;
    case SharingMode::mig: {
      // An instance's share of its GPU is its compute slices out of 7, so a
      // layout that leaves slices unused leaves that part of the GPU idle.
      const MigProfile* prof = s.mig.strategy == MigStrategy::single ? s.mig.gpu->find(s.mig.layout.instances[0].profile)
                                                                       : s.mig.gpu->find(p.mig_profile);
      return prof ? static_cast<double>(s.mig.strategy == MigStrategy::single ? g : 1) * prof->compute_slices /
                        kMigComputeSlices
                  : 0;
    }
  }
  return g;
}

bool Cluster::start_pod(NodeId id, PodRef ref, const PodSpec& p) {
  Node& n = nodes_.at(id);
  if (n.sharing == SharingMode::none) return true;
  const GpuSharing& s = pools_[n.pool].sharing;
  const BoundPod& b = bound(n, ref);
  const std::int64_t mem = memory_per_gpu(p);
  if (s.mode == SharingMode::mig) {
    bool fits = true;
    for_each_device(b.mig_devices, [&](int i) {
      fits = fits && mem <= n.mig[static_cast<std::size_t>(i)].profile->memory_gb * std::int64_t{1024};
    });
    if (!fits) return false;
  } else {
    const std::int64_t limit = s.mode == SharingMode::mps
                                   ? (s.mps_memory_limit_mib > 0 ? s.mps_memory_limit_mib : gpu_memory_mib(n) / s.replicas)
                                   : gpu_memory_mib(n);
    bool fits = true;
    for_each_gpu(b.gpu_mask, [&](int i) {
      SharedGpu& x = n.shared[static_cast<std::size_t>(i)];
      if (tenant(x, ref).active) return;  // running already (an elastic job's kept pod)
      fits = fits && mem <= limit && (s.memory_isolated() || x.memory_active_mib + mem <= gpu_memory_mib(n));
    });
    if (!fits) return false;
    for_each_gpu(b.gpu_mask, [&](int i) {
      SharedGpu& x = n.shared[static_cast<std::size_t>(i)];
      GpuTenant& t = tenant(x, ref);
      if (!t.active) x.memory_active_mib += mem;
      t.active = true;
    });
  }
  return true;
}

void Cluster::stop_pod(NodeId id, PodRef ref) {
  Node& n = nodes_.at(id);
  if (n.shared.empty()) return;
  for_each_gpu(bound(n, ref).gpu_mask, [&](int i) {
    SharedGpu& x = n.shared[static_cast<std::size_t>(i)];
    GpuTenant& t = tenant(x, ref);
    if (t.active) x.memory_active_mib -= t.memory_mib;
    t.active = false;
  });
}

double Cluster::sharing_rate(NodeId id, PodRef ref) const {
  const Node& n = nodes_.at(id);
  if (n.sharing == SharingMode::none) return 1.0;
  const BoundPod& b = bound(n, ref);
  double rate = 1.0;
  if (n.sharing == SharingMode::mig) {
    for_each_device(b.mig_devices, [&](int i) {
      const MigDevice& d = n.mig[static_cast<std::size_t>(i)];
      rate = std::min(rate, progress_rate(static_cast<double>(d.profile->compute_slices) / kMigComputeSlices, d.demand));
    });
    return rate;
  }
  const GpuSharing& s = pools_[n.pool].sharing;
  for_each_gpu(b.gpu_mask, [&](int i) {
    const SharedGpu& x = n.shared[static_cast<std::size_t>(i)];
    std::vector<double> demands;
    double mine = -1;
    std::size_t at = 0;
    for (const auto& t : x.tenants) {
      if (!t.active) continue;
      if (t.ref == ref) {
        at = demands.size();
        mine = t.demand;
      }
      demands.push_back(t.demand);
    }
    if (mine < 0) {
      rate = 0;  // stopped
      return;
    }
    rate = std::min(rate, progress_rate(tenant_compute(s, demands)[at], mine));
  });
  return rate;
}

std::vector<PodRef> Cluster::gpu_neighbours(NodeId id, PodRef ref) const {
  const Node& n = nodes_.at(id);
  std::vector<PodRef> out;
  if (n.shared.empty() || pools_[n.pool].sharing.isolated()) return out;
  for_each_gpu(bound(n, ref).gpu_mask, [&](int i) {
    for (const auto& t : n.shared[static_cast<std::size_t>(i)].tenants)
      if (!(t.ref == ref) && std::find(out.begin(), out.end(), t.ref) == out.end()) out.push_back(t.ref);
  });
  return out;
}

Node Cluster::without(const Node& node, const std::vector<BoundPod>& gone) const {
  Node n = node;
  for (const auto& b : gone) {
    auto it = std::find_if(n.pods.begin(), n.pods.end(), [&](const BoundPod& x) { return x.ref == b.ref; });
    if (it == n.pods.end()) throw std::logic_error("without: pod not on " + n.name);
    n.requested -= it->request;
    if (n.sharing != SharingMode::none) {
      release_shared(n, *it);
    } else {
      n.free_gpu_mask |= it->gpu_mask;
    }
    n.pods.erase(it);
  }
  if (n.sharing != SharingMode::none) recount_busy(n);
  return n;
}

void Cluster::begin_mig_reconfiguration(NodeId id, int gpu, std::uint64_t slots) {
  Node& n = nodes_.at(id);
  for_each_device(slots, [&](int i) {
    MigDevice& d = n.mig[static_cast<std::size_t>(i)];
    if (d.used || d.gpu != gpu) throw std::logic_error("only free instances of the GPU are destroyed");
    d = MigDevice{};
    d.gpu = gpu;
  });
  n.mig_reconfiguring |= 1u << gpu;
  changes_.push_back(id);
}

bool Cluster::add_mig_instances(NodeId id, int gpu, const std::vector<MigInstance>& add) {
  Node& n = nodes_.at(id);
  n.mig_reconfiguring &= ~(1u << gpu);
  const MigGpu& mig = *pools_[n.pool].sharing.mig.gpu;
  std::size_t empty = 0;
  for (const auto& d : n.mig) empty += d.profile == nullptr;
  if (add.size() > empty + (64 - std::min<std::size_t>(64, n.mig.size()))) return false;  // slots are bits of a mask
  std::size_t slot = 0;
  for (const auto& inst : add) {
    while (slot < n.mig.size() && n.mig[slot].profile) ++slot;
    if (slot == n.mig.size()) n.mig.emplace_back();
    MigDevice& d = n.mig[slot];
    d = MigDevice{};
    d.gpu = gpu;
    d.profile = mig.find(inst.profile);
    d.start = inst.start;
  }
  changes_.push_back(id);
  return true;
}

}  // namespace fleetsim::models
