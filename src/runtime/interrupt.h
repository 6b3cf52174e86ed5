// The per-store state behind Store::Interrupt and HostWait: a sticky "interrupted" flag and a
// wake-up eventfd, made on first use (a store that never blocks in the host never holds one).
// Not the epoch itself (the engine's counter) nor how wasm code checks it (the interpreter).
#pragma once

#include <atomic>

namespace nw {

struct StoreWake {
  StoreWake() = default;
  StoreWake(const StoreWake&) = delete;
  StoreWake& operator=(const StoreWake&) = delete;
  ~StoreWake();
  // The eventfd, created on first call from any thread (-1 when the host cannot make one).
  int Fd();
  // Makes Fd() readable (if it exists).
  void Signal();
  // Empties Fd() after a wake-up.
  void Drain();

  std::atomic<bool> interrupted{false};
  std::atomic<int> fd{-1};
};

}  // namespace nw
