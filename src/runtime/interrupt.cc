// Interruption of host work (the runtime side of issue 15's "blocking host calls ignore the
// timeout"): Engine::IncrementEpoch and Store::Interrupt wake host calls blocked in a HostWait,
// which polls the call's own descriptors together with the store's eventfd; CheckInterrupt
// and ConsumeFuel let long host calls stop for deadlines and pay fuel between chunks. The
// interpreter's own epoch and fuel checks are not here (interp/handlers.cc).
//
// Lost wake-ups: a waiter registers (seq_cst) before it checks the epoch (seq_cst), and
// IncrementEpoch bumps the epoch (seq_cst) before it looks for waiters (seq_cst), so either the
// waiter sees the new epoch or IncrementEpoch sees the waiter and signals its eventfd.
#include "runtime/interrupt.h"

#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <mutex>
#include <vector>

#include "runtime/vm.h"

namespace nw {

struct Engine::Waiters {
  std::mutex mu;
  std::atomic<uint32_t> count{0};
  std::vector<int> fds;  // the wake-up eventfds of stores inside a HostWait
};

// Engine(Config), which picks the tier, is src/engine's.
Engine::Engine(Config config, const Tier& tier)
    : config_(config), tier_(&tier), waiters_(std::make_unique<Waiters>()) {}
Engine::~Engine() = default;

void Engine::IncrementEpoch() {
  epoch_.fetch_add(1, std::memory_order_seq_cst);
  if (waiters_->count.load(std::memory_order_seq_cst) == 0) return;
  std::lock_guard<std::mutex> lock(waiters_->mu);
  uint64_t one = 1;
  for (int fd : waiters_->fds) (void)!write(fd, &one, sizeof one);
}

// ---- the store's wake-up state ----------------------------------------------------------------

StoreWake::~StoreWake() {
  int f = fd.load();
  if (f >= 0) close(f);
}

int StoreWake::Fd() {
  int f = fd.load(std::memory_order_acquire);
  if (f >= 0) return f;
  int made = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (made < 0) return -1;
  int expected = -1;
  if (fd.compare_exchange_strong(expected, made, std::memory_order_acq_rel)) return made;
  close(made);  // another thread (Store::Interrupt) made it first
  return expected;
}

void StoreWake::Signal() {
  int f = fd.load(std::memory_order_acquire);
  uint64_t one = 1;
  if (f >= 0) (void)!write(f, &one, sizeof one);
}

void StoreWake::Drain() {
  int f = fd.load(std::memory_order_acquire);
  uint64_t n;
  if (f >= 0) (void)!read(f, &n, sizeof n);
}

// ---- Store ----------------------------------------------------------------------------------

void Store::Interrupt() {
  impl_->wake.interrupted.store(true, std::memory_order_seq_cst);
  impl_->wake.Fd();  // so that a HostWait starting right now sees a readable fd
  impl_->wake.Signal();
}

void Store::ClearInterrupt() {
  impl_->wake.interrupted.store(false, std::memory_order_seq_cst);
  impl_->wake.Drain();
}

TrapResult<void> Store::CheckInterrupt() const {
  if (impl_->wake.interrupted.load(std::memory_order_seq_cst))
    return std::unexpected(MakeTrap(TrapKind::kInterrupted));
  if (impl_->engine.config().epoch_interruption &&
      impl_->engine.epoch_counter()->load(std::memory_order_seq_cst) >=
          impl_->run_limits()->epoch_deadline)
    return std::unexpected(MakeTrap(TrapKind::kInterrupted));
  return {};
}

TrapResult<void> Store::ConsumeFuel(uint64_t units) {
  if (!impl_->engine.config().consume_fuel) return {};
  // fuel is an int64 that wasm code lowers by small amounts; a huge charge just empties it.
  int64_t& fuel = impl_->run_limits()->fuel;
  if (units > static_cast<uint64_t>(INT64_MAX) || fuel < INT64_MIN + static_cast<int64_t>(units))
    fuel = -1;
  else
    fuel -= static_cast<int64_t>(units);
  if (fuel < 0) return std::unexpected(MakeTrap(TrapKind::kOutOfFuel));
  return {};
}

// ---- HostWait -------------------------------------------------------------------------------

HostWait::HostWait(Store& store) : store_(store), wake_fd_(store.impl().wake.Fd()) {
  if (wake_fd_ < 0) return;
  Engine::Waiters& w = store.engine().waiters();
  std::lock_guard<std::mutex> lock(w.mu);
  w.fds.push_back(wake_fd_);
  w.count.fetch_add(1, std::memory_order_seq_cst);
}

HostWait::~HostWait() {
  if (wake_fd_ < 0) return;
  Engine::Waiters& w = store_.engine().waiters();
  std::lock_guard<std::mutex> lock(w.mu);
  auto it = std::find(w.fds.begin(), w.fds.end(), wake_fd_);
  if (it != w.fds.end()) w.fds.erase(it);
  w.count.fetch_sub(1, std::memory_order_seq_cst);
}

namespace {
uint64_t MonotonicNanos() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1000000000ull + static_cast<uint64_t>(ts.tv_nsec);
}
constexpr uint64_t kNoEventfdSliceNs = 10'000'000;
}  // namespace

TrapResult<int> HostWait::Poll(std::span<pollfd> fds, uint64_t timeout_ns) {
  uint64_t start = MonotonicNanos();
  uint64_t deadline = timeout_ns > UINT64_MAX - start ? UINT64_MAX : start + timeout_ns;
  std::vector<pollfd> all(fds.begin(), fds.end());
  if (wake_fd_ >= 0) all.push_back({wake_fd_, POLLIN, 0});
  for (;;) {
    if (auto t = store_.CheckInterrupt(); !t) return std::unexpected(std::move(t.error()));
    uint64_t now = MonotonicNanos();
    uint64_t wait = deadline > now ? deadline - now : 0;
    if (wake_fd_ < 0) wait = std::min(wait, kNoEventfdSliceNs);
    timespec ts{}, *tsp = nullptr;
    if (wait != UINT64_MAX) {
      ts.tv_sec = static_cast<time_t>(std::min<uint64_t>(wait / 1000000000ull, INT32_MAX));
      ts.tv_nsec = static_cast<long>(wait % 1000000000ull);
      tsp = &ts;
    }
    for (pollfd& p : all) p.revents = 0;
    int rc = ppoll(all.data(), all.size(), tsp, nullptr);
    if (rc < 0) {
      if (errno == EINTR) continue;
      return -1;
    }
    if (wake_fd_ >= 0 && all.back().revents) {
      store_.impl().wake.Drain();
      --rc;
    }
    if (rc > 0) {
      for (size_t i = 0; i < fds.size(); ++i) fds[i].revents = all[i].revents;
      return rc;
    }
    if (MonotonicNanos() >= deadline) {
      for (pollfd& p : fds) p.revents = 0;
      return 0;
    }
  }
}

}  // namespace nw
