"""wasi_notebook.p2.resources: the resource table (reps, parents and children) and the host
objects behind resources; what wasmtime-py does with a GuestError raised in a call or a drop."""

import pytest
import wasmtime
from wasmtime.component import Component, Linker, ResourceHost, ResourceType

from wasi_notebook.p2.resources import (
    RESOURCES, GuestError, IoError, Pollable, ReadyPollable, ResourceTable, TimerPollable,
)
from wasi_notebook.clocks import VirtualClocks
from wasi_notebook.errors import Errno, WasiError


def test_type_ids_are_unique():
    ids = [type_id for _, type_id in RESOURCES.values()]
    assert len(ids) == len(set(ids))


def test_own_get_drop():
    table = ResourceTable()
    handle = table.own(IoError(WasiError(Errno.IO)))
    assert handle.rep == 1 and len(table) == 1
    assert isinstance(table.get(1, IoError), IoError)
    with pytest.raises(GuestError, match="rep 1 is not a live Pollable"):
        table.get(1, Pollable)
    with pytest.raises(GuestError, match="rep 9"):
        table.get(9, IoError)
    table.drop(1)
    assert len(table) == 0
    with pytest.raises(GuestError, match="not a live resource"):
        table.drop(1)


def test_a_parent_outlives_its_children():
    table = ResourceTable()
    parent = table.own(ReadyPollable()).rep
    child = table.own(ReadyPollable(), parent=parent).rep
    with pytest.raises(GuestError, match="resource has children: ReadyPollable 1 .* drop them first"):
        table.drop(parent)
    assert table.children(parent) == {child}
    table.drop(child)
    assert table.children(parent) == set()
    table.drop(parent)


def test_close_all_drops_children_first():
    closed = []

    class Closing(ReadyPollable):
        def __init__(self, name):
            self.name = name

        def close(self):
            closed.append(self.name)

    table = ResourceTable()
    a = table.own(Closing("a")).rep
    table.own(Closing("b"), parent=a)
    table.close_all()
    assert closed == ["b", "a"] and len(table) == 0


def test_timer_pollable_on_a_virtual_clock():
    clocks = VirtualClocks()
    timer = TimerPollable(clocks, 10_000)
    assert not timer.ready()
    timer.block()
    assert clocks.elapsed == 10_000 and timer.ready()


def test_an_object_of_no_resource_kind_is_a_host_bug():
    with pytest.raises(TypeError, match="no resource"):
        ResourceTable().own(object())


# -- what wasmtime-py 50 does with our errors, checked on a real component --------------------

_COMPONENT = """(component
  (import "t" (instance $t
    (export "r" (type (sub resource)))
    (export "make" (func (result (own 0))))
    (export "one" (func (param "a" (borrow 0))))
    (export "two" (func (param "a" (borrow 0)) (param "b" (borrow 0))))
  ))
  (alias export $t "r" (type $r))
  (core func $make (canon lower (func $t "make")))
  (core func $one (canon lower (func $t "one")))
  (core func $two (canon lower (func $t "two")))
  (core func $drop (canon resource.drop $r))
  (core module $m
    (import "" "make" (func $make (result i32)))
    (import "" "one" (func $one (param i32)))
    (import "" "two" (func $two (param i32 i32)))
    (import "" "drop" (func $drop (param i32)))
    (func (export "run") (param $what i32) (local $h i32)
      (local.set $h (call $make))
      (if (i32.eq (local.get $what) (i32.const 0)) (then (call $one (local.get $h))))
      (if (i32.eq (local.get $what) (i32.const 1)) (then (call $drop (local.get $h))))
      (if (i32.eq (local.get $what) (i32.const 2)) (then (call $two (local.get $h) (local.get $h))))))
  (core instance $i (instantiate $m (with "" (instance
    (export "make" (func $make)) (export "one" (func $one)) (export "two" (func $two))
    (export "drop" (func $drop))))))
  (func (export "run") (param "what" u32) (canon lift (core func $i "run")))
)"""


def _run(what: int):
    engine = wasmtime.Engine()
    component = Component(engine, wasmtime.wat2wasm(_COMPONENT))
    linker = Linker(engine)

    def fail(*args):
        raise GuestError("the guest broke a rule")

    with linker.root() as root:
        with root.add_instance("t") as t:
            t.add_resource("r", ResourceType.host(1), fail)
            t.add_func("make", lambda store: ResourceHost.own(1, 1))
            t.add_func("one", fail)
            t.add_func("two", lambda store, a, b: None)
    store = wasmtime.Store(engine)
    instance = linker.instantiate(store, component)
    instance.get_func(store, instance.get_export_index(store, "run"))(store, what)


@pytest.mark.parametrize("what", [0, 1], ids=["in a call", "in a resource drop"])
def test_a_guest_error_is_a_trap_with_its_message(what):
    with pytest.raises(wasmtime.WasmtimeError) as info:
        _run(what)
    assert "the guest broke a rule" in str(info.value)
    assert "wasm backtrace" in str(info.value)  # a real trap, with the guest's frames


def test_wasmtime_50_traps_on_two_borrows_in_one_call():
    # A wasmtime 50 bug: a host function given two borrowed handles (link-at, rename-at,
    # is-same-object, splice, poll of two pollables) traps before it runs. When this test fails,
    # the bug is gone: drop the exceptions test_adapted_guests.py makes for it.
    with pytest.raises(wasmtime.WasmtimeError, match="deferred host scope has no call context"):
        _run(2)
