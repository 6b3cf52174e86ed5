// path_* of wasi_snapshot_preview1 and the shared path operations of path_ops.h (WASI 0.2 uses
// them too): every guest path is resolved beneath a directory descriptor
// the guest holds (resolve.cc), then the operation is applied to (parent fd, last component)
// with a no-follow system call, so the object acted on is always beneath the grant. Rights are
// checked before anything is resolved; read-only grants never hold a mutating right, and the
// descriptor's read_only flag is checked again as a second line.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "wasi/funcs.h"
#include "wasi/path_ops.h"

namespace nw::wasi {

Errno GuestPath(Call& c, uint32_t ptr, uint32_t len, std::string_view* out) {
  if (len > kMaxPathBytes) return kNameTooLong;
  const uint8_t* p = c.mem.Span(ptr, len);
  if (!p) return kFault;
  std::string_view s(reinterpret_cast<const char*>(p), len);
  if (s.find('\0') != std::string_view::npos) return kInval;
  *out = s;
  return kSuccess;
}

namespace {

// How the last component is looked up. kFollow / kNoFollow: path lookup as open(2) and stat(2)
// do it (a trailing '/' follows a last symlink either way). kEntry: the call creates, removes
// or renames the entry itself (mkdir, rmdir, unlink, rename, the new name of link and
// symlink): a last symlink is never followed, with or without '/', as in Linux, and the slash
// is handed to the system call (NoFollowName) for the kernel's rules.
enum class Last : uint8_t { kFollow, kNoFollow, kEntry };

// Checks rights on the directory `fd` and resolves `path` (already out of guest memory).
Errno ResolveAt(WasiCtx& ctx, uint32_t fd, uint64_t rights, std::string_view path, Last last,
                Descriptor** dir, Resolved* out) {
  Descriptor* d;
  if (Errno e = GetFdOf(ctx, fd, rights, &d)) return e;
  if (d->kind != FdKind::kDir) return kNotDir;
  if (path.size() > kMaxPathBytes) return kNameTooLong;
  if (path.find('\0') != std::string_view::npos) return kInval;
  // The path is copied before resolution: guest memory is not read twice.
  std::string copy(path);
  bool slash = false;
  if (last == Last::kEntry) {
    // Resolve "x" for "x/" (not following x); "sub/./" and "../" keep their slash, their last
    // component is the directory itself anyway.
    size_t end = copy.size();
    while (end > 1 && copy[end - 1] == '/') --end;
    std::string_view stem(copy.data(), end);
    std::string_view tail = stem.substr(stem.rfind('/') + 1);
    if (end != copy.size() && tail != "." && tail != "..") {
      copy.resize(end);
      slash = true;
    }
  }
  ResolveResult r = ResolvePath(d->host_fd, copy, last == Last::kFollow, ctx.resolver_);
  if (r.error) return r.error;
  *out = std::move(r.value);
  if (slash) out->trailing_slash = true;
  if (dir) *dir = d;
  return kSuccess;
}

// The name handed to a system call that creates, removes or renames the last component without
// following it (mkdirat, unlinkat, renameat, linkat's new name, symlinkat): a trailing slash is
// passed on, so the kernel applies its own rules (a new name ending in '/' that does not exist
// is noent unless a directory is being made; a non-directory named with '/' is notdir). These
// calls never follow the last component, slash or not (nor did the resolver: Last::kEntry), so
// this cannot leave the parent.
std::string NoFollowName(const Resolved& r) { return r.trailing_slash ? r.name + "/" : r.name; }

// For calls that look at an existing object without a system call that sees the slash: a
// trailing slash on something that is not a directory is notdir; *is_dir tells which it was.
Errno CheckTrailingSlash(const Resolved& r, bool* is_dir = nullptr) {
  if (!r.trailing_slash) return kSuccess;
  struct stat st;
  if (fstatat(r.parent.get(), r.name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) return LastErrno();
  if (is_dir) *is_dir = S_ISDIR(st.st_mode);
  return S_ISDIR(st.st_mode) ? kSuccess : kNotDir;
}

}  // namespace

Errno GetFdOf(WasiCtx& ctx, uint32_t fd, uint64_t rights, Descriptor** out) {
  Descriptor* d = ctx.Get(fd);
  if (!d) return kBadf;
  if ((d->rights_base & rights) != rights) return kNotCapable;
  *out = d;
  return kSuccess;
}

// ---- the operations, shared with WASI 0.2 -------------------------------------------------

// The checks of path_open made before the path is looked at: flags, the directory's rights and
// what it passes on, the read-only rule.
Errno OpenCheck(WasiCtx& ctx, uint32_t dirfd, uint32_t oflags, uint64_t base, uint64_t inh,
                uint32_t fdflags, uint64_t* need_out, bool* read_only_out) {
  if (oflags & ~uint32_t{kOflagCreat | kOflagDirectory | kOflagExcl | kOflagTrunc}) return kInval;
  if (fdflags & ~uint32_t{kFdflagAppend | kFdflagDsync | kFdflagNonblock | kFdflagRsync | kFdflagSync})
    return kInval;
  uint64_t need = right::kPathOpen;
  if (oflags & kOflagCreat) need |= right::kPathCreateFile;
  if (oflags & kOflagTrunc) need |= right::kPathFilestatSetSize;
  // The sync flags ask for rights of the new descriptor, so they are checked against what the
  // directory passes on (its inheriting rights), as the rights asked for are.
  uint64_t need_inherited = 0;
  if (fdflags & kFdflagDsync) need_inherited |= right::kFdDatasync;
  if (fdflags & (kFdflagRsync | kFdflagSync)) need_inherited |= right::kFdSync;
  Descriptor* dir;
  if (Errno e = GetFdOf(ctx, dirfd, need, &dir)) return e;
  if ((base & ~dir->rights_inheriting) || (inh & ~dir->rights_inheriting) ||
      (need_inherited & ~dir->rights_inheriting))
    return kNotCapable;
  if (dir->read_only && ((oflags & (kOflagCreat | kOflagTrunc)) || (base & right::kNeedsWrite)))
    return kRofs;
  if (need_out) *need_out = need;
  if (read_only_out) *read_only_out = dir->read_only;
  return kSuccess;
}

Errno OpenAt(WasiCtx& ctx, uint32_t dirfd, bool follow, std::string_view path, uint32_t oflags,
             uint64_t base, uint64_t inh, uint32_t fdflags, uint32_t* out_fd) {
  uint64_t need;
  bool read_only;
  if (Errno e = OpenCheck(ctx, dirfd, oflags, base, inh, fdflags, &need, &read_only)) return e;
  Resolved r;
  if (Errno e = ResolveAt(ctx, dirfd, need, path, follow ? Last::kFollow : Last::kNoFollow,
                          nullptr, &r))
    return e;
  if (r.trailing_slash && (oflags & kOflagCreat)) return kIsDir;
  int flags = O_CLOEXEC | O_NOFOLLOW | O_NOCTTY | O_NONBLOCK;
  if (oflags & kOflagCreat) flags |= O_CREAT;
  if (oflags & kOflagExcl) flags |= O_EXCL;
  if (oflags & kOflagTrunc) flags |= O_TRUNC;
  if ((oflags & kOflagDirectory) || r.trailing_slash) flags |= O_DIRECTORY;
  bool want_write = base & right::kNeedsWrite;
  bool want_read = base & (right::kFdRead | right::kFdReaddir);
  if (want_write) flags |= want_read ? O_RDWR : O_WRONLY;
  else flags |= O_RDONLY;
  if (fdflags & kFdflagAppend) flags |= O_APPEND;
  if (fdflags & kFdflagDsync) flags |= O_DSYNC;
  if (fdflags & (kFdflagSync | kFdflagRsync)) flags |= O_SYNC;
  UniqueFd fd(openat(r.parent.get(), r.name.c_str(), flags, 0666));
  bool dir_for_writing = (oflags & kOflagDirectory) && (base & right::kFdWrite);
  if (!fd.valid() && errno == EISDIR && want_write && !dir_for_writing &&
      !(oflags & (kOflagCreat | kOflagTrunc))) {
    // A directory asked for with rights that do not apply to it (libc asks for write rights
    // on O_RDWR probes; directory handles often ask for every right): give the directory
    // read-only; those rights are dropped below. Only O_DIRECTORY together with fd_write, a
    // directory opened to be written, is isdir, as in open(2) and Wasmtime.
    fd = UniqueFd(openat(r.parent.get(), r.name.c_str(),
                         (flags & ~(O_WRONLY | O_RDWR | O_APPEND)) | O_DIRECTORY | O_RDONLY));
  }
  if (!fd.valid()) return LastErrno();
  if (!(fdflags & kFdflagNonblock)) {
    int fl = fcntl(fd.get(), F_GETFL);
    if (fl >= 0) fcntl(fd.get(), F_SETFL, fl & ~O_NONBLOCK);
  }
  struct stat st;
  if (fstat(fd.get(), &st) != 0) return LastErrno();
  Descriptor nd;
  nd.host_fd = fd.get();
  nd.owned = std::move(fd);
  nd.filetype = FiletypeOf(st.st_mode);
  nd.read_only = read_only;
  if (S_ISDIR(st.st_mode)) {
    nd.kind = FdKind::kDir;
    nd.rights_base = base & right::kDir;
    nd.rights_inheriting = inh;
  } else {
    nd.kind = FdKind::kFile;
    nd.rights_base = base & right::kFile;
    nd.rights_inheriting = 0;
  }
  if (read_only) {
    nd.rights_base &= ~right::kMutating;
    nd.rights_inheriting &= ~right::kMutating;
  }
  return ctx.Insert(std::move(nd), out_fd);
}

Errno CreateDirectoryAt(WasiCtx& ctx, uint32_t fd, std::string_view path) {
  Descriptor* d;
  Resolved r;
  if (Errno e = ResolveAt(ctx, fd, right::kPathCreateDirectory, path, Last::kEntry, &d, &r)) return e;
  if (d->read_only) return kRofs;
  return mkdirat(r.parent.get(), NoFollowName(r).c_str(), 0777) == 0 ? kSuccess : LastErrno();
}

Errno RemoveDirectoryAt(WasiCtx& ctx, uint32_t fd, std::string_view path) {
  Descriptor* d;
  Resolved r;
  if (Errno e = ResolveAt(ctx, fd, right::kPathRemoveDirectory, path, Last::kEntry, &d, &r)) return e;
  if (d->read_only) return kRofs;
  if (r.name == ".") return kInval;
  return unlinkat(r.parent.get(), NoFollowName(r).c_str(), AT_REMOVEDIR) == 0 ? kSuccess
                                                                             : LastErrno();
}

Errno UnlinkFileAt(WasiCtx& ctx, uint32_t fd, std::string_view path) {
  Descriptor* d;
  Resolved r;
  if (Errno e = ResolveAt(ctx, fd, right::kPathUnlinkFile, path, Last::kEntry, &d, &r)) return e;
  if (d->read_only) return kRofs;
  if (r.name == ".") return kIsDir;
  if (r.trailing_slash) {
    struct stat st;
    if (fstatat(r.parent.get(), r.name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) return LastErrno();
    return S_ISDIR(st.st_mode) ? kIsDir : kNotDir;
  }
  return unlinkat(r.parent.get(), r.name.c_str(), 0) == 0 ? kSuccess : LastErrno();
}

Errno StatAt(WasiCtx& ctx, uint32_t fd, bool follow, std::string_view path, struct stat* st) {
  Resolved r;
  if (Errno e = ResolveAt(ctx, fd, right::kPathFilestatGet, path,
                          follow ? Last::kFollow : Last::kNoFollow, nullptr, &r))
    return e;
  if (fstatat(r.parent.get(), r.name.c_str(), st, AT_SYMLINK_NOFOLLOW) != 0) return LastErrno();
  if (r.trailing_slash && !S_ISDIR(st->st_mode)) return kNotDir;
  return kSuccess;
}

Errno SetTimesAt(WasiCtx& ctx, uint32_t fd, bool follow, std::string_view path,
                 const struct timespec ts[2]) {
  Descriptor* d;
  Resolved r;
  if (Errno e = ResolveAt(ctx, fd, right::kPathFilestatSetTimes, path,
                          follow ? Last::kFollow : Last::kNoFollow, &d, &r))
    return e;
  if (d->read_only) return kRofs;
  if (Errno e = CheckTrailingSlash(r)) return e;
  return utimensat(r.parent.get(), r.name.c_str(), ts, AT_SYMLINK_NOFOLLOW) == 0 ? kSuccess
                                                                                : LastErrno();
}

Errno LinkAt(WasiCtx& ctx, uint32_t old_fd, bool follow, std::string_view old_path,
             uint32_t new_fd, std::string_view new_path) {
  Descriptor *src, *dst;
  Resolved from, to;
  // Both descriptors' rights are checked before either path is looked at.
  if (Errno e = GetFdOf(ctx, old_fd, right::kPathLinkSource, &src)) return e;
  if (Errno e = GetFdOf(ctx, new_fd, right::kPathLinkTarget, &dst)) return e;
  if (src->read_only || dst->read_only) return kRofs;
  if (Errno e = ResolveAt(ctx, old_fd, right::kPathLinkSource, old_path,
                          follow ? Last::kFollow : Last::kNoFollow, nullptr, &from))
    return e;
  if (Errno e = ResolveAt(ctx, new_fd, right::kPathLinkTarget, new_path, Last::kEntry, nullptr, &to))
    return e;
  if (from.name == "." || to.name == ".") return from.name == "." ? kPerm : kExist;
  // The source is looked at without a slash (linkat would follow a symlink for one): a
  // directory cannot be hard-linked (perm), anything else named with '/' is notdir.
  bool from_dir = false;
  if (Errno e = CheckTrailingSlash(from, &from_dir)) return e;
  if (from_dir) return kPerm;
  return linkat(from.parent.get(), from.name.c_str(), to.parent.get(), NoFollowName(to).c_str(),
                0) == 0
             ? kSuccess
             : LastErrno();
}

Errno RenameAt(WasiCtx& ctx, uint32_t old_fd, std::string_view old_path, uint32_t new_fd,
               std::string_view new_path) {
  Descriptor *src, *dst;
  Resolved from, to;
  if (Errno e = GetFdOf(ctx, old_fd, right::kPathRenameSource, &src)) return e;
  if (Errno e = GetFdOf(ctx, new_fd, right::kPathRenameTarget, &dst)) return e;
  if (src->read_only || dst->read_only) return kRofs;
  if (Errno e = ResolveAt(ctx, old_fd, right::kPathRenameSource, old_path, Last::kEntry, nullptr,
                          &from))
    return e;
  if (Errno e = ResolveAt(ctx, new_fd, right::kPathRenameTarget, new_path, Last::kEntry, nullptr,
                          &to))
    return e;
  if (from.name == "." || to.name == ".") return kBusy;
  return renameat(from.parent.get(), NoFollowName(from).c_str(), to.parent.get(),
                  NoFollowName(to).c_str()) == 0
             ? kSuccess
             : LastErrno();
}

Errno SymlinkAt(WasiCtx& ctx, std::string_view target_view, uint32_t fd, std::string_view path) {
  if (target_view.size() > kMaxPathBytes) return kNameTooLong;
  if (target_view.find('\0') != std::string_view::npos) return kInval;
  std::string target(target_view);
  if (target.empty()) return kNoEnt;
  // A link is never followed out of a grant by nanowasm, but other host programs would follow
  // an absolute one: refuse to create them.
  if (target[0] == '/') return kNotCapable;
  Descriptor* d;
  Resolved r;
  if (Errno e = ResolveAt(ctx, fd, right::kPathSymlink, path, Last::kEntry, &d, &r)) return e;
  if (d->read_only) return kRofs;
  if (r.name == ".") return kExist;
  return symlinkat(target.c_str(), r.parent.get(), NoFollowName(r).c_str()) == 0 ? kSuccess
                                                                                 : LastErrno();
}

Errno ReadlinkAt(WasiCtx& ctx, uint32_t fd, std::string_view path, std::string* out) {
  Resolved r;
  if (Errno e = ResolveAt(ctx, fd, right::kPathReadlink, path, Last::kNoFollow, nullptr, &r))
    return e;
  // "link/" names what the link points to (the resolver followed it), which is no symlink.
  if (Errno e = CheckTrailingSlash(r)) return e;
  if (r.trailing_slash) return kInval;
  char host[kMaxPathBytes + 1];
  ssize_t n = readlinkat(r.parent.get(), r.name.c_str(), host, sizeof(host));
  if (n < 0) return LastErrno();
  out->assign(host, static_cast<size_t>(n));
  return kSuccess;
}

// ---- preview1: arguments out of guest memory --------------------------------------------

namespace {

// The rights of `fd` are checked before the path is read (a bad descriptor is badf whatever
// the path pointer), then the path is copied out of guest memory.
Errno PathArg(Call& c, uint32_t fd, uint64_t rights, uint32_t ptr, uint32_t len, std::string* out) {
  Descriptor* d;
  if (Errno e = GetFd(c, fd, rights, &d)) return e;
  if (d->kind != FdKind::kDir) return kNotDir;
  std::string_view p;
  if (Errno e = GuestPath(c, ptr, len, &p)) return e;
  out->assign(p);
  return kSuccess;
}

bool Follow(uint32_t lookupflags) { return lookupflags & kLookupSymlinkFollow; }

}  // namespace

Errno PathOpen(Call& c) {
  uint32_t dirfd = c.U32(0), dirflags = c.U32(1), path = c.U32(2), path_len = c.U32(3);
  uint32_t oflags = c.U32(4), fdflags = c.U32(7), out_ptr = c.U32(8);
  uint64_t base = c.U64(5), inh = c.U64(6);
  uint64_t need;
  if (Errno e = OpenCheck(c.ctx, dirfd, oflags, base, inh, fdflags, &need, nullptr)) return e;
  if (!c.mem.InBounds(out_ptr, 4)) return kFault;
  std::string p;
  if (Errno e = PathArg(c, dirfd, need, path, path_len, &p)) return e;
  uint32_t out_fd;
  if (Errno e = OpenAt(c.ctx, dirfd, Follow(dirflags), p, oflags, base, inh, fdflags, &out_fd))
    return e;
  c.mem.Store<uint32_t>(out_ptr, out_fd);
  return kSuccess;
}

Errno PathCreateDirectory(Call& c) {
  std::string p;
  if (Errno e = PathArg(c, c.U32(0), right::kPathCreateDirectory, c.U32(1), c.U32(2), &p)) return e;
  return CreateDirectoryAt(c.ctx, c.U32(0), p);
}

Errno PathRemoveDirectory(Call& c) {
  std::string p;
  if (Errno e = PathArg(c, c.U32(0), right::kPathRemoveDirectory, c.U32(1), c.U32(2), &p)) return e;
  return RemoveDirectoryAt(c.ctx, c.U32(0), p);
}

Errno PathUnlinkFile(Call& c) {
  std::string p;
  if (Errno e = PathArg(c, c.U32(0), right::kPathUnlinkFile, c.U32(1), c.U32(2), &p)) return e;
  return UnlinkFileAt(c.ctx, c.U32(0), p);
}

Errno PathFilestatGet(Call& c) {
  std::string p;
  if (Errno e = PathArg(c, c.U32(0), right::kPathFilestatGet, c.U32(2), c.U32(3), &p)) return e;
  uint32_t size = c.unstable ? layout::kFilestatSizeUnstable : layout::kFilestatSize;
  struct stat st;
  Resolved r;
  // Bounds of the result are checked before the path is looked at.
  if (!c.mem.InBounds(c.U32(4), size)) {
    if (Errno e = ResolveAt(c.ctx, c.U32(0), right::kPathFilestatGet, p,
                            Follow(c.U32(1)) ? Last::kFollow : Last::kNoFollow, nullptr, &r))
      return e;
    return kFault;
  }
  if (Errno e = StatAt(c.ctx, c.U32(0), Follow(c.U32(1)), p, &st)) return e;
  return StoreFilestat(c, c.U32(4), st);
}

Errno PathFilestatSetTimes(Call& c) {
  struct timespec ts[2];
  if (Errno e = TimesFromFlags(c.U64(4), c.U64(5), c.U32(6), ts)) return e;
  std::string p;
  if (Errno e = PathArg(c, c.U32(0), right::kPathFilestatSetTimes, c.U32(2), c.U32(3), &p)) return e;
  return SetTimesAt(c.ctx, c.U32(0), Follow(c.U32(1)), p, ts);
}

Errno PathLink(Call& c) {
  Descriptor *src, *dst;
  if (Errno e = GetFd(c, c.U32(0), right::kPathLinkSource, &src)) return e;
  if (Errno e = GetFd(c, c.U32(4), right::kPathLinkTarget, &dst)) return e;
  if (src->read_only || dst->read_only) return kRofs;
  std::string from, to;
  if (Errno e = PathArg(c, c.U32(0), right::kPathLinkSource, c.U32(2), c.U32(3), &from)) return e;
  if (Errno e = PathArg(c, c.U32(4), right::kPathLinkTarget, c.U32(5), c.U32(6), &to)) return e;
  return LinkAt(c.ctx, c.U32(0), Follow(c.U32(1)), from, c.U32(4), to);
}

Errno PathRename(Call& c) {
  Descriptor *src, *dst;
  if (Errno e = GetFd(c, c.U32(0), right::kPathRenameSource, &src)) return e;
  if (Errno e = GetFd(c, c.U32(3), right::kPathRenameTarget, &dst)) return e;
  if (src->read_only || dst->read_only) return kRofs;
  std::string from, to;
  if (Errno e = PathArg(c, c.U32(0), right::kPathRenameSource, c.U32(1), c.U32(2), &from)) return e;
  if (Errno e = PathArg(c, c.U32(3), right::kPathRenameTarget, c.U32(4), c.U32(5), &to)) return e;
  return RenameAt(c.ctx, c.U32(0), from, c.U32(3), to);
}

Errno PathSymlink(Call& c) {
  std::string_view target_view;
  if (Errno e = GuestPath(c, c.U32(0), c.U32(1), &target_view)) return e;
  std::string target(target_view);
  if (target.empty()) return kNoEnt;
  if (target[0] == '/') return kNotCapable;
  std::string p;
  if (Errno e = PathArg(c, c.U32(2), right::kPathSymlink, c.U32(3), c.U32(4), &p)) return e;
  return SymlinkAt(c.ctx, target, c.U32(2), p);
}

Errno PathReadlink(Call& c) {
  uint32_t buf = c.U32(3), buf_len = c.U32(4), used_ptr = c.U32(5);
  std::string p;
  if (Errno e = PathArg(c, c.U32(0), right::kPathReadlink, c.U32(1), c.U32(2), &p)) return e;
  uint8_t* out = c.mem.Span(buf, buf_len);
  if (!out || !c.mem.InBounds(used_ptr, 4)) {
    // Resolution errors come before the bounds of the result, as they always did.
    Resolved r;
    if (Errno e = ResolveAt(c.ctx, c.U32(0), right::kPathReadlink, p, Last::kNoFollow, nullptr, &r))
      return e;
    return kFault;
  }
  std::string target;
  if (Errno e = ReadlinkAt(c.ctx, c.U32(0), p, &target)) return e;
  uint32_t take = static_cast<uint32_t>(std::min<uint64_t>(target.size(), buf_len));
  std::memcpy(out, target.data(), take);
  c.mem.Store<uint32_t>(used_ptr, take);
  return kSuccess;
}

}  // namespace nw::wasi
