// Differential test of the two path resolvers (src/wasi/resolve.cc): the walker, which nanowasm
// implements component by component, against openat2 with RESOLVE_BENEATH, where the kernel
// does the work. On random trees (directories, files, relative, absolute, escaping, dangling
// and looping symlinks) and random guest paths (names, `.`, `..`, doubled and trailing
// slashes), both must give the same error, or the same (directory, name) — and every result
// must lie beneath the granted root. Seeded, so a failure reproduces; the failing tree and path
// are printed.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "wasi/ctx.h"

namespace {

using nw::WasiResolver;
using nw::wasi::ResolvePath;
using nw::wasi::ResolveResult;

constexpr int kPathsPerTree = 400;

// NANOWASM_RESOLVE_SEED and NANOWASM_RESOLVE_TREES override the fixed seed and the 40 trees
// of the CI run, for longer runs by hand.
unsigned EnvOr(const char* name, unsigned fallback) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? static_cast<unsigned>(std::strtoul(v, nullptr, 10)) : fallback;
}

const std::vector<std::string> kNames = {"a", "b", "c", "f", "g", "l0", "l1", "l2",
                                         "l3", "l4", "l5", "missing", ".", ".."};

struct Tree {
  std::string top;      // holds sandbox/ (the root handed to the resolvers) and outside/
  int sandbox = -1;
  struct stat sandbox_st {};
  std::string log;      // what was created, for failure messages
  std::vector<std::string> entries;  // paths below the sandbox: directories, files, links
};

std::string RandomRelative(std::mt19937& rng, int max_parts) {
  std::uniform_int_distribution<int> nparts(1, max_parts), pick(0, kNames.size() - 1),
      coin(0, 9);
  std::string p;
  int n = nparts(rng);
  for (int i = 0; i < n; ++i) {
    if (i > 0) p += coin(rng) == 0 ? "//" : "/";
    p += kNames[pick(rng)];
  }
  if (coin(rng) == 0) p += "/";
  return p;
}

// What a symlink in directory `dir` points at: mostly something that exists (an entry reached
// from the link's directory through `..`, or a sibling), sometimes with a trailing slash or a
// missing last component; otherwise escapes, absolute paths, self-loops and random paths.
std::string RandomLinkTarget(std::mt19937& rng, const std::string& dir,
                             const std::vector<std::string>& entries, const std::string& self) {
  std::uniform_int_distribution<int> kind(0, 19), coin(0, 3);
  std::uniform_int_distribution<size_t> pick(0, entries.size() - 1);
  int k = kind(rng);
  if (k < 8) {
    std::string up;
    for (char ch : dir) up += ch == '/' ? "../" : "";
    if (!dir.empty()) up += "../";
    std::string t = up + entries[pick(rng)];
    if (coin(rng) == 0) t += "/";
    if (coin(rng) == 0) t += "/missing";
    return t;
  }
  if (k < 10) {
    const std::string& e = entries[pick(rng)];
    return e.substr(e.rfind('/') + 1);  // npos + 1 == 0: the whole name
  }
  switch (k) {
    case 10: return "/";
    case 11: return "/tmp";
    case 12: return "../outside";
    case 13: return "../outside/secret";
    case 14: return "../../outside/secret";
    case 15: return self;  // a link to itself
    default: return RandomRelative(rng, 4);
  }
}

bool MakeTree(std::mt19937& rng, Tree* t) {
  std::string tmpl = access("/dev/shm", W_OK) == 0 ? "/dev/shm/nw-resolve-diff-XXXXXX"
                                                    : "/tmp/nw-resolve-diff-XXXXXX";
  if (mkdtemp(tmpl.data()) == nullptr) return false;
  t->top = tmpl;
  if (mkdir((t->top + "/sandbox").c_str(), 0755) != 0) return false;
  if (mkdir((t->top + "/outside").c_str(), 0755) != 0) return false;
  int secret = open((t->top + "/outside/secret").c_str(), O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
  if (secret < 0) return false;
  close(secret);
  t->sandbox = open((t->top + "/sandbox").c_str(), O_DIRECTORY | O_RDONLY | O_CLOEXEC);
  if (t->sandbox < 0 || fstat(t->sandbox, &t->sandbox_st) != 0) return false;
  // Directories a, b, c nested up to 3 deep, files f and g, then symlinks l0..l5 placed in
  // random existing directories.
  std::vector<std::string> dirs = {""};
  std::uniform_int_distribution<int> coin(0, 2);
  for (const char* d1 : {"a", "b", "c"}) {
    if (coin(rng) == 0) continue;
    dirs.push_back(d1);
    for (const char* d2 : {"a", "b", "c"}) {
      if (coin(rng) != 0) continue;
      dirs.push_back(std::string(d1) + "/" + d2);
      if (coin(rng) == 0) dirs.push_back(std::string(d1) + "/" + d2 + "/c");
    }
  }
  for (const std::string& d : dirs) {
    if (d.empty()) continue;
    if (mkdirat(t->sandbox, d.c_str(), 0755) != 0) return false;
    t->log += "dir " + d + "\n";
  }
  std::uniform_int_distribution<size_t> pick_dir(0, dirs.size() - 1);
  for (const char* f : {"f", "g"}) {
    for (int i = 0; i < 2; ++i) {
      std::string d = dirs[pick_dir(rng)];
      std::string p = d.empty() ? f : d + "/" + f;
      int fd = openat(t->sandbox, p.c_str(), O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
      if (fd >= 0) {
        close(fd);
        t->log += "file " + p + "\n";
      }
    }
  }
  std::vector<std::string> entries(dirs.begin() + 1, dirs.end());
  for (const std::string& d : dirs)
    for (const char* f : {"f", "g"}) entries.push_back(d.empty() ? f : d + "/" + f);
  for (int i = 0; i < 6; ++i) {
    std::string name = "l" + std::to_string(i);
    for (int copies = 0; copies < 2; ++copies) {
      std::string d = dirs[pick_dir(rng)];
      std::string p = d.empty() ? name : d + "/" + name;
      std::string target = RandomLinkTarget(rng, d, entries, name);
      if (target.empty()) target = name;
      if (symlinkat(target.c_str(), t->sandbox, p.c_str()) == 0) {
        t->log += "link " + p + " -> " + target + "\n";
        entries.push_back(p);
      }
    }
  }
  t->entries = entries;
  return true;
}

void RemoveTree(const std::string& top) {
  std::string cmd = "rm -rf '" + top + "'";
  if (std::system(cmd.c_str()) != 0) std::fprintf(stderr, "could not remove %s\n", top.c_str());
}

// The object a result names: (dev, ino) of the entry itself (not followed), or of the parent
// directory with the name when there is no such entry.
std::string Describe(const ResolveResult& r) {
  if (r.error != nw::wasi::kSuccess) return "error " + std::to_string(r.error);
  struct stat pst {}, st {};
  fstat(r.value.parent.get(), &pst);
  std::string where = std::to_string(pst.st_dev) + ":" + std::to_string(pst.st_ino);
  std::string tail = r.value.trailing_slash ? " (trailing /)" : "";
  if (fstatat(r.value.parent.get(), r.value.name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0)
    return "object " + std::to_string(st.st_dev) + ":" + std::to_string(st.st_ino) + tail;
  return "absent " + r.value.name + " in " + where + tail;
}

// Whether the directory `fd` is the sandbox or below it: climb with ".." to the filesystem root.
bool BeneathSandbox(int fd, const struct stat& sandbox) {
  int cur = fcntl(fd, F_DUPFD_CLOEXEC, 0);
  for (int depth = 0; cur >= 0 && depth < 64; ++depth) {
    struct stat st {};
    if (fstat(cur, &st) != 0) break;
    if (st.st_dev == sandbox.st_dev && st.st_ino == sandbox.st_ino) {
      close(cur);
      return true;
    }
    int up = openat(cur, "..", O_PATH | O_DIRECTORY | O_CLOEXEC);
    struct stat ust {};
    bool at_top = up < 0 || fstat(up, &ust) != 0 ||
                  (ust.st_dev == st.st_dev && ust.st_ino == st.st_ino);
    close(cur);
    cur = up;
    if (at_top) break;
  }
  if (cur >= 0) close(cur);
  return false;
}

TEST(ResolveDifferential, WalkerAgreesWithOpenat2OnRandomTrees) {
  const unsigned seed = EnvOr("NANOWASM_RESOLVE_SEED", 20261201);
  const int trees = static_cast<int>(EnvOr("NANOWASM_RESOLVE_TREES", 40));
  std::mt19937 rng(seed);
  int compared = 0, successes = 0, failures_reported = 0;
  for (int t = 0; t < trees && failures_reported < 5; ++t) {
    Tree tree;
    ASSERT_TRUE(MakeTree(rng, &tree)) << "could not build a tree in " << tree.top;
    for (int i = 0; i < kPathsPerTree && failures_reported < 5; ++i) {
      // Half the paths start at something that exists, so they get past the first component.
      std::string path = RandomRelative(rng, 5);
      if (i % 2 == 0) {
        std::uniform_int_distribution<size_t> pick(0, tree.entries.size() - 1);
        path = tree.entries[pick(rng)] + (i % 4 == 0 ? "/" + path : "");
      }
      for (bool follow : {false, true}) {
        ResolveResult walk = ResolvePath(tree.sandbox, path, follow, WasiResolver::kWalk);
        ResolveResult kern = ResolvePath(tree.sandbox, path, follow, WasiResolver::kOpenat2);
        if (kern.error == nw::wasi::kNoSys) GTEST_SKIP() << "SKIPPED: no openat2 on this kernel";
        ++compared;
        std::string w = Describe(walk), k = Describe(kern);
        bool beneath = true;
        for (const ResolveResult* r : {&walk, &kern})
          if (r->error == nw::wasi::kSuccess &&
              !BeneathSandbox(r->value.parent.get(), tree.sandbox_st))
            beneath = false;
        if (w != k || !beneath) {
          ++failures_reported;
          ADD_FAILURE() << "tree " << t << ", path \"" << path << "\", follow_last " << follow
                        << "\n  walk:    " << w << "\n  openat2: " << k
                        << (beneath ? "" : "\n  A RESULT IS OUTSIDE THE SANDBOX") << "\n"
                        << tree.log;
        }
        successes += walk.error == nw::wasi::kSuccess;
      }
    }
    close(tree.sandbox);
    RemoveTree(tree.top);
  }
  std::printf("seed %u: compared %d resolutions (%d successful)\n", seed, compared, successes);
  // Guard against a generator that only produces errors: a good share must resolve.
  EXPECT_GT(successes, compared / 10);
}

// Symlinks whose targets are about 4 KB each, chained, which the kernel resolves (each target
// fits PATH_MAX; fewer than 40 links): the openat2 resolver must resolve them too and agree
// with the walker and with the kernel's own lookup (before: it spliced each target onto the
// previous directory prefix and gave nametoolong). Three shapes: targets padded with "./"
// from the root; links deep in a directory chain whose targets climb to the root with "../"
// and descend again; and the chain in the middle of a path and under a trailing slash.
TEST(ResolveDifferential, LongSymlinkTargetsResolveAsTheKernelDoes) {
  std::string top = access("/dev/shm", W_OK) == 0 ? "/dev/shm/nw-resolve-long-XXXXXX"
                                                   : "/tmp/nw-resolve-long-XXXXXX";
  ASSERT_NE(mkdtemp(top.data()), nullptr);
  int root = open(top.c_str(), O_DIRECTORY | O_RDONLY | O_CLOEXEC);
  ASSERT_GE(root, 0);
  constexpr int kChain = 12, kDepth = 600;
  // "d/d/.../d" kDepth levels (1,199 bytes), with a file and a directory at the bottom.
  std::string deep;
  for (int i = 0; i < kDepth; ++i) {
    deep += (i ? "/d" : "d");
    ASSERT_EQ(mkdirat(root, deep.c_str(), 0755), 0);
  }
  ASSERT_EQ(mkdirat(root, "dir", 0755), 0);
  int f = openat(root, "dir/file", O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
  ASSERT_GE(f, 0);
  close(f);
  std::string dots;
  while (dots.size() < 4000) dots += "./";
  std::string up;
  for (int i = 0; i < kDepth; ++i) up += "../";
  // a0 -> ./././.../a1 -> ... -> a11 -> ./././.../dir (each target 4,00x bytes)
  for (int i = 0; i < kChain; ++i) {
    std::string target = dots + (i + 1 < kChain ? "a" + std::to_string(i + 1) : "dir");
    ASSERT_EQ(symlinkat(target.c_str(), root, ("a" + std::to_string(i)).c_str()), 0);
  }
  // deep/b0 -> ../../(600 times)/d/d/.../b1 -> ... -> deep/b11 -> ../(600)/dir: 3,0xx bytes each
  for (int i = 0; i < kChain; ++i) {
    std::string target = up + (i + 1 < kChain ? deep + "/b" + std::to_string(i + 1) : "dir");
    ASSERT_LE(target.size(), 4095u);
    ASSERT_EQ(symlinkat(target.c_str(), root, (deep + "/b" + std::to_string(i)).c_str()), 0);
  }
  const std::vector<std::string> paths = {"a0", "a0/", "a0/file", "a0/./file",
                                          deep + "/b0", deep + "/b0/", deep + "/b0/file",
                                          "a0/../" + deep + "/b0/file", "a5/missing"};
  for (const std::string& path : paths) {
    for (bool follow : {false, true}) {
      ResolveResult walk = ResolvePath(root, path, follow, WasiResolver::kWalk);
      ResolveResult kern = ResolvePath(root, path, follow, WasiResolver::kOpenat2);
      if (kern.error == nw::wasi::kNoSys) GTEST_SKIP() << "SKIPPED: no openat2 on this kernel";
      EXPECT_EQ(Describe(kern), Describe(walk)) << path << " follow " << follow;
      // The kernel's own lookup (it follows every link here; the last one only when asked).
      struct stat host {};
      int flags = follow || path.back() == '/' ? 0 : AT_SYMLINK_NOFOLLOW;
      if (fstatat(root, path.c_str(), &host, flags) == 0) {
        EXPECT_EQ(Describe(kern), "object " + std::to_string(host.st_dev) + ":" +
                                      std::to_string(host.st_ino) +
                                      (path.back() == '/' ? " (trailing /)" : ""))
            << path << " follow " << follow;
      } else {
        EXPECT_EQ(errno, ENOENT) << path;
        EXPECT_NE(Describe(kern).rfind("absent missing", 0), std::string::npos) << path;
      }
    }
  }
  close(root);
  RemoveTree(top);
}

}  // namespace
