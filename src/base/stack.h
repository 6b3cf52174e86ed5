// The lowest address the calling thread's stack may reach, for compiled code's stack-overflow
// check (src/opt/runtime.cc). Not a stack-depth policy: callers add their own reserve.
#pragma once

#include <cstdint>

namespace nw {

// The end (lowest address) of the calling thread's stack; 0 if unknown.
uintptr_t ThreadStackEnd();

// The main thread's, found without reading /proc/self/maps (see stack.cc); 0 when the calling
// thread is not on the main thread's stack or the limit cannot be trusted. For tests.
uintptr_t MainThreadStackEndFromRlimit();

}  // namespace nw
