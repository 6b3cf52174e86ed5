// Capability derivation (src/caps/caps.h) on modules and components written in the text
// format: the WASI preview1 table, both WASI module names, unknown WASI names, host interfaces
// with their types, WASI 0.2 interfaces of components, the diff in both directions, and the JSON
// report's escaping.
#include "caps/caps.h"

#include <gtest/gtest.h>

#include <string>

#include "component/text/component_wat.h"
#include "text/wat.h"

namespace nw::caps {
namespace {

std::vector<Capability> CapsOf(std::string_view wat) {
  auto m = ParseWat(wat);
  EXPECT_TRUE(m) << (m ? "" : m.error().message);
  return m ? DeriveCapabilities(*m) : std::vector<Capability>{};
}

// "group:name" for WASI capabilities, "group:module::name: type" for the others.
std::vector<std::string> Names(const std::vector<Capability>& caps) {
  std::vector<std::string> out;
  for (const Capability& c : caps) {
    std::string s = std::string(CapGroupName(c.group)) + ":";
    if (!c.module.empty()) s += c.module + "::";
    s += c.name;
    if (!c.type.empty()) s += ": " + c.type;
    out.push_back(s);
  }
  return out;
}

using V = std::vector<std::string>;

std::vector<Capability> CapsOfComponent(std::string_view wat) {
  auto c = component::ParseComponentText(wat);
  EXPECT_TRUE(c) << (c ? "" : c.error().message);
  return c ? DeriveCapabilities(*c) : std::vector<Capability>{};
}

TEST(Caps, EachWasiGroup) {
  auto caps = CapsOf(R"((module
    (import "wasi_snapshot_preview1" "path_open"
      (func (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
    (import "wasi_snapshot_preview1" "fd_write" (func (param i32 i32 i32 i32) (result i32)))
    (import "wasi_snapshot_preview1" "sock_accept" (func (param i32 i32 i32) (result i32)))
    (import "wasi_snapshot_preview1" "clock_time_get" (func (param i32 i64 i32) (result i32)))
    (import "wasi_snapshot_preview1" "random_get" (func (param i32 i32) (result i32)))
    (import "wasi_snapshot_preview1" "environ_get" (func (param i32 i32) (result i32)))
    (import "wasi_snapshot_preview1" "args_get" (func (param i32 i32) (result i32)))
    (import "wasi_snapshot_preview1" "proc_exit" (func (param i32)))
    (import "wasi_snapshot_preview1" "proc_raise" (func (param i32) (result i32)))))");
  EXPECT_EQ(Names(caps), (V{"filesystem:open", "network:accept", "clocks:time", "random:get",
                            "environment:args", "environment:env", "process:exit",
                            "process:raise", "stdio:write"}));
  ASSERT_EQ(caps[0].imports.size(), 1u);
  EXPECT_EQ(caps[0].imports[0].name, "path_open");
  EXPECT_EQ(caps[0].imports[0].type,
            "func (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)");
}

TEST(Caps, NoImportsAsksForNothing) {
  EXPECT_TRUE(CapsOf("(module (func (export \"f\")))").empty());
}

TEST(Caps, FunctionsImplyingOneCapabilityAreOneEntryAcrossBothWasiNames) {
  auto caps = CapsOf(R"((module
    (import "wasi_snapshot_preview1" "environ_get" (func (param i32 i32) (result i32)))
    (import "wasi_snapshot_preview1" "environ_sizes_get" (func (param i32 i32) (result i32)))
    (import "wasi_unstable" "environ_get" (func (param i32 i32) (result i32)))
    (import "wasi_unstable" "environ_get" (func (param i32 i32) (result i32)))))");
  ASSERT_EQ(Names(caps), (V{"environment:env"}));
  ASSERT_EQ(caps[0].imports.size(), 3u);  // the repeated import is listed once
  EXPECT_EQ(caps[0].imports[2].module, "wasi_unstable");
}

TEST(Caps, UnknownWasiNamesAreListedNotDropped) {
  auto caps = CapsOf(R"((module
    (import "wasi_snapshot_preview1" "sock_connect" (func (param i32 i32) (result i32)))
    (import "wasi_unstable" "memory" (memory 1))
    (import "wasi_snapshot_preview1" "fd_read" (global i32))))");
  EXPECT_EQ(Names(caps), (V{"unknown-wasi:wasi_snapshot_preview1::fd_read: global i32",
                            "unknown-wasi:wasi_snapshot_preview1::sock_connect: "
                            "func (param i32 i32) (result i32)",
                            "unknown-wasi:wasi_unstable::memory: memory 1"}));
}

TEST(Caps, HostInterfacesCarryModuleNameAndType) {
  auto caps = CapsOf(R"((module
    (import "env" "log" (func (param i32 i32)))
    (import "env" "mem" (memory 1 2))
    (import "env" "tab" (table 2 funcref))
    (import "env" "g" (global (mut i64)))
    (import "wasi:cli/stdout" "get" (func (result i32)))))");
  EXPECT_EQ(Names(caps), (V{"host:env::g: global (mut i64)", "host:env::log: func (param i32 i32)",
                            "host:env::mem: memory 1 2", "host:env::tab: table 2 funcref",
                            "host:wasi:cli/stdout::get: func (result i32)"}));
}

TEST(Caps, DiffInBothDirections) {
  auto old_caps = CapsOf(R"((module
    (import "wasi_snapshot_preview1" "fd_write" (func (param i32 i32 i32 i32) (result i32)))
    (import "wasi_snapshot_preview1" "clock_time_get" (func (param i32 i64 i32) (result i32)))
    (import "env" "notify" (func (param i32)))))");
  auto new_caps = CapsOf(R"((module
    (import "wasi_unstable" "fd_write" (func (param i32 i32 i32 i32) (result i32)))
    (import "wasi_snapshot_preview1" "sock_send" (func (param i32 i32 i32 i32 i32) (result i32)))
    (import "env" "notify" (func (param i32 i32)))))");
  CapDiff up = DiffCapabilities(old_caps, new_caps);
  // fd_write through the other WASI name is the same capability; a host import whose type
  // changed is a different one.
  EXPECT_EQ(Names(up.added), (V{"network:send", "host:env::notify: func (param i32 i32)"}));
  EXPECT_EQ(Names(up.dropped), (V{"clocks:time", "host:env::notify: func (param i32)"}));
  CapDiff down = DiffCapabilities(new_caps, old_caps);
  EXPECT_EQ(Names(down.added), Names(up.dropped));
  EXPECT_EQ(Names(down.dropped), Names(up.added));
  EXPECT_TRUE(DiffCapabilities(old_caps, old_caps).added.empty());
  EXPECT_TRUE(DiffCapabilities(old_caps, old_caps).dropped.empty());
}

TEST(Caps, JsonEscapesNamesAndListsImports) {
  auto caps = CapsOf(R"((module (import "e\"v" "l\0a\c3\a9" (func))))");
  std::string json = CapabilitiesJson("a.wasm", caps);
  EXPECT_EQ(json,
            "{\"schema\":\"nanowasm-caps/1\",\"file\":\"a.wasm\",\"capabilities\":[\n"
            "  {\"group\":\"host\",\"name\":\"l\\u000a\xc3\xa9\",\"module\":\"e\\\"v\","
            "\"type\":\"func\",\"imports\":[{\"module\":\"e\\\"v\",\"name\":\"l\\u000a\xc3\xa9\","
            "\"type\":\"func\"}]}\n]}\n");
  EXPECT_EQ(CapabilitiesJson("b.wasm", {}),
            "{\"schema\":\"nanowasm-caps/1\",\"file\":\"b.wasm\",\"capabilities\":[]}\n");
}

TEST(Caps, TextNamesEveryGroupAndSaysNone) {
  auto caps = CapsOf(R"((module
    (import "wasi_snapshot_preview1" "random_get" (func (param i32 i32) (result i32)))))");
  std::string text = CapabilitiesText(caps);
  EXPECT_NE(text.find("random:\n  get (wasi_snapshot_preview1::random_get)\n"), std::string::npos)
      << text;
  for (CapGroup g : kAllCapGroups) {
    if (g == CapGroup::kRandom) continue;
    EXPECT_NE(text.find(std::string(CapGroupName(g)) + ": none\n"), std::string::npos) << text;
  }
}

TEST(Caps, ComponentWasiInterfacesByGroupWithoutVersion) {
  auto caps = CapsOfComponent(R"((component
    (import "wasi:filesystem/preopens@0.2.0" (instance))
    (import "wasi:sockets/tcp@0.2.0" (instance))
    (import "wasi:http/outgoing-handler@0.2.0" (instance))
    (import "wasi:clocks/wall-clock@0.2.0" (instance))
    (import "wasi:random/random@0.2.0" (instance))
    (import "wasi:cli/environment@0.2.0" (instance))
    (import "wasi:cli/exit@0.2.0" (instance))
    (import "wasi:cli/stdout@0.2.0" (instance))
    (import "wasi:io/streams@0.2.0" (instance))
    (import "wasi:keyvalue/store@0.2.0" (instance))
    (import "log" (func))))");
  EXPECT_EQ(Names(caps),
            (V{"filesystem:wasi:filesystem/preopens", "network:wasi:http/outgoing-handler",
               "network:wasi:sockets/tcp", "clocks:wasi:clocks/wall-clock",
               "random:wasi:random/random", "environment:wasi:cli/environment",
               "process:wasi:cli/exit", "stdio:wasi:cli/stdout", "stdio:wasi:io/streams",
               "host:log: func", "unknown-wasi:wasi:keyvalue/store@0.2.0: instance"}));
  ASSERT_EQ(caps[0].imports.size(), 1u);
  EXPECT_EQ(caps[0].imports[0].name, "wasi:filesystem/preopens@0.2.0");
  EXPECT_EQ(caps[0].imports[0].type, "instance");
}

TEST(Caps, ComponentDiffIgnoresVersionBumps) {
  auto old_caps = CapsOfComponent(R"((component
    (import "wasi:filesystem/types@0.2.0" (instance))
    (import "wasi:cli/stdout@0.2.0" (instance))))");
  auto new_caps = CapsOfComponent(R"((component
    (import "wasi:filesystem/types@0.2.3" (instance))
    (import "wasi:sockets/tcp@0.2.3" (instance))))");
  CapDiff d = DiffCapabilities(old_caps, new_caps);
  EXPECT_EQ(Names(d.added), (V{"network:wasi:sockets/tcp"}));
  EXPECT_EQ(Names(d.dropped), (V{"stdio:wasi:cli/stdout"}));
  CapDiff back = DiffCapabilities(new_caps, old_caps);
  EXPECT_EQ(Names(back.added), (V{"stdio:wasi:cli/stdout"}));
  EXPECT_EQ(Names(back.dropped), (V{"network:wasi:sockets/tcp"}));
}

}  // namespace
}  // namespace nw::caps
