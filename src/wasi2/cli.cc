// wasi:cli@0.2.x (environment, exit, stdin/stdout/stderr, terminal-*), wasi:clocks@0.2.x
// (monotonic-clock, wall-clock) and wasi:random@0.2.x (random, insecure, insecure-seed). The
// arguments, environment and stdio are the guest's WasiCtx ones: exactly what the WasiConfig
// granted, nothing of the host process. `exit` records the code and traps to unwind the guest;
// Host::RunCommand turns it back into the exit code.
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>

#include "component/canon_options.h"
#include "wasi/ctx.h"
#include "wasi/funcs.h"
#include "wasi2/objects.h"

namespace nw::wasi2 {

namespace {

// get-random-bytes gives at most this much per call (host.h); more traps.
constexpr uint64_t kMaxRandomBytes = kMaxIoBytes;

struct TerminalObj : Object {};

HostResult Arguments(Host& h, std::span<const ComponentValue>) {
  std::vector<ComponentValue> out;
  for (const auto& a : h.ctx().args_) {
    auto v = ComponentValue::String(a);
    if (!v) return component::Trap("wasi:cli/environment: an argument is not UTF-8");
    out.push_back(std::move(*v));
  }
  return One(ComponentValue::List(std::move(out)));
}

HostResult Environment(Host& h, std::span<const ComponentValue>) {
  std::vector<ComponentValue> out;
  for (const auto& kv : h.ctx().env_) {
    size_t eq = kv.find('=');
    auto k = ComponentValue::String(kv.substr(0, eq));
    auto v = ComponentValue::String(kv.substr(eq + 1));
    if (!k || !v) return component::Trap("wasi:cli/environment: a variable is not UTF-8");
    out.push_back(ComponentValue::Record({std::move(*k), std::move(*v)}));
  }
  return One(ComponentValue::List(std::move(out)));
}

HostResult Exit(Host& h, int code) {
  h.set_exit_code(code);
  return component::Trap("exit");
}

int StdioFd(Host& h, uint32_t i) {
  auto* d = h.ctx().Get(i);
  return d ? d->host_fd : -1;
}

HostResult GetStdin(Host& h, std::span<const ComponentValue>) {
  auto s = std::make_unique<InputStreamObj>();
  s->fd = StdioFd(h, 0);
  return One(h.Own(std::move(s)));
}

HostResult GetOutput(Host& h, uint32_t i) {
  auto s = std::make_unique<OutputStreamObj>();
  s->fd = StdioFd(h, i);
  return One(h.Own(std::move(s)));
}

HostResult Terminal(Host& h, uint32_t i) {
  int fd = StdioFd(h, i);
  if (fd < 0 || !isatty(fd)) return One(None());
  return One(Some(h.Own(std::make_unique<TerminalObj>())));
}

ComponentValue Datetime(const timespec& ts) {
  return ComponentValue::Record({ComponentValue::U64(static_cast<uint64_t>(ts.tv_sec)),
                                 ComponentValue::U32(static_cast<uint32_t>(ts.tv_nsec))});
}

HostResult Deadline(Host& h, uint64_t when) {
  auto p = std::make_unique<PollableObj>();
  p->deadline = when;
  return One(h.Own(std::move(p)));
}

HostResult RandomBytes(Host& h, uint64_t len) {
  if (len > kMaxRandomBytes)
    return component::Trap("wasi:random: more than " + std::to_string(kMaxRandomBytes >> 20) +
                           " MiB asked for in one call");
  if (auto r = h.store().ConsumeFuel(len / wasi::kFuelBytesPerUnit); !r)
    return component::Trap(r.error().message);
  std::string buf;
  bool failed = false;
  ReadInto(buf, len, [&](char* p, size_t m) -> ssize_t {
    size_t done = 0;
    while (done < m) {
      ssize_t n = getrandom(p + done, m - done, 0);
      if (n < 0) {
        if (errno == EINTR) continue;
        failed = true;
        return 0;
      }
      done += static_cast<size_t>(n);
    }
    return static_cast<ssize_t>(done);
  });
  if (failed) return component::Trap("getrandom failed");
  return One(Bytes(std::move(buf)));
}

HostResult RandomU64(Host&, std::span<const ComponentValue>) {
  uint64_t v = 0;
  while (getrandom(&v, sizeof v, 0) != static_cast<ssize_t>(sizeof v)) {}
  return One(ComponentValue::U64(v));
}

}  // namespace

void AddCliInterfaces(std::vector<InterfaceSpec>& out) {
  out.push_back({"wasi:cli/environment",
                 {},
                 {},
                 {{"get-environment", "() -> list<tuple<string, string>>", Environment},
                  {"get-arguments", "() -> list<string>", Arguments},
                  {"initial-cwd", "() -> option<string>",
                   [](Host&, std::span<const ComponentValue>) { return One(None()); }}}});
  out.push_back({"wasi:cli/exit",
                 {},
                 {},
                 {{"exit", "(result)",
                   [](Host& h, std::span<const ComponentValue> a) {
                     return Exit(h, a[0].case_index() == 0 ? 0 : 1);
                   }},
                  {"exit-with-code", "(u8)", [](Host& h, std::span<const ComponentValue> a) {
                     return Exit(h, static_cast<int>(a[0].bits()));
                   }}}});
  out.push_back(
      {"wasi:cli/stdin", {"wasi:io/streams"}, {}, {{"get-stdin", "() -> input-stream", GetStdin}}});
  out.push_back({"wasi:cli/stdout",
                 {"wasi:io/streams"},
                 {},
                 {{"get-stdout", "() -> output-stream",
                   [](Host& h, std::span<const ComponentValue>) { return GetOutput(h, 1); }}}});
  out.push_back({"wasi:cli/stderr",
                 {"wasi:io/streams"},
                 {},
                 {{"get-stderr", "() -> output-stream",
                   [](Host& h, std::span<const ComponentValue>) { return GetOutput(h, 2); }}}});
  out.push_back({"wasi:cli/terminal-input", {}, {{"terminal-input", "resource"}}, {}});
  out.push_back({"wasi:cli/terminal-output", {}, {{"terminal-output", "resource"}}, {}});
  out.push_back({"wasi:cli/terminal-stdin",
                 {"wasi:cli/terminal-input"},
                 {},
                 {{"get-terminal-stdin", "() -> option<terminal-input>",
                   [](Host& h, std::span<const ComponentValue>) { return Terminal(h, 0); }}}});
  out.push_back({"wasi:cli/terminal-stdout",
                 {"wasi:cli/terminal-output"},
                 {},
                 {{"get-terminal-stdout", "() -> option<terminal-output>",
                   [](Host& h, std::span<const ComponentValue>) { return Terminal(h, 1); }}}});
  out.push_back({"wasi:cli/terminal-stderr",
                 {"wasi:cli/terminal-output"},
                 {},
                 {{"get-terminal-stderr", "() -> option<terminal-output>",
                   [](Host& h, std::span<const ComponentValue>) { return Terminal(h, 2); }}}});

  out.push_back({"wasi:clocks/wall-clock",
                 {},
                 {{"datetime", "record{seconds: u64, nanoseconds: u32}"}},
                 {{"now", "() -> datetime",
                   [](Host&, std::span<const ComponentValue>) {
                     timespec ts;
                     clock_gettime(CLOCK_REALTIME, &ts);
                     return One(Datetime(ts));
                   }},
                  {"resolution", "() -> datetime", [](Host&, std::span<const ComponentValue>) {
                     timespec ts;
                     clock_getres(CLOCK_REALTIME, &ts);
                     return One(Datetime(ts));
                   }}}});
  out.push_back(
      {"wasi:clocks/monotonic-clock",
       {"wasi:io/poll"},
       {{"instant", "u64"}, {"duration", "u64"}},
       {{"now", "() -> instant",
         [](Host&, std::span<const ComponentValue>) {
           return One(ComponentValue::U64(MonotonicNow()));
         }},
        {"resolution", "() -> duration",
         [](Host&, std::span<const ComponentValue>) {
           timespec ts;
           clock_getres(CLOCK_MONOTONIC, &ts);
           return One(ComponentValue::U64(wasi::ToNanos(ts)));
         }},
        {"subscribe-instant", "(instant) -> pollable",
         [](Host& h, std::span<const ComponentValue> a) { return Deadline(h, a[0].as_u64()); }},
        {"subscribe-duration", "(duration) -> pollable",
         [](Host& h, std::span<const ComponentValue> a) {
           uint64_t now = MonotonicNow(), d = a[0].as_u64();
           return Deadline(h, d > UINT64_MAX - now ? UINT64_MAX : now + d);
         }}}});
  out.push_back(
      {"wasi:random/random",
       {},
       {},
       {{"get-random-bytes", "(u64) -> list<u8>",
         [](Host& h, std::span<const ComponentValue> a) { return RandomBytes(h, a[0].as_u64()); }},
        {"get-random-u64", "() -> u64", RandomU64}}});
  out.push_back(
      {"wasi:random/insecure",
       {},
       {},
       {{"get-insecure-random-bytes", "(u64) -> list<u8>",
         [](Host& h, std::span<const ComponentValue> a) { return RandomBytes(h, a[0].as_u64()); }},
        {"get-insecure-random-u64", "() -> u64", RandomU64}}});
  out.push_back({"wasi:random/insecure-seed",
                 {},
                 {},
                 {{"insecure-seed", "() -> tuple<u64, u64>",
                   [](Host& h, std::span<const ComponentValue> a) -> HostResult {
                     NW_TRY_ASSIGN(Values x, RandomU64(h, a));
                     NW_TRY_ASSIGN(Values y, RandomU64(h, a));
                     return One(ComponentValue::Record({x[0], y[0]}));
                   }}}});
}

}  // namespace nw::wasi2
