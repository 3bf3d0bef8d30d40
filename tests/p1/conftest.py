"""wasi-libc as the reference for wasi_notebook.p1, built once per session.

A C program built with zig's wasi-libc prints every ``__WASI_*`` constant of ``<wasi/api.h>``
and the size, alignment and field offsets of each struct; it runs on wasmtime's built-in WASI.
The same module's imports give the core wasm type of every preview1 function. The
``wasi_libc`` fixture hands both over; ``test_defs``, ``test_structs`` and ``test_signatures``
compare them with what the package defines. :func:`fault` checks that a call answers FAULT.
"""

from __future__ import annotations

import dataclasses
import re
import subprocess
import sys
from pathlib import Path
from collections.abc import Callable
from typing import Any

import pytest

from wasi_notebook.errors import Errno, WasiError
from wasi_notebook.p1.defs import MODULE
from wasi_notebook.p1.memory import GuestMemoryError
from wasi_notebook.p1.structs import (
    Dirent,
    Event,
    Fdstat,
    Filestat,
    Iovec,
    Prestat,
    Subscription,
    SubscriptionClock,
    SubscriptionFdReadwrite,
)

def fault(call: Callable[..., object], *args: Any) -> GuestMemoryError:
    """Call ``call(*args)``, check it raises a GuestMemoryError that is a FAULT WasiError, return it."""
    with pytest.raises(GuestMemoryError) as info:
        call(*args)
    error = info.value
    assert isinstance(error, WasiError)
    assert error.errno is Errno.FAULT
    return error


# The 46 functions of wasi_snapshot_preview1, in witx order.
FUNCTIONS = [
    "args_get",
    "args_sizes_get",
    "environ_get",
    "environ_sizes_get",
    "clock_res_get",
    "clock_time_get",
    "fd_advise",
    "fd_allocate",
    "fd_close",
    "fd_datasync",
    "fd_fdstat_get",
    "fd_fdstat_set_flags",
    "fd_fdstat_set_rights",
    "fd_filestat_get",
    "fd_filestat_set_size",
    "fd_filestat_set_times",
    "fd_pread",
    "fd_prestat_get",
    "fd_prestat_dir_name",
    "fd_pwrite",
    "fd_read",
    "fd_readdir",
    "fd_renumber",
    "fd_seek",
    "fd_sync",
    "fd_tell",
    "fd_write",
    "path_create_directory",
    "path_filestat_get",
    "path_filestat_set_times",
    "path_link",
    "path_open",
    "path_readlink",
    "path_remove_directory",
    "path_rename",
    "path_symlink",
    "path_unlink_file",
    "poll_oneoff",
    "proc_exit",
    "proc_raise",
    "sched_yield",
    "random_get",
    "sock_accept",
    "sock_recv",
    "sock_send",
    "sock_shutdown",
]

# codec -> (C type, {python field: C member designator})
STRUCTS = {
    Iovec: ("__wasi_iovec_t", {"buf": "buf", "buf_len": "buf_len"}),
    Fdstat: ("__wasi_fdstat_t", None),
    Filestat: ("__wasi_filestat_t", None),
    Dirent: ("__wasi_dirent_t", None),
    Prestat: ("__wasi_prestat_t", {"tag": "tag", "pr_name_len": "u.dir.pr_name_len"}),
    SubscriptionClock: ("__wasi_subscription_clock_t", None),
    SubscriptionFdReadwrite: ("__wasi_subscription_fd_readwrite_t", None),
    Subscription: ("__wasi_subscription_t", {"userdata": "userdata", "type": "u.tag", "u": "u.u"}),
    Event: (
        "__wasi_event_t",
        {
            "userdata": "userdata",
            "error": "error",
            "type": "type",
            "nbytes": "fd_readwrite.nbytes",
            "flags": "fd_readwrite.flags",
        },
    ),
}


def struct_members(codec: Any) -> dict[str, str]:
    """``{python field: C member designator}`` of a codec in :data:`STRUCTS`."""
    c_type, members = STRUCTS[codec]
    if members is None:
        members = {f.name: f.name for f in dataclasses.fields(codec)}
    return members


def _zig(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    cmd = [sys.executable, "-m", "ziglang", "cc", "-target", "wasm32-wasi", *args]
    done = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=300)
    if done.returncode != 0:
        pytest.fail(f"zig cc {' '.join(args)} failed:\n{done.stderr}")
    return done


def _c_program(constants: list[str]) -> str:
    lines = [
        "#include <stddef.h>",
        "#include <stdint.h>",
        "#include <stdio.h>",
        "#include <wasi/api.h>",
        "",
        "// wasi-libc dropped proc_raise from <wasi/api.h>; import it as the witx declares it.",
        "uint16_t p1_proc_raise(uint8_t sig)",
        '    __attribute__((import_module("wasi_snapshot_preview1"), import_name("proc_raise")));',
        "",
        "// Taking each address makes the module import every function.",
        "void *volatile keep[] = {",
    ]
    lines += [f"    (void *)__wasi_{name}," for name in FUNCTIONS if name != "proc_raise"]
    lines += [
        "    (void *)p1_proc_raise,",
        "};",
        "",
        "int main(void) {",
        "    // Read the table, or the linker drops it with the imports it refers to.",
        "    uintptr_t sum = 0;",
        "    for (size_t i = 0; i < sizeof keep / sizeof keep[0]; i++) sum |= (uintptr_t)keep[i];",
        '    printf("count functions %zu\\n", sum ? sizeof keep / sizeof keep[0] : 0);',
    ]
    for name in constants:
        lines.append(f'    printf("const {name} %llu\\n", (unsigned long long)({name}));')
    for codec in STRUCTS:
        c_type = STRUCTS[codec][0]
        lines.append(f'    printf("size {c_type} %zu\\n", sizeof({c_type}));')
        lines.append(f'    printf("align {c_type} %zu\\n", _Alignof({c_type}));')
        for member in struct_members(codec).values():
            lines.append(f'    printf("offset {c_type}.{member} %zu\\n", offsetof({c_type}, {member}));')
            lines.append(
                f'    printf("width {c_type}.{member} %zu\\n", sizeof((({c_type} *)0)->{member}));'
            )
    lines += ["    return 0;", "}", ""]
    return "\n".join(lines)


@pytest.fixture(scope="session")
def wasi_libc(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """Build and run the C program once.

    ``{"values": {"<what> <key>": int}, "constants": [macro, ...],
    "imports": {name: (params, results)}}``.
    """
    wasmtime = pytest.importorskip("wasmtime")
    pytest.importorskip("ziglang")
    work = tmp_path_factory.mktemp("defs_c")
    (work / "h.c").write_text("#include <wasi/api.h>\n")
    macros = _zig("-E", "-dM", "h.c", cwd=work).stdout
    constants = sorted(set(re.findall(r"^#define (__WASI_[A-Z0-9_]+) ", macros, re.M)))
    assert len(constants) > 100, macros[:2000]
    (work / "layout.c").write_text(_c_program(constants))
    _zig("-O0", "layout.c", "-o", "layout.wasm", cwd=work)

    engine = wasmtime.Engine()
    module = wasmtime.Module.from_file(engine, str(work / "layout.wasm"))
    imports = {}
    for imp in module.imports:
        if imp.module == MODULE:
            ft = imp.type
            imports[imp.name] = (
                tuple(str(t) for t in ft.params),
                tuple(str(t) for t in ft.results),
            )

    linker = wasmtime.Linker(engine)
    linker.define_wasi()
    store = wasmtime.Store(engine)
    config = wasmtime.WasiConfig()
    out = work / "stdout.txt"
    config.stdout_file = str(out)
    store.set_wasi(config)
    instance = linker.instantiate(store, module)
    try:
        instance.exports(store)["_start"](store)
    except wasmtime.ExitTrap as exit_trap:
        assert exit_trap.code == 0
    values: dict[str, int] = {}
    for line in out.read_text().splitlines():
        what, key, number = line.split()
        values[f"{what} {key}"] = int(number)
    return {"values": values, "constants": constants, "imports": imports}
