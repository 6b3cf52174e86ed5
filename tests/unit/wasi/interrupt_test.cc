// Blocking and long WASI calls stop for epoch deadlines and Store::Interrupt (issue 15 items 4
// and 5): poll_oneoff on an hour-long clock and on an empty pipe, fd_read on an empty pipe and on
// a silent socket, sock_accept with no client, sock_recv, and random_get of 1 GiB, each woken
// from another thread; random_get charged fuel by size. WAT guests, no toolchain needed. Not
// here: the CLI's --timeout end to end (tests/wasi/run_cli_test.sh).
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "guest_runner.h"
#include "text/wat.h"

namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

// The guest: each export makes one WASI call with its buffers at fixed addresses and returns
// the errno (or the value asked for).
std::string GuestWat(uint32_t pages) {
  return R"((module
    (import "wasi_snapshot_preview1" "poll_oneoff" (func $poll (param i32 i32 i32 i32) (result i32)))
    (import "wasi_snapshot_preview1" "fd_read" (func $read (param i32 i32 i32 i32) (result i32)))
    (import "wasi_snapshot_preview1" "sock_accept" (func $accept (param i32 i32 i32) (result i32)))
    (import "wasi_snapshot_preview1" "sock_recv" (func $recv (param i32 i32 i32 i32 i32 i32) (result i32)))
    (import "wasi_snapshot_preview1" "random_get" (func $random (param i32 i32) (result i32)))
    (memory )" + std::to_string(pages) + R"()
    ;; one clock subscription (monotonic, relative) of $ns nanoseconds
    (func (export "sleep") (param $ns i64) (result i32)
      (i64.store (i32.const 0) (i64.const 7))
      (i32.store8 (i32.const 8) (i32.const 0))
      (i32.store (i32.const 16) (i32.const 1))
      (i64.store (i32.const 24) (local.get $ns))
      (i64.store (i32.const 32) (i64.const 0))
      (i32.store16 (i32.const 40) (i32.const 0))
      (call $poll (i32.const 0) (i32.const 64) (i32.const 1) (i32.const 200)))
    ;; one fd_read subscription
    (func (export "poll_read") (param $fd i32) (result i32)
      (i64.store (i32.const 0) (i64.const 8))
      (i32.store8 (i32.const 8) (i32.const 1))
      (i32.store (i32.const 16) (local.get $fd))
      (call $poll (i32.const 0) (i32.const 64) (i32.const 1) (i32.const 200)))
    (func (export "read") (param $fd i32) (result i32)
      (i32.store (i32.const 300) (i32.const 400))
      (i32.store (i32.const 304) (i32.const 16))
      (call $read (local.get $fd) (i32.const 300) (i32.const 1) (i32.const 500)))
    (func (export "read_count") (result i32) (i32.load (i32.const 500)))
    (func (export "accept") (param $fd i32) (result i32)
      (call $accept (local.get $fd) (i32.const 0) (i32.const 504)))
    (func (export "accepted") (result i32) (i32.load (i32.const 504)))
    (func (export "recv") (param $fd i32) (param $flags i32) (result i32)
      (i32.store (i32.const 300) (i32.const 400))
      (i32.store (i32.const 304) (i32.const 16))
      (call $recv (local.get $fd) (i32.const 300) (i32.const 1) (local.get $flags)
                  (i32.const 508) (i32.const 512)))
    (func (export "recv_count") (result i32) (i32.load (i32.const 508)))
    (func (export "random") (param $len i32) (result i32)
      (call $random (i32.const 0) (local.get $len)))
  ))";
}

struct Guest {
  explicit Guest(nw::Config config, uint32_t pages = 1)
      : engine(nwtest::WithTestTier(config)), store(engine) {
    int p[2];
    EXPECT_EQ(pipe2(p, O_CLOEXEC), 0);
    stdin_read = p[0];
    stdin_write = p[1];  // kept open: reads block instead of seeing end of file
    nw::WasiConfig c;
    c.stdin_fd = stdin_read;
    c.listen = {"127.0.0.1:0"};  // guest fd 3
    auto ctx = nw::CreateWasiCtx(c);
    EXPECT_TRUE(ctx) << ctx.error().message;
    port = static_cast<uint16_t>(std::stoi(
        nw::WasiListenerAddress(**ctx, 0).substr(nw::WasiListenerAddress(**ctx, 0).rfind(':') + 1)));
    auto desc = nw::ParseWat(GuestWat(pages));
    EXPECT_TRUE(desc) << desc.error().message;
    auto m = nw::Module::FromDesc(engine, std::move(*desc));
    EXPECT_TRUE(m) << m.error().message;
    nw::Linker linker;
    nw::DefineWasi(linker, store, *ctx);
    auto inst = linker.Instantiate(store, *m);
    EXPECT_TRUE(inst) << inst.error().message;
    instance = *inst;
  }
  ~Guest() {
    close(stdin_read);
    close(stdin_write);
  }
  nw::TrapResult<std::vector<nw::Val>> Call(const char* name, std::vector<nw::Val> args = {}) {
    return instance->GetFunc(name)->Call(store, args);
  }
  int32_t CallI32(const char* name, std::vector<nw::Val> args = {}) {
    auto r = Call(name, std::move(args));
    EXPECT_TRUE(r) << r.error().ToString();
    return r ? (*r)[0].i32() : -1;
  }
  // A client connected to the guest's listener (no data sent).
  int Connect() const {
    int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(connect(s, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
    return s;
  }

  nw::Engine engine;
  nw::Store store;
  nw::Instance* instance = nullptr;
  int stdin_read = -1, stdin_write = -1;
  uint16_t port = 0;
};

nw::Config Epochs() {
  nw::Config c;
  c.epoch_interruption = true;
  return c;
}

enum class Waker { kEpoch, kStoreInterrupt };

// Runs `call` on the guest while another thread, after 200 ms, bumps the engine's epoch past
// the store's deadline (as `nanowasm run --timeout` does) or interrupts the store. The call
// must trap with kInterrupted well before any of its own timeouts, and only after the wake-up.
void ExpectWokenUp(Guest& g, Waker waker, const char* name, std::vector<nw::Val> args) {
  if (waker == Waker::kEpoch) g.store.SetEpochDeadline(1);
  auto t0 = Clock::now();
  std::thread other([&] {
    std::this_thread::sleep_for(200ms);
    if (waker == Waker::kEpoch) g.engine.IncrementEpoch();
    else g.store.Interrupt();
  });
  auto r = g.Call(name, std::move(args));
  double seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  other.join();
  ASSERT_FALSE(r) << name << " returned instead of being interrupted";
  EXPECT_EQ(r.error().kind, nw::TrapKind::kInterrupted) << r.error().ToString();
  EXPECT_GE(seconds, 0.19) << name << " did not block";
  EXPECT_LT(seconds, 1.0) << name << " kept blocking after the wake-up";
}

class BlockingCall : public testing::TestWithParam<Waker> {
 protected:
  nw::Config Config() const { return GetParam() == Waker::kEpoch ? Epochs() : nw::Config{}; }
};

TEST_P(BlockingCall, PollOneoffOnAnHourLongClock) {
  Guest g(Config());
  ExpectWokenUp(g, GetParam(), "sleep", {nw::Val::I64(3600'000'000'000)});
}

TEST_P(BlockingCall, PollOneoffOnAnEmptyPipe) {
  Guest g(Config());
  ExpectWokenUp(g, GetParam(), "poll_read", {nw::Val::I32(0)});
}

TEST_P(BlockingCall, FdReadOnAnEmptyPipe) {
  Guest g(Config());
  ExpectWokenUp(g, GetParam(), "read", {nw::Val::I32(0)});
}

TEST_P(BlockingCall, SockAcceptWithNoClient) {
  Guest g(Config());
  ExpectWokenUp(g, GetParam(), "accept", {nw::Val::I32(3)});
}

TEST_P(BlockingCall, SockRecvAndFdReadOnASilentSocket) {
  Guest g(Config());
  int client = g.Connect();
  ASSERT_EQ(g.CallI32("accept", {nw::Val::I32(3)}), 0);
  int32_t fd = g.CallI32("accepted");
  ExpectWokenUp(g, GetParam(), "recv", {nw::Val::I32(fd), nw::Val::I32(0)});
  if (GetParam() == Waker::kStoreInterrupt) g.store.ClearInterrupt();
  else g.store.SetEpochDeadline(1);
  ExpectWokenUp(g, GetParam(), "recv", {nw::Val::I32(fd), nw::Val::I32(2)});  // waitall
  if (GetParam() == Waker::kStoreInterrupt) g.store.ClearInterrupt();
  ExpectWokenUp(g, GetParam(), "read", {nw::Val::I32(fd)});
  close(client);
}

INSTANTIATE_TEST_SUITE_P(Wakers, BlockingCall, testing::Values(Waker::kEpoch, Waker::kStoreInterrupt),
                         [](const testing::TestParamInfo<Waker>& i) {
                           return i.param == Waker::kEpoch ? "epoch" : "store_interrupt";
                         });

// The calls still work when nothing interrupts them, and after ClearInterrupt.
TEST(HostInterrupt, CallsCompleteNormallyAndAfterClearInterrupt) {
  Guest g(Epochs());
  g.store.SetEpochDeadline(1000);
  EXPECT_EQ(g.CallI32("sleep", {nw::Val::I64(20'000'000)}), 0);  // 20 ms
  ASSERT_EQ(write(g.stdin_write, "hello", 5), 5);
  EXPECT_EQ(g.CallI32("poll_read", {nw::Val::I32(0)}), 0);
  EXPECT_EQ(g.CallI32("read", {nw::Val::I32(0)}), 0);
  EXPECT_EQ(g.CallI32("read_count"), 5);

  g.store.Interrupt();
  auto r = g.Call("sleep", {nw::Val::I64(0)});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, nw::TrapKind::kInterrupted);
  EXPECT_FALSE(g.store.CheckInterrupt());
  g.store.ClearInterrupt();
  EXPECT_TRUE(g.store.CheckInterrupt());
  EXPECT_EQ(g.CallI32("sleep", {nw::Val::I64(1'000'000)}), 0);

  // With data waiting, a socket read and a waitall receive complete (no wait at all).
  int client = g.Connect();
  ASSERT_EQ(g.CallI32("accept", {nw::Val::I32(3)}), 0);
  int32_t fd = g.CallI32("accepted");
  ASSERT_EQ(send(client, "0123456789abcdefXYZ", 19, 0), 19);
  EXPECT_EQ(g.CallI32("recv", {nw::Val::I32(fd), nw::Val::I32(2)}), 0);  // waitall
  EXPECT_EQ(g.CallI32("recv_count"), 16);
  EXPECT_EQ(g.CallI32("read", {nw::Val::I32(fd)}), 0);
  EXPECT_EQ(g.CallI32("read_count"), 3);
  close(client);
}

// A waitall receive gathers data arriving in pieces.
TEST(HostInterrupt, RecvWaitallGathersPieces) {
  Guest g(Epochs());
  int client = g.Connect();
  ASSERT_EQ(g.CallI32("accept", {nw::Val::I32(3)}), 0);
  int32_t fd = g.CallI32("accepted");
  std::thread sender([&] {
    for (int i = 0; i < 4; ++i) {
      std::this_thread::sleep_for(20ms);
      ASSERT_EQ(send(client, "abcd", 4, 0), 4);
    }
  });
  EXPECT_EQ(g.CallI32("recv", {nw::Val::I32(fd), nw::Val::I32(2)}), 0);
  sender.join();
  EXPECT_EQ(g.CallI32("recv_count"), 16);
  close(client);
}

// random_get of 1 GiB is filled in chunks and stops for a deadline between them.
TEST(HostInterrupt, RandomGetOfOneGibStopsForTheDeadline) {
  Guest g(Epochs(), 16385);
  ExpectWokenUp(g, Waker::kEpoch, "random", {nw::Val::I32(1 << 30)});
}

// random_get pays fuel by size: 1 unit per kFuelBytesPerUnit (64) bytes, charged per 1 MiB
// chunk before the chunk is filled.
TEST(HostInterrupt, RandomGetIsChargedFuelBySize) {
  nw::Config c;
  c.consume_fuel = true;
  Guest g(c, 1025);  // 64 MiB + 64 KiB
  g.store.SetFuel(100'000'000);
  EXPECT_EQ(g.CallI32("random", {nw::Val::I32(64 << 20)}), 0);
  uint64_t left = *g.store.GetFuel();
  EXPECT_LE(left, 100'000'000u - (64u << 20) / 64);
  EXPECT_GE(left, 100'000'000u - (64u << 20) / 64 - 1000);  // plus a few wasm instructions

  g.store.SetFuel(10'000);  // less than one 1 MiB chunk (16,384 units)
  auto t0 = Clock::now();
  auto r = g.Call("random", {nw::Val::I32(64 << 20)});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, nw::TrapKind::kOutOfFuel);
  EXPECT_LT(std::chrono::duration<double>(Clock::now() - t0).count(), 0.5);
}

TEST(HostInterrupt, ConsumeFuelWithoutFuelDoesNothing) {
  nw::Engine engine;
  nw::Store store(engine);
  EXPECT_TRUE(store.ConsumeFuel(UINT64_MAX));
  nw::Config c;
  c.consume_fuel = true;
  nw::Engine fueled(c);
  nw::Store s2(fueled);
  s2.SetFuel(10);
  EXPECT_TRUE(s2.ConsumeFuel(10));
  EXPECT_FALSE(s2.ConsumeFuel(1));
  s2.SetFuel(10);
  auto r = s2.ConsumeFuel(UINT64_MAX);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, nw::TrapKind::kOutOfFuel);
}

// Many stores of one engine blocked at once: one IncrementEpoch wakes every store whose
// deadline it reaches, and only those.
TEST(HostInterrupt, OneEpochTickWakesEveryStoreAtItsDeadline) {
  constexpr int kStores = 4;
  nw::Engine engine(Epochs());
  std::vector<std::unique_ptr<nw::Store>> stores;
  for (int i = 0; i < kStores; ++i) {
    stores.push_back(std::make_unique<nw::Store>(engine));
    stores.back()->SetEpochDeadline(i < 2 ? 1 : 1000);  // two stores at the next tick
  }
  std::vector<std::thread> threads;
  std::vector<int> outcome(kStores, -1);  // 1 = interrupted, 0 = its own timeout
  for (int i = 0; i < kStores; ++i) {
    threads.emplace_back([&, i] {
      nw::HostWait wait(*stores[static_cast<size_t>(i)]);
      auto r = wait.Poll({}, 800'000'000);  // 800 ms
      outcome[static_cast<size_t>(i)] = r ? 0 : r.error().kind == nw::TrapKind::kInterrupted;
    });
  }
  std::this_thread::sleep_for(100ms);
  auto t0 = Clock::now();
  engine.IncrementEpoch();
  threads[0].join();
  threads[1].join();
  EXPECT_LT(std::chrono::duration<double>(Clock::now() - t0).count(), 0.5);
  threads[2].join();
  threads[3].join();
  EXPECT_EQ(outcome, (std::vector<int>{1, 1, 0, 0}));
}

}  // namespace
