// The `-W timeout=` watchdog shared by `run` and `run --manifest`: bumps the engine's epoch once
// the timeout passes, unless the run ends first (the store's epoch deadline then traps the
// guest with `interrupted`, in wasm or in a host wait).
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "nanowasm/runtime.h"

namespace nwcli {

class Watchdog {
 public:
  Watchdog(nw::Engine& engine, std::chrono::milliseconds timeout)
      : thread_([this, &engine, timeout] {
          std::unique_lock lock(mu_);
          if (!cv_.wait_for(lock, timeout, [this] { return done_; }))
            engine.IncrementEpoch();
        }) {}
  ~Watchdog() {
    {
      std::lock_guard lock(mu_);
      done_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool done_ = false;
  std::thread thread_;
};

}  // namespace nwcli
