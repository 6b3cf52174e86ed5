// The path operations of the capability table, shared by WASI preview1 (path.cc, which reads
// the arguments out of guest memory) and WASI 0.2 (src/wasi2, whose arguments arrive lifted by
// the canonical ABI): one implementation of the rights checks, the read-only rule and the
// no-escape resolver (resolve.cc) for both. Each takes a guest descriptor of `ctx` and a path
// already copied out of the guest; errors are preview1 errnos (0.2 maps them to its codes).
// Not here: reading guest memory, fd_* operations on a descriptor itself.
#pragma once

#include <sys/stat.h>
#include <time.h>

#include <string>
#include <string_view>

#include "wasi/ctx.h"

namespace nw::wasi {

// Looks up `fd` and checks that it holds all of `rights` (badf, notcapable).
Errno GetFdOf(WasiCtx& ctx, uint32_t fd, uint64_t rights, Descriptor** out);

// The checks path_open makes before it looks at the path (flags, rights, read-only grant).
Errno OpenCheck(WasiCtx& ctx, uint32_t dirfd, uint32_t oflags, uint64_t base, uint64_t inheriting,
                uint32_t fdflags, uint64_t* need, bool* read_only);
// path_open: a new descriptor in ctx for `path` beneath `dirfd` (oflags/fdflags/rights as in
// preview1); *out_fd is its guest fd.
Errno OpenAt(WasiCtx& ctx, uint32_t dirfd, bool follow, std::string_view path, uint32_t oflags,
             uint64_t base, uint64_t inheriting, uint32_t fdflags, uint32_t* out_fd);
Errno CreateDirectoryAt(WasiCtx& ctx, uint32_t fd, std::string_view path);
Errno RemoveDirectoryAt(WasiCtx& ctx, uint32_t fd, std::string_view path);
Errno UnlinkFileAt(WasiCtx& ctx, uint32_t fd, std::string_view path);
Errno StatAt(WasiCtx& ctx, uint32_t fd, bool follow, std::string_view path, struct stat* st);
Errno SetTimesAt(WasiCtx& ctx, uint32_t fd, bool follow, std::string_view path,
                 const struct timespec ts[2]);
Errno LinkAt(WasiCtx& ctx, uint32_t old_fd, bool follow, std::string_view old_path,
             uint32_t new_fd, std::string_view new_path);
Errno RenameAt(WasiCtx& ctx, uint32_t old_fd, std::string_view old_path, uint32_t new_fd,
               std::string_view new_path);
Errno SymlinkAt(WasiCtx& ctx, std::string_view target, uint32_t fd, std::string_view path);
Errno ReadlinkAt(WasiCtx& ctx, uint32_t fd, std::string_view path, std::string* out);

}  // namespace nw::wasi
