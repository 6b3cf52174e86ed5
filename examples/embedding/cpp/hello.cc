// hello (C++): a module from WAT text, typed calls, a typed host function reading the
// caller's memory, bounds-checked memory helpers and a trap with its backtrace.
#include <cstdio>
#include <string>

#include "nanowasm/nanowasm.hpp"

namespace {

constexpr const char* kWat = R"((module
  (import "env" "print" (func $print (param i32 i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "Hello, typed host!")
  (func (export "greet") (call $print (i32.const 16) (i32.const 18)))
  (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
  (func (export "divmod") (param i32 i32) (result i32 i32)
    (i32.div_u (local.get 0) (local.get 1)) (i32.rem_u (local.get 0) (local.get 1)))
  (func $inner (param i32) (result i32) (i32.load (local.get 0)))
  (func (export "load") (param i32) (result i32) (call $inner (local.get 0))))
)";

}  // namespace

int main() {
  nw::Engine engine;
  nw::Store store(engine);
  auto module = nw::ModuleFromWat(engine, kWat);
  if (!module) {
    std::fprintf(stderr, "%s\n", module.error().ToString().c_str());
    return 1;
  }
  nw::Linker linker;
  nw::DefineHost(linker, store, "env", "print",
                 [](nw::Caller& caller, int32_t ptr, int32_t len) -> nw::TrapResult<void> {
                   auto text = nw::MemString(*caller.memory(), static_cast<uint32_t>(ptr),
                                             static_cast<uint32_t>(len));
                   if (!text) return std::unexpected(nw::HostTrap(text.error().message));
                   std::printf("guest says: %.*s\n", static_cast<int>(text->size()), text->data());
                   return {};
                 });
  auto instance = linker.Instantiate(store, *module);
  if (!instance) {
    std::fprintf(stderr, "instantiate: %s\n", instance.error().message.c_str());
    return 1;
  }

  auto greet = nw::GetTypedFunc<void()>(**instance, "greet");
  auto add = nw::GetTypedFunc<int32_t(int32_t, int32_t)>(**instance, "add");
  auto divmod = nw::GetTypedFunc<std::tuple<uint32_t, uint32_t>(uint32_t, uint32_t)>(**instance,
                                                                                    "divmod");
  auto load = nw::GetTypedFunc<int32_t(int32_t)>(**instance, "load");
  if (!greet || !add || !divmod || !load) return 1;
  if (!greet->Call(store)) return 1;
  std::printf("add(2, 40) = %d\n", *add->Call(store, 2, 40));
  auto [q, r] = *divmod->Call(store, 47, 5);
  std::printf("divmod(47, 5) = %u, %u\n", q, r);

  auto wrong = nw::GetTypedFunc<int64_t(int64_t)>(**instance, "add");
  std::printf("wrong signature: %s\n", wrong ? "accepted?!" : wrong.error().message.c_str());

  nw::Memory* memory = (*instance)->GetMemory("memory");
  if (!nw::MemWrite<int32_t>(*memory, 100, 1234)) return 1;
  std::printf("load(100) = %d\n", *load->Call(store, 100));
  auto oob = nw::MemRead<int32_t>(*memory, 65534);
  std::printf("host read at 65534: %s\n", oob ? "ok?!" : oob.error().message.c_str());

  auto trap = load->Call(store, 70000);
  if (trap) return 1;
  std::printf("%s", trap.error().ToString().c_str());
  std::printf("add(1, 1) after the trap = %d\n", *add->Call(store, 1, 1));
  return 0;
}
