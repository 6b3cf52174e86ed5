// component (C++): a component from text, a host implementation of its imported interface
// (a typed lambda), typed calls of its exports (string -> string, result<u32, string>), and a
// trap with its kind; afterwards the trapped instance refuses to be entered.
#include <cstdio>
#include <string>

#include "nanowasm/component.hpp"

namespace {

constexpr const char* kGreeter = R"((component
  (import "local:greet/host" (instance $host
    (export "log" (func (param "msg" string)))))
  (core module $Mem
    (memory (export "mem") 1)
    (global $next (mut i32) (i32.const 8192))
    (func (export "realloc") (param i32 i32 i32 i32) (result i32) (local $r i32)
      (local.set $r (global.get $next))
      (global.set $next (i32.add (local.get $r) (i32.and (i32.add (local.get 3) (i32.const 7)) (i32.const -8))))
      (local.get $r)))
  (core instance $mem (instantiate $Mem))
  (alias core export $mem "mem" (core memory $m0))
  (alias core export $mem "realloc" (core func $realloc))
  (core func $log (canon lower (func $host "log") (memory $m0)))
  (core module $Greeter
    (import "" "mem" (memory 1))
    (import "" "log" (func $log (param i32 i32)))
    (data (i32.const 16) "Hello, ")
    (data (i32.const 32) "division by zero")
    (func (export "greet") (param $p i32) (param $n i32) (result i32)
      (if (i32.gt_u (local.get $n) (i32.const 1024)) (then (unreachable)))
      (memory.copy (i32.const 2048) (i32.const 16) (i32.const 7))
      (memory.copy (i32.const 2055) (local.get $p) (local.get $n))
      (i32.store8 (i32.add (i32.const 2055) (local.get $n)) (i32.const 33))
      (call $log (i32.const 2048) (i32.add (local.get $n) (i32.const 8)))
      (i32.store (i32.const 64) (i32.const 2048))
      (i32.store (i32.const 68) (i32.add (local.get $n) (i32.const 8)))
      (i32.const 64))
    (func (export "divide") (param $a i32) (param $b i32) (result i32)
      (if (i32.eqz (local.get $b)) (then
        (i32.store8 (i32.const 96) (i32.const 1))
        (i32.store (i32.const 100) (i32.const 32))
        (i32.store (i32.const 104) (i32.const 16))
        (return (i32.const 96))))
      (i32.store8 (i32.const 96) (i32.const 0))
      (i32.store (i32.const 100) (i32.div_u (local.get $a) (local.get $b)))
      (i32.const 96))
    (func (export "crash") (unreachable)))
  (core instance $g (instantiate $Greeter
    (with "" (instance (export "mem" (memory $m0)) (export "log" (func $log))))))
  (func (export "greet") (param "name" string) (result string)
    (canon lift (core func $g "greet") (memory $m0) (realloc $realloc)))
  (func (export "divide") (param "a" u32) (param "b" u32) (result (result u32 (error string)))
    (canon lift (core func $g "divide") (memory $m0)))
  (func (export "crash") (canon lift (core func $g "crash")))
))";

const char* KindName(nw::ComponentError::Kind k) {
  switch (k) {
    case nw::ComponentError::Kind::kError: return "error";
    case nw::ComponentError::Kind::kTrap: return "trap";
    case nw::ComponentError::Kind::kAbiTrap: return "abi trap";
    case nw::ComponentError::Kind::kHostTrap: return "host trap";
  }
  return "?";
}

}  // namespace

int main() {
  nw::Engine engine;
  nw::Store store(engine);
  nw::ComponentStore cs(store);
  auto component = nw::ComponentModule::FromText(kGreeter);
  if (!component) {
    std::fprintf(stderr, "%s\n", component.error().ToString().c_str());
    return 1;
  }
  nw::ComponentLinker linker;
  linker.DefineFunc("local:greet/host#log",
                    [](std::string msg) { std::printf("host log: %s\n", msg.c_str()); });
  auto inst = linker.Instantiate(cs, **component);
  if (!inst) {
    std::fprintf(stderr, "instantiate: %s\n", inst.error().message.c_str());
    return 1;
  }

  auto greet = nw::TypedComponentFunc<std::string(std::string)>::Make(*inst->GetFunc("greet"));
  using Quotient = std::expected<uint32_t, std::string>;
  auto divide = nw::TypedComponentFunc<Quotient(uint32_t, uint32_t)>::Make(*inst->GetFunc("divide"));
  if (!greet || !divide) {
    std::fprintf(stderr, "typed: %s\n", (!greet ? greet.error() : divide.error()).message.c_str());
    return 1;
  }
  std::printf("greet -> %s\n", greet->Call("world")->c_str());
  for (auto [a, b] : {std::pair{7u, 2u}, std::pair{1u, 0u}}) {
    Quotient q = *divide->Call(a, b);
    if (q) std::printf("divide(%u, %u) -> ok %u\n", a, b, *q);
    else std::printf("divide(%u, %u) -> error: %s\n", a, b, q.error().c_str());
  }
  // The dynamic form of the same call.
  auto dyn = inst->GetFunc("divide")->Call({nw::ComponentVal::U32(9), nw::ComponentVal::U32(3)});
  std::printf("divide as values -> %s\n", (*dyn)[0].ToString().c_str());

  auto crash = inst->GetFunc("crash")->Call({});
  std::printf("crash -> %s: %s (unreachable: %s)\n", KindName(crash.error().kind),
              crash.error().message.c_str(),
              crash.error().trap_kind == nw::TrapKind::kUnreachable ? "yes" : "no");
  auto after = greet->Call("again");
  std::printf("after the trap -> %s: %s\n", KindName(after.error().kind), after.error().message.c_str());
  return 0;
}
