// ThreadStackEnd (stack.h). glibc's pthread_getattr_np finds the main thread's stack by reading
// /proc/self/maps (an open, a read of every mapping's line, a scan): a few page faults and tens
// of µs in every process that calls compiled code, most of an AOT hello world's remaining
// startup after the CLI's (docs/performance.md, "AOT artifacts"). The main thread's stack can
// be found from what the kernel already hands over: exec copies the executable's name
// (AT_EXECFN) to the very top of the new stack, sizeof(void*) below its end, and the kernel lets
// the stack grow to RLIMIT_STACK below that end. This is exactly the end glibc computes (its
// stack size is the limit minus what lies above __libc_stack_end, page-rounded down). glibc also
// shortens the stack when another mapping lies closer than the limit; the kernel keeps the
// top-down mmap base at least 128 MiB plus the guard gap below the stack (mmap_base), so a limit
// up to 128 MiB needs no such check. Other threads, larger or unlimited limits, and any doubt
// (the caller not on the computed stack) ask glibc.
#include "base/stack.h"

#include <pthread.h>
#include <sys/auxv.h>
#include <sys/resource.h>

#include <cstring>

namespace nw {

uintptr_t MainThreadStackEndFromRlimit() {
  constexpr rlim_t kMaxTrusted = rlim_t{128} << 20;  // the kernel's minimum mmap gap
  const uintptr_t execfn = getauxval(AT_EXECFN);
  const uintptr_t page = getauxval(AT_PAGESZ);
  rlimit rl{};
  if (execfn == 0 || page == 0 || (page & (page - 1)) != 0 ||
      getrlimit(RLIMIT_STACK, &rl) != 0 || rl.rlim_cur == RLIM_INFINITY ||
      rl.rlim_cur > kMaxTrusted)
    return 0;
  const char* name = reinterpret_cast<const char*>(execfn);
  const uintptr_t top =
      (execfn + std::strlen(name) + 1 + sizeof(void*) + page - 1) & ~(page - 1);
  const uintptr_t size = static_cast<uintptr_t>(rl.rlim_cur) & ~(page - 1);
  if (size == 0 || size >= top) return 0;
  const uintptr_t end = top - size;
  const auto here = reinterpret_cast<uintptr_t>(__builtin_frame_address(0));
  if (here <= end || here >= top) return 0;  // another thread's stack (or a surprise)
  return end;
}

uintptr_t ThreadStackEnd() {
  if (uintptr_t end = MainThreadStackEndFromRlimit()) return end;
  pthread_attr_t attr;
  void* addr = nullptr;
  size_t size = 0;
  if (pthread_getattr_np(pthread_self(), &attr) == 0) {
    pthread_attr_getstack(&attr, &addr, &size);
    pthread_attr_destroy(&attr);
  }
  return reinterpret_cast<uintptr_t>(addr);
}

}  // namespace nw
