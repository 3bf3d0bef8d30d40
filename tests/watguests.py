"""Tiny guests in WAT for tests of the session and the command line, each named for what it does."""

# Shared: write the bytes at [ptr, ptr+len) to fd 1 with one fd_write.
_PRELUDE = """
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  (memory (export "memory") 1)
  (func $print (param $ptr i32) (param $len i32)
    (i32.store (i32.const 0) (local.get $ptr))
    (i32.store (i32.const 4) (local.get $len))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8))))
"""

#: Prints its argv, each argument followed by a NUL.
PRINT_ARGS = f"""(module
  (import "wasi_snapshot_preview1" "args_sizes_get" (func $sizes (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "args_get" (func $get (param i32 i32) (result i32)))
  {_PRELUDE}
  (func (export "_start")
    (drop (call $sizes (i32.const 16) (i32.const 20)))
    (drop (call $get (i32.const 1024) (i32.const 4096)))
    (call $print (i32.const 4096) (i32.load (i32.const 20)))))
"""

#: Prints its environment, each NAME=VALUE followed by a NUL.
PRINT_ENV = PRINT_ARGS.replace('"args_sizes_get"', '"environ_sizes_get"').replace('"args_get"', '"environ_get"')

#: Exits with the code 7.
EXIT_7 = f"""(module {_PRELUDE}
  (func (export "_start") (call $proc_exit (i32.const 7))))
"""

#: Hits `unreachable` two calls deep, for a backtrace.
TRAP = f"""(module {_PRELUDE}
  (func $inner (unreachable))
  (func $outer (call $inner))
  (func (export "_start") (call $outer)))
"""

#: Loops forever without calling the host.
SPIN = f"""(module {_PRELUDE}
  (func (export "_start") (loop $l (br $l))))
"""

#: Grows its memory by 100 pages (6.4 MiB); traps if that fails.
GROW = f"""(module {_PRELUDE}
  (func (export "_start")
    (if (i32.eq (memory.grow (i32.const 100)) (i32.const -1)) (then (unreachable)))))
"""

#: Imports something no WASI host provides.
FOREIGN_IMPORT = """(module
  (import "env" "magic" (func $magic))
  (memory (export "memory") 1)
  (func (export "_start") (call $magic)))
"""

#: A module with no _start (a library, not a command).
NO_START = """(module (memory (export "memory") 1))"""

#: Creates "left.txt" holding "kept", then loops forever.
WRITE_THEN_SPIN = f"""(module
  (import "wasi_snapshot_preview1" "path_open"
    (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  {_PRELUDE}
  (data (i32.const 100) "left.txt")
  (data (i32.const 120) "kept")
  (func (export "_start")
    (drop (call $path_open (i32.const 3) (i32.const 0) (i32.const 100) (i32.const 8) (i32.const 1)
                           (i64.const 64) (i64.const 0) (i32.const 0) (i32.const 16)))
    (i32.store (i32.const 0) (i32.const 120))
    (i32.store (i32.const 4) (i32.const 4))
    (drop (call $fd_write (i32.load (i32.const 16)) (i32.const 0) (i32.const 1) (i32.const 8)))
    (loop $l (br $l))))
"""

#: Calls sched_yield forever: a loop that is in a host function most of the time.
YIELD_FOREVER = f"""(module
  (import "wasi_snapshot_preview1" "sched_yield" (func $yield (result i32)))
  {_PRELUDE}
  (func (export "_start") (loop $l (drop (call $yield)) (br $l))))
"""
