// Test helpers for hostile-input tests (docs/robustness.md): run a check in a forked child
// whose address space may grow by at most kHeadroom beyond what it had at fork time
// (RLIMIT_AS), timed by the parent; and a few builders of binary modules.
#pragma once

#include <gtest/gtest.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

namespace nw::testing_bounded {

constexpr size_t kHeadroom = size_t{1} << 30;  // 1 GiB more than at fork time
constexpr double kMaxSeconds = 2.0;

inline size_t CurrentVmBytes() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line))
    if (line.rfind("VmSize:", 0) == 0) return std::stoull(line.substr(7)) * 1024;  // kB
  return 0;
}

struct Outcome {
  int exit_code = -1;  // 0 = every check in the child held; 128+N = killed by signal N
  double seconds = 0;
};

inline Outcome RunBounded(const std::function<bool()>& check) {
  std::fflush(nullptr);
  auto t0 = std::chrono::steady_clock::now();
  pid_t pid = fork();
  if (pid == 0) {
    size_t vm = CurrentVmBytes();
    rlimit lim{vm + kHeadroom, vm + kHeadroom};
    setrlimit(RLIMIT_AS, &lim);
    // The child never returns into the test framework: a failed allocation (std::bad_alloc in
    // release builds; ASan aborts by itself) ends it with status 3.
    int code = 3;
    try {
      code = check() ? 0 : 1;
    } catch (...) {
      std::fprintf(stderr, "  allocation failed under the address-space bound\n");
    }
    std::fflush(nullptr);
    _exit(code);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  Outcome o;
  o.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  o.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return o;
}

inline size_t StatusKb(const char* field) {
  std::ifstream status("/proc/self/status");
  std::string line;
  const size_t n = std::strlen(field);
  while (std::getline(status, line))
    if (line.compare(0, n, field) == 0) return std::stoull(line.substr(n));
  return 0;
}

struct Measured {
  int exit_code = -1;  // as Outcome
  double seconds = 0;
  size_t peak_rss_growth = 0;  // bytes: the child's peak RSS (VmHWM) minus its RSS at start
};

// RunBounded that also measures how much resident memory the check added at its peak (the
// kernel resets the high-water mark of a forked child to its RSS at fork).
inline Measured RunMeasured(const std::function<bool()>& check) {
  auto* peak = static_cast<size_t*>(
      mmap(nullptr, sizeof(size_t), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0));
  *peak = 0;
  Outcome o = RunBounded([&] {
    const size_t base_kb = StatusKb("VmRSS:");
    bool ok = check();
    const size_t hwm_kb = StatusKb("VmHWM:");
    *peak = hwm_kb > base_kb ? (hwm_kb - base_kb) * 1024 : 0;
    return ok;
  });
  Measured m{o.exit_code, o.seconds, *peak};
  munmap(peak, sizeof(size_t));
  return m;
}

// Runs `child` in a forked process whose `resource` limit (soft and hard) is `limit`, computed
// in the child by `limit_in_child` (e.g. from the fds it holds); returns the child's result, or
// 128 + N when signal N killed it. For hostile-input tests about resource limits (RLIMIT_NOFILE,
// RLIMIT_FSIZE) that must not touch the test process; 2 means the limit could not be set.
inline int RunUnderLimit(__rlimit_resource_t resource, const std::function<rlim_t()>& limit_in_child,
                         const std::function<int()>& child) {
  std::fflush(nullptr);
  pid_t pid = fork();
  if (pid < 0) return -1;
  if (pid == 0) {
    rlim_t limit = limit_in_child();
    rlimit lim{limit, limit};
    int code = setrlimit(resource, &lim) == 0 ? child() : 2;
    std::fflush(nullptr);
    _exit(code);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

inline void ExpectBounded(const std::function<bool()>& check, double max_seconds = kMaxSeconds) {
  Outcome o = RunBounded(check);
  EXPECT_EQ(o.exit_code, 0) << "the check failed or the child died (memory bound?)";
  EXPECT_LT(o.seconds, max_seconds);
}

inline void PutLeb(std::vector<uint8_t>& out, uint64_t v) {
  do {
    uint8_t b = v & 0x7f;
    v >>= 7;
    out.push_back(v ? b | 0x80 : b);
  } while (v);
}

inline std::vector<uint8_t> Header() { return {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00}; }

inline void PutSection(std::vector<uint8_t>& out, uint8_t id, const std::vector<uint8_t>& payload) {
  out.push_back(id);
  PutLeb(out, payload.size());
  out.insert(out.end(), payload.begin(), payload.end());
}

}  // namespace nw::testing_bounded
