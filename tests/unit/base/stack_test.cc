// base/stack.h: the main thread's stack end found from AT_EXECFN and RLIMIT_STACK is the one
// glibc finds by reading /proc/self/maps; other threads get glibc's answer.
#include <gtest/gtest.h>
#include <pthread.h>
#include <sys/resource.h>

#include <thread>

#include "base/stack.h"

namespace {

uintptr_t GlibcStackEnd() {
  pthread_attr_t attr;
  void* addr = nullptr;
  size_t size = 0;
  EXPECT_EQ(pthread_getattr_np(pthread_self(), &attr), 0);
  pthread_attr_getstack(&attr, &addr, &size);
  pthread_attr_destroy(&attr);
  return reinterpret_cast<uintptr_t>(addr);
}

TEST(Stack, MainThreadEndIsGlibcs) {
  rlimit rl{};
  ASSERT_EQ(getrlimit(RLIMIT_STACK, &rl), 0);
  if (rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur > (rlim_t{128} << 20))
    GTEST_SKIP() << "RLIMIT_STACK is unlimited or over 128 MiB here: ThreadStackEnd asks glibc "
                    "(the path the other test covers)";
  // gtest runs TEST bodies on the main thread.
  uintptr_t ours = nw::MainThreadStackEndFromRlimit();
  ASSERT_NE(ours, 0u);
  EXPECT_EQ(ours, GlibcStackEnd());
  EXPECT_EQ(nw::ThreadStackEnd(), ours);
  // The frame, not a local's address: ASan may keep locals on a fake stack.
  EXPECT_LT(ours, reinterpret_cast<uintptr_t>(__builtin_frame_address(0)));
}

TEST(Stack, OtherThreadsAskGlibc) {
  uintptr_t from_rlimit = 1, ours = 0, glibc = 0;
  std::thread t([&] {
    from_rlimit = nw::MainThreadStackEndFromRlimit();
    ours = nw::ThreadStackEnd();
    glibc = GlibcStackEnd();
  });
  t.join();
  EXPECT_EQ(from_rlimit, 0u);
  EXPECT_NE(ours, 0u);
  EXPECT_EQ(ours, glibc);
}

}  // namespace
