// The path resolvers on deep directory trees (src/wasi/resolve.cc): correct answers through long
// chains of components and `..`, a bounded number of host fds held while resolving (the walker
// must not need one fd per level: a guest could otherwise exhaust the embedder's fd table), and
// no fd leaked afterwards.
#include <dirent.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

#include "../bounded.h"
#include "guest_runner.h"
#include "wasi/ctx.h"

namespace {

using nw::WasiResolver;
using nw::wasi::ResolvePath;
using nw::testing_bounded::RunUnderLimit;

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

// A temporary root holding d/d/.../d (kTree levels), with a file "f" holding the level number
// at every level (0 = the root), and symlinks: "up" at level kDeep pointing 10 levels up, "abs"
// at level 499 pointing to "/", "s1" at level 0 and "s2" at level 2,000, each 2,000 levels down
// (so "s1/s2/" reaches level 4,000 in 6 bytes). Built once for the suite, on tmpfs when there
// is one (4,100 mkdirs on this machine's ext4 take seconds).
class DeepTree : public testing::TestWithParam<WasiResolver> {
 protected:
  static constexpr int kTree = 4100;
  static constexpr int kDeep = 1500;

  static void SetUpTestSuite() {
    std::string tmpl = access("/dev/shm", W_OK) == 0 ? "/dev/shm/nw-resolve-XXXXXX"
                                                      : "/tmp/nw-resolve-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    root_path_ = tmpl;
    root_ = open(tmpl.c_str(), O_DIRECTORY | O_RDONLY | O_CLOEXEC);
    ASSERT_GE(root_, 0);
    int cur = dup(root_);
    for (int level = 0; level <= kTree; ++level) {
      int f = openat(cur, "f", O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
      ASSERT_GE(f, 0);
      ASSERT_EQ(write(f, &level, sizeof level), static_cast<ssize_t>(sizeof level));
      close(f);
      if (level == 0) ASSERT_EQ(symlinkat(Repeat("d/", 2000).c_str(), cur, "s1"), 0);
      if (level == 499) ASSERT_EQ(symlinkat("/", cur, "abs"), 0);
      if (level == kDeep) ASSERT_EQ(symlinkat(Repeat("../", 10).c_str(), cur, "up"), 0);
      if (level == 2000) ASSERT_EQ(symlinkat(Repeat("d/", 2000).c_str(), cur, "s2"), 0);
      if (level == kTree) break;
      ASSERT_EQ(mkdirat(cur, "d", 0755), 0);
      int next = openat(cur, "d", O_DIRECTORY | O_RDONLY | O_CLOEXEC);
      ASSERT_GE(next, 0);
      close(cur);
      cur = next;
    }
    close(cur);
  }
  // Down to the bottom one fd at a time, then back up through "..", emptying each level (paths
  // from the root would exceed PATH_MAX; std::filesystem::remove_all is quadratic here).
  static void TearDownTestSuite() {
    if (root_ < 0) return;
    int cur = dup(root_);
    int depth = 0;
    for (int next; (next = openat(cur, "d", O_DIRECTORY | O_RDONLY | O_CLOEXEC)) >= 0; ++depth) {
      close(cur);
      cur = next;
    }
    for (;; --depth) {
      for (const char* name : {"f", "up", "abs", "s1", "s2"}) unlinkat(cur, name, 0);
      if (depth == 0) break;
      int parent = openat(cur, "..", O_DIRECTORY | O_RDONLY | O_CLOEXEC);
      close(cur);
      if (parent < 0) return;
      unlinkat(parent, "d", AT_REMOVEDIR);
      cur = parent;
    }
    close(cur);
    close(root_);
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
    // 1,500 levels down (3,001 bytes), then the file there.
    auto r = ResolvePath(root_, Repeat("d/", kDeep) + "f", false, GetParam());
    ASSERT_EQ(r.error, nw::wasi::kSuccess);
    EXPECT_EQ(r.value.name, "f");
    EXPECT_EQ(LevelOf(r), kDeep);
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
    // A symlink deep down: 1,500 down, up 10 through "up", then up 300 more by "..", back over
    // levels whose fds the walker dropped.
    std::string p = Repeat("d/", kDeep) + "up/" + Repeat("../", 300) + "f";
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
  int code = RunUnderLimit(RLIMIT_NOFILE, [] { return OpenFdCount() + 64; }, [&] {
    if (LevelOf(ResolvePath(root_, Repeat("d/", kDeep) + "f", false, GetParam())) != kDeep)
      return 3;
    std::string p = Repeat("d/", 1000) + Repeat("../", 600) + "f";
    return LevelOf(ResolvePath(root_, p, false, GetParam())) == 400 ? 0 : 4;
  });
  EXPECT_EQ(code, 0) << "3/4: a deep path failed under the fd limit";
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

// The walker stops at 4,095 levels below the root (nametoolong), which bounds its fds even when
// symlinks splice in more components than a 4 KiB path holds; the kernel (openat2) has no depth
// limit. At the limit the walker still needs few fds: it resolves under a limit of 80 above
// what the process holds.
TEST_P(DeepTree, DepthLimit) {
  std::string at_limit = "s1/s2/" + Repeat("d/", 95) + "f";  // level 4,095
  std::string beyond = "s1/s2/" + Repeat("d/", 96) + "f";    // level 4,096
  EXPECT_EQ(LevelOf(ResolvePath(root_, at_limit, false, GetParam())), 4095);
  auto r = ResolvePath(root_, beyond, false, GetParam());
  if (GetParam() == WasiResolver::kWalk) {
    EXPECT_EQ(r.error, nw::wasi::kNameTooLong);
  } else {
    EXPECT_EQ(LevelOf(r), 4096);
  }
  // Longer than 4 KiB: nametoolong before either resolver looks at it.
  EXPECT_EQ(ResolvePath(root_, Repeat("d/", 2049), false, GetParam()).error,
            nw::wasi::kNameTooLong);

  int code = RunUnderLimit(RLIMIT_NOFILE, [] { return OpenFdCount() + 80; }, [&] {
    return LevelOf(ResolvePath(root_, at_limit, false, GetParam())) == 4095 ? 0 : 3;
  });
  EXPECT_EQ(code, 0) << "3: the deepest path failed under the fd limit";
}

INSTANTIATE_TEST_SUITE_P(Resolvers, DeepTree, testing::ValuesIn(nwtest::BothResolvers()),
                         nwtest::ResolverName);

}  // namespace
