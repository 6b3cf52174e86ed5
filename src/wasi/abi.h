// The wasi_snapshot_preview1 ABI as the witx defines it: errno values, rights bits, flag bits
// and the byte layout of every structure the host reads or writes in guest memory. The older
// `wasi_unstable` layouts that differ (filestat, subscription, whence) are here too.
#pragma once

#include <cstdint>

namespace nw::wasi {

using Errno = uint16_t;

// errno (u16), in witx order.
enum : Errno {
  kSuccess = 0, k2Big, kAcces, kAddrInUse, kAddrNotAvail, kAfNoSupport, kAgain, kAlready, kBadf,
  kBadMsg, kBusy, kCanceled, kChild, kConnAborted, kConnRefused, kConnReset, kDeadlk,
  kDestAddrReq, kDom, kDquot, kExist, kFault, kFbig, kHostUnreach, kIdrm, kIlseq, kInProgress,
  kIntr, kInval, kIo, kIsConn, kIsDir, kLoop, kMfile, kMlink, kMsgSize, kMultihop,
  kNameTooLong, kNetDown, kNetReset, kNetUnreach, kNfile, kNoBufs, kNoDev, kNoEnt, kNoExec,
  kNoLck, kNoLink, kNoMem, kNoMsg, kNoProtoOpt, kNoSpc, kNoSys, kNotConn, kNotDir, kNotEmpty,
  kNotRecoverable, kNotSock, kNotSup, kNotTy, kNxio, kOverflow, kOwnerDead, kPerm, kPipe,
  kProto, kProtoNoSupport, kProtoType, kRange, kRofs, kSpipe, kSrch, kStale, kTimedOut,
  kTxtBsy, kXdev, kNotCapable,
};
static_assert(kNotCapable == 76);

// rights (u64 flags), bit numbers in witx order.
namespace right {
inline constexpr uint64_t kFdDatasync = 1ull << 0, kFdRead = 1ull << 1, kFdSeek = 1ull << 2,
    kFdFdstatSetFlags = 1ull << 3, kFdSync = 1ull << 4, kFdTell = 1ull << 5,
    kFdWrite = 1ull << 6, kFdAdvise = 1ull << 7, kFdAllocate = 1ull << 8,
    kPathCreateDirectory = 1ull << 9, kPathCreateFile = 1ull << 10,
    kPathLinkSource = 1ull << 11, kPathLinkTarget = 1ull << 12, kPathOpen = 1ull << 13,
    kFdReaddir = 1ull << 14, kPathReadlink = 1ull << 15, kPathRenameSource = 1ull << 16,
    kPathRenameTarget = 1ull << 17, kPathFilestatGet = 1ull << 18,
    kPathFilestatSetSize = 1ull << 19, kPathFilestatSetTimes = 1ull << 20,
    kFdFilestatGet = 1ull << 21, kFdFilestatSetSize = 1ull << 22,
    kFdFilestatSetTimes = 1ull << 23, kPathSymlink = 1ull << 24,
    kPathRemoveDirectory = 1ull << 25, kPathUnlinkFile = 1ull << 26,
    kPollFdReadwrite = 1ull << 27, kSockShutdown = 1ull << 28, kSockAccept = 1ull << 29;

// What applies to a regular file (or other non-directory) descriptor.
inline constexpr uint64_t kFile = kFdDatasync | kFdRead | kFdSeek | kFdFdstatSetFlags | kFdSync |
                                  kFdTell | kFdWrite | kFdAdvise | kFdAllocate | kFdFilestatGet |
                                  kFdFilestatSetSize | kFdFilestatSetTimes | kPollFdReadwrite;
// What applies to a directory descriptor.
inline constexpr uint64_t kDir = kFdFdstatSetFlags | kFdSync | kPathCreateDirectory |
                                 kPathCreateFile | kPathLinkSource | kPathLinkTarget |
                                 kPathOpen | kFdReaddir | kPathReadlink | kPathRenameSource |
                                 kPathRenameTarget | kPathFilestatGet | kPathFilestatSetSize |
                                 kPathFilestatSetTimes | kFdFilestatGet | kFdFilestatSetTimes |
                                 kPathSymlink | kPathRemoveDirectory | kPathUnlinkFile;
// Every right that can change something (removed from read-only grants). Link source is among
// them: a hard link of a read-only file into a writable grant would make it writable.
inline constexpr uint64_t kMutating =
    kFdDatasync | kFdWrite | kFdAllocate | kFdFilestatSetSize | kFdFilestatSetTimes |
    kPathCreateDirectory | kPathCreateFile | kPathLinkSource | kPathLinkTarget |
    kPathRenameSource | kPathRenameTarget | kPathFilestatSetSize | kPathFilestatSetTimes |
    kPathSymlink | kPathRemoveDirectory | kPathUnlinkFile;
// Rights that need the host descriptor opened for writing.
inline constexpr uint64_t kNeedsWrite = kFdWrite | kFdAllocate | kFdFilestatSetSize;
inline constexpr uint64_t kSocket = kFdRead | kFdWrite | kFdFdstatSetFlags | kFdFilestatGet |
                                    kPollFdReadwrite | kSockShutdown;
inline constexpr uint64_t kListener = kFdFdstatSetFlags | kFdFilestatGet | kPollFdReadwrite |
                                      kSockAccept;
}  // namespace right

// filetype (u8)
enum : uint8_t {
  kFtUnknown = 0, kFtBlockDevice, kFtCharacterDevice, kFtDirectory, kFtRegularFile,
  kFtSocketDgram, kFtSocketStream, kFtSymbolicLink,
};
// fdflags (u16)
inline constexpr uint16_t kFdflagAppend = 1, kFdflagDsync = 2, kFdflagNonblock = 4,
                          kFdflagRsync = 8, kFdflagSync = 16;
// oflags (u16)
inline constexpr uint16_t kOflagCreat = 1, kOflagDirectory = 2, kOflagExcl = 4, kOflagTrunc = 8;
// lookupflags (u32)
inline constexpr uint32_t kLookupSymlinkFollow = 1;
// fstflags (u16)
inline constexpr uint16_t kFstAtim = 1, kFstAtimNow = 2, kFstMtim = 4, kFstMtimNow = 8;
// whence (u8): preview1 set/cur/end = 0/1/2; wasi_unstable cur/end/set = 0/1/2.
inline constexpr uint8_t kWhenceSet = 0, kWhenceCur = 1, kWhenceEnd = 2;
// clockid (u32)
inline constexpr uint32_t kClockRealtime = 0, kClockMonotonic = 1, kClockProcessCputime = 2,
                          kClockThreadCputime = 3;
// eventtype (u8), subclockflags (u16), eventrwflags (u16)
inline constexpr uint8_t kEventClock = 0, kEventFdRead = 1, kEventFdWrite = 2;
inline constexpr uint16_t kSubclockAbstime = 1, kEventHangup = 1;
// riflags, roflags (u16), sdflags (u8)
inline constexpr uint16_t kRecvPeek = 1, kRecvWaitall = 2, kRecvDataTruncated = 1;
inline constexpr uint8_t kShutRd = 1, kShutWr = 2;
// advice (u8)
inline constexpr uint8_t kAdviceNormal = 0, kAdviceSequential = 1, kAdviceRandom = 2,
                         kAdviceWillneed = 3, kAdviceDontneed = 4, kAdviceNoreuse = 5;

// Layouts (offsets within the structure; all little-endian).
namespace layout {
inline constexpr uint32_t kIovecSize = 8;  // buf u32 @0, buf_len u32 @4
// fdstat: filetype u8 @0, flags u16 @2, rights_base u64 @8, rights_inheriting u64 @16
inline constexpr uint32_t kFdstatSize = 24;
// filestat (preview1): dev @0, ino @8, filetype u8 @16, nlink u64 @24, size @32, atim @40,
// mtim @48, ctim @56. wasi_unstable: nlink u32 @20, size @24, atim @32, mtim @40, ctim @48.
inline constexpr uint32_t kFilestatSize = 64, kFilestatSizeUnstable = 56;
// dirent: d_next u64 @0, d_ino u64 @8, d_namlen u32 @16, d_type u8 @20; name follows.
inline constexpr uint32_t kDirentSize = 24;
// prestat: tag u8 @0 (0 = dir), pr_name_len u32 @4
inline constexpr uint32_t kPrestatSize = 8;
// subscription (preview1, 48 bytes): userdata u64 @0, tag u8 @8, then @16: clock {id u32 @16,
// timeout u64 @24, precision u64 @32, flags u16 @40} or fd_readwrite {fd u32 @16}.
// wasi_unstable (56 bytes): clock {identifier u64 @16, id u32 @24, timeout @32, precision @40,
// flags u16 @48}.
inline constexpr uint32_t kSubscriptionSize = 48, kSubscriptionSizeUnstable = 56;
// event (32 bytes): userdata u64 @0, error u16 @8, type u8 @10, nbytes u64 @16, flags u16 @24
inline constexpr uint32_t kEventSize = 32;
}  // namespace layout

}  // namespace nw::wasi
