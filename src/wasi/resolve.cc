// Guest path resolution that never leaves the granted directory. Two resolvers, selectable:
// - openat2: the kernel resolves everything but the last component with RESOLVE_BENEATH |
//   RESOLVE_NO_MAGICLINKS (any `..`, absolute symlink or magic link that would leave the root
//   fails with EXDEV/ELOOP), retried on EAGAIN (a concurrent rename) a bounded number of times.
//   A final symlink, when the guest asked to follow it, is expanded here and its target
//   resolved from the link's own directory (beneath it, so no path grows by splicing: a chain
//   of 4 KB targets resolves as the kernel resolves it). A target that climbs above that
//   directory is resolved again from the root as one spliced path while that fits in
//   kMaxPathBytes, else by the walker.
// - walk: component by component from a chain of directories descended from the root by name;
//   every component is opened with O_PATH|O_NOFOLLOW, symlinks are expanded here (at most 40,
//   absolute targets refused), and `..` pops the chain (refused at the root), so renames and
//   swapped symlinks cannot move it out. A bounded number of the chain's fds stay open.
// Absolute guest paths are refused by both. Errors are WASI errno values.
#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <deque>
#include <vector>

#include "wasi/ctx.h"

namespace nw::wasi {

namespace {

std::atomic<bool> openat2_missing{false};
constexpr int kEagainRetries = 64;

ResolveResult Fail(Errno e) {
  ResolveResult r;
  r.error = e;
  return r;
}

// Escapes reported by the kernel's beneath checks are capability errors for the guest.
Errno MapResolveErrno(int e) {
  if (e == EXDEV) return kNotCapable;
  return FromHostErrno(e);
}

bool ReadLinkAt(int dirfd, const char* name, std::string* out) {
  char buf[kMaxPathBytes + 1];
  ssize_t n = readlinkat(dirfd, name, buf, sizeof(buf));
  if (n < 0) return false;
  if (static_cast<size_t>(n) > kMaxPathBytes) {
    errno = ENAMETOOLONG;
    return false;
  }
  out->assign(buf, static_cast<size_t>(n));
  return true;
}

// Splits "a/b/c//" into ("a/b", "c", trailing=true). A last component "." or ".." (or a path
// that is only slashes after stripping, which cannot happen for relative paths) names the
// directory itself: dir = whole path, last = ".".
void SplitLast(std::string_view path, std::string_view* dir, std::string_view* last,
               bool* trailing) {
  size_t end = path.size();
  while (end > 0 && path[end - 1] == '/') --end;
  *trailing = end != path.size();
  std::string_view stripped = path.substr(0, end);
  size_t slash = stripped.rfind('/');
  std::string_view name = slash == std::string_view::npos ? stripped : stripped.substr(slash + 1);
  if (name == "." || name == "..") {
    *dir = stripped;
    *last = ".";
    return;
  }
  *last = name;
  if (slash == std::string_view::npos) {
    *dir = {};
  } else {
    size_t d = slash;
    while (d > 0 && stripped[d - 1] == '/') --d;
    *dir = stripped.substr(0, d);
  }
}

// openat2 of a directory beneath root; -errno style result in *err.
int Openat2Dir(int root, const std::string& path, int* err) {
  open_how how{};
  how.flags = O_PATH | O_DIRECTORY | O_CLOEXEC;
  how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
  for (int attempt = 0; attempt < kEagainRetries; ++attempt) {
    long fd = syscall(SYS_openat2, root, path.c_str(), &how, sizeof(how));
    if (fd >= 0) return static_cast<int>(fd);
    if (errno != EAGAIN && errno != EINTR) {
      *err = errno;
      return -1;
    }
  }
  *err = EAGAIN;
  return -1;
}

ResolveResult ResolveWalk(int root, std::string_view path, bool follow_last);

// Returns true and fills *out when openat2 handled the request; false to use the walker.
// `base` is where `cur` is resolved from: the root, then the directory of the last link
// followed (an fd obtained beneath the root). `from_root` is the same position spelled from
// the root, kept while it fits, for targets that climb above their link's directory.
bool ResolveOpenat2(int root, std::string_view path, bool follow_last, ResolveResult* out) {
  UniqueFd base_owned;
  int base = root;
  std::string cur(path), from_root(path);
  bool from_root_fits = true;
  for (int hops = 0;; ++hops) {
    std::string_view dir, last;
    bool trailing = false;
    SplitLast(cur, &dir, &last, &trailing);
    int err = 0;
    int fd = Openat2Dir(base, dir.empty() ? std::string(".") : std::string(dir), &err);
    if (fd < 0) {
      if (err == ENOSYS) {
        openat2_missing.store(true, std::memory_order_relaxed);
        return false;
      }
      if (err == EAGAIN) return false;  // persistent races: let the walker decide
      if (err == EXDEV && base != root) {
        // Above the link's directory: maybe still beneath the root. Start again from there.
        if (!from_root_fits) return false;
        base_owned.Reset();
        base = root;
        cur = from_root;
        --hops;  // the same position, not another expansion
        continue;
      }
      *out = Fail(MapResolveErrno(err));
      return true;
    }
    Resolved r;
    r.parent = UniqueFd(fd);
    r.name = std::string(last);
    r.trailing_slash = trailing;
    bool follow = follow_last || trailing;
    struct stat st;
    if (r.name == "." || !follow ||
        fstatat(fd, r.name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISLNK(st.st_mode)) {
      out->error = kSuccess;
      out->value = std::move(r);
      return true;
    }
    if (hops >= kMaxSymlinkExpansions) {
      *out = Fail(kLoop);
      return true;
    }
    std::string target;
    if (!ReadLinkAt(fd, r.name.c_str(), &target)) {
      *out = Fail(LastErrno());
      return true;
    }
    if (target.empty()) {
      *out = Fail(kNoEnt);
      return true;
    }
    if (target[0] == '/') {
      *out = Fail(kNotCapable);
      return true;
    }
    if (from_root_fits) {
      std::string_view root_dir, root_last;
      bool root_trailing = false;
      SplitLast(from_root, &root_dir, &root_last, &root_trailing);
      std::string next = root_dir.empty() ? target : std::string(root_dir) + "/" + target;
      if (trailing) next += "/";
      from_root_fits = next.size() <= kMaxPathBytes;
      if (from_root_fits) from_root = std::move(next);
    }
    cur = std::move(target);
    if (trailing) cur += "/";
    base_owned = std::move(r.parent);
    base = base_owned.get();
  }
}

void PushComponents(std::deque<std::string>* q, std::string_view path) {
  // Inserted in front, preserving order.
  std::vector<std::string> parts;
  size_t i = 0;
  while (i < path.size()) {
    size_t j = path.find('/', i);
    if (j == std::string_view::npos) j = path.size();
    if (j > i) parts.emplace_back(path.substr(i, j - i));
    i = j + 1;
  }
  for (auto it = parts.rbegin(); it != parts.rend(); ++it) q->push_front(std::move(*it));
}

// The walker's directory chain from the root: one entry per level, its name and, for a few
// levels only, an open fd. Holding an fd for every level would let one deep guest path (2,048
// components in 4 KiB, more through symlinks) hold thousands of host fds at once and make the
// embedder's own open() calls fail with EMFILE. So only the root, every kCheckpointEvery-th level
// and the deepest kTail levels keep their fd; a level without one is reopened by name from the
// nearest held ancestor, the same O_PATH|O_NOFOLLOW|O_DIRECTORY step as the first time (a
// directory swapped for a symlink meanwhile fails with ENOTDIR). Descending from held fds by
// name never leaves the subtree, so this is as safe as a full stack (a concurrent rename can
// make `..` land in a directory the walk did not pass through, but still beneath the held
// ancestor). At most 1 + kMaxWalkDepth / kCheckpointEvery + kTail + 2 fds (74) are open during
// a walk; the depth limit keeps that bound when symlinks splice in more components.
class DirChain {
 public:
  static constexpr size_t kTail = 8;
  static constexpr size_t kCheckpointEvery = 64;
  static constexpr size_t kMaxWalkDepth = 4095;  // levels below the root

  explicit DirChain(UniqueFd root) { levels_.push_back({std::string(), std::move(root)}); }
  size_t depth() const { return levels_.size() - 1; }
  void Pop() { levels_.pop_back(); }
  // The deepest level's fd, reopening the levels whose fd was dropped; -1 with errno set.
  int Top() {
    size_t held = levels_.size() - 1;
    while (!levels_[held].fd.valid()) --held;  // level 0 always holds its fd
    for (size_t k = held + 1; k < levels_.size(); ++k) {
      levels_[k].fd = UniqueFd(openat(levels_[k - 1].fd.get(), levels_[k].name.c_str(),
                                      O_PATH | O_NOFOLLOW | O_DIRECTORY | O_CLOEXEC));
      if (!levels_[k].fd.valid()) return -1;
      DropIfCold(k - 1);
    }
    return levels_.back().fd.get();
  }
  void Push(std::string name, UniqueFd fd) {
    levels_.push_back({std::move(name), std::move(fd)});
    if (levels_.size() > kTail + 1) DropIfCold(levels_.size() - kTail - 1);
  }
  // Gives up the deepest level's fd (for the result); only valid right after Top().
  UniqueFd TakeTop() { return std::move(levels_.back().fd); }

 private:
  struct Level {
    std::string name;
    UniqueFd fd;
  };
  // Closes level i's fd unless it is the root, a checkpoint or one of the deepest kTail levels.
  void DropIfCold(size_t i) {
    if (i != 0 && i % kCheckpointEvery != 0 && i + kTail < levels_.size()) levels_[i].fd.Reset();
  }
  std::vector<Level> levels_;
};

ResolveResult ResolveWalk(int root, std::string_view path, bool follow_last) {
  int base = fcntl(root, F_DUPFD_CLOEXEC, 0);
  if (base < 0) return Fail(LastErrno());
  DirChain chain{UniqueFd(base)};
  size_t end = path.size();
  while (end > 0 && path[end - 1] == '/') --end;
  bool trailing = end != path.size();
  std::deque<std::string> q;
  PushComponents(&q, path.substr(0, end));
  int expansions = 0;
  auto done = [&](std::string name) {
    if (chain.Top() < 0) return Fail(LastErrno());
    ResolveResult r;
    r.value.parent = chain.TakeTop();
    r.value.name = std::move(name);
    r.value.trailing_slash = trailing;
    return r;
  };
  if (q.empty()) return done(".");
  while (!q.empty()) {
    std::string c = std::move(q.front());
    q.pop_front();
    bool last = q.empty();
    if (c == ".") {
      if (last) return done(".");
      continue;
    }
    if (c == "..") {
      if (chain.depth() == 0) return Fail(kNotCapable);
      chain.Pop();
      if (last) return done(".");
      continue;
    }
    if (last && !follow_last && !trailing) return done(std::move(c));
    int top = chain.Top();
    if (top < 0) return Fail(LastErrno());
    UniqueFd fd(openat(top, c.c_str(), O_PATH | O_NOFOLLOW | O_CLOEXEC));
    if (!fd.valid()) {
      if (last && errno == ENOENT) return done(std::move(c));
      return Fail(LastErrno());
    }
    struct stat st;
    if (fstat(fd.get(), &st) != 0) return Fail(LastErrno());
    if (S_ISLNK(st.st_mode)) {
      if (++expansions > kMaxSymlinkExpansions) return Fail(kLoop);
      std::string target;
      if (!ReadLinkAt(fd.get(), "", &target)) return Fail(LastErrno());
      if (target.empty()) return Fail(kNoEnt);
      if (target[0] == '/') return Fail(kNotCapable);
      PushComponents(&q, target);
      // A target ending in "/" (or one that is all slashes after a name) means a directory.
      if (last && target.back() == '/') trailing = true;
      if (q.empty()) return done(".");  // cannot happen for a non-empty relative target
      continue;
    }
    if (last) return done(std::move(c));
    if (!S_ISDIR(st.st_mode)) return Fail(kNotDir);
    if (chain.depth() >= DirChain::kMaxWalkDepth) return Fail(kNameTooLong);
    chain.Push(std::move(c), std::move(fd));
  }
  return done(".");
}

}  // namespace

ResolveResult ResolvePath(int root, std::string_view path, bool follow_last, WasiResolver mode) {
  if (path.empty()) return Fail(kNoEnt);
  if (path.size() > kMaxPathBytes) return Fail(kNameTooLong);
  if (path.find('\0') != std::string_view::npos) return Fail(kInval);
  if (path[0] == '/') return Fail(kNotCapable);
  if (mode != WasiResolver::kWalk && !openat2_missing.load(std::memory_order_relaxed)) {
    ResolveResult r;
    if (ResolveOpenat2(root, path, follow_last, &r)) return r;
    if (mode == WasiResolver::kOpenat2 && openat2_missing.load(std::memory_order_relaxed))
      return Fail(kNoSys);
  }
  return ResolveWalk(root, path, follow_last);
}

}  // namespace nw::wasi
