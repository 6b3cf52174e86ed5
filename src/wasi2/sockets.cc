// wasi:sockets@0.2.x, deny by default: the guest reaches only what the grants of its WasiConfig
// allow, the same grants as preview1's (-S tcplisten=ADDR:PORT). A TCP socket can be created
// only when a listener was granted, and bound only to the address of a granted listener (it
// then takes over that pre-opened listening socket, once); connecting out, UDP and name lookup
// have no grant in nanowasm and are `access-denied`. Accepted connections are streams of
// wasi:io like any other.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>

#include "component/canon_options.h"
#include "wasi2/objects.h"

namespace nw::wasi2 {

namespace {

// clang-format off
enum SockCode : uint32_t {
  kUnknown, kAccessDenied, kNotSupported, kInvalidArgument, kOutOfMemory, kTimeout,
  kConcurrencyConflict, kNotInProgress, kWouldBlock, kInvalidState, kNewSocketLimit,
  kAddressNotBindable, kAddressInUse, kRemoteUnreachable, kConnectionRefused, kConnectionReset,
  kConnectionAborted,
};
// clang-format on

struct NetworkObj : Object {};

struct TcpSocketObj : Object {
  uint32_t family = 0;  // ip-address-family: 0 ipv4, 1 ipv6
  SharedFd fd;          // null until bound to a granted listener (or accepted)
  bool bound = false, listening = false, connected = false;
};

HostResult SockErr(uint32_t code) { return One(Err(Enum(code))); }
HostResult Denied(Host&, std::span<const ComponentValue>) { return SockErr(kAccessDenied); }
HostResult NotSupported(Host&, std::span<const ComponentValue>) { return SockErr(kNotSupported); }
HostResult Unreachable(Host&, std::span<const ComponentValue>) {
  return component::Trap("wasi:sockets: no such socket can exist (never granted)");
}

bool HasListener(WasiCtx& ctx) {
  for (uint32_t i = 0; i < ctx.fds_.size(); ++i)
    if (auto* d = ctx.Get(i); d && d->kind == wasi::FdKind::kListener) return true;
  return false;
}

ComponentValue AddressValue(const sockaddr_storage& ss) {
  if (ss.ss_family == AF_INET) {
    const auto* in = reinterpret_cast<const sockaddr_in*>(&ss);
    const auto* b = reinterpret_cast<const uint8_t*>(&in->sin_addr);
    return ComponentValue::Variant(
        0, ComponentValue::Record(
               {ComponentValue::U16(ntohs(in->sin_port)),
                ComponentValue::Record({ComponentValue::U8(b[0]), ComponentValue::U8(b[1]),
                                        ComponentValue::U8(b[2]), ComponentValue::U8(b[3])})}));
  }
  const auto* in6 = reinterpret_cast<const sockaddr_in6*>(&ss);
  std::vector<ComponentValue> words;
  for (int i = 0; i < 8; ++i)
    words.push_back(ComponentValue::U16(static_cast<uint16_t>(in6->sin6_addr.s6_addr[2 * i] << 8 |
                                                              in6->sin6_addr.s6_addr[2 * i + 1])));
  return ComponentValue::Variant(
      1, ComponentValue::Record({ComponentValue::U16(ntohs(in6->sin6_port)),
                                 ComponentValue::U32(ntohl(in6->sin6_flowinfo)),
                                 ComponentValue::Record(std::move(words)),
                                 ComponentValue::U32(in6->sin6_scope_id)}));
}

TcpSocketObj* Sock(Host& h, std::span<const ComponentValue> a) {
  return h.Get<TcpSocketObj>(static_cast<uint32_t>(a[0].bits()));
}

HostResult CreateTcp(Host& h, std::span<const ComponentValue> a) {
  // Without a granted listener there is nothing a TCP socket could be used for.
  if (!HasListener(h.ctx())) return SockErr(kAccessDenied);
  auto s = std::make_unique<TcpSocketObj>();
  s->family = a[0].case_index();
  return One(Ok(h.Own(std::move(s))));
}

// start-bind: only to the address a granted listener is bound to; the socket takes it over.
HostResult StartBind(Host& h, std::span<const ComponentValue> a) {
  auto* s = Sock(h, a);
  if (!s) return Unreachable(h, a);
  if (s->bound) return SockErr(kInvalidState);
  WasiCtx& ctx = h.ctx();
  for (uint32_t i = 0; i < ctx.fds_.size(); ++i) {
    wasi::Descriptor* d = ctx.Get(i);
    if (!d || d->kind != wasi::FdKind::kListener) continue;
    sockaddr_storage ss{};
    socklen_t len = sizeof ss;
    if (getsockname(d->host_fd, reinterpret_cast<sockaddr*>(&ss), &len) != 0) continue;
    if (!(AddressValue(ss) == a[2])) continue;
    // Taken over once: the slot leaves the capability table with its fd.
    s->fd = std::make_shared<wasi::UniqueFd>(d->owned.Release());
    ctx.Remove(i);
    s->bound = true;
    return One(Ok());
  }
  return SockErr(kAccessDenied);
}

HostResult FinishBind(Host& h, std::span<const ComponentValue> a) {
  auto* s = Sock(h, a);
  if (!s) return Unreachable(h, a);
  return s->bound ? One(Ok()) : SockErr(kNotInProgress);
}

HostResult StartListen(Host& h, std::span<const ComponentValue> a) {
  auto* s = Sock(h, a);
  if (!s) return Unreachable(h, a);
  if (!s->bound || s->listening) return SockErr(kInvalidState);
  return One(Ok());  // the granted socket is listening already
}

HostResult FinishListen(Host& h, std::span<const ComponentValue> a) {
  auto* s = Sock(h, a);
  if (!s) return Unreachable(h, a);
  if (!s->bound) return SockErr(kNotInProgress);
  s->listening = true;
  return One(Ok());
}

HostResult Accept(Host& h, std::span<const ComponentValue> a) {
  auto* s = Sock(h, a);
  if (!s) return Unreachable(h, a);
  if (!s->listening) return SockErr(kInvalidState);
  int c = accept4(s->fd->get(), nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
  if (c < 0)
    return SockErr(errno == EAGAIN || errno == EWOULDBLOCK ? kWouldBlock : kConnectionAborted);
  auto keep = std::make_shared<wasi::UniqueFd>(c);
  auto client = std::make_unique<TcpSocketObj>();
  client->family = s->family;
  client->fd = keep;
  client->bound = client->connected = true;
  auto in = std::make_unique<InputStreamObj>();
  in->keep = keep;
  in->fd = c;
  in->socket = true;
  auto out = std::make_unique<OutputStreamObj>();
  out->keep = keep;
  out->fd = c;
  out->socket = true;
  return One(Ok(ComponentValue::Record(
      {h.Own(std::move(client)), h.Own(std::move(in)), h.Own(std::move(out))})));
}

HostResult Address(Host& h, std::span<const ComponentValue> a, bool remote) {
  auto* s = Sock(h, a);
  if (!s) return Unreachable(h, a);
  if (!s->fd || (remote && !s->connected)) return SockErr(kInvalidState);
  sockaddr_storage ss{};
  socklen_t len = sizeof ss;
  int r = remote ? getpeername(s->fd->get(), reinterpret_cast<sockaddr*>(&ss), &len)
                 : getsockname(s->fd->get(), reinterpret_cast<sockaddr*>(&ss), &len);
  if (r != 0) return SockErr(kUnknown);
  return One(Ok(AddressValue(ss)));
}

HostResult Subscribe(Host& h, std::span<const ComponentValue> a) {
  auto* s = Sock(h, a);
  if (!s) return Unreachable(h, a);
  auto p = std::make_unique<PollableObj>();
  if (s->fd) {
    p->keep = s->fd;
    p->fd = s->fd->get();
    p->events = POLLIN;
  }
  return One(h.Own(std::move(p)));
}

HostResult Shutdown(Host& h, std::span<const ComponentValue> a) {
  auto* s = Sock(h, a);
  if (!s) return Unreachable(h, a);
  if (!s->connected) return SockErr(kInvalidState);
  static constexpr int kHow[] = {SHUT_RD, SHUT_WR, SHUT_RDWR};
  shutdown(s->fd->get(), kHow[std::min<uint32_t>(a[1].case_index(), 2)]);
  return One(Ok());
}

}  // namespace

void AddSocketsInterfaces(std::vector<InterfaceSpec>& out) {
  out.push_back(
      {"wasi:sockets/network",
       {"wasi:io/error"},
       {{"network", "resource"},
        {"error-code",
         "enum{unknown, access-denied, not-supported, invalid-argument, out-of-memory, timeout, "
         "concurrency-conflict, not-in-progress, would-block, invalid-state, new-socket-limit, "
         "address-not-bindable, address-in-use, remote-unreachable, connection-refused, "
         "connection-reset, connection-aborted, datagram-too-large, name-unresolvable, "
         "temporary-resolver-failure, permanent-resolver-failure}"},
        {"ip-address-family", "enum{ipv4, ipv6}"},
        {"ipv4-address", "tuple<u8, u8, u8, u8>"},
        {"ipv6-address", "tuple<u16, u16, u16, u16, u16, u16, u16, u16>"},
        {"ip-address", "variant{ipv4(ipv4-address), ipv6(ipv6-address)}"},
        {"ipv4-socket-address", "record{port: u16, address: ipv4-address}"},
        {"ipv6-socket-address",
         "record{port: u16, flow-info: u32, address: ipv6-address, scope-id: u32}"},
        {"ip-socket-address", "variant{ipv4(ipv4-socket-address), ipv6(ipv6-socket-address)}"}},
       {{"network-error-code", "(borrow<error>) -> option<error-code>",
         [](Host&, std::span<const ComponentValue>) { return One(None()); }}}});
  out.push_back(
      {"wasi:sockets/instance-network",
       {"wasi:sockets/network"},
       {},
       {{"instance-network", "() -> network", [](Host& h, std::span<const ComponentValue>) {
           return One(h.Own(std::make_unique<NetworkObj>()));
         }}}});
  out.push_back(
      {"wasi:sockets/tcp",
       {"wasi:sockets/network", "wasi:io/streams", "wasi:io/poll", "wasi:clocks/monotonic-clock"},
       {{"shutdown-type", "enum{receive, send, both}"}, {"tcp-socket", "resource"}},
       {
           {"[method]tcp-socket.start-bind",
            "(borrow<network>, ip-socket-address) -> result<_, error-code>", StartBind},
           {"[method]tcp-socket.finish-bind", "() -> result<_, error-code>", FinishBind},
           {"[method]tcp-socket.start-connect",
            "(borrow<network>, ip-socket-address) -> result<_, error-code>", Denied},
           {"[method]tcp-socket.finish-connect",
            "() -> result<tuple<input-stream, output-stream>, error-code>",
            [](Host&, std::span<const ComponentValue>) { return SockErr(kNotInProgress); }},
           {"[method]tcp-socket.start-listen", "() -> result<_, error-code>", StartListen},
           {"[method]tcp-socket.finish-listen", "() -> result<_, error-code>", FinishListen},
           {"[method]tcp-socket.accept",
            "() -> result<tuple<tcp-socket, input-stream, output-stream>, error-code>", Accept},
           {"[method]tcp-socket.local-address", "() -> result<ip-socket-address, error-code>",
            [](Host& h, std::span<const ComponentValue> a) { return Address(h, a, false); }},
           {"[method]tcp-socket.remote-address", "() -> result<ip-socket-address, error-code>",
            [](Host& h, std::span<const ComponentValue> a) { return Address(h, a, true); }},
           {"[method]tcp-socket.is-listening", "() -> bool",
            [](Host& h, std::span<const ComponentValue> a) -> HostResult {
              auto* s = Sock(h, a);
              return One(ComponentValue::Bool(s && s->listening));
            }},
           {"[method]tcp-socket.address-family", "() -> ip-address-family",
            [](Host& h, std::span<const ComponentValue> a) -> HostResult {
              auto* s = Sock(h, a);
              return One(Enum(s ? s->family : 0));
            }},
           {"[method]tcp-socket.set-listen-backlog-size", "(u64) -> result<_, error-code>",
            NotSupported},
           {"[method]tcp-socket.keep-alive-enabled", "() -> result<bool, error-code>",
            NotSupported},
           {"[method]tcp-socket.set-keep-alive-enabled", "(bool) -> result<_, error-code>",
            NotSupported},
           {"[method]tcp-socket.keep-alive-idle-time", "() -> result<duration, error-code>",
            NotSupported},
           {"[method]tcp-socket.set-keep-alive-idle-time", "(duration) -> result<_, error-code>",
            NotSupported},
           {"[method]tcp-socket.keep-alive-interval", "() -> result<duration, error-code>",
            NotSupported},
           {"[method]tcp-socket.set-keep-alive-interval", "(duration) -> result<_, error-code>",
            NotSupported},
           {"[method]tcp-socket.keep-alive-count", "() -> result<u32, error-code>", NotSupported},
           {"[method]tcp-socket.set-keep-alive-count", "(u32) -> result<_, error-code>",
            NotSupported},
           {"[method]tcp-socket.hop-limit", "() -> result<u8, error-code>", NotSupported},
           {"[method]tcp-socket.set-hop-limit", "(u8) -> result<_, error-code>", NotSupported},
           {"[method]tcp-socket.receive-buffer-size", "() -> result<u64, error-code>",
            NotSupported},
           {"[method]tcp-socket.set-receive-buffer-size", "(u64) -> result<_, error-code>",
            NotSupported},
           {"[method]tcp-socket.send-buffer-size", "() -> result<u64, error-code>", NotSupported},
           {"[method]tcp-socket.set-send-buffer-size", "(u64) -> result<_, error-code>",
            NotSupported},
           {"[method]tcp-socket.subscribe", "() -> pollable", Subscribe},
           {"[method]tcp-socket.shutdown", "(shutdown-type) -> result<_, error-code>", Shutdown},
       }});
  out.push_back({"wasi:sockets/tcp-create-socket",
                 {"wasi:sockets/network", "wasi:sockets/tcp"},
                 {},
                 {{"create-tcp-socket", "(ip-address-family) -> result<tcp-socket, error-code>",
                   CreateTcp}}});
  out.push_back(
      {"wasi:sockets/udp",
       {"wasi:sockets/network", "wasi:io/poll"},
       {{"incoming-datagram", "record{data: list<u8>, remote-address: ip-socket-address}"},
        {"outgoing-datagram", "record{data: list<u8>, remote-address: option<ip-socket-address>}"},
        {"udp-socket", "resource"},
        {"incoming-datagram-stream", "resource"},
        {"outgoing-datagram-stream", "resource"}},
       {
           {"[method]udp-socket.start-bind",
            "(borrow<network>, ip-socket-address) -> result<_, error-code>", Denied},
           {"[method]udp-socket.finish-bind", "() -> result<_, error-code>", Denied},
           {"[method]udp-socket.stream",
            "(option<ip-socket-address>) -> result<tuple<incoming-datagram-stream, "
            "outgoing-datagram-stream>, error-code>",
            Denied},
           {"[method]udp-socket.local-address", "() -> result<ip-socket-address, error-code>",
            Denied},
           {"[method]udp-socket.remote-address", "() -> result<ip-socket-address, error-code>",
            Denied},
           {"[method]udp-socket.address-family", "() -> ip-address-family", Unreachable},
           {"[method]udp-socket.unicast-hop-limit", "() -> result<u8, error-code>", Denied},
           {"[method]udp-socket.set-unicast-hop-limit", "(u8) -> result<_, error-code>", Denied},
           {"[method]udp-socket.receive-buffer-size", "() -> result<u64, error-code>", Denied},
           {"[method]udp-socket.set-receive-buffer-size", "(u64) -> result<_, error-code>", Denied},
           {"[method]udp-socket.send-buffer-size", "() -> result<u64, error-code>", Denied},
           {"[method]udp-socket.set-send-buffer-size", "(u64) -> result<_, error-code>", Denied},
           {"[method]udp-socket.subscribe", "() -> pollable", Unreachable},
           {"[method]incoming-datagram-stream.receive",
            "(u64) -> result<list<incoming-datagram>, error-code>", Denied},
           {"[method]incoming-datagram-stream.subscribe", "() -> pollable", Unreachable},
           {"[method]outgoing-datagram-stream.check-send", "() -> result<u64, error-code>", Denied},
           {"[method]outgoing-datagram-stream.send",
            "(list<outgoing-datagram>) -> result<u64, error-code>", Denied},
           {"[method]outgoing-datagram-stream.subscribe", "() -> pollable", Unreachable},
       }});
  out.push_back(
      {"wasi:sockets/udp-create-socket",
       {"wasi:sockets/network", "wasi:sockets/udp"},
       {},
       {{"create-udp-socket", "(ip-address-family) -> result<udp-socket, error-code>", Denied}}});
  out.push_back(
      {"wasi:sockets/ip-name-lookup",
       {"wasi:sockets/network", "wasi:io/poll"},
       {{"resolve-address-stream", "resource"}},
       {{"resolve-addresses",
         "(borrow<network>, string) -> result<resolve-address-stream, error-code>", Denied},
        {"[method]resolve-address-stream.resolve-next-address",
         "() -> result<option<ip-address>, error-code>", Denied},
        {"[method]resolve-address-stream.subscribe", "() -> pollable", Unreachable}}});
}

}  // namespace nw::wasi2
