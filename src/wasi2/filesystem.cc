// wasi:filesystem@0.2.x (types, preopens) on the guest's WasiCtx: a `descriptor` is a slot of
// the same capability table preview1 uses, so its rights, the read-only rule of --dir-ro and
// every path operation (wasi/path_ops.h: rights checks, the no-escape resolver) are preview1's
// code, not a copy. 0.2's descriptor-flags map onto rights: `read` and `write` onto the fd
// rights, `mutate-directory` onto the directory's mutating path rights; what a directory does
// not hold it cannot pass on (preview1's inheriting rights). Escapes and missing rights
// (preview1's notcapable) are `not-permitted`. Streams of a file hold a dup of its host fd, so
// dropping the descriptor first never leaves them reading someone else's file.
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>

#include "component/canon_options.h"
#include "wasi/funcs.h"
#include "wasi/path_ops.h"
#include "wasi/signals.h"
#include "wasi2/objects.h"

namespace nw::wasi2 {

using namespace wasi;

namespace {

// Bytes one descriptor.read returns at most (host.h).
constexpr uint64_t kMaxRead = kMaxIoBytes;

struct DescriptorObj : Object {
  std::shared_ptr<WasiCtx> ctx;
  uint32_t fd = 0;
  ~DescriptorObj() override { ctx->Remove(fd); }
};

struct DirStreamObj : Object {
  DIR* dir = nullptr;
  ~DirStreamObj() override {
    if (dir) closedir(dir);
  }
};

// error-code, in WIT order.
// clang-format off
enum Code : uint32_t {
  kCAccess, kCWouldBlock, kCAlready, kCBadDescriptor, kCBusy, kCDeadlock, kCQuota, kCExist,
  kCFileTooLarge, kCIllegalByteSequence, kCInProgress, kCInterrupted, kCInvalid, kCIo,
  kCIsDirectory, kCLoop, kCTooManyLinks, kCMessageSize, kCNameTooLong, kCNoDevice, kCNoEntry,
  kCNoLock, kCInsufficientMemory, kCInsufficientSpace, kCNotDirectory, kCNotEmpty,
  kCNotRecoverable, kCUnsupported, kCNoTty, kCNoSuchDevice, kCOverflow, kCNotPermitted, kCPipe,
  kCReadOnly, kCInvalidSeek, kCTextFileBusy, kCCrossDevice,
};
// clang-format on

uint32_t CodeOf(Errno e) {
  switch (e) {
    case kAcces: return kCAccess;
    case kAgain: return kCWouldBlock;
    case kAlready: return kCAlready;
    case kBadf: return kCBadDescriptor;
    case kBusy: return kCBusy;
    case kDeadlk: return kCDeadlock;
    case kDquot: return kCQuota;
    case kExist: return kCExist;
    case kFbig: return kCFileTooLarge;
    case kIlseq: return kCIllegalByteSequence;
    case kInProgress: return kCInProgress;
    case kIntr: return kCInterrupted;
    case kInval: return kCInvalid;
    case kIsDir: return kCIsDirectory;
    case kLoop: return kCLoop;
    case kMlink: return kCTooManyLinks;
    case kMsgSize: return kCMessageSize;
    case kNameTooLong: return kCNameTooLong;
    case kNoDev: return kCNoDevice;
    case kNoEnt: return kCNoEntry;
    case kNoLck: return kCNoLock;
    case kNoMem:
    case kMfile:
    case kNfile: return kCInsufficientMemory;
    case kNoSpc: return kCInsufficientSpace;
    case kNotDir: return kCNotDirectory;
    case kNotEmpty: return kCNotEmpty;
    case kNotRecoverable: return kCNotRecoverable;
    case kNotSup:
    case kNoSys: return kCUnsupported;
    case kNotTy: return kCNoTty;
    case kNxio: return kCNoSuchDevice;
    case kOverflow: return kCOverflow;
    case kPerm:
    case kNotCapable: return kCNotPermitted;
    case kPipe: return kCPipe;
    case kRofs: return kCReadOnly;
    case kSpipe: return kCInvalidSeek;
    case kTxtBsy: return kCTextFileBusy;
    case kXdev: return kCCrossDevice;
    default: return kCIo;
  }
}

ComponentValue ErrV(Errno e) { return Err(Enum(CodeOf(e))); }
HostResult ErrR(Errno e) { return One(ErrV(e)); }
HostResult OkR() { return One(Ok()); }
HostResult Done(Errno e) { return e ? ErrR(e) : OkR(); }

// descriptor-type of a preview1 filetype / a mode.
uint32_t TypeOfMode(mode_t m) {
  if (S_ISBLK(m)) return 1;
  if (S_ISCHR(m)) return 2;
  if (S_ISDIR(m)) return 3;
  if (S_ISFIFO(m)) return 4;
  if (S_ISLNK(m)) return 5;
  if (S_ISREG(m)) return 6;
  if (S_ISSOCK(m)) return 7;
  return 0;
}

// The guest descriptor (a slot of ctx) behind a borrow<descriptor> argument.
Result<uint32_t> FdArg(Host& h, const ComponentValue& v) {
  auto* d = h.Get<DescriptorObj>(static_cast<uint32_t>(v.bits()));
  if (!d) return component::Trap("wasi:filesystem: unknown descriptor");
  return d->fd;
}

Errno Need(Host& h, uint32_t fd, uint64_t rights, Descriptor** out) {
  return GetFdOf(h.ctx(), fd, rights, out);
}

ComponentValue MaybeTime(const timespec& ts) {
  return Some(ComponentValue::Record({ComponentValue::U64(static_cast<uint64_t>(ts.tv_sec)),
                                      ComponentValue::U32(static_cast<uint32_t>(ts.tv_nsec))}));
}

ComponentValue StatValue(const struct stat& st) {
  return ComponentValue::Record({Enum(TypeOfMode(st.st_mode)), ComponentValue::U64(st.st_nlink),
                                 ComponentValue::U64(static_cast<uint64_t>(st.st_size)),
                                 MaybeTime(st.st_atim), MaybeTime(st.st_mtim),
                                 MaybeTime(st.st_ctim)});
}

// new-timestamp -> a utimensat time.
timespec TimeOf(const ComponentValue& v) {
  switch (v.case_index()) {
    case 0: return {0, UTIME_OMIT};
    case 1: return {0, UTIME_NOW};
    default: {
      const auto& dt = v.payload()->elems();
      return {static_cast<time_t>(dt[0].as_u64()), static_cast<long>(dt[1].bits())};
    }
  }
}

// descriptor-flags bits.
constexpr uint32_t kFlagRead = 1, kFlagWrite = 2, kFlagFileSync = 4, kFlagDataSync = 8,
                   kFlagRequestedSync = 16, kFlagMutateDir = 32;

HostResult MakeDescriptor(Host& h, uint32_t fd) {
  auto d = std::make_unique<DescriptorObj>();
  d->ctx = h.ctx_ptr();
  d->fd = fd;
  return One(Ok(h.Own(std::move(d))));
}

HostResult OpenAtFn(Host& h, std::span<const ComponentValue> a) {
  NW_TRY_ASSIGN(uint32_t dirfd, FdArg(h, a[0]));
  bool follow = a[1].bits() & 1;
  std::string path = a[2].ToUtf8();
  uint32_t of = static_cast<uint32_t>(a[3].bits()), df = static_cast<uint32_t>(a[4].bits());
  uint32_t oflags = 0;
  if (of & 1) oflags |= kOflagCreat;
  if (of & 2) oflags |= kOflagDirectory;
  if (of & 4) oflags |= kOflagExcl;
  if (of & 8) oflags |= kOflagTrunc;
  Descriptor* dir;
  if (Errno e = Need(h, dirfd, right::kPathOpen, &dir)) return ErrR(e);
  // Rights every descriptor has (cut to what the directory passes on), then what the flags
  // ask for, which the directory must pass on (preview1's inheriting rights: notcapable,
  // reported as not-permitted). Without mutate-directory nothing beneath can be changed
  // through the new descriptor.
  uint64_t base = (right::kFdFilestatGet | right::kFdSeek | right::kFdTell | right::kFdAdvise |
                   right::kPollFdReadwrite | right::kPathOpen | right::kPathReadlink |
                   right::kPathFilestatGet | right::kFdReaddir | right::kFdSync) &
                  dir->rights_inheriting;
  if (df & kFlagRead) base |= right::kFdRead;
  if (df & kFlagWrite)
    base |= right::kFdWrite | right::kFdAllocate | right::kFdFilestatSetSize | right::kFdDatasync |
            (right::kFdFilestatSetTimes & dir->rights_inheriting);
  if (df & kFlagMutateDir) base |= right::kDir & right::kMutating;
  uint64_t inh = dir->rights_inheriting;
  if (!(df & kFlagMutateDir)) inh &= ~right::kMutating;
  uint32_t fdflags = 0;
  if (df & kFlagFileSync) fdflags |= kFdflagSync;
  if (df & kFlagDataSync) fdflags |= kFdflagDsync;
  if (df & kFlagRequestedSync) fdflags |= kFdflagRsync;
  uint32_t fd;
  if (Errno e = OpenAt(h.ctx(), dirfd, follow, path, oflags, base, inh, fdflags, &fd))
    return ErrR(e);
  return MakeDescriptor(h, fd);
}

HostResult Stream(Host& h, std::span<const ComponentValue> a, int kind) {
  NW_TRY_ASSIGN(uint32_t fd, FdArg(h, a[0]));
  Descriptor* d;
  uint64_t need = kind == 0 ? right::kFdRead : right::kFdWrite;
  if (Errno e = Need(h, fd, need, &d)) return ErrR(e);
  if (d->kind == FdKind::kDir) return ErrR(kIsDir);
  int dup_fd = fcntl(d->host_fd, F_DUPFD_CLOEXEC, 0);
  if (dup_fd < 0) return ErrR(LastErrno());
  auto keep = std::make_shared<UniqueFd>(dup_fd);
  if (kind == 0) {
    auto s = std::make_unique<InputStreamObj>();
    s->keep = keep;
    s->fd = dup_fd;
    s->file = true;
    s->offset = a[1].as_u64();
    return One(Ok(h.Own(std::move(s))));
  }
  auto s = std::make_unique<OutputStreamObj>();
  s->keep = keep;
  s->fd = dup_fd;
  s->file = true;
  s->append = kind == 2;
  if (kind == 1) s->offset = a[1].as_u64();
  return One(Ok(h.Own(std::move(s))));
}

HostResult GetFlags(Host& h, std::span<const ComponentValue> a) {
  NW_TRY_ASSIGN(uint32_t fd, FdArg(h, a[0]));
  Descriptor* d = h.ctx().Get(fd);
  if (!d) return ErrR(kBadf);
  uint32_t f = 0;
  if (d->rights_base & (right::kFdRead | right::kFdReaddir)) f |= kFlagRead;
  if (d->rights_base & right::kFdWrite) f |= kFlagWrite;
  if (d->kind == FdKind::kDir && (d->rights_base & right::kPathCreateFile)) f |= kFlagMutateDir;
  return One(Ok(ComponentValue::Flags(f)));
}

HostResult Stat(Host& h, std::span<const ComponentValue> a) {
  NW_TRY_ASSIGN(uint32_t fd, FdArg(h, a[0]));
  Descriptor* d = h.ctx().Get(fd);
  if (!d) return ErrR(kBadf);
  struct stat st;
  if (fstat(d->host_fd, &st) != 0) return ErrR(LastErrno());
  return One(Ok(StatValue(st)));
}

HostResult GetType(Host& h, std::span<const ComponentValue> a) {
  NW_TRY_ASSIGN(uint32_t fd, FdArg(h, a[0]));
  Descriptor* d = h.ctx().Get(fd);
  if (!d) return ErrR(kBadf);
  struct stat st;
  if (fstat(d->host_fd, &st) != 0) return ErrR(LastErrno());
  return One(Ok(Enum(TypeOfMode(st.st_mode))));
}

HostResult SetSize(Host& h, std::span<const ComponentValue> a) {
  NW_TRY_ASSIGN(uint32_t fd, FdArg(h, a[0]));
  Descriptor* d;
  if (Errno e = Need(h, fd, right::kFdFilestatSetSize, &d)) return ErrR(e);
  if (d->read_only) return ErrR(kRofs);
  if (a[1].as_u64() > static_cast<uint64_t>(INT64_MAX)) return ErrR(kInval);
  off_t size = static_cast<off_t>(a[1].as_u64());
  return Done(GrowingFileCall([&] { return static_cast<ssize_t>(ftruncate(d->host_fd, size)); }) ==
                      0
                  ? kSuccess
                  : LastErrno());
}

HostResult SetTimes(Host& h, std::span<const ComponentValue> a) {
  NW_TRY_ASSIGN(uint32_t fd, FdArg(h, a[0]));
  Descriptor* d;
  if (Errno e = Need(h, fd, right::kFdFilestatSetTimes, &d)) return ErrR(e);
  if (d->read_only) return ErrR(kRofs);
  timespec ts[2] = {TimeOf(a[1]), TimeOf(a[2])};
  return Done(futimens(d->host_fd, ts) == 0 ? kSuccess : LastErrno());
}

HostResult ReadFn(Host& h, std::span<const ComponentValue> a) {
  NW_TRY_ASSIGN(uint32_t fd, FdArg(h, a[0]));
  Descriptor* d;
  if (Errno e = Need(h, fd, right::kFdRead, &d)) return ErrR(e);
  uint64_t n = std::min(a[1].as_u64(), kMaxRead);
  std::string buf;
  off_t at = static_cast<off_t>(a[2].as_u64());
  ssize_t got = ReadInto(buf, n, [&](char* p, size_t m) { return pread(d->host_fd, p, m, at); });
  if (got < 0) return ErrR(LastErrno());
  // Charged for the bytes moved, as preview1's fd_pread.
  if (auto r = h.store().ConsumeFuel(static_cast<uint64_t>(got) / kFuelBytesPerUnit); !r)
    return component::Trap(r.error().message);
  bool eof = got == 0 && n > 0;
  return One(Ok(ComponentValue::Record({Bytes(std::move(buf)), ComponentValue::Bool(eof)})));
}

HostResult WriteFn(Host& h, std::span<const ComponentValue> a) {
  NW_TRY_ASSIGN(uint32_t fd, FdArg(h, a[0]));
  Descriptor* d;
  if (Errno e = Need(h, fd, right::kFdWrite, &d)) return ErrR(e);
  std::string scratch;
  std::string_view data = BytesOf(a[1], scratch);
  if (auto r = h.store().ConsumeFuel(data.size() / kFuelBytesPerUnit); !r)
    return component::Trap(r.error().message);
  off_t at = static_cast<off_t>(a[2].as_u64());
  ssize_t w = GrowingFileCall([&] { return pwrite(d->host_fd, data.data(), data.size(), at); });
  if (w < 0) return ErrR(LastErrno());
  return One(Ok(ComponentValue::U64(static_cast<uint64_t>(w))));
}

HostResult Sync(Host& h, std::span<const ComponentValue> a, bool data) {
  NW_TRY_ASSIGN(uint32_t fd, FdArg(h, a[0]));
  Descriptor* d = h.ctx().Get(fd);
  if (!d) return ErrR(kBadf);
  int r = data ? fdatasync(d->host_fd) : fsync(d->host_fd);
  // A directory or a read-only file may not be syncable on every file system: nothing to do.
  if (r != 0 && (errno == EINVAL || errno == EBADF)) return OkR();
  return Done(r == 0 ? kSuccess : LastErrno());
}

HostResult ReadDirectory(Host& h, std::span<const ComponentValue> a) {
  NW_TRY_ASSIGN(uint32_t fd, FdArg(h, a[0]));
  Descriptor* d;
  if (Errno e = Need(h, fd, right::kFdReaddir, &d)) return ErrR(e);
  if (d->kind != FdKind::kDir) return ErrR(kNotDir);
  // A fresh open of "." beneath the directory: its own position, closed by closedir.
  int dup_fd = openat(d->host_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dup_fd < 0) return ErrR(LastErrno());
  DIR* dir = fdopendir(dup_fd);
  if (!dir) {
    close(dup_fd);
    return ErrR(LastErrno());
  }
  auto s = std::make_unique<DirStreamObj>();
  s->dir = dir;
  return One(Ok(h.Own(std::move(s))));
}

HostResult ReadDirectoryEntry(Host& h, std::span<const ComponentValue> a) {
  auto* s = h.Get<DirStreamObj>(static_cast<uint32_t>(a[0].bits()));
  if (!s) return component::Trap("wasi:filesystem: unknown directory-entry-stream");
  for (;;) {
    errno = 0;
    dirent* e = readdir(s->dir);
    if (!e) return errno ? ErrR(LastErrno()) : One(Ok(None()));
    std::string_view name = e->d_name;
    if (name == "." || name == "..") continue;
    uint32_t type = 0;
    switch (e->d_type) {
      case DT_BLK: type = 1; break;
      case DT_CHR: type = 2; break;
      case DT_DIR: type = 3; break;
      case DT_FIFO: type = 4; break;
      case DT_LNK: type = 5; break;
      case DT_REG: type = 6; break;
      case DT_SOCK: type = 7; break;
      default: {
        struct stat st;
        if (fstatat(dirfd(s->dir), e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0)
          type = TypeOfMode(st.st_mode);
      }
    }
    auto n = ComponentValue::String(name);
    if (!n) return ErrR(kIlseq);
    return One(Ok(Some(ComponentValue::Record({Enum(type), std::move(*n)}))));
  }
}

HostResult StatAtFn(Host& h, std::span<const ComponentValue> a) {
  NW_TRY_ASSIGN(uint32_t fd, FdArg(h, a[0]));
  struct stat st;
  if (Errno e = StatAt(h.ctx(), fd, a[1].bits() & 1, a[2].ToUtf8(), &st)) return ErrR(e);
  return One(Ok(StatValue(st)));
}

HostResult SetTimesAtFn(Host& h, std::span<const ComponentValue> a) {
  NW_TRY_ASSIGN(uint32_t fd, FdArg(h, a[0]));
  timespec ts[2] = {TimeOf(a[3]), TimeOf(a[4])};
  return Done(SetTimesAt(h.ctx(), fd, a[1].bits() & 1, a[2].ToUtf8(), ts));
}

HostResult LinkAtFn(Host& h, std::span<const ComponentValue> a) {
  NW_TRY_ASSIGN(uint32_t fd, FdArg(h, a[0]));
  NW_TRY_ASSIGN(uint32_t nfd, FdArg(h, a[3]));
  return Done(LinkAt(h.ctx(), fd, a[1].bits() & 1, a[2].ToUtf8(), nfd, a[4].ToUtf8()));
}

HostResult RenameAtFn(Host& h, std::span<const ComponentValue> a) {
  NW_TRY_ASSIGN(uint32_t fd, FdArg(h, a[0]));
  NW_TRY_ASSIGN(uint32_t nfd, FdArg(h, a[2]));
  return Done(RenameAt(h.ctx(), fd, a[1].ToUtf8(), nfd, a[3].ToUtf8()));
}

HostResult ReadlinkAtFn(Host& h, std::span<const ComponentValue> a) {
  NW_TRY_ASSIGN(uint32_t fd, FdArg(h, a[0]));
  std::string target;
  if (Errno e = ReadlinkAt(h.ctx(), fd, a[1].ToUtf8(), &target)) return ErrR(e);
  auto s = ComponentValue::String(target);
  if (!s) return ErrR(kIlseq);
  return One(Ok(std::move(*s)));
}

template <Errno (*Op)(WasiCtx&, uint32_t, std::string_view)>
HostResult PathFn(Host& h, std::span<const ComponentValue> a) {
  NW_TRY_ASSIGN(uint32_t fd, FdArg(h, a[0]));
  return Done(Op(h.ctx(), fd, a[1].ToUtf8()));
}

HostResult SymlinkAtFn(Host& h, std::span<const ComponentValue> a) {
  NW_TRY_ASSIGN(uint32_t fd, FdArg(h, a[0]));
  return Done(SymlinkAt(h.ctx(), a[1].ToUtf8(), fd, a[2].ToUtf8()));
}

Result<struct stat> StatOf(Host& h, const ComponentValue& v) {
  NW_TRY_ASSIGN(uint32_t fd, FdArg(h, v));
  Descriptor* d = h.ctx().Get(fd);
  struct stat st {};
  if (!d || fstat(d->host_fd, &st) != 0) return MakeError("stat");
  return st;
}

ComponentValue Hash(const struct stat& st) {
  return ComponentValue::Record({ComponentValue::U64(st.st_ino), ComponentValue::U64(st.st_dev)});
}

HostResult GetDirectories(Host& h, std::span<const ComponentValue>) {
  WasiCtx& ctx = h.ctx();
  std::vector<ComponentValue> out;
  size_t n = ctx.fds_.size();
  for (uint32_t i = 0; i < n; ++i) {
    Descriptor* d = ctx.Get(i);
    if (!d || !d->is_preopen) continue;
    // Each call hands out handles of its own: a copy of the slot with a dup of the fd.
    int dup_fd = fcntl(d->host_fd, F_DUPFD_CLOEXEC, 0);
    if (dup_fd < 0) return component::Trap("wasi:filesystem/preopens: cannot duplicate a preopen");
    Descriptor nd;
    nd.owned = UniqueFd(dup_fd);
    nd.host_fd = dup_fd;
    nd.kind = d->kind;
    nd.filetype = d->filetype;
    nd.rights_base = d->rights_base;
    nd.rights_inheriting = d->rights_inheriting;
    nd.read_only = d->read_only;
    std::string name = d->preopen_name;
    uint32_t fd;
    if (Errno e = ctx.Insert(std::move(nd), &fd); e != kSuccess)
      return component::Trap("wasi:filesystem/preopens: descriptor limit reached");
    auto obj = std::make_unique<DescriptorObj>();
    obj->ctx = h.ctx_ptr();
    obj->fd = fd;
    auto s = ComponentValue::String(name);
    if (!s) return component::Trap("wasi:filesystem/preopens: a preopen name is not UTF-8");
    out.push_back(ComponentValue::Record({h.Own(std::move(obj)), std::move(*s)}));
  }
  return One(ComponentValue::List(std::move(out)));
}

}  // namespace

void AddFilesystemInterfaces(std::vector<InterfaceSpec>& out) {
  out.push_back(
      {"wasi:filesystem/types",
       {"wasi:io/streams", "wasi:io/error", "wasi:clocks/wall-clock"},
       {{"filesize", "u64"},
        {"link-count", "u64"},
        {"descriptor-type",
         "enum{unknown, block-device, character-device, directory, fifo, "
         "symbolic-link, regular-file, socket}"},
        {"descriptor-flags",
         "flags{read, write, file-integrity-sync, data-integrity-sync, "
         "requested-write-sync, mutate-directory}"},
        {"path-flags", "flags{symlink-follow}"},
        {"open-flags", "flags{create, directory, exclusive, truncate}"},
        {"descriptor-stat",
         "record{type: descriptor-type, link-count: link-count, size: filesize, "
         "data-access-timestamp: option<datetime>, "
         "data-modification-timestamp: option<datetime>, "
         "status-change-timestamp: option<datetime>}"},
        {"new-timestamp", "variant{no-change, now, timestamp(datetime)}"},
        {"directory-entry", "record{type: descriptor-type, name: string}"},
        {"error-code",
         "enum{access, would-block, already, bad-descriptor, busy, deadlock, quota, exist, "
         "file-too-large, illegal-byte-sequence, in-progress, interrupted, invalid, io, "
         "is-directory, loop, too-many-links, message-size, name-too-long, no-device, no-entry, "
         "no-lock, insufficient-memory, insufficient-space, not-directory, not-empty, "
         "not-recoverable, unsupported, no-tty, no-such-device, overflow, not-permitted, pipe, "
         "read-only, invalid-seek, text-file-busy, cross-device}"},
        {"advice", "enum{normal, sequential, random, will-need, dont-need, no-reuse}"},
        {"metadata-hash-value", "record{lower: u64, upper: u64}"},
        {"descriptor", "resource"},
        {"directory-entry-stream", "resource"}},
       {
           {"[method]descriptor.read-via-stream", "(filesize) -> result<input-stream, error-code>",
            [](Host& h, std::span<const ComponentValue> a) { return Stream(h, a, 0); }},
           {"[method]descriptor.write-via-stream",
            "(filesize) -> result<output-stream, error-code>",
            [](Host& h, std::span<const ComponentValue> a) { return Stream(h, a, 1); }},
           {"[method]descriptor.append-via-stream", "() -> result<output-stream, error-code>",
            [](Host& h, std::span<const ComponentValue> a) { return Stream(h, a, 2); }},
           {"[method]descriptor.advise", "(filesize, filesize, advice) -> result<_, error-code>",
            [](Host& h, std::span<const ComponentValue> a) -> HostResult {
              NW_TRY_ASSIGN(uint32_t fd, FdArg(h, a[0]));
              Descriptor* d;
              if (Errno e = Need(h, fd, right::kFdAdvise, &d)) return ErrR(e);
              return OkR();  // advice only: nothing is promised
            }},
           {"[method]descriptor.sync-data", "() -> result<_, error-code>",
            [](Host& h, std::span<const ComponentValue> a) { return Sync(h, a, true); }},
           {"[method]descriptor.get-flags", "() -> result<descriptor-flags, error-code>", GetFlags},
           {"[method]descriptor.get-type", "() -> result<descriptor-type, error-code>", GetType},
           {"[method]descriptor.set-size", "(filesize) -> result<_, error-code>", SetSize},
           {"[method]descriptor.set-times",
            "(new-timestamp, new-timestamp) -> result<_, error-code>", SetTimes},
           {"[method]descriptor.read",
            "(filesize, filesize) -> result<tuple<list<u8>, bool>, error-code>", ReadFn},
           {"[method]descriptor.write", "(list<u8>, filesize) -> result<filesize, error-code>",
            WriteFn},
           {"[method]descriptor.read-directory", "() -> result<directory-entry-stream, error-code>",
            ReadDirectory},
           {"[method]descriptor.sync", "() -> result<_, error-code>",
            [](Host& h, std::span<const ComponentValue> a) { return Sync(h, a, false); }},
           {"[method]descriptor.create-directory-at", "(string) -> result<_, error-code>",
            PathFn<CreateDirectoryAt>},
           {"[method]descriptor.stat", "() -> result<descriptor-stat, error-code>", Stat},
           {"[method]descriptor.stat-at",
            "(path-flags, string) -> result<descriptor-stat, error-code>", StatAtFn},
           {"[method]descriptor.set-times-at",
            "(path-flags, string, new-timestamp, new-timestamp) -> result<_, error-code>",
            SetTimesAtFn},
           {"[method]descriptor.link-at",
            "(path-flags, string, borrow<descriptor>, string) -> result<_, error-code>", LinkAtFn},
           {"[method]descriptor.open-at",
            "(path-flags, string, open-flags, descriptor-flags) -> result<descriptor, error-code>",
            OpenAtFn},
           {"[method]descriptor.readlink-at", "(string) -> result<string, error-code>",
            ReadlinkAtFn},
           {"[method]descriptor.remove-directory-at", "(string) -> result<_, error-code>",
            PathFn<RemoveDirectoryAt>},
           {"[method]descriptor.rename-at",
            "(string, borrow<descriptor>, string) -> result<_, error-code>", RenameAtFn},
           {"[method]descriptor.symlink-at", "(string, string) -> result<_, error-code>",
            SymlinkAtFn},
           {"[method]descriptor.unlink-file-at", "(string) -> result<_, error-code>",
            PathFn<UnlinkFileAt>},
           {"[method]descriptor.is-same-object", "(borrow<descriptor>) -> bool",
            [](Host& h, std::span<const ComponentValue> a) -> HostResult {
              auto x = StatOf(h, a[0]);
              auto y = StatOf(h, a[1]);
              return One(
                  ComponentValue::Bool(x && y && x->st_dev == y->st_dev && x->st_ino == y->st_ino));
            }},
           {"[method]descriptor.metadata-hash", "() -> result<metadata-hash-value, error-code>",
            [](Host& h, std::span<const ComponentValue> a) -> HostResult {
              auto st = StatOf(h, a[0]);
              if (!st) return ErrR(kBadf);
              return One(Ok(Hash(*st)));
            }},
           {"[method]descriptor.metadata-hash-at",
            "(path-flags, string) -> result<metadata-hash-value, error-code>",
            [](Host& h, std::span<const ComponentValue> a) -> HostResult {
              NW_TRY_ASSIGN(uint32_t fd, FdArg(h, a[0]));
              struct stat st;
              if (Errno e = StatAt(h.ctx(), fd, a[1].bits() & 1, a[2].ToUtf8(), &st))
                return ErrR(e);
              return One(Ok(Hash(st)));
            }},
           {"[method]directory-entry-stream.read-directory-entry",
            "() -> result<option<directory-entry>, error-code>", ReadDirectoryEntry},
           {"filesystem-error-code", "(borrow<error>) -> option<error-code>",
            [](Host& h, std::span<const ComponentValue> a) -> HostResult {
              auto* e = h.Get<ErrorObj>(static_cast<uint32_t>(a[0].bits()));
              if (!e) return One(None());
              return One(Some(Enum(CodeOf(e->code))));
            }},
       }});
  out.push_back({"wasi:filesystem/preopens",
                 {"wasi:filesystem/types"},
                 {},
                 {{"get-directories", "() -> list<tuple<descriptor, string>>", GetDirectories}}});
}

}  // namespace nw::wasi2
