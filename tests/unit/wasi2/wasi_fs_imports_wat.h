// The WASI 0.2 filesystem imports of a test component, in the shape wit-component gives them:
// wasi:filesystem/types (the descriptor resource, error-code, the flags, open-at) and
// wasi:filesystem/preopens (get-directories). The enclosing component must be named `$C`; the
// imports define `$types`, `$desc` and `$pre`. Shared by the wasi2 and tree tests.
#pragma once

#include <string>
#include <string_view>

namespace nw::testing {

inline std::string WasiFsImportsWat(std::string_view version) {
  std::string wat = R"(
  (import "wasi:filesystem/types@VERSION" (instance $types
    (export "descriptor" (type $d (sub resource)))
    (type $ec (enum "access" "would-block" "already" "bad-descriptor" "busy" "deadlock" "quota"
      "exist" "file-too-large" "illegal-byte-sequence" "in-progress" "interrupted" "invalid" "io"
      "is-directory" "loop" "too-many-links" "message-size" "name-too-long" "no-device"
      "no-entry" "no-lock" "insufficient-memory" "insufficient-space" "not-directory"
      "not-empty" "not-recoverable" "unsupported" "no-tty" "no-such-device" "overflow"
      "not-permitted" "pipe" "read-only" "invalid-seek" "text-file-busy" "cross-device"))
    (export "error-code" (type $ec2 (eq $ec)))
    (type $pf (flags "symlink-follow"))
    (export "path-flags" (type $pf2 (eq $pf)))
    (type $of (flags "create" "directory" "exclusive" "truncate"))
    (export "open-flags" (type $of2 (eq $of)))
    (type $df (flags "read" "write" "file-integrity-sync" "data-integrity-sync"
      "requested-write-sync" "mutate-directory"))
    (export "descriptor-flags" (type $df2 (eq $df)))
    (export "[method]descriptor.open-at" (func (param "self" (borrow $d)) (param "path-flags" $pf2)
      (param "path" string) (param "open-flags" $of2) (param "flags" $df2)
      (result (result (own $d) (error $ec2)))))))
  (alias export $types "descriptor" (type $desc))
  (import "wasi:filesystem/preopens@VERSION" (instance $pre
    (alias outer $C $desc (type $d))
    (export "descriptor" (type $d2 (eq $d)))
    (export "get-directories" (func (result (list (tuple (own $d2) string)))))))
)";
  for (size_t at; (at = wat.find("VERSION")) != std::string::npos;) wat.replace(at, 7, version);
  return wat;
}

}  // namespace nw::testing
