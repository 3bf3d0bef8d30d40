"""Session loads and runs preview2 components: the jco-adapted echo_stdin and cat behave on our
p2 host as the modules do on our p1 host."""

import pytest
import wasmtime

from wasi_notebook import Session, guests
from wasi_notebook.session import LoadError

from .toolchain import componentize


@pytest.fixture(scope="module")
def components():
    return {name: componentize(guests.path(name)) for name in ("echo_stdin", "cat")}


def _both(name, components, args, stdin=b"", setup=None):
    results = []
    for wasm in (guests.path(name).read_bytes(), components[name]):
        s = Session()
        if setup:
            setup(s)
        r = s.run(s.load(wasm, name=name), args, stdin=stdin)
        results.append((r, s))
    return results


def test_load_tells_a_component_from_a_module(components):
    s = Session()
    assert s.load(components["cat"]).kind == "component"
    assert s.load(guests.path("cat")).kind == "module"


def test_echo_stdin_matches_preview1(components):
    (m, _), (c, _) = _both("echo_stdin", components, [], stdin=b"hello\nworld\n")
    assert c.stdout == m.stdout == b"hello\nworld\n"
    assert c.exit_code == m.exit_code == 0
    assert c.stderr.startswith(b"echo_stdin: read 12 bytes")


def test_cat_matches_preview1(components):
    def setup(s):
        s.fs.path("/a.txt").write_text("alpha\n")
        s.fs.path("/b.txt").write_bytes(b"\x00\xffbeta" * 3000)

    (m, ms), (c, cs) = _both("cat", components, ["a.txt", "missing", "b.txt"], setup=setup)
    assert c.stdout == m.stdout
    assert c.exit_code == m.exit_code == 1
    assert c.stderr == m.stderr == b"cat: missing: No such file or directory\n"
    assert cs.fs.path("/b.txt").read_bytes() == ms.fs.path("/b.txt").read_bytes()
    assert c.diff.summary() == m.diff.summary()


def test_cat_reads_stdin(components):
    (m, _), (c, _) = _both("cat", components, [], stdin=b"from stdin")
    assert c.stdout == m.stdout == b"from stdin"


def test_missing_import_is_a_clear_load_error():
    wat = """(component
      (import "wasi:sockets/tcp@0.2.0" (instance (export "x" (func))))
      (import "wasi:cli/environment@0.2.3" (instance (export "not-a-function" (func))))
    )"""
    data = wasmtime.wat2wasm(wat)
    with pytest.raises(LoadError) as e:
        Session().load(data, name="needy.wasm")
    message = str(e.value)
    assert "needy.wasm imports wasi:sockets/tcp@0.2.0" in message
    assert "wasi:cli/environment@0.2.3#not-a-function" in message


def test_a_component_describes_itself_and_claims_no_preview1_coverage(components):
    session = Session()
    guest = session.load(components["echo_stdin"])
    text = guest.describe()
    assert "preview2 component" in text and "wasi:cli/stdout@0.2" in text
    result = session.run(guest, stdin="hi\n")
    assert result.stdout == b"hi\n"
    assert result.coverage.functions == [] and result.coverage.interface == "preview2"
