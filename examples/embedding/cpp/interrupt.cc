// interrupt (C++): an infinite loop stopped by fuel, then by an epoch deadline bumped from
// another thread; after each trap the store keeps working.
#include <chrono>
#include <cstdio>
#include <thread>

#include "nanowasm/nanowasm.hpp"

namespace {
constexpr const char* kWat = R"((module
  (func (export "spin") (loop $forever (br $forever)))
  (func (export "answer") (result i32) i32.const 42)))";

int Run(nw::Config config, bool epoch) {
  nw::Engine engine(config);
  nw::Store store(engine);
  auto module = nw::ModuleFromWat(engine, kWat);
  if (!module) return 1;
  nw::Linker linker;
  auto instance = linker.Instantiate(store, *module);
  if (!instance) return 1;
  auto spin = nw::GetTypedFunc<void()>(**instance, "spin");
  auto answer = nw::GetTypedFunc<int32_t()>(**instance, "answer");
  if (!spin || !answer) return 1;

  std::thread ticker;
  if (epoch) {
    store.SetEpochDeadline(1);
    ticker = std::thread([&engine] {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      engine.IncrementEpoch();
    });
  } else {
    store.SetFuel(100000);
  }
  auto r = spin->Call(store);
  if (ticker.joinable()) ticker.join();
  if (r) return 1;
  std::printf("%s: spin trapped: %s\n", epoch ? "epoch" : "fuel", r.error().message.c_str());
  if (epoch) {
    store.SetEpochDeadline(1);
  } else {
    store.SetFuel(1000);
  }
  auto a = answer->Call(store);
  if (!a) return 1;
  std::printf("%s: answer() afterwards = %d\n", epoch ? "epoch" : "fuel", *a);
  return 0;
}
}  // namespace

int main() {
  nw::Config fuel;
  fuel.consume_fuel = true;
  nw::Config epoch;
  epoch.epoch_interruption = true;
  if (Run(fuel, false) != 0) return 1;
  return Run(epoch, true);
}
