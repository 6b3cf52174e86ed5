// The adversarial suite: tests/adversarial/rawops.wasm calls the raw WASI imports with
// escaping paths, planted symlinks, read-only and cross-grant writes, bad and renumbered
// descriptors, NUL bytes, oversized paths and guest lengths meant to make the host allocate
// gigabytes; and a host thread swaps directories for symlinks to outside while the guest
// resolves paths in a loop. Pass = every call fails with the expected WASI errno, the sentinel
// tree outside every grant (and the read-only grant) is byte-for-byte unchanged, no host fd
// leaks, and the runtime keeps working. Runs under both resolvers (and under the asan preset).
#include <sys/resource.h>
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <thread>

#include "../bounded.h"
#include "guest_runner.h"

namespace {

using namespace nwtest;

constexpr int kNotCapable = 76, kPerm = 63, kNotSup = 58, kLoop = 32, kBadf = 8, kInval = 28, kNameTooLong = 37,
              kFault = 21, kNotDir = 54;
constexpr int kAnyError = -1;

struct Case {
  std::string op;
  int expect;  // 0 = success, kAnyError = must fail, else the exact WASI errno
};

// The suite runs twice per resolver: the guest as a preview1 module (DefineWasi), and the same
// build wrapped as a WASI 0.2 component by jco's preview1 adapter (src/wasi2 over the same
// WasiCtx and path operations). Through 0.2 the adapter turns 0.2 error codes back into
// preview1 errnos, so the expectations differ where 0.2 has no such errno: see P2Errno.
enum class Api { kPreview1, kP2 };
using Param = std::tuple<nw::WasiResolver, Api>;

class Adversarial : public testing::TestWithParam<Param> {
 protected:
  bool p2() const { return std::get<1>(GetParam()) == Api::kP2; }
  GuestRun Run(const std::vector<std::string>& ops) {
    return p2() ? RunGuestP2("rawops", Config(ops)) : RunGuest("rawops", Config(ops));
  }
  // What a preview1 expectation becomes through the 0.2 host and the adapter: the host's
  // not-permitted (preview1's notcapable: an escape or a missing right) arrives as perm. Some
  // operations never reach the 0.2 host the same way: the adapter has no fd_fdstat_set_rights
  // (notsup), no sockets (sock_accept/recv/send: it traps), writes only the first iovec, and
  // lengths past what the canonical ABI allows (a 2^28-byte string, a huge allocation) trap in
  // the ABI. A trap ends the guest without touching the host: such cases run alone and must
  // trap, with the sentinels unchanged.
  static constexpr int kTrapsGuest = -2, kAnyOutcome = -3, kAlone = -4;
  int Expected(const Case& c) const {
    if (!p2()) return c.expect;
    std::string op = c.op.substr(0, c.op.find('|'));
    if (op == "grow") return kNotSup;
    // hugereaddir: the adapter fills the guest's claimed buffer itself and runs off the end of
    // its own memory (a trap in the guest; the host only ever returned bounded entries).
    if (op == "hugepath" || op == "hugepoll" || op == "hugeargs" || op == "hugerandom")
      return kTrapsGuest;
    if (op == "hugereaddir") return kAlone;
    if ((op == "sock" || op == "sockon") && c.op.find("|shutdown|") == std::string::npos)
      return kTrapsGuest;
    // hugereadlink: the adapter copies the (bounded) target the host returned, so it succeeds.
    if (op == "hugeiov" || op == "hugeiovlen" || op == "hugereadlink") return kAnyOutcome;
    if (c.op.rfind("open|1|", 0) == 0) return kBadf;  // stdout is no descriptor to the adapter
    if (c.expect == kNotCapable) return kPerm;
    return c.expect;
  }

  void SetUp() override {
    NW_REQUIRE_GUESTS();
    if (p2()) NW_REQUIRE_P2_GUESTS();
    std::string r = root_.path();
    for (const char* d : {"sandbox", "sandbox/sub", "sandbox/a", "sandbox/a/b", "sandbox/a/b/c",
                          "ro", "ro/rodir", "outside", "outside/dir", "outside/c", "outside/b",
                          "outside/b/c"})
      ASSERT_EQ(mkdir((root_ / d).c_str(), 0755), 0) << d;
    WriteFile(root_ / "sandbox/file", "inside\n");
    WriteFile(root_ / "sandbox/sub/inner.txt", "inner\n");
    WriteFile(root_ / "ro/secret.txt", "read only\n");
    WriteFile(root_ / "outside/sentinel.txt", "sentinel\n");
    WriteFile(root_ / "outside/dir/x", "x\n");
    auto link = [&](const std::string& target, const std::string& at) {
      ASSERT_EQ(symlink(target.c_str(), (root_ / ("sandbox/" + at)).c_str()), 0) << at;
    };
    link(r + "/outside", "abs");
    link("/etc", "etc");
    link("../..", "up");
    link("../outside", "upout");
    link("../outside/newfile", "dangling");
    link("loop2", "loop1");
    link("loop1", "loop2");
    for (int i = 0; i < 45; ++i)
      link(i == 44 ? std::string("file") : "chain" + std::to_string(i + 1), "chain" + std::to_string(i));
    for (int i = 0; i < 10; ++i)
      link(i == 9 ? std::string("file") : "short" + std::to_string(i + 1), "short" + std::to_string(i));
    before_outside_ = Snapshot(root_ / "outside");
    before_ro_ = Snapshot(root_ / "ro");
  }

  nw::WasiConfig Config(std::vector<std::string> ops) {
    nw::WasiConfig c;
    c.args = {"rawops"};
    c.args.insert(c.args.end(), ops.begin(), ops.end());
    c.resolver = std::get<0>(GetParam());
    c.dirs.push_back({root_ / "sandbox", "sandbox", false});  // fd 3
    c.dirs.push_back({root_ / "ro", "ro", true});             // fd 4
    return c;
  }

  void ExpectSentinelsUnchanged() {
    EXPECT_EQ(Snapshot(root_ / "outside"), before_outside_) << "the tree outside every grant changed";
    EXPECT_EQ(Snapshot(root_ / "ro"), before_ro_) << "the read-only grant changed";
  }

  void RunCases(const std::vector<Case>& all) {
    std::vector<Case> cases;
    for (const auto& c : all) {
      int want = Expected(c);
      if (want != kTrapsGuest && want != kAlone) {
        cases.push_back(c);
        continue;
      }
      // Run alone: a trap ends the guest (kAlone: the adapter may trap in its own memory).
      GuestRun t = Run({c.op});
      ASSERT_TRUE(t.ok) << t.load_error;
      if (want == kTrapsGuest)
        EXPECT_TRUE(t.trapped) << c.op << " did not trap through the 0.2 adapter: " << t.out;
    }
    std::vector<std::string> ops;
    for (const auto& c : cases) ops.push_back(c.op);
    int fds_before = CountHostFds();
    GuestRun r = Run(ops);
    EXPECT_EQ(CountHostFds(), fds_before) << "host descriptors leaked";
    ASSERT_TRUE(r.ok) << r.load_error;
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err << r.trap.message;
    std::istringstream lines(r.out);
    std::map<int, std::string> results;
    for (std::string line; std::getline(lines, line);) {
      size_t eq = line.find(" = ");
      // A line may start with what the guest wrote to stdout itself ("x" of hugeiov).
      size_t digit = line.find_first_of("0123456789");
      if (eq == std::string::npos || digit > eq) continue;
      results[std::stoi(line.substr(digit))] = line.substr(eq + 3);
    }
    for (size_t i = 0; i < cases.size(); ++i) {
      const Case& c = cases[i];
      auto it = results.find(static_cast<int>(i + 1));
      ASSERT_NE(it, results.end()) << "no result for " << c.op << "\n" << r.out;
      int want = Expected(c);
      if (want == kAnyOutcome) continue;
      if (want == 0) EXPECT_EQ(it->second, "ok") << c.op;
      else if (want == kAnyError) EXPECT_NE(it->second, "ok") << c.op;
      else EXPECT_EQ(it->second, std::to_string(want)) << c.op;
    }
    EXPECT_NE(r.out.find("done\n"), std::string::npos);
    ExpectSentinelsUnchanged();
  }

  TempDir root_;
  std::map<std::string, std::string> before_outside_, before_ro_;
};

TEST_P(Adversarial, DotDotAndAbsolutePaths) {
  RunCases({
      {"open|3|../../x|c|0|w", kNotCapable},                 // ZipSlip with create
      {"open|3|../outside/sentinel.txt|t|0|w", kNotCapable},
      {"open|3|sub/../../outside/evil|c|0|w", kNotCapable},  // out and back in
      {"open|3|sub/../../sandbox/file|-|0|r", kNotCapable},
      {"open|3|..|d|0|r", kNotCapable},
      {"open|3|sub/./../..|d|0|r", kNotCapable},
      {"open|3|sub/../file|-|0|r", 0},                        // stays inside: fine
      {"keep|3|sub", 0},                                      // fd 5
      {"open|5|..|d|0|r", kNotCapable},                       // `..` from a child handle
      {"open|5|../file|-|0|r", kNotCapable},
      {"open|5|inner.txt|-|0|r", 0},
      {"open|3|/etc/passwd|-|0|r", kNotCapable},
      {"open|3|/|d|0|r", kNotCapable},
      {"mkdir|3|/tmp/nanowasm-escape", kNotCapable},
      {"unlink|3|../outside/sentinel.txt", kNotCapable},
      {"rename|3|file|3|../outside/moved", kNotCapable},
      {"link|3|file|3|../outside/hl|0", kNotCapable},
      {"symlink|file|3|../outside/newlink", kNotCapable},
      {"stat|3|../outside/sentinel.txt|0", kNotCapable},
      {"utimes|3|../outside/sentinel.txt|0", kNotCapable},
  });
}

TEST_P(Adversarial, PlantedSymlinks) {
  RunCases({
      {"open|3|abs/sentinel.txt|-|1|r", kNotCapable},   // absolute link to the sentinel
      {"open|3|abs/sentinel.txt|t|1|w", kNotCapable},
      {"open|3|abs|d|1|r", kNotCapable},
      {"open|3|etc/passwd|-|1|r", kNotCapable},         // abs -> /etc
      {"open|3|up/outside/sentinel.txt|-|1|r", kNotCapable},  // up -> ../..
      {"open|3|upout/sentinel.txt|-|0|r", kNotCapable},
      {"open|3|dangling|c|1|w", kNotCapable},           // dangling link to outside, create
      {"open|3|dangling|c|0|w", kLoop},                 // not followed: O_NOFOLLOW
      {"open|3|loop1|-|1|r", kLoop},
      {"open|3|chain0|-|1|r", kLoop},                   // 45 links > 40
      {"open|3|short0|-|1|r", 0},                       // 10 links: fine
      {"stat|3|abs|1", kNotCapable},
      {"stat|3|abs|0", 0},                              // the link itself is inside
      {"readlink|3|abs", 0},
      {"stat|3|up|1", kNotCapable},
      {"mkdir|3|abs/newdir", kNotCapable},
      {"mkdir|3|up/outside/newdir", kNotCapable},
      {"unlink|3|up/outside/sentinel.txt", kNotCapable},
      {"rmdir|3|upout/dir", kNotCapable},
      {"rename|3|file|3|up/outside/moved", kNotCapable},
      {"rename|3|abs/sentinel.txt|3|stolen", kNotCapable},
      {"link|3|abs/sentinel.txt|3|hl|0", kNotCapable},
      {"link|3|file|3|upout/hl|0", kNotCapable},
      {"link|3|dangling|3|hl2|1", kNotCapable},
      {"symlink|/etc|3|newabs", kNotCapable},           // absolute targets are not created
      {"symlink|../../x|3|newrel", 0},                  // relative ones are, but never escape:
      {"open|3|newrel|c|1|w", kNotCapable},
      {"utimes|3|abs|1", kNotCapable},
      {"utimes|3|upout/sentinel.txt|0", kNotCapable},
      // trailing-slash and "/." variants
      {"open|3|abs/|d|0|r", kNotCapable},
      {"open|3|abs/.|d|0|r", kNotCapable},
      {"open|3|up/.|d|0|r", kNotCapable},
      {"open|3|upout/|-|0|r", kNotCapable},
      {"mkdir|3|up/.", kNotCapable},
      {"unlink|3|up/", kNotDir},  // the link itself (not followed for unlink, as in Linux)
      {"open|3|file/|-|0|r", kNotDir},
      {"open|3|sub/.|d|0|r", 0},
      {"open|3|sub/|d|0|r", 0},
      {"open|3|.|d|0|r", 0},
  });
}

TEST_P(Adversarial, ReadOnlyAndCrossGrant) {
  RunCases({
      {"open|4|secret.txt|t|0|w", kNotCapable},
      {"open|4|secret.txt|t|0|r", kNotCapable},  // truncate without asking for write
      {"open|4|new.txt|c|0|w", kNotCapable},
      {"open|4|new.txt|c|0|r", kNotCapable},
      {"open|4|secret.txt|-|0|w", kNotCapable},
      {"open|4|secret.txt|-|0|r", 0},
      {"mkdir|4|d", kNotCapable},
      {"unlink|4|secret.txt", kNotCapable},
      {"rmdir|4|rodir", kNotCapable},
      {"rename|3|file|4|moved", kNotCapable},       // rename into the read-only grant
      {"rename|4|secret.txt|3|stolen", kNotCapable},
      {"rename|4|secret.txt|4|renamed", kNotCapable},
      {"link|4|secret.txt|3|hl|0", kNotCapable},    // a writable hard link to a read-only file
      {"link|3|file|4|hl|0", kNotCapable},
      {"symlink|secret.txt|4|l", kNotCapable},
      {"utimes|4|secret.txt|0", kNotCapable},
      {"utimes|4|rodir|0", kNotCapable},
      {"fdtrunc|4|secret.txt", kNotCapable},
      {"fdtimes|4|secret.txt", kNotCapable},
      {"grow|4", kNotCapable},                      // rights only shrink
      {"open|4|..|d|0|r", kNotCapable},
      {"open|4|../sandbox/file|-|0|w", kNotCapable},
      {"open|3|../ro/secret.txt|t|0|w", kNotCapable},
  });
}

TEST_P(Adversarial, DescriptorsAndLengths) {
  RunCases({
      {"renumber|3|99", kBadf},
      {"renumber|99|3", kBadf},
      {"close|99", kBadf},
      {"close|4294967295", kBadf},
      {"open|99|file|-|0|r", kBadf},
      {"open|1|file|-|0|r", kNotCapable},  // stdout is not a directory capability
      {"nul|3", kInval},
      {"long|3|65536", kNameTooLong},
      {"hugepath|3", kNameTooLong},
      {"hugeiov", kInval},
      {"hugeiovlen", kFault},
      {"hugereaddir|3", kFault},
      {"hugepoll", kInval},
      {"hugeargs", kFault},
      {"hugerandom", kFault},
      {"hugereadlink|3|abs", kFault},
      {"close|4", 0},                      // closing a preopen drops the capability
      {"open|4|secret.txt|-|0|r", kBadf},
      {"keep|3|sub", 0},                   // lowest free fd: 4
      {"renumber|4|3", 0},                 // the child handle replaces the sandbox preopen
      {"open|3|inner.txt|-|0|r", 0},
      {"open|3|../file|-|0|r", kNotCapable},
      {"close|4", kBadf},
      {"close|3", 0},
      {"open|3|inner.txt|-|0|r", kBadf},
  });
}

// Under a host file-size limit (`ulimit -f`), growing a file past it must fail with fbig: the
// kernel also sends SIGXFSZ, whose default action kills the host process. Four ways to grow a
// file to 1 GiB + 1, run in a forked child with RLIMIT_FSIZE = 1 MiB. Without a limit the three
// sparse ones succeed, so it is the limit that makes them fail.
TEST_P(Adversarial, FileSizeLimitGivesFbigNotAKill) {
  constexpr int kFbig = 22;
  std::vector<std::string> ops = {"bigtrunc|3|t1", "bigpwrite|3|t2", "bigseekwrite|3|t3",
                                  "bigalloc|3|t4"};
  int code = nw::testing_bounded::RunUnderLimit(RLIMIT_FSIZE, [] { return rlim_t{1} << 20; }, [&] {
    GuestRun r = Run(ops);
    int result = r.ok && r.exit_code == 0 ? 0 : 3;
    for (size_t i = 0; i < ops.size() && result == 0; ++i) {
      // The adapter has no fd_allocate (notsup), so bigalloc never reaches the 0.2 host.
      int errno_want = p2() && ops[i].rfind("bigalloc", 0) == 0 ? kNotSup : kFbig;
      std::string want = std::to_string(i + 1) + " " + ops[i].substr(0, ops[i].find('|')) +
                         " = " + std::to_string(errno_want) + "\n";
      if (r.out.find(want) == std::string::npos) result = 4;
    }
    if (result != 0)
      std::fprintf(stderr, "%s%s%s\n", r.out.c_str(), r.err.c_str(), r.load_error.c_str());
    return result;
  });
  ASSERT_LT(code, 128) << "the host was killed by signal " << code - 128
                       << (code - 128 == SIGXFSZ ? " (SIGXFSZ)" : "");
  EXPECT_EQ(code, 0) << "3: the guest failed, 4: a call did not give fbig";
  for (const char* f : {"t1", "t2", "t3", "t4"}) {  // created, and held to the limit
    struct stat st{};
    EXPECT_EQ(stat((root_ / (std::string("sandbox/") + f)).c_str(), &st), 0) << f;
    EXPECT_LE(st.st_size, 1 << 20) << f;
  }

  rlimit cur{};
  if (getrlimit(RLIMIT_FSIZE, &cur) == 0 && cur.rlim_cur != RLIM_INFINITY) {
    GTEST_SKIP() << "SKIPPED the unlimited half: this process has RLIMIT_FSIZE " << cur.rlim_cur;
  }
  RunCases({{"bigtrunc|3|u1", 0}, {"bigpwrite|3|u2", 0}, {"bigseekwrite|3|u3", 0}});
}

// The errno of each call where the witx, Linux and Wasmtime agree, for the cases third-party
// WASI test programs found wrong (issue 11): sock_* on what is not a socket; new names ending
// in '/' (link, symlink, rename, mkdir); trailing slashes on existing non-directories in every
// call taking a path; a directory asked for with O_DIRECTORY and write rights.
TEST_P(Adversarial, ErrnoAsTheReference) {
  constexpr int kExist = 20, kIsDir = 31, kNoEnt = 44, kNotSock = 57;
  RunCases({
      {"sock|shutdown|0", kNotSock},  // stdin
      {"sock|shutdown|1", kNotSock},  // stdout
      {"sock|shutdown|3", kNotSock},  // a directory
      {"sockon|shutdown|3|file", kNotSock},
      {"sock|accept|0", kNotSock},
      {"sock|accept|3", kNotSock},
      {"sockon|accept|3|file", kNotSock},
      {"sock|recv|1", kNotSock},  // stdout has no fd_read: still notsock, not notcapable
      {"sockon|recv|3|file", kNotSock},
      {"sock|send|0", kNotSock},
      {"sockon|send|3|file", kNotSock},
      {"sock|shutdown|99", kBadf},
      // new names ending in '/'
      {"link|3|file|3|newlink/|0", kNoEnt},
      {"link|3|file|3|sub/|0", kExist},
      {"link|3|file/|3|x|0", kNotDir},
      {"link|3|sub/|3|x|0", kPerm},
      {"symlink|file|3|newsym/", kNoEnt},
      {"symlink|file|3|sub/", kExist},
      {"symlink|file|3|file/", kExist},
      {"rename|3|file|3|newname/", kNotDir},
      {"rename|3|file/|3|x", kNotDir},
      {"rename|3|sub|3|sub2/", 0},
      {"rename|3|sub2/|3|sub", 0},
      {"mkdir|3|newdir/", 0},
      {"mkdir|3|file/", kExist},
      {"rmdir|3|file/", kNotDir},
      {"rmdir|3|newdir/", 0},
      {"unlink|3|file/", kNotDir},
      {"unlink|3|sub/", kIsDir},
      {"stat|3|file/|0", kNotDir},
      {"utimes|3|file/|0", kNotDir},
      {"utimes|3|sub/|0", 0},
      {"readlink|3|file/", kNotDir},
      {"readlink|3|sub/", kInval},
      {"open|3|file/|-|0|r", kNotDir},
      {"open|3|nothing/|c|0|w", kIsDir},
      // a symlink to a directory, named with '/': the entry calls act on the link (Linux)
      {"symlink|sub|3|lsub", 0},
      {"rmdir|3|lsub/", kNotDir},
      {"unlink|3|lsub/", kNotDir},
      {"rename|3|lsub/|3|x", kNotDir},
      {"mkdir|3|lsub/", kExist},
      {"link|3|file|3|lsub/|0", kExist},
      {"stat|3|lsub/|0", 0},  // lookups follow it
      {"open|3|lsub/|d|0|r", 0},
      {"stat|3|sub/|0", 0},   // still there
      {"unlink|3|lsub", 0},
      // directories and write rights
      {"open|3|sub|d|0|w", kIsDir},
      {"open|3|sub|d|0|rw", kIsDir},
      {"open|3|sub/|d|0|w", kIsDir},
      {"open|3|file|d|0|w", kNotDir},
      {"open|3|sub|d|0|r", 0},
      {"open|3|sub|-|0|rw", 0},  // without O_DIRECTORY: the read-only fallback
      {"stat|3|newlink|0", kNoEnt},  // nothing was created by the failed calls
      {"stat|3|newsym|0", kNoEnt},
      {"stat|3|newname|0", kNoEnt},
  });
}

TEST_P(Adversarial, RuntimeKeepsWorkingAfterwards) {
  RunCases({{"open|3|../../x|c|0|w", kNotCapable}, {"hugeiovlen", kFault}});
  GuestRun r = Run({"open|3|file|-|0|r", "open|3|fresh.txt|c|0|w"});
  EXPECT_EQ(r.out, "1 open = ok\n2 open = ok\ndone\n");
}

// A host thread keeps renaming directories and swapping a directory for symlinks that point
// outside while the guest creates and writes files beneath it.
TEST_P(Adversarial, RaceSwapDirectoryForSymlink) {
  std::atomic<bool> stop{false};
  std::string sb = root_ / "sandbox";
  std::string outside_abs = root_ / "outside";
  std::thread swapper([&] {
    std::string ab = sb + "/a/b", real = sb + "/a/b_real", a = sb + "/a", a_real = sb + "/a_real";
    while (!stop.load()) {
      rename(ab.c_str(), real.c_str());
      symlink(outside_abs.c_str(), ab.c_str());
      unlink(ab.c_str());
      symlink("../../outside", ab.c_str());
      unlink(ab.c_str());
      rename(real.c_str(), ab.c_str());
      rename(a.c_str(), a_real.c_str());
      symlink("../outside", a.c_str());
      unlink(a.c_str());
      rename(a_real.c_str(), a.c_str());
    }
  });
  int fds_before = CountHostFds();
  GuestRun r = Run({"race|3|3000"});
  stop = true;
  swapper.join();
  EXPECT_EQ(CountHostFds(), fds_before);
  ASSERT_TRUE(r.ok) << r.load_error;
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("race successes"), std::string::npos) << r.out;
  std::printf("%s", r.out.c_str());  // how many creates landed (inside the sandbox)
  ExpectSentinelsUnchanged();
}

INSTANTIATE_TEST_SUITE_P(
    Resolvers, Adversarial,
    testing::Combine(testing::ValuesIn(BothResolvers()), testing::Values(Api::kPreview1, Api::kP2)),
    [](const testing::TestParamInfo<Param>& info) {
      return ResolverName(testing::TestParamInfo<nw::WasiResolver>(std::get<0>(info.param), info.index)) +
             (std::get<1>(info.param) == Api::kP2 ? "_p2" : "_p1");
    });

}  // namespace
