"""Link a component's WASI 0.2.x imports to a :class:`Preview2` host on a wasmtime-py linker.

Each interface is defined under the exact name the component imports (any ``@0.2.x``).
Resources are defined in the interface that declares them. Values cross through
:mod:`.fastcall`, whose converters are made from each function's type when it is linked: borrowed
and owned handles (at any depth) arrive as reps, and results go back in the plain form of
:mod:`.values` (``Ok``/``Err``, ``Variant``).

Every host function is wrapped once, by :func:`_adapt`: a WasiError to the interface's error
case (:func:`.errors.failure`), and, given an :class:`~wasi_notebook.trace.Observer` from
:func:`observe`, the call traced and counted and fault rules applied. No host function knows it
is observed.
"""

from __future__ import annotations

import dataclasses
from typing import Any, Callable, Iterable

import wasmtime
from wasmtime.component import Component, ComponentInstanceType, FuncType, Linker, ResourceType

from ..errors import Errno, WasiError
from ..trace import DEFAULT_MAX_RECORDS, DROP, FaultRule, Observer, OutcomeLabels, parse_fault
from .describe import (CallSignature, Preview2Decoder, drop_signature, error_label, keep, resolve, signature,
                       signatures)
from . import fastcall
from .errors import failure
from .host import Preview2
from .resources import RESOURCES, IoError
from .values import Err, Ok

__all__ = ["link", "missing_imports", "answer", "observe", "fault_rules", "COMMAND_EXPORT"]

COMMAND_EXPORT = "wasi:cli/run"


def _split(name: str) -> tuple[str, str]:
    base, _, version = name.partition("@")
    return base, version


def missing_imports(engine: wasmtime.Engine, component: Component) -> list[str]:
    """What ``component`` imports that this host does not provide, e.g.
    ``"wasi:sockets/tcp@0.2.0"`` or ``"wasi:io/poll@0.2.0#poll"``; empty when it can run."""
    offered = Preview2.__new__(Preview2)
    table = Preview2.interfaces(offered)
    missing = []
    for name, ext in component.type.imports(engine).items():
        base, version = _split(name)
        ty = ext.ty
        if base not in table or not version.startswith("0.2.") or not isinstance(ty, ComponentInstanceType):
            missing.append(name)
            continue
        for item, x in ty.exports(engine).items():
            if isinstance(x.ty, FuncType) and item not in table[base]:
                missing.append(f"{name}#{item}")
    return missing


def observe(engine: wasmtime.Engine, component: Component, *, faults: Iterable[FaultRule | str] = (),
            record: bool = True, max_records: int = DEFAULT_MAX_RECORDS) -> Observer:
    """An Observer for one run of ``component``, over every function it imports (named
    ``interface#function``), with its fault rules checked (see :func:`fault_rules`). Give it to
    :func:`link`. ValueError for a bad rule."""
    sigs = signatures(engine, component)
    drops = [drop_signature(base, item) for base, item in _host_resources(engine, component)]
    observer = Observer([s.name for s in sigs + drops], faults=fault_rules(faults, sigs), record=record,
                        max_records=max_records, decoder=Preview2Decoder(), outcomes=OutcomeLabels("ok"))
    for sig in sigs + drops:
        observer.register(sig)
    return observer


def _host_resources(engine: wasmtime.Engine, component: Component) -> list[tuple[str, str]]:
    """(interface, resource) for every resource of ``component``'s imports that this host
    defines (in the interface that declares it), in import order."""
    out = []
    for name, ext in component.type.imports(engine).items():
        base, _ = _split(name)
        if isinstance(ext.ty, ComponentInstanceType):
            out.extend((base, item) for item, x in ext.ty.exports(engine).items()
                       if isinstance(x.ty, ResourceType) and (base, item) in RESOURCES)
    return out


def fault_rules(faults: Iterable[FaultRule | str], sigs: list[CallSignature]) -> list[FaultRule]:
    """Rules (or their text, e.g. ``open-at[*.cfg]@2=ACCES``) for the functions in ``sigs``, each
    naming the one function it is for (``wasi:filesystem/types#[method]descriptor.open-at``).

    ValueError when a rule names no imported function or several (qualify it), a function whose
    result has no error case, an errno its interface has no error case for, a path glob for a
    function that takes no path, or ``fd=N`` for one that is no method.
    """
    names = [s.name for s in sigs]
    by_name = {s.name: s for s in sigs}
    out = []
    for fault in faults:
        rule = fault if isinstance(fault, FaultRule) else parse_fault(fault)
        found = resolve(rule.function, names)
        if not found:
            raise ValueError(f"bad fault {str(rule)!r}: the component imports no function {rule.function!r}")
        if len(found) > 1:
            raise ValueError(f"bad fault {str(rule)!r}: {rule.function!r} may be any of {', '.join(found)}; "
                             "write the one you mean")
        sig = by_name[found[0]]
        if sig.error_shape is None:
            raise ValueError(f"bad fault {str(rule)!r}: {sig.name} cannot fail (its result has no error case)")
        try:
            failure(sig.interface, WasiError(rule.errno), lambda error: None)
        except LookupError as e:
            raise ValueError(f"bad fault {str(rule)!r}: {e}") from None
        if rule.path is not None and not sig.path_params:
            raise ValueError(f"bad fault {str(rule)!r}: {sig.name} takes no path")
        if rule.fd is not None and (not sig.params or sig.params[0].name != "self"):
            raise ValueError(f"bad fault {str(rule)!r}: fd=N names the resource of a method; {sig.name} is none")
        out.append(dataclasses.replace(rule, function=sig.name))
    return out


def link(engine: wasmtime.Engine, component: Component, host: Preview2, observer: Observer | None = None) -> Linker:
    """A linker with ``host`` answering every import of ``component``, each call noted to
    ``observer`` (from :func:`observe` for the same component) when one is given.

    Raises LookupError naming the imports this host does not provide.
    """
    missing = missing_imports(engine, component)
    if missing:
        raise LookupError("imports not provided: " + ", ".join(missing))
    table = host.interfaces()
    linker = Linker(engine)
    with linker.root() as root:
        for name, ext in component.type.imports(engine).items():
            base, _ = _split(name)
            functions = table[base]
            items = ext.ty.exports(engine)
            resources = [(item, x.ty) for item, x in items.items() if isinstance(x.ty, ResourceType)]
            with root.add_instance(name) as instance:
                for item, x in items.items():
                    if isinstance(x.ty, ResourceType) and (base, item) in RESOURCES:
                        _, type_id = RESOURCES[(base, item)]
                        drop = observer.signatures[f"{base}#{DROP}{item}"] if observer is not None else None
                        instance.add_resource(item, ResourceType.host(type_id), _dropper(host, drop, observer))
                    elif isinstance(x.ty, FuncType):
                        sig = observer.signatures.get(f"{base}#{item}") if observer is not None else None
                        if sig is None:
                            sig = signature(base, item, x.ty, resources)
                        fastcall.add_func(instance, item, x.ty, _adapt(host, sig, functions[item], observer))
    return linker


def _dropper(host: Preview2, sig: CallSignature | None, observer: Observer | None) -> Callable[[Any, int], None]:
    """The destructor wasmtime calls when the component drops an own handle: the host forgets
    it (a trap while resources made from it live); with ``observer``, observed through the same
    wrapper as every function, as ``sig`` (its :func:`.describe.drop_signature`: traced as
    ``descriptor.drop``, never covered)."""
    def forget(rep: int) -> str:
        host.table.drop(rep)
        return "dropped"

    observed = _adapt(host, sig, forget, observer) if observer is not None else forget

    def drop(store: Any, rep: int) -> None:
        observed(rep)
    return drop


def answer(host: Preview2, interface: str, func: Callable[..., Any], *args: Any) -> Ok | Err:
    """Call ``func``, a function of ``interface`` whose WIT result is a ``result``: its value as
    ``Ok``, or a WasiError it raised as ``Err`` of the interface's error case (see
    :func:`.errors.failure`). A value that already is ``Ok``/``Err`` passes as it is."""
    try:
        value = func(*args)
    except WasiError as e:
        return _failed(host, interface, e)
    return value if isinstance(value, (Ok, Err)) else Ok(value)


def _failed(host: Preview2, interface: str, error: WasiError) -> Err:
    return Err(failure(interface, error, lambda e: host.table.own(IoError(e))))


def _adapt(host: Preview2, sig: CallSignature, func: Callable[..., Any],
           observer: Observer | None = None) -> Callable[..., Any]:
    """THE wrapper of a host function: ``func(*params)`` as fastcall calls it (handles already
    reps), a WIT ``result`` answered through :func:`answer` (a value in the plain form of
    :mod:`.values`, which fastcall lowers); with ``observer`` also traced, counted and made to
    fail by fault rules (an injected failure is the same Err a real WasiError gives)."""
    returns_result = sig.returns_result
    interface = sig.interface
    shapes = [p.shape for p in sig.params]

    if observer is None:
        if not returns_result:
            return func

        def call(*args: Any) -> Any:
            return answer(host, interface, func, *args)
        return call

    index = observer.register(sig)
    note = observer.note
    clock = observer.clock
    recording = observer.recording
    check = observer.fault_check(sig)
    code = observer.outcomes.code
    raised = observer.RAISED
    paths = sig.path_params
    clipped = sig.byte_params if recording else ()
    result_shape = sig.result if sig.keep_result else None

    def observed(*args: Any) -> Any:
        start = clock() if recording else 0
        captured = tuple(args[i] for i in paths) if paths else None
        kept = tuple(keep(shapes[i], a) if i in clipped else a for i, a in enumerate(args)) if clipped else args
        injected = check(args, captured) if check is not None else None
        try:
            if injected is not None:
                raise WasiError(Errno(injected), captured[0] if captured else None, "injected by a fault rule")
            value = func(*args)
        except WasiError as e:
            if not returns_result:  # a function that cannot fail: a host bug, which traps
                note(index, kept, e, raised, start, captured, False)
                raise
            value = _failed(host, interface, e)
            note(index, kept, e, code(error_label(value.value)), start, captured, injected is not None)
        except BaseException as e:
            note(index, kept, e, raised, start, captured, False)
            raise
        else:
            if returns_result and not isinstance(value, (Ok, Err)):
                value = Ok(value)
            outcome = code(error_label(value.value)) if isinstance(value, Err) else 0
            note(index, kept, keep(result_shape, value) if result_shape is not None else value, outcome, start,
                 captured, False)
        return value
    return observed
