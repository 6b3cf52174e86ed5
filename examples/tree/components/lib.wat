;; A dependency as a component node (examples/tree/tree_demo.sh, story 3): it holds only what its
;; parent's manifest hands it (uploads/), through its own WASI 0.2 context and handle table, and
;; exports the interface local:tree/files. Its results are a record and strings, which the
;; canonical ABI copies out of its memory into its parent's.
(component $C
  (import "wasi:filesystem/types@0.2.0" (instance $types
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
  (import "wasi:filesystem/preopens@0.2.0" (instance $pre
    (alias outer $C $desc (type $d))
    (export "descriptor" (type $d2 (eq $d)))
    (export "get-directories" (func (result (list (tuple (own $d2) string)))))))
  (core module $Mem
    (memory (export "mem") 1)
    (global $n (mut i32) (i32.const 8192))
    (func (export "realloc") (param i32 i32 i32 i32) (result i32) (local $r i32)
      (local.set $r (i32.and (i32.add (global.get $n) (i32.const 7)) (i32.const -8)))
      (global.set $n (i32.add (local.get $r) (local.get 3)))
      (local.get $r)))
  (core instance $mem (instantiate $Mem))
  (alias core export $mem "mem" (core memory $cmem))
  (core func $dirs (canon lower (func $pre "get-directories") (memory $cmem) (realloc (core func $mem "realloc"))))
  (core func $open (canon lower (func $types "[method]descriptor.open-at") (memory $cmem) (realloc (core func $mem "realloc"))))
  (core func $drop (canon resource.drop $desc))
  (core module $M
    (import "" "mem" (memory 1))
    (import "" "dirs" (func $dirs (param i32)))
    (import "" "open" (func $open (param i32 i32 i32 i32 i32 i32 i32)))
    (import "" "drop" (func $drop (param i32)))
    (data (i32.const 1000) "hello, ")
    (data (i32.const 1100) "../data/sentinel.txt")
    (data (i32.const 1200) "refused, not-permitted")
    (data (i32.const 1300) "WRITTEN")
    (data (i32.const 1400) "refused, another error")
    ;; describe() -> record {dirs: u32, first: string}: what it was handed.
    (func (export "describe") (result i32)
      (call $dirs (i32.const 16))
      (i32.store (i32.const 128) (i32.load (i32.const 20)))
      (if (i32.load (i32.const 20)) (then
        (i32.store (i32.const 132) (i32.load (i32.add (i32.load (i32.const 16)) (i32.const 4))))
        (i32.store (i32.const 136) (i32.load (i32.add (i32.load (i32.const 16)) (i32.const 8))))))
      (i32.const 128))
    ;; greet(name) -> "hello, " + name
    (func (export "greet") (param $p i32) (param $n i32) (result i32)
      (memory.copy (i32.const 1007) (local.get $p) (local.get $n))
      (i32.store (i32.const 144) (i32.const 1000))
      (i32.store (i32.const 148) (i32.add (i32.const 7) (local.get $n)))
      (i32.const 144))
    ;; escape() -> string: tries to truncate its parent's ../data/sentinel.txt from its uploads/.
    (func (export "escape") (result i32)
      (call $dirs (i32.const 16))
      (call $open (i32.load (i32.load (i32.const 16))) (i32.const 1) (i32.const 1100) (i32.const 20)
        (i32.const 8) (i32.const 2) (i32.const 64))
      (if (i32.eqz (i32.load8_u (i32.const 64)))
        (then (i32.store (i32.const 152) (i32.const 1300)) (i32.store (i32.const 156) (i32.const 7)))
        (else (if (i32.eq (i32.load8_u (i32.const 68)) (i32.const 31))
          (then (i32.store (i32.const 152) (i32.const 1200)) (i32.store (i32.const 156) (i32.const 22)))
          (else (i32.store (i32.const 152) (i32.const 1400)) (i32.store (i32.const 156) (i32.const 22))))))
      (i32.const 152)))
  (core instance $m (instantiate $M (with "" (instance
    (export "mem" (memory $cmem)) (export "dirs" (func $dirs)) (export "open" (func $open))
    (export "drop" (func $drop))))))
  (type $info (record (field "dirs" u32) (field "first" string)))
  (export $ie "info" (type $info))
  (func $describe (result $ie) (canon lift (core func $m "describe") (memory $cmem) (realloc (core func $mem "realloc"))))
  (func $greet (param "name" string) (result string)
    (canon lift (core func $m "greet") (memory $cmem) (realloc (core func $mem "realloc"))))
  (func $escape (result string) (canon lift (core func $m "escape") (memory $cmem) (realloc (core func $mem "realloc"))))
  (instance $api (export "info" (type $ie)) (export "describe" (func $describe))
    (export "greet" (func $greet)) (export "escape" (func $escape)))
  (export "local:tree/files" (instance $api)))
