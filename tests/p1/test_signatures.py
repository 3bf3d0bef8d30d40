"""wasi_notebook.p1.signatures: the 46 functions against the imports of a wasi-libc module."""

from __future__ import annotations

import pytest

from wasi_notebook.p1.defs import Preopentype
from wasi_notebook.p1.memory import store_u16, store_u32, store_u64
from wasi_notebook.p1.signatures import (
    KIND_TYPES,
    PARAM_KINDS,
    POINTER_LENGTHS,
    RESULT_KINDS,
    SIGNATURES,
    SIGNED_KINDS,
    load_result,
)
from wasi_notebook.p1.structs import Prestat

from .conftest import FUNCTIONS, fault

wasmtime = pytest.importorskip("wasmtime")


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
        assert all(k in PARAM_KINDS for k in kinds), sig.name
        assert all(r.kind in RESULT_KINDS for r in sig.results), sig.name
        assert len(sig.core_names) == len(set(sig.core_names)) == len(sig.core_params)
        for i, kind in enumerate(kinds):
            if kind in POINTER_LENGTHS:
                assert kinds[i + 1] == POINTER_LENGTHS[kind], sig.name
            if kind in POINTER_LENGTHS.values():
                assert POINTER_LENGTHS[kinds[i - 1]] == kind, sig.name
        if "subscriptions_ptr" in kinds:
            assert kinds == ["subscriptions_ptr", "events_ptr", "len"]
    assert SIGNATURES["proc_exit"].noreturn and SIGNATURES["proc_exit"].core_results == ()
    assert sum(s.noreturn for s in SIGNATURES.values()) == 1
    assert set(KIND_TYPES) < set(PARAM_KINDS)


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
    assert SIGNATURES["fd_seek"].params[1].kind in SIGNED_KINDS


def test_load_result() -> None:
    mem = bytearray(32)
    store_u16(mem, 2, 0xBEEF)
    store_u32(mem, 4, 0xDEADBEEF)
    store_u64(mem, 8, 2**64 - 1)
    assert load_result(mem, 4, "size") == 0xDEADBEEF
    assert load_result(mem, 8, "filesize") == 2**64 - 1
    assert load_result(mem, 2, "roflags") == 0xBEEF
    Prestat(Preopentype.DIR, 3).pack_into(mem, 24)
    assert load_result(mem, 24, "prestat") == Prestat(0, 3)
    fault(load_result, mem, 30, "size")
    fault(load_result, mem, 4, "timestamp")
    fault(load_result, mem, 16, "filestat")
    with pytest.raises(KeyError):
        load_result(mem, 0, "nonsense")
