import wasmtime
from wasmtime.component import Component, Variant

from wasi_notebook.p2.values import Err, Ok, lower


def _result_types():
    wat = """(component
      (import "t" (instance
        (type $e0 (enum "a" "b"))
        (export "e" (type $e (eq $e0)))
        (type $se0 (variant (case "failed" u32) (case "closed")))
        (export "se" (type $se (eq $se0)))
        (export "bytes-or-closed" (func (result (result (list u8) (error $se)))))
        (export "unit-or-closed" (func (result (result (error $se)))))
        (export "unit-or-enum" (func (result (result (error $e)))))))
    )"""
    engine = wasmtime.Engine()
    c = Component(engine, wasmtime.wat2wasm(wat))
    funcs = c.type.imports(engine)["t"].ty.exports(engine)
    return {name: x.ty.result for name, x in funcs.items() if name not in ('e', 'se')}


def test_lowering_follows_wasmtime_py_tagging():
    tys = _result_types()
    assert lower(tys["bytes-or-closed"], Ok(b"x")) == b"x"
    assert lower(tys["bytes-or-closed"], Err(Variant("closed"))) is None
    assert lower(tys["unit-or-closed"], Ok()) == Variant("ok")
    assert lower(tys["unit-or-closed"], Err(Variant("failed", 3))) == Variant("err", 3)
    assert lower(tys["unit-or-enum"], Err("b")) == "b"
