// Test helpers for the WASI suites: run a wasm32-wasi guest built by tests/wasi/CMakeLists.txt
// in-process through the public API (Engine, Module, Store, Linker, DefineWasi), with stdout and
// stderr captured in memory files; temp directory trees; byte-for-byte snapshots of a tree;
// the number of open host descriptors (/proc/self/fd).
#pragma once

#include <dirent.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "component/binary_reader.h"
#include "component/instantiate.h"
#include "nanowasm/runtime.h"
#include "nanowasm/wasi.h"
#include "wasi2/host.h"

namespace nwtest {

// The tier these suites run on: the interpreter, or the opt tier when NANOWASM_TEST_TIER=opt
// (tests/CMakeLists.txt registers the whole suite a second time so, as wasi-opt.*, when the
// tier is built). `c` keeps its other settings.
inline nw::Config WithTestTier(nw::Config c = {}) {
  const char* tier = std::getenv("NANOWASM_TEST_TIER");
  if (tier != nullptr && std::string(tier) == "opt") c.tier = nw::Config::ExecutionTier::kOpt;
  return c;
}

inline std::string GuestPath(const std::string& name) {
  return std::string(NW_WASI_GUEST_DIR) + "/" + name + ".wasm";
}

// Without the wasm32-wasi toolchain the guest tests are skipped with a reason, except where
// the toolchain is required (scripts/test.sh sets NANOWASM_REQUIRE_WASI_GUESTS=1 after
// installing it): there a missing toolchain fails instead of silently dropping the sandbox tests.
#define NW_REQUIRE_GUESTS()                                                                   \
  do {                                                                                        \
    if (!NW_WASI_GUESTS) {                                                                    \
      if (std::getenv("NANOWASM_REQUIRE_WASI_GUESTS") != nullptr)                             \
        FAIL() << "the wasm32-wasi guests were not built but NANOWASM_REQUIRE_WASI_GUESTS is set";\
      GTEST_SKIP() << "SKIPPED: clang-19 cannot build wasm32-wasi guests on this machine "    \
                      "(install wasi-libc libclang-rt-19-dev-wasm32 lld-19)";                 \
    }                                                                                         \
  } while (0)

inline std::string ReadAll(int fd) {
  std::string s;
  lseek(fd, 0, SEEK_SET);
  char buf[4096];
  for (ssize_t n; (n = read(fd, buf, sizeof buf)) > 0;) s.append(buf, static_cast<size_t>(n));
  return s;
}

struct GuestRun {
  bool ok = false;        // loaded, instantiated and ran to completion or proc_exit
  int exit_code = -1;     // proc_exit code or 0 when _start returned
  bool trapped = false;   // a trap other than exit
  nw::Trap trap;
  std::string out, err, load_error;
};

// Runs `name` with a context made from `config` (stdout/stderr captured unless set).
inline GuestRun RunGuestCtx(const std::string& name, std::shared_ptr<nw::WasiCtx> ctx) {
  GuestRun r;
  std::ifstream f(GuestPath(name), std::ios::binary);
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  nw::Engine engine(WithTestTier());
  auto module = nw::Module::FromBinary(engine, bytes);
  if (!module) {
    r.load_error = module.error().message;
    return r;
  }
  nw::Store store(engine);
  nw::Linker linker;
  nw::DefineWasi(linker, store, ctx);
  auto inst = linker.Instantiate(store, *module);
  if (!inst) {
    r.load_error = inst.error().message;
    return r;
  }
  nw::Func* start = (*inst)->GetFunc("_start");
  if (!start) {
    r.load_error = "no _start";
    return r;
  }
  auto res = start->Call(store, {});
  r.ok = true;
  if (res) {
    r.exit_code = 0;
  } else if (res.error().kind == nw::TrapKind::kExit) {
    r.exit_code = res.error().exit_code;
  } else {
    r.trapped = true;
    r.trap = res.error();
  }
  return r;
}

class Capture {
 public:
  Capture() : out_(memfd_create("guest-out", MFD_CLOEXEC)), err_(memfd_create("guest-err", MFD_CLOEXEC)) {}
  ~Capture() {
    close(out_);
    close(err_);
  }
  void Attach(nw::WasiConfig& c) const {
    c.stdout_fd = out_;
    c.stderr_fd = err_;
  }
  void Collect(GuestRun& r) const {
    r.out = ReadAll(out_);
    r.err = ReadAll(err_);
  }

 private:
  int out_, err_;
};

// The same guest as a WASI 0.2 command component: the preview1 build wrapped with jco's
// preview1 command adapter (tests/wasi/CMakeLists.txt, when jco is available), run by the
// src/wasi2 host on the same kind of WasiCtx.
inline std::string GuestP2Path(const std::string& name) {
  return std::string(NW_WASI_GUEST_P2_DIR) + "/" + name + ".wasm";
}

#define NW_REQUIRE_P2_GUESTS()                                                                  \
  do {                                                                                          \
    NW_REQUIRE_GUESTS();                                                                        \
    if (!NW_WASI_GUESTS_P2)                                                                     \
      GTEST_SKIP() << "SKIPPED: the WASI 0.2 component guests were not built: jco was not "     \
                      "found at configure time (set -DNANOWASM_JCO=/path/to/jco)";              \
  } while (0)

inline GuestRun RunGuestP2Ctx(const std::string& name, std::shared_ptr<nw::WasiCtx> ctx) {
  GuestRun r;
  std::ifstream f(GuestP2Path(name), std::ios::binary);
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  auto c = nw::component::DecodeComponent(bytes);
  if (!c) {
    r.load_error = c.error().message;
    return r;
  }
  nw::Engine engine(WithTestTier());
  nw::Store store(engine);
  nw::component::ComponentStore cs(store);
  nw::wasi2::Host host(cs, ctx);
  auto args = host.Link(*c);
  if (!args) {
    r.load_error = args.error().message;
    return r;
  }
  auto inst = cs.Instantiate(*c, *args);
  if (!inst) {
    r.load_error = inst.error().message;
    return r;
  }
  auto code = host.RunCommand(**inst);
  r.ok = true;
  if (code) {
    r.exit_code = *code;
  } else {
    r.trapped = true;
    r.trap.message = code.error().message;
  }
  return r;
}

inline GuestRun RunGuestP2(const std::string& name, nw::WasiConfig config) {
  Capture cap;
  cap.Attach(config);
  auto ctx = nw::CreateWasiCtx(config);
  if (!ctx) {
    GuestRun r;
    r.load_error = ctx.error().message;
    return r;
  }
  GuestRun r = RunGuestP2Ctx(name, *ctx);
  cap.Collect(r);
  return r;
}

inline GuestRun RunGuest(const std::string& name, nw::WasiConfig config) {
  Capture cap;
  cap.Attach(config);
  auto ctx = nw::CreateWasiCtx(config);
  if (!ctx) {
    GuestRun r;
    r.load_error = ctx.error().message;
    return r;
  }
  GuestRun r = RunGuestCtx(name, *ctx);
  cap.Collect(r);
  return r;
}

// A fresh directory under $TMPDIR, removed (recursively) at the end of the test.
class TempDir {
 public:
  TempDir() {
    const char* base = std::getenv("TMPDIR");
    std::string tmpl = std::string(base ? base : "/tmp") + "/nanowasm-wasi-XXXXXX";
    std::vector<char> buf(tmpl.begin(), tmpl.end());
    buf.push_back(0);
    path_ = mkdtemp(buf.data());
  }
  ~TempDir() { std::system(("rm -rf '" + path_ + "'").c_str()); }
  const std::string& path() const { return path_; }
  std::string operator/(const std::string& rel) const { return path_ + "/" + rel; }

 private:
  std::string path_;
};

inline void WriteFile(const std::string& path, const std::string& content) {
  std::ofstream(path, std::ios::binary) << content;
}

// Every entry under `root` (recursively, not following links): type, link target or content.
inline void SnapshotInto(const std::string& root, const std::string& rel,
                         std::map<std::string, std::string>* out) {
  std::string path = rel.empty() ? root : root + "/" + rel;
  struct stat st;
  if (lstat(path.c_str(), &st) != 0) return;
  if (S_ISLNK(st.st_mode)) {
    char buf[4096];
    ssize_t n = readlink(path.c_str(), buf, sizeof buf);
    (*out)[rel] = "link:" + std::string(buf, n > 0 ? static_cast<size_t>(n) : 0);
  } else if (S_ISDIR(st.st_mode)) {
    (*out)[rel] = "dir";
    DIR* d = opendir(path.c_str());
    if (!d) return;
    std::vector<std::string> names;
    while (dirent* e = readdir(d))
      if (std::string(e->d_name) != "." && std::string(e->d_name) != "..") names.push_back(e->d_name);
    closedir(d);
    for (const auto& n : names) SnapshotInto(root, rel.empty() ? n : rel + "/" + n, out);
  } else {
    std::ifstream f(path, std::ios::binary);
    std::stringstream ss;
    ss << f.rdbuf();
    (*out)[rel] = "file:" + ss.str() + ":mode" + std::to_string(st.st_mode) + ":mtime" +
                  std::to_string(st.st_mtim.tv_sec) + "." + std::to_string(st.st_mtim.tv_nsec);
  }
}
inline std::map<std::string, std::string> Snapshot(const std::string& root) {
  std::map<std::string, std::string> m;
  SnapshotInto(root, "", &m);
  return m;
}

inline int CountHostFds() {
  int n = 0;
  DIR* d = opendir("/proc/self/fd");
  while (dirent* e = readdir(d)) n += e->d_name[0] != '.';
  closedir(d);
  return n;
}

inline std::vector<nw::WasiResolver> BothResolvers() {
  return {nw::WasiResolver::kOpenat2, nw::WasiResolver::kWalk};
}
inline std::string ResolverName(const testing::TestParamInfo<nw::WasiResolver>& info) {
  return info.param == nw::WasiResolver::kWalk ? "walk" : "openat2";
}

}  // namespace nwtest
