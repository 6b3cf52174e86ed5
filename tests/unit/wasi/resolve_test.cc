// The path resolvers on deep directory trees (src/wasi/resolve.cc): correct answers through long
// chains of components and `..`, a bounded number of host fds held while resolving (the walker
// must not need one fd per level: a guest could otherwise exhaust the embedder's fd table), and
// no fd leaked afterwards.
#include <dirent.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

#include "guest_runner.h"
#include "wasi/ctx.h"

namespace {

using nw::WasiResolver;
using nw::wasi::ResolvePath;

size_t OpenFdCount() {
  size_t n = 0;
  DIR* d = opendir("/proc/self/fd");
  if (d == nullptr) return 0;
  while (dirent* e = readdir(d))
    if (e->d_name[0] != '.') ++n;
  closedir(d);
  return n - 1;  // the directory stream's own fd
}

std::string Repeat(const std::string& s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += s;
  return out;
}

// A temporary root holding d/d/.../d (kDepth levels), with a file "f" holding the level number
// at every level (0 = the root), a symlink "up" at the deepest level pointing 10 levels up and a
// symlink "abs" to "/" at level 499. Built once for the suite.
class DeepTree : public testing::TestWithParam<WasiResolver> {
 protected:
  static constexpr int kDepth = 1500;

  static void SetUpTestSuite() {
    // tmpfs when there is one: 1,500 mkdirs on this machine's ext4 take seconds.
    std::string tmpl = access("/dev/shm", W_OK) == 0 ? "/dev/shm/nw-resolve-XXXXXX"
                                                      : "/tmp/nw-resolve-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    root_path_ = tmpl;
    root_ = open(tmpl.c_str(), O_DIRECTORY | O_RDONLY | O_CLOEXEC);
    ASSERT_GE(root_, 0);
    int cur = dup(root_);
    for (int level = 0; level <= kDepth; ++level) {
      int f = openat(cur, "f", O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
      ASSERT_GE(f, 0);
      ASSERT_EQ(write(f, &level, sizeof level), static_cast<ssize_t>(sizeof level));
      close(f);
      if (level == 499) ASSERT_EQ(symlinkat("/", cur, "abs"), 0);
      if (level == kDepth) break;
      ASSERT_EQ(mkdirat(cur, "d", 0755), 0);
      int next = openat(cur, "d", O_DIRECTORY | O_RDONLY | O_CLOEXEC);
      ASSERT_GE(next, 0);
      close(cur);
      cur = next;
    }
    ASSERT_EQ(symlinkat(Repeat("../", 10).c_str(), cur, "up"), 0);
    close(cur);
  }
  // Bottom-up, each level opened by a relative path (std::filesystem::remove_all works with
  // whole paths and is quadratic here).
  static void TearDownTestSuite() {
    for (int level = kDepth; level >= 0 && root_ >= 0; --level) {
      std::string rel = level == 0 ? "." : Repeat("d/", level);
      int dir = openat(root_, rel.c_str(), O_DIRECTORY | O_RDONLY | O_CLOEXEC);
      if (dir < 0) continue;
      for (const char* name : {"f", "up", "abs"}) unlinkat(dir, name, 0);
      unlinkat(dir, "d", AT_REMOVEDIR);
      close(dir);
    }
    if (root_ >= 0) close(root_);
    rmdir(root_path_.c_str());
  }

  // The level number stored in the file `name` of the resolved directory, or -1.
  static int LevelOf(const nw::wasi::ResolveResult& r, const char* name = "f") {
    if (r.error != nw::wasi::kSuccess) return -1;
    int f = openat(r.value.parent.get(), name, O_RDONLY | O_CLOEXEC);
    if (f < 0) return -1;
    int level = -1;
    if (read(f, &level, sizeof level) != static_cast<ssize_t>(sizeof level)) level = -1;
    close(f);
    return level;
  }

  static inline std::string root_path_;
  static inline int root_ = -1;
};

TEST_P(DeepTree, ResolvesLongChainsOfComponentsAndDotDot) {
  size_t before = OpenFdCount();
  {
    // 1,500 levels down (3,001 bytes), then the file at the bottom.
    auto r = ResolvePath(root_, Repeat("d/", kDepth) + "f", false, GetParam());
    ASSERT_EQ(r.error, nw::wasi::kSuccess);
    EXPECT_EQ(r.value.name, "f");
    EXPECT_EQ(LevelOf(r), kDepth);
  }
  {
    // Down 600, up 590, down 5: level 15. Up 600 from 600 is the root itself.
    std::string p = Repeat("d/", 600) + Repeat("../", 590) + Repeat("d/", 5) + "f";
    ASSERT_LE(p.size(), nw::wasi::kMaxPathBytes);
    auto r = ResolvePath(root_, p, false, GetParam());
    EXPECT_EQ(LevelOf(r), 15);
    auto top = ResolvePath(root_, Repeat("d/", 600) + Repeat("../", 600) + "f", false,
                           GetParam());
    EXPECT_EQ(LevelOf(top), 0);
    auto out = ResolvePath(root_, Repeat("d/", 600) + Repeat("../", 601) + "f", false,
                           GetParam());
    EXPECT_EQ(out.error, nw::wasi::kNotCapable);
  }
  {
    // A symlink at the bottom: 1,500 down, up 10 through "up", then up 300 more by "..", back
    // over levels whose fds the walker dropped.
    std::string p = Repeat("d/", kDepth) + "up/" + Repeat("../", 300) + "f";
    ASSERT_LE(p.size(), nw::wasi::kMaxPathBytes);
    auto r = ResolvePath(root_, p, true, GetParam());
    EXPECT_EQ(LevelOf(r), 1190);
  }
  EXPECT_EQ(OpenFdCount(), before) << "the resolver leaked host fds";
}

// Under an fd limit of 64 above what the process holds, both resolvers still resolve a path
// 1,500 levels deep: neither holds an fd per level. Run in a forked child so the limit does not
// touch the test process.
TEST_P(DeepTree, NeedsFewHostFds) {
  std::fflush(nullptr);
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    rlim_t limit = OpenFdCount() + 64;
    rlimit lim{limit, limit};
    if (setrlimit(RLIMIT_NOFILE, &lim) != 0) _exit(2);
    auto r = ResolvePath(root_, Repeat("d/", kDepth) + "f", false, GetParam());
    if (LevelOf(r) != kDepth) _exit(3);
    std::string p = Repeat("d/", 1000) + Repeat("../", 600) + "f";
    if (LevelOf(ResolvePath(root_, p, false, GetParam())) != 400) _exit(4);
    _exit(0);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0) << "3/4: a deep path failed under the fd limit";
}

TEST_P(DeepTree, AbsoluteSymlinkDeepInTheTreeIsRefused) {
  // "abs" at level 499 points to "/": a walk through it is refused by both resolvers, never
  // followed out of the root, whether reached going down or coming back up.
  auto r = ResolvePath(root_, Repeat("d/", 499) + "abs/etc/passwd", false, GetParam());
  EXPECT_EQ(r.error, nw::wasi::kNotCapable);
  auto up = ResolvePath(root_, Repeat("d/", 900) + Repeat("../", 401) + "abs/etc", false,
                        GetParam());
  EXPECT_EQ(up.error, nw::wasi::kNotCapable);
  auto last = ResolvePath(root_, Repeat("d/", 499) + "abs", true, GetParam());
  EXPECT_EQ(last.error, nw::wasi::kNotCapable);
}

TEST_P(DeepTree, PathsBeyondTheTree) {
  // 2,047 components fit in 4 KiB but the tree is only 1,500 deep: ENOENT. Longer than 4 KiB:
  // ENAMETOOLONG before any lookup.
  auto r = ResolvePath(root_, Repeat("d/", 2047) + "f", false, GetParam());
  EXPECT_EQ(r.error, nw::wasi::kNoEnt);
  auto longer = ResolvePath(root_, Repeat("d/", 2049), false, GetParam());
  EXPECT_EQ(longer.error, nw::wasi::kNameTooLong);
}

INSTANTIATE_TEST_SUITE_P(Resolvers, DeepTree, testing::ValuesIn(nwtest::BothResolvers()),
                         nwtest::ResolverName);

}  // namespace
