"""wasi_notebook.p1.structs: layouts and offsets against wasi-libc, and the codecs themselves."""

from __future__ import annotations

import dataclasses
import struct
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wasi_notebook.errors import Errno, WasiError
from wasi_notebook.p1.defs import Clockid, Eventtype, Filetype, Preopentype
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
    iovecs,
    store_iovecs,
)

from .conftest import STRUCTS, fault, struct_members

# ---- layouts --------------------------------------------------------------------------------


@pytest.mark.parametrize("codec", list(STRUCTS), ids=lambda c: c.__name__)
def test_layout_matches_wasi_libc(wasi_libc: dict, codec: Any) -> None:
    values = wasi_libc["values"]
    c_type = STRUCTS[codec][0]
    members = struct_members(codec)
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
    members = struct_members(codec)
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
    fault(Event.store_array, bytearray(40), 8, events)


@given(st.lists(st.tuples(u32, u32), max_size=40), st.integers(0, 16).map(lambda n: n * 4))
def test_iovecs_roundtrip(pairs: list[tuple[int, int]], at: int) -> None:
    mem = bytearray(at + 8 * len(pairs) + 4)
    store_iovecs(mem, at, pairs)
    assert iovecs(mem, at, len(pairs)) == pairs
    assert iovecs(memoryview(mem), at, len(pairs)) == pairs


def test_codecs_fault_outside_memory_or_misaligned() -> None:
    mem = bytearray(64)
    fault(iovecs, mem, 60, 1)  # runs past the end
    fault(iovecs, mem, 2, 1)  # misaligned
    fault(iovecs, mem, 0, -1)
    fault(iovecs, mem, -8, 1)  # struct would count a negative offset from the end
    fault(Filestat.unpack_from, mem, 8)
    fault(Fdstat(0, 0, 0, 0).pack_into, mem, 44)  # 8-aligned needed
    fault(store_iovecs, mem, 2, [(0, 0)])
    fault(Subscription.unpack_from, mem, 24)
    fault(Subscription.unpack_array, mem, 0, 2)
    assert mem == bytearray(64)  # nothing was written
