"""wasi_notebook.p1.defs: constants, enums and flags, checked against wasi-libc's header."""

from __future__ import annotations

from typing import Any

import pytest

from wasi_notebook.errors import Errno, WasiError
from wasi_notebook.p1 import defs
from wasi_notebook.p1.defs import (
    Advice,
    Clockid,
    Eventrwflags,
    Eventtype,
    Fdflags,
    Filetype,
    Fstflags,
    Lookupflags,
    Oflags,
    Preopentype,
    Riflags,
    Rights,
    Roflags,
    Sdflags,
    Siflags,
    Signal,
    Subclockflags,
    Whence,
    format_flags,
)

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
