// A child's capability table derived from its parent's (the capability tree): each key the
// parent hands down is looked up among the parent's own, and a directory beneath one of the
// parent's is found with the guest's own resolver (resolve.cc), so a grant can never reach
// further than a path_open by the parent could. Not here: which child gets what (the manifest,
// src/tree) and linking (src/tree); this file only narrows one table into another.
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>

#include "wasi/ctx.h"
#include "wasi/funcs.h"

namespace nw {

namespace {

using namespace wasi;

std::string Quoted(std::string_view s) {
  return "\"" + std::string(s) + "\"";
}

// "uploads/", "./uploads" -> "uploads"; "/" and "." stay.
std::string NormalizeName(std::string_view s) {
  while (s.size() > 2 && s.substr(0, 2) == "./")
    s.remove_prefix(2);
  while (s.size() > 1 && s.back() == '/')
    s.remove_suffix(1);
  return std::string(s);
}

// The parent's pre-opened directory `from` names, and the path beneath it ("" for itself).
const Descriptor* FindParentDir(const WasiCtx& parent, const std::string& from, std::string* rest) {
  const Descriptor* best = nullptr;
  size_t best_len = 0;
  for (size_t i = 0; i < parent.fds_.size(); ++i) {
    if (!parent.used_[i] || !parent.fds_[i].is_preopen)
      continue;
    const Descriptor& d = parent.fds_[i];
    std::string name = NormalizeName(d.preopen_name);
    std::string r;
    if (from == name) {
      r = "";
    } else if (name == "." && !from.empty() && from[0] != '/') {
      r = from;  // anything relative lies beneath "." as far as names go; the resolver decides
    } else if (from.size() > name.size() && from.compare(0, name.size(), name) == 0 &&
               (from[name.size()] == '/' || name.back() == '/')) {
      r = from.substr(name.size() + (name.back() == '/' ? 0 : 1));
    } else {
      continue;
    }
    size_t len = name == "." ? 0 : name.size() + 1;
    if (!best || len > best_len)
      best = &d, best_len = len, *rest = r;
  }
  return best;
}

// A new host fd for the directory `rest` beneath `dir`, or the reason it cannot be handed down.
Result<int> OpenBeneath(const WasiCtx& parent,
                        const Descriptor& dir,
                        const std::string& rest,
                        const std::string& what) {
  if (rest.empty()) {
    int h = fcntl(dir.host_fd, F_DUPFD_CLOEXEC, 0);
    if (h < 0)
      return MakeError(what + ": " + std::strerror(errno));
    return h;
  }
  ResolveResult r = ResolvePath(dir.host_fd, rest, /*follow_last=*/true, parent.resolver_);
  if (r.error == kNotCapable)
    return MakeError(what + " leaves its parent's directory " + Quoted(dir.preopen_name));
  if (r.error != kSuccess)
    return MakeError(what + " cannot be opened beneath its parent's directory " +
                     Quoted(dir.preopen_name) + " (errno " + std::to_string(r.error) + ")");
  int h = openat(r.value.parent.get(), r.value.name.c_str(),
                 O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (h < 0)
    return MakeError(what + " is not a directory beneath its parent's " + Quoted(dir.preopen_name) +
                     ": " + std::strerror(errno));
  return h;
}

// The parent's listener bound to `spec`, as its context was created (not released since).
size_t ListenerIndex(const WasiCtx& ctx, const std::string& spec) {
  for (size_t k = 0; k < ctx.listener_addrs_.size() && k < ctx.listener_fds_.size(); ++k) {
    uint32_t fd = ctx.listener_fds_[k];
    if (!spec.empty() && ctx.listener_addrs_[k] == spec && fd < ctx.fds_.size() && ctx.used_[fd] &&
        ctx.fds_[fd].kind == FdKind::kListener)
      return k;
  }
  return SIZE_MAX;
}

const Descriptor* FindListener(const WasiCtx& ctx, const std::string& spec) {
  size_t k = ListenerIndex(ctx, spec);
  return k == SIZE_MAX ? nullptr : &ctx.fds_[ctx.listener_fds_[k]];
}

bool HasEnv(const WasiCtx& parent, const std::string& name, std::string* entry) {
  for (const std::string& e : parent.env_)
    if (e.size() > name.size() && e.compare(0, name.size(), name) == 0 && e[name.size()] == '=')
      return *entry = e, true;
  return false;
}

}  // namespace

Result<std::shared_ptr<WasiCtx>> DeriveWasiCtx(const WasiCtx& parent, const WasiGrant& grant) {
  const std::string kNotGranted = " is not granted to its parent";
  auto ctx = std::make_shared<WasiCtx>();
  ctx->resolver_ = parent.resolver_;
  ctx->args_.push_back(grant.argv0);
  for (const std::string& a : grant.args) {
    if (std::find(parent.args_.begin() + std::min<size_t>(1, parent.args_.size()),
                  parent.args_.end(), a) == parent.args_.end())
      return MakeError("arg " + Quoted(a) + kNotGranted);
    ctx->args_.push_back(a);
  }
  for (const std::string& name : grant.env) {
    std::string entry;
    if (!HasEnv(parent, name, &entry))
      return MakeError("env " + Quoted(name) + kNotGranted);
    ctx->env_.push_back(entry);
  }
  if (grant.clocks && !parent.clocks_)
    return MakeError("clocks" + kNotGranted);
  if (grant.random && !parent.random_)
    return MakeError("random" + kNotGranted);
  ctx->clocks_ = grant.clocks;
  ctx->random_ = grant.random;
  for (const std::string& spec : grant.connect) {
    sockaddr_storage ss;
    socklen_t len;
    if (!ParseSockAddr(spec, &ss, &len))
      return MakeError("connect " + Quoted(spec) + ": expected a numeric ADDR:PORT");
    if (!ConnectGranted(parent, ss))
      return MakeError("connect " + Quoted(spec) + kNotGranted);
    ctx->connect_.push_back(spec);
  }
  ctx->max_fds_ = std::max<uint32_t>(grant.max_fds, 3 + grant.dirs.size() + grant.listen.size());
  // Stdio: the parent's host stdio as it was granted, or nothing.
  const bool pass[3] = {grant.pass_stdin, grant.pass_stdout, grant.pass_stderr};
  for (int i = 0; i < 3; ++i) {
    ctx->stdio_host_[i] = pass[i] ? parent.stdio_host_[i] : -1;
    Descriptor d;
    d.kind = FdKind::kStdio;
    d.host_fd = ctx->stdio_host_[i];
    d.filetype = kFtCharacterDevice;
    if (pass[i] && i < static_cast<int>(parent.fds_.size()) && parent.used_[i] &&
        parent.fds_[i].kind == FdKind::kStdio)
      d.filetype = parent.fds_[i].filetype;
    d.rights_base = (i == 0 ? right::kFdRead : right::kFdWrite) | right::kFdFdstatSetFlags |
                    right::kFdFilestatGet | right::kPollFdReadwrite;
    uint32_t fd;
    ctx->Insert(std::move(d), &fd);
  }
  for (const WasiDirGrant& g : grant.dirs) {
    std::string from = NormalizeName(g.from);
    std::string what = "dir " + Quoted(g.from);
    std::string rest;
    const Descriptor* pd = FindParentDir(parent, from, &rest);
    if (!pd)
      return MakeError(what + kNotGranted);
    if (!g.read_only && pd->read_only)
      return MakeError(what + " is read-only for its parent; it cannot be granted read-write");
    NW_TRY_ASSIGN(int h, OpenBeneath(parent, *pd, rest, what));
    Descriptor d;
    d.owned = UniqueFd(h);
    d.host_fd = h;
    d.kind = FdKind::kDir;
    d.filetype = kFtDirectory;
    d.rights_base = pd->rights_base;
    d.rights_inheriting = pd->rights_inheriting;
    d.read_only = pd->read_only || g.read_only;
    if (d.read_only) {
      d.rights_base &= ~right::kMutating;
      d.rights_inheriting &= ~right::kMutating;
    }
    d.is_preopen = true;
    d.preopen_name = g.guest_path.empty() ? g.from : g.guest_path;
    uint32_t fd;
    ctx->Insert(std::move(d), &fd);
  }
  for (const std::string& spec : grant.listen) {
    const wasi::Descriptor* pl = FindListener(parent, spec);
    if (!pl)
      return MakeError("listen " + Quoted(spec) + kNotGranted);
    int h = fcntl(pl->host_fd, F_DUPFD_CLOEXEC, 0);
    if (h < 0)
      return MakeError("listen " + Quoted(spec) + ": " + std::strerror(errno));
    Descriptor d;
    d.owned = UniqueFd(h);
    d.host_fd = h;
    d.kind = FdKind::kListener;
    d.filetype = kFtSocketStream;
    d.rights_base = right::kListener;
    d.rights_inheriting = right::kSocket;
    uint32_t fd;
    ctx->Insert(std::move(d), &fd);
    ctx->listener_addrs_.push_back(spec);
    ctx->listener_fds_.push_back(fd);
  }
  return ctx;
}

Status ReleaseWasiListener(WasiCtx& ctx, const std::string& addr) {
  size_t k = ListenerIndex(ctx, addr);
  if (k == SIZE_MAX)
    return MakeError("listen " + Quoted(addr) + " is not held");
  ctx.Remove(ctx.listener_fds_[k]);  // closes this table's duplicate of the socket
  ctx.listener_addrs_[k].clear();
  return Ok();
}

}  // namespace nw
