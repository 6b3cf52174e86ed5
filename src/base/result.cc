// Out-of-line, cold error construction (keeps hot paths small).
#include "base/result.h"

#include <cstdio>

namespace nw {

std::string Error::ToString() const {
  if (offset == kNoOffset) return message;
  char buf[32];
  std::snprintf(buf, sizeof buf, "%08zx: ", offset);
  return buf + message;
}

std::unexpected<Error> MakeError(size_t offset, std::string message) {
  return std::unexpected(Error{offset, std::move(message)});
}

std::unexpected<Error> MakeError(std::string message) {
  return std::unexpected(Error{kNoOffset, std::move(message)});
}

}  // namespace nw
