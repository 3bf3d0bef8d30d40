"""wasi_notebook.p1.defs against wasi-libc, which is generated from the same witx.

A C program built with zig's wasi-libc prints every ``__WASI_*`` constant of ``<wasi/api.h>``
and the size, alignment and field offsets of each struct; it runs on wasmtime's built-in WASI
and its output is compared with defs. The same module's imports give the core wasm type of
every preview1 function, compared with SIGNATURES. It is built once per session.
"""

from __future__ import annotations

import dataclasses
import re
import struct
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wasi_notebook.errors import Errno, WasiError
from wasi_notebook.p1 import defs
from wasi_notebook.p1.defs import (
    Advice,
    Clockid,
    Dirent,
    Event,
    Eventrwflags,
    Eventtype,
    Fdflags,
    Fdstat,
    Filestat,
    Filetype,
    Fstflags,
    GuestMemoryError,
    Iovec,
    Lookupflags,
    Oflags,
    Preopentype,
    Prestat,
    Riflags,
    Rights,
    Roflags,
    SIGNATURES,
    Sdflags,
    Siflags,
    Signal,
    Subclockflags,
    Subscription,
    SubscriptionClock,
    SubscriptionFdReadwrite,
    Whence,
    format_flags,
    iovecs,
)

wasmtime = pytest.importorskip("wasmtime")

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

# The witx's $signal cases in order; wasi-libc's header no longer has them.
SIGNAL_NAMES = (
    "none hup int quit ill trap abrt bus fpe kill usr1 segv usr2 pipe alrm term chld cont "
    "stop tstp ttin ttou urg xcpu xfsz vtalrm prof winch poll pwr sys"
).split()

# Header constant prefix -> the Python type holding those values.
CONSTANT_TYPES: dict[str, Any] = {
    "CLOCKID": Clockid,
    "ERRNO": Errno,
    "RIGHTS": Rights,
    "WHENCE": Whence,
    "FILETYPE": Filetype,
    "ADVICE": Advice,
    "FDFLAGS": Fdflags,
    "FSTFLAGS": Fstflags,
    "LOOKUPFLAGS": Lookupflags,
    "OFLAGS": Oflags,
    "EVENTTYPE": Eventtype,
    "EVENTRWFLAGS": Eventrwflags,
    "SUBCLOCKFLAGS": Subclockflags,
    "RIFLAGS": Riflags,
    "ROFLAGS": Roflags,
    "SDFLAGS": Sdflags,
    "PREOPENTYPE": Preopentype,
}

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


def _members(codec: Any) -> dict[str, str]:
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
        for member in _members(codec).values():
            lines.append(f'    printf("offset {c_type}.{member} %zu\\n", offsetof({c_type}, {member}));')
            lines.append(
                f'    printf("width {c_type}.{member} %zu\\n", sizeof((({c_type} *)0)->{member}));'
            )
    lines += ["    return 0;", "}", ""]
    return "\n".join(lines)


@pytest.fixture(scope="session")
def wasi_libc(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """Build and run the C program once: {"values": {key: int}, "imports": {name: (params, results)}}."""
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
        if imp.module == defs.MODULE:
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


# ---- constants ------------------------------------------------------------------------------


def test_every_header_constant_matches(wasi_libc: dict) -> None:
    values = wasi_libc["values"]
    seen: dict[Any, set[str]] = {t: set() for t in CONSTANT_TYPES.values()}
    for macro in wasi_libc["constants"]:
        name = macro.removeprefix("__WASI_")
        value = values[f"const {macro}"]
        if name == "DIRCOOKIE_START":
            assert defs.DIRCOOKIE_START == value
            continue
        prefix = max((p for p in CONSTANT_TYPES if name.startswith(p + "_")), key=len)
        enum_type = CONSTANT_TYPES[prefix]
        member_name = name[len(prefix) + 1 :]
        if enum_type is Errno and member_name[0].isdigit():
            member_name = "_" + member_name
        assert enum_type[member_name].value == value, macro
        seen[enum_type].add(member_name)
    for enum_type, names in seen.items():
        # flags: the single bits (groups are aliases); enums: every member
        assert {m.name for m in enum_type} == names, enum_type


def test_signal_is_the_witx_order() -> None:
    assert [m.name.lower() for m in Signal] == SIGNAL_NAMES
    assert [m.value for m in Signal] == list(range(len(SIGNAL_NAMES)))


def test_flags_masks() -> None:
    for flags_type in defs.FLAGS_TYPES:
        expect = 0
        for member in flags_type:
            assert member.value & (member.value - 1) == 0, member  # one bit each
            expect |= member.value
        assert flags_type.MASK == expect
    assert Rights.MASK == Rights.ALL == (1 << 30) - 1
    assert len(list(Rights)) == 30
    assert Oflags.MASK == 0xF
    assert Fdflags.MASK == 0x1F
    assert Siflags.MASK == 0


def test_rights_groups() -> None:
    assert Rights.DIRECTORY_INHERITING == Rights.DIRECTORY | Rights.FILE
    assert Rights.FD_READDIR not in Rights.FILE
    assert Rights.FD_READ not in Rights.DIRECTORY
    assert Rights.PATH_OPEN in Rights.DIRECTORY
    assert Rights.FD_SEEK in Rights.FILE and Rights.FD_SEEK not in Rights.STDIO
    assert Rights.SOCK_ACCEPT in Rights.SOCKET
    for group in (Rights.FILE, Rights.DIRECTORY, Rights.STDIO, Rights.SOCKET):
        assert group & ~Rights.MASK == 0


def test_from_guest() -> None:
    assert Oflags.from_guest(9) == Oflags.CREAT | Oflags.TRUNC
    assert Rights.from_guest(Rights.MASK) == Rights.ALL
    assert Whence.from_guest(2) is Whence.END
    for call in (
        lambda: Oflags.from_guest(0x10),
        lambda: Rights.from_guest(1 << 30),
        lambda: Lookupflags.from_guest(-1),
        lambda: Siflags.from_guest(1),
        lambda: Whence.from_guest(3),
        lambda: Clockid.from_guest(-1),
    ):
        with pytest.raises(WasiError) as info:
            call()
        assert info.value.errno is Errno.INVAL


def test_format_flags() -> None:
    assert format_flags(Oflags.CREAT | Oflags.TRUNC, Oflags) == "CREAT|TRUNC"
    assert format_flags(9, Oflags) == "CREAT|TRUNC"
    assert format_flags(0, Oflags) == "0"
    assert format_flags(0x41, Oflags) == "CREAT|0x40"
    assert format_flags(0x40, Oflags) == "0x40"
    assert format_flags(0x1F0, Oflags) == "0x1f0"
    assert format_flags(0, Siflags) == "0"
    assert format_flags(2, Siflags) == "0x2"
    assert format_flags(Lookupflags.SYMLINK_FOLLOW, Lookupflags) == "SYMLINK_FOLLOW"
    assert format_flags(Rights.FD_READ | Rights.FD_WRITE, Rights) == "FD_READ|FD_WRITE"
    assert format_flags(Rights.ALL, Rights).count("|") == 29
    assert format_flags(Fstflags.ATIM_NOW | Fstflags.MTIM, Fstflags) == "ATIM_NOW|MTIM"
    with pytest.raises(ValueError):
        format_flags(-1, Oflags)


# ---- struct layouts -------------------------------------------------------------------------


@pytest.mark.parametrize("codec", list(STRUCTS), ids=lambda c: c.__name__)
def test_layout_matches_wasi_libc(wasi_libc: dict, codec: Any) -> None:
    values = wasi_libc["values"]
    c_type = STRUCTS[codec][0]
    members = _members(codec)
    assert set(codec.OFFSETS) == {f.name for f in dataclasses.fields(codec)} == set(members)
    assert codec.SIZE == values[f"size {c_type}"]
    assert codec.ALIGN == values[f"align {c_type}"]
    for field_name, member in members.items():
        assert codec.OFFSETS[field_name] == values[f"offset {c_type}.{member}"], field_name
    if hasattr(codec, "STRUCT"):
        assert codec.STRUCT.size == codec.SIZE


_WIDTH_FORMAT = {1: "<B", 2: "<H", 4: "<I", 8: "<Q"}


@pytest.mark.parametrize("codec", [Iovec, Fdstat, Filestat, Dirent, Prestat, Event], ids=lambda c: c.__name__)
def test_struct_puts_each_field_at_its_offset(wasi_libc: dict, codec: Any) -> None:
    values = wasi_libc["values"]
    c_type = STRUCTS[codec][0]
    members = _members(codec)
    names = [f.name for f in dataclasses.fields(codec)]
    sample = codec(*[i + 1 for i in range(len(names))])
    raw = sample.pack()
    assert len(raw) == codec.SIZE
    covered = bytearray(codec.SIZE)
    for i, name in enumerate(names):
        width = values[f"width {c_type}.{members[name]}"]
        offset = codec.OFFSETS[name]
        assert struct.unpack_from(_WIDTH_FORMAT[width], raw, offset)[0] == i + 1, name
        covered[offset : offset + width] = b"\xff" * width
    # padding is written as zeros
    assert all(b == 0 for b, c in zip(raw, covered) if not c)


def test_subscription_union_offsets(wasi_libc: dict) -> None:
    values = wasi_libc["values"]
    base = Subscription.OFFSETS["u"]
    clock = Subscription(1, Eventtype.CLOCK, SubscriptionClock(2, 3, 4, 5)).pack()
    for value, (name, offset) in zip((2, 3, 4, 5), SubscriptionClock.OFFSETS.items()):
        width = values[f"width __wasi_subscription_clock_t.{name}"]
        assert struct.unpack_from(_WIDTH_FORMAT[width], clock, base + offset)[0] == value
    assert clock[Subscription.OFFSETS["type"]] == Eventtype.CLOCK
    fd = Subscription(1, Eventtype.FD_WRITE, SubscriptionFdReadwrite(9)).pack()
    assert struct.unpack_from("<I", fd, base + SubscriptionFdReadwrite.OFFSETS["file_descriptor"])[0] == 9
    assert fd[Subscription.OFFSETS["type"]] == Eventtype.FD_WRITE
    assert struct.unpack_from("<Q", fd, 0)[0] == 1


# ---- codecs ---------------------------------------------------------------------------------

u8 = st.integers(0, 0xFF)
u16 = st.integers(0, 0xFFFF)
u32 = st.integers(0, 0xFFFFFFFF)
u64 = st.integers(0, 0xFFFFFFFFFFFFFFFF)


def _roundtrip(value: Any, at: int = 8) -> None:
    mem = bytearray(at + value.SIZE + 8)
    value.pack_into(mem, at)
    assert type(value).unpack_from(mem, at) == value
    assert type(value).unpack_from(memoryview(mem), at) == value
    assert bytes(mem[at : at + value.SIZE]) == value.pack()


@given(u32, u32)
def test_iovec_roundtrip(buf: int, buf_len: int) -> None:
    _roundtrip(Iovec(buf, buf_len), at=4)


@given(st.builds(Fdstat, u8, u16, u64, u64))
def test_fdstat_roundtrip(value: Fdstat) -> None:
    _roundtrip(value)


@given(st.builds(Filestat, u64, u64, u8, u64, u64, u64, u64, u64))
def test_filestat_roundtrip(value: Filestat) -> None:
    _roundtrip(value)


@given(st.builds(Dirent, u64, u64, u32, u8))
def test_dirent_roundtrip(value: Dirent) -> None:
    _roundtrip(value)


def test_dirent_encode() -> None:
    raw = Dirent.encode(7, 42, b"name.txt", Filetype.REGULAR_FILE)
    assert len(raw) == Dirent.SIZE + 8
    assert Dirent.unpack_from(raw, 0) == Dirent(7, 42, 8, Filetype.REGULAR_FILE)
    assert raw[Dirent.SIZE :] == b"name.txt"


@given(u32)
def test_prestat_roundtrip(name_len: int) -> None:
    _roundtrip(Prestat(Preopentype.DIR, name_len))


@given(st.builds(Event, u64, u16, st.sampled_from(list(Eventtype)), u64, u16))
def test_event_roundtrip(value: Event) -> None:
    _roundtrip(value)


@given(u64, u32, u64, u64, u16)
def test_subscription_clock_roundtrip(userdata: int, clock: int, timeout: int, precision: int, flags: int) -> None:
    _roundtrip(Subscription(userdata, Eventtype.CLOCK, SubscriptionClock(clock, timeout, precision, flags)))


@given(u64, st.sampled_from([Eventtype.FD_READ, Eventtype.FD_WRITE]), u32)
def test_subscription_fd_roundtrip(userdata: int, kind: Eventtype, fd: int) -> None:
    _roundtrip(Subscription(userdata, kind, SubscriptionFdReadwrite(fd)))


def test_subscription_array_and_bad_tag() -> None:
    subs = [
        Subscription(1, Eventtype.CLOCK, SubscriptionClock(Clockid.MONOTONIC, 1000, 0, 0)),
        Subscription(2, Eventtype.FD_READ, SubscriptionFdReadwrite(0)),
        Subscription(3, Eventtype.FD_WRITE, SubscriptionFdReadwrite(1)),
    ]
    mem = bytearray(16 + 48 * 3)
    for i, sub in enumerate(subs):
        sub.pack_into(mem, 16 + 48 * i)
    assert Subscription.unpack_array(mem, 16, 3) == subs
    assert Subscription.unpack_array(mem, 16, 0) == []
    got = Subscription.unpack_from(mem, 16)
    assert got.type is Eventtype.CLOCK and isinstance(got.u, SubscriptionClock)
    mem[16 + 48 + 8] = 3  # an eventtype the witx does not define
    with pytest.raises(WasiError) as info:
        Subscription.unpack_array(mem, 16, 3)
    assert info.value.errno is Errno.INVAL
    with pytest.raises(ValueError):
        Subscription(1, Eventtype.CLOCK, SubscriptionFdReadwrite(0))


def test_event_store_array() -> None:
    events = [Event(1, Errno.SUCCESS, Eventtype.CLOCK), Event(2, Errno.BADF, Eventtype.FD_READ, 5, 1)]
    mem = bytearray(8 + 64)
    assert Event.store_array(mem, 8, events) == 2
    assert [Event.unpack_from(mem, 8 + 32 * i) for i in range(2)] == events
    with pytest.raises(GuestMemoryError):
        Event.store_array(bytearray(40), 8, events)


@given(st.lists(st.tuples(u32, u32), max_size=40), st.integers(0, 16).map(lambda n: n * 4))
def test_iovecs_roundtrip(pairs: list[tuple[int, int]], at: int) -> None:
    mem = bytearray(at + 8 * len(pairs) + 4)
    defs.store_iovecs(mem, at, pairs)
    assert iovecs(mem, at, len(pairs)) == pairs
    assert iovecs(memoryview(mem), at, len(pairs)) == pairs


def test_guest_memory_errors() -> None:
    mem = bytearray(64)
    with pytest.raises(GuestMemoryError):
        iovecs(mem, 60, 1)  # runs past the end
    with pytest.raises(GuestMemoryError):
        iovecs(mem, 2, 1)  # misaligned
    with pytest.raises(GuestMemoryError):
        iovecs(mem, 0, -1)
    with pytest.raises(GuestMemoryError):
        iovecs(mem, -8, 1)  # struct would count a negative offset from the end
    with pytest.raises(GuestMemoryError):
        Filestat.unpack_from(mem, 8)
    with pytest.raises(GuestMemoryError):
        Fdstat(0, 0, 0, 0).pack_into(mem, 44)  # 8-aligned needed
    with pytest.raises(GuestMemoryError):
        defs.store_u32(mem, 62, 1)
    with pytest.raises(GuestMemoryError):
        defs.store_u64(mem, 4, 1)
    with pytest.raises(GuestMemoryError):
        defs.guest_slice(mem, 60, 5)
    assert bytes(defs.guest_slice(mem, 60, 4)) == b"\0" * 4
    error = pytest.raises(GuestMemoryError, defs.load_u32, mem, 64).value
    assert (error.ptr, error.size, error.memory_size) == (64, 4, 64)


def test_scalars_and_strings() -> None:
    mem = bytearray(32)
    defs.store_u16(mem, 2, 0xBEEF)
    defs.store_u32(mem, 4, 0xDEADBEEF)
    defs.store_u64(mem, 8, 2**64 - 1)
    assert defs.load_u16(mem, 2) == 0xBEEF
    assert defs.load_result(mem, 4, "size") == 0xDEADBEEF
    assert defs.load_result(mem, 8, "filesize") == 2**64 - 1
    assert defs.load_result(mem, 2, "roflags") == 0xBEEF
    mem[16:22] = "héllo".encode()
    assert defs.guest_str(mem, 16, 6) == "héllo"
    mem[16] = 0xFF
    with pytest.raises(WasiError) as info:
        defs.guest_str(mem, 16, 6)
    assert info.value.errno is Errno.ILSEQ
    Prestat(Preopentype.DIR, 3).pack_into(mem, 24)
    assert defs.load_result(mem, 24, "prestat") == Prestat(0, 3)


# ---- signatures -----------------------------------------------------------------------------


def test_signatures_cover_the_46_functions_in_witx_order() -> None:
    assert list(SIGNATURES) == FUNCTIONS
    assert len(SIGNATURES) == 46
    assert all(sig.name == name for name, sig in SIGNATURES.items())


def test_core_types_match_wasi_libc_imports(wasi_libc: dict) -> None:
    imports = wasi_libc["imports"]
    assert wasi_libc["values"]["count functions"] == len(FUNCTIONS)
    assert set(imports) == set(FUNCTIONS)
    for name, sig in SIGNATURES.items():
        assert (sig.core_params, sig.core_results) == imports[name], name


def test_func_type_matches_core_types() -> None:
    for sig in SIGNATURES.values():
        ft = sig.func_type()
        assert tuple(str(t) for t in ft.params) == sig.core_params
        assert tuple(str(t) for t in ft.results) == sig.core_results


def test_signature_table_is_consistent() -> None:
    for sig in SIGNATURES.values():
        kinds = [p.kind for p in sig.params]
        assert all(k in defs.PARAM_KINDS for k in kinds), sig.name
        assert all(r.kind in defs.RESULT_KINDS for r in sig.results), sig.name
        assert len(sig.core_names) == len(set(sig.core_names)) == len(sig.core_params)
        for i, kind in enumerate(kinds):
            if kind in defs.POINTER_LENGTHS:
                assert kinds[i + 1] == defs.POINTER_LENGTHS[kind], sig.name
            if kind in defs.POINTER_LENGTHS.values():
                assert defs.POINTER_LENGTHS[kinds[i - 1]] == kind, sig.name
        if "subscriptions_ptr" in kinds:
            assert kinds == ["subscriptions_ptr", "events_ptr", "len"]
    assert SIGNATURES["proc_exit"].noreturn and SIGNATURES["proc_exit"].core_results == ()
    assert sum(s.noreturn for s in SIGNATURES.values()) == 1
    assert set(defs.KIND_TYPES) < set(defs.PARAM_KINDS)


def test_signature_examples() -> None:
    path_open = SIGNATURES["path_open"]
    assert [(p.name, p.kind) for p in path_open.params] == [
        ("fd", "fd"),
        ("dirflags", "lookupflags"),
        ("path_ptr", "path_ptr"),
        ("path_len", "path_len"),
        ("oflags", "oflags"),
        ("fs_rights_base", "rights"),
        ("fs_rights_inheriting", "rights"),
        ("fdflags", "fdflags"),
    ]
    assert [(r.name, r.kind, r.size) for r in path_open.results] == [("fd_ptr", "fd", 4)]
    assert path_open.core_params == ("i32",) * 5 + ("i64", "i64", "i32", "i32")
    fd_write = SIGNATURES["fd_write"]
    assert [p.kind for p in fd_write.params] == ["fd", "ciovs_ptr", "ciovs_len"]
    assert [r.kind for r in fd_write.results] == ["size"]
    assert [p.kind for p in SIGNATURES["fd_read"].params] == ["fd", "iovs_ptr", "iovs_len"]
    assert [(r.name, r.kind) for r in SIGNATURES["sock_recv"].results] == [
        ("ro_datalen_ptr", "size"),
        ("ro_flags_ptr", "roflags"),
    ]
    assert SIGNATURES["fd_seek"].params[1].kind in defs.SIGNED_KINDS
