"""wasi_notebook.p1.memory: checked loads, stores, slices and strings of guest memory."""

from __future__ import annotations

import pickle

import pytest

from wasi_notebook.errors import Errno, WasiError
from wasi_notebook.p1.memory import (
    GuestMemoryError,
    guest_slice,
    guest_str,
    load_u16,
    load_u32,
    load_u64,
    store_u16,
    store_u32,
    store_u64,
)

from .conftest import fault


def test_scalars_and_strings() -> None:
    mem = bytearray(32)
    store_u16(mem, 2, 0xBEEF)
    store_u32(mem, 4, 0xDEADBEEF)
    store_u64(mem, 8, 2**64 - 1)
    assert load_u16(mem, 2) == 0xBEEF
    assert load_u32(mem, 4) == 0xDEADBEEF
    assert load_u64(mem, 8) == 2**64 - 1
    assert load_u32(memoryview(mem), 4) == 0xDEADBEEF
    mem[16:22] = "héllo".encode()
    assert guest_str(mem, 16, 6) == "héllo"
    mem[16] = 0xFF
    with pytest.raises(WasiError) as info:
        guest_str(mem, 16, 6)
    assert info.value.errno is Errno.ILSEQ


def test_guest_memory_errors() -> None:
    mem = bytearray(64)
    fault(store_u32, mem, 62, 1)
    fault(store_u64, mem, 4, 1)
    fault(guest_slice, mem, 60, 5)
    assert bytes(guest_slice(mem, 60, 4)) == b"\0" * 4
    error = fault(load_u32, mem, 64)
    assert (error.ptr, error.size, error.memory_size) == (64, 4, 64)


def test_every_helper_faults_out_of_bounds_and_misaligned() -> None:
    mem = bytearray(16)
    for call, args in [
        (guest_slice, (-1, 1)),
        (guest_slice, (0, -1)),
        (guest_str, (10, 7)),
        (load_u16, (15,)),
        (load_u16, (1,)),
        (load_u32, (14,)),
        (load_u32, (2,)),
        (load_u64, (16,)),
        (load_u64, (4,)),
        (store_u16, (3, 0)),
        (store_u32, (-4, 0)),
        (store_u64, (12, 0)),
    ]:
        fault(call, mem, *args)
    assert mem == bytearray(16)  # nothing was written


def test_guest_memory_error_is_a_fault() -> None:
    outside = GuestMemoryError(0x40, 4, 64, 4)
    assert isinstance(outside, WasiError)
    assert outside.errno is Errno.FAULT
    assert outside.path is None
    assert (outside.ptr, outside.size, outside.memory_size, outside.align) == (0x40, 4, 64, 4)
    assert outside.detail == "guest range 0x40+4 is outside memory of 64 bytes"
    assert str(outside) == "FAULT: bad address (guest range 0x40+4 is outside memory of 64 bytes)"
    misaligned = fault(load_u64, bytearray(64), 4)
    assert (misaligned.ptr, misaligned.size, misaligned.memory_size, misaligned.align) == (4, 8, 64, 8)
    assert misaligned.detail == "guest pointer 0x4 is not aligned to 8 bytes"
    assert GuestMemoryError(0, 1, 0).align == 1
    assert "GuestMemoryError(ptr=0x40" in repr(outside)


def test_guest_memory_error_pickles() -> None:
    error = GuestMemoryError(0x40, 4, 64, 4)
    back = pickle.loads(pickle.dumps(error))
    assert type(back) is GuestMemoryError
    assert (back.ptr, back.size, back.memory_size, back.align) == (0x40, 4, 64, 4)
    assert back.errno is Errno.FAULT and str(back) == str(error)
