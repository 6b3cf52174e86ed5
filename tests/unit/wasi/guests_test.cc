// The C and C++ guests of tests/wasi/ run through the embedding API under both path resolvers:
// file I/O, directories, stat, readdir, rename, symlinks, clocks, random, args/env (nothing
// inherited), exit codes and traps, poll_oneoff, a TCP echo over a granted listener.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <thread>

#include "guest_runner.h"

namespace {

using namespace nwtest;

class WasiGuests : public testing::TestWithParam<nw::WasiResolver> {
 protected:
  void SetUp() override { NW_REQUIRE_GUESTS(); }
  nw::WasiConfig Config(const std::string& dir = "") {
    nw::WasiConfig c;
    c.args = {"guest"};
    c.resolver = GetParam();
    if (!dir.empty()) c.dirs.push_back({dir, ".", false});
    return c;
  }
};

TEST_P(WasiGuests, FilesDirectoriesSymlinks) {
  TempDir tmp;
  GuestRun r = RunGuest("files", Config(tmp.path()));
  ASSERT_TRUE(r.ok) << r.load_error;
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(r.out,
            "read: world\n"
            "pread: HELLO world\n"
            "size after truncate: 5 regular=1\n"
            "append: HELLO+tail\n"
            "ls .: a.txt d/\n"
            "ls d: e/\n"
            "readlink: d/f/deep.txt\n"
            "via link: deep\n"
            "ls .: b.txt d/ hard.txt link@\n"
            "ls .:\n"
            "files ok\n");
}

TEST_P(WasiGuests, ClocksAndRandom) {
  GuestRun r = RunGuest("clocks_random", Config());
  ASSERT_TRUE(r.ok) << r.load_error;
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, "clocks ok\nrandom ok\n");
}

TEST_P(WasiGuests, ArgsEnvNothingInherited) {
  ASSERT_NE(std::getenv("PATH"), nullptr);  // the host has variables; the guest must see none
  nw::WasiConfig c = Config();
  c.args = {"args_env", "5", "two words"};
  c.env = {{"GREETING", "hi there"}, {"EMPTY", ""}};
  GuestRun r = RunGuest("args_env", c);
  ASSERT_TRUE(r.ok) << r.load_error;
  EXPECT_EQ(r.exit_code, 5);
  EXPECT_EQ(r.out, "argc=3\narg[1]=5\narg[2]=two words\nenv GREETING=hi there\nenv EMPTY=\n");
  c.env.clear();
  c.args = {"args_env"};
  r = RunGuest("args_env", c);
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, "argc=1\n");
}

TEST_P(WasiGuests, ExitCodesAndTraps) {
  nw::WasiConfig c = Config();
  c.args = {"args_env", "42"};
  EXPECT_EQ(RunGuest("args_env", c).exit_code, 42);
  c.args = {"args_env", "trap"};
  GuestRun r = RunGuest("args_env", c);
  ASSERT_TRUE(r.trapped);
  EXPECT_EQ(r.trap.kind, nw::TrapKind::kUnreachable);
  EXPECT_NE(r.trap.ToString().find("#0"), std::string::npos) << r.trap.ToString();
  c.args = {"args_env", "abort"};
  EXPECT_TRUE(RunGuest("args_env", c).trapped);
}

TEST_P(WasiGuests, PollOneoff) {
  TempDir tmp;
  GuestRun r = RunGuest("poll", Config(tmp.path()));
  ASSERT_TRUE(r.ok) << r.load_error;
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_EQ(r.out, "clock ok\nfd ok\npoll ok\n");
}

TEST_P(WasiGuests, CxxGuest) {
  TempDir tmp;
  GuestRun r = RunGuest("cxx_containers", Config(tmp.path()));
  ASSERT_TRUE(r.ok) << r.load_error;
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, "most frequent: the x3\ndistinct: 9\n");
}

TEST_P(WasiGuests, TcpEchoOverGrantedListener) {
  nw::WasiConfig c = Config();
  c.listen = {"127.0.0.1:0"};
  Capture cap;
  cap.Attach(c);
  auto ctx = nw::CreateWasiCtx(c);
  ASSERT_TRUE(ctx) << ctx.error().message;
  std::string addr = nw::WasiListenerAddress(**ctx, 0);
  ASSERT_EQ(addr.rfind("127.0.0.1:", 0), 0u) << addr;
  int port = std::stoi(addr.substr(addr.find(':') + 1));
  GuestRun r;
  std::thread guest([&] { r = RunGuestCtx("tcp_echo", *ctx); });
  int s = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_port = htons(static_cast<uint16_t>(port));
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(connect(s, reinterpret_cast<sockaddr*>(&sa), sizeof sa), 0);
  std::string msg;
  for (int i = 0; i < 100; ++i) msg += "line " + std::to_string(i) + "\n";
  ASSERT_EQ(send(s, msg.data(), msg.size(), 0), static_cast<ssize_t>(msg.size()));
  shutdown(s, SHUT_WR);
  std::string back;
  char buf[1024];
  for (ssize_t n; (n = recv(s, buf, sizeof buf, 0)) > 0;) back.append(buf, static_cast<size_t>(n));
  close(s);
  guest.join();
  cap.Collect(r);
  EXPECT_EQ(back, msg);
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_EQ(r.out, "echoed " + std::to_string(msg.size()) + " bytes\n");
}

TEST_P(WasiGuests, NoListenerNoSocket) {
  GuestRun r = RunGuest("tcp_echo", Config());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.out, "FAIL no listener granted\n");
}

INSTANTIATE_TEST_SUITE_P(Resolvers, WasiGuests, testing::ValuesIn(BothResolvers()), ResolverName);

}  // namespace
