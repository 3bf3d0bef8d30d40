"""wasi:sockets and wasi:http under the deny-all policy (p2/network.py): the functions called
directly, as a component would call them by rep, then a native guest that tries the network."""

import pytest
from wasmtime.component import ResourceHost

from wasi_notebook import MemFs
from wasi_notebook.ctx import WasiCtx
from wasi_notebook.errors import Errno, WasiError
from wasi_notebook.p2.errors import failure, http_error_code, socket_error_code
from wasi_notebook.p2.host import Preview2
from wasi_notebook.p2.link import answer
from wasi_notebook.p2.network import BodyStream, Fields, NetworkPolicy, OutgoingRequest
from wasi_notebook.p2.resources import RESOURCES
from wasi_notebook.p2.values import Err, Ok, Variant

HTTP = "wasi:http/types"
IO = "wasi:io/streams"


@pytest.fixture
def host():
    return Preview2(WasiCtx(MemFs(), deterministic=True, seed=1))


def call(host, interface, name, *args):
    """Call as the linker's wrapper does: a function whose WIT result is a ``result`` answers Ok/Err."""
    func = host.interfaces()[interface][name]
    if name in _PLAIN:
        return func(*args)
    return answer(host, interface, func, *args)


# The functions here whose WIT result is not a ``result``.
_PLAIN = {
    "instance-network", "[constructor]fields", "[method]fields.get", "[method]fields.has",
    "[method]fields.entries", "[method]fields.clone", "[constructor]outgoing-request",
    "[method]outgoing-request.method", "[method]outgoing-request.path-with-query",
    "[method]outgoing-request.scheme", "[method]outgoing-request.authority",
    "[method]outgoing-request.headers", "[constructor]request-options",
    "[method]request-options.connect-timeout", "[constructor]outgoing-response",
    "[method]outgoing-response.status-code", "[method]outgoing-response.headers", "http-error-code",
}


def rep(handle):
    assert isinstance(handle, ResourceHost)
    return handle.rep


def new_fields(host, *entries):
    made = call(host, HTTP, "[static]fields.from-list", list(entries))
    return rep(made.value)


# -- sockets ---------------------------------------------------------------------------------


def test_instance_network_gives_a_network_handle(host):
    handle = call(host, "wasi:sockets/instance-network", "instance-network")
    assert handle.type == ResourceHost.own(0, RESOURCES[("wasi:sockets/network", "network")][1]).type


@pytest.mark.parametrize("interface, name", [
    ("wasi:sockets/tcp-create-socket", "create-tcp-socket"),
    ("wasi:sockets/udp-create-socket", "create-udp-socket"),
])
def test_sockets_are_denied(host, interface, name):
    assert call(host, interface, name, "ipv4") == Err("access-denied")
    assert call(host, interface, name, "ipv6") == Err("access-denied")
    assert len(host.table) == 0  # nothing was made


def test_name_lookup_is_denied(host):
    network = rep(call(host, "wasi:sockets/instance-network", "instance-network"))
    assert call(host, "wasi:sockets/ip-name-lookup", "resolve-addresses", network, "example.com") == \
        Err("access-denied")


def test_the_denial_is_a_wasi_error_naming_what_was_refused(host):
    network = rep(call(host, "wasi:sockets/instance-network", "instance-network"))
    with pytest.raises(WasiError) as info:
        host.interfaces()["wasi:sockets/ip-name-lookup"]["resolve-addresses"](network, "example.com")
    assert info.value.errno == Errno.ACCES and info.value.path == "example.com"
    assert "denied" in str(info.value)


def test_socket_methods_exist_but_cannot_be_reached(host):
    tcp = host.interfaces()["wasi:sockets/tcp"]
    assert {"[method]tcp-socket.start-connect", "[method]tcp-socket.subscribe"} <= set(tcp)
    with pytest.raises(TypeError, match="never gives out a TcpSocket"):
        tcp["[method]tcp-socket.start-connect"](1, 2, 3)
    assert "[method]udp-socket.stream" in host.interfaces()["wasi:sockets/udp"]
    assert "[static]incoming-body.finish" in host.interfaces()[HTTP]


def test_errors_map_errnos_to_each_interface_error_code():
    assert socket_error_code(WasiError(Errno.ACCES)) == "access-denied"
    assert socket_error_code(WasiError(Errno.CONNREFUSED)) == "connection-refused"
    assert socket_error_code(WasiError(Errno.NOENT)) == "unknown"
    assert http_error_code(WasiError(Errno.ACCES)) == Variant("HTTP-request-denied")
    other = http_error_code(WasiError(Errno.IO, None, "boom"))
    assert other.tag == "internal-error" and "boom" in other.payload
    for name in ("tcp", "udp", "tcp-create-socket", "udp-create-socket", "ip-name-lookup"):
        assert failure(f"wasi:sockets/{name}", WasiError(Errno.ACCES), None) == "access-denied"
    assert failure("wasi:http/outgoing-handler", WasiError(Errno.ACCES), None) == Variant("HTTP-request-denied")


def test_resource_type_ids_are_unique():
    ids = [type_id for _, type_id in RESOURCES.values()]
    assert len(ids) == len(set(ids))


# -- http: fields ----------------------------------------------------------------------------


def test_fields_hold_ordered_case_insensitive_entries(host):
    f = new_fields(host, ("Accept", b"text/plain"), ("x-a", b"1"))
    assert call(host, HTTP, "[method]fields.append", f, "X-A", b"2") == Ok()
    assert call(host, HTTP, "[method]fields.get", f, "x-A") == [b"1", b"2"]
    assert call(host, HTTP, "[method]fields.has", f, "accept") is True
    assert call(host, HTTP, "[method]fields.set", f, "accept", [b"*/*"]) == Ok()
    assert call(host, HTTP, "[method]fields.entries", f) == [("x-a", b"1"), ("x-a", b"2"), ("accept", b"*/*")]
    copy = rep(call(host, HTTP, "[method]fields.clone", f))
    assert call(host, HTTP, "[method]fields.delete", f, "x-a") == Ok()
    assert call(host, HTTP, "[method]fields.has", f, "x-a") is False
    assert call(host, HTTP, "[method]fields.get", copy, "x-a") == [b"1", b"2"]


def test_fields_refuse_bad_and_forbidden_headers(host):
    assert call(host, HTTP, "[static]fields.from-list", [("bad name", b"x")]) == Err(Variant("invalid-syntax"))
    assert call(host, HTTP, "[static]fields.from-list", [("x", b"a\r\nb")]) == Err(Variant("invalid-syntax"))
    assert call(host, HTTP, "[static]fields.from-list", [("Host", b"evil")]) == Err(Variant("forbidden"))
    f = rep(call(host, HTTP, "[constructor]fields"))
    assert call(host, HTTP, "[method]fields.set", f, "connection", [b"close"]) == Err(Variant("forbidden"))
    assert call(host, HTTP, "[method]fields.entries", f) == []


# -- http: building a request, then the denial ------------------------------------------------


def build_request(host):
    headers = new_fields(host, ("content-type", b"text/plain"))
    r = rep(call(host, HTTP, "[constructor]outgoing-request", headers))
    assert call(host, HTTP, "[method]outgoing-request.set-method", r, Variant("post")) == Ok()
    assert call(host, HTTP, "[method]outgoing-request.set-scheme", r, Variant("HTTPS")) == Ok()
    assert call(host, HTTP, "[method]outgoing-request.set-authority", r, "example.com") == Ok()
    assert call(host, HTTP, "[method]outgoing-request.set-path-with-query", r, "/upload?x=1") == Ok()
    return r


def test_an_outgoing_request_keeps_what_is_set(host):
    r = rep(call(host, HTTP, "[constructor]outgoing-request", new_fields(host)))
    assert call(host, HTTP, "[method]outgoing-request.method", r) == Variant("get")
    assert call(host, HTTP, "[method]outgoing-request.path-with-query", r) is None
    assert call(host, HTTP, "[method]outgoing-request.scheme", r) is None
    r = build_request(host)
    assert call(host, HTTP, "[method]outgoing-request.method", r) == Variant("post")
    assert call(host, HTTP, "[method]outgoing-request.scheme", r) == Variant("HTTPS")
    assert call(host, HTTP, "[method]outgoing-request.authority", r) == "example.com"
    assert call(host, HTTP, "[method]outgoing-request.path-with-query", r) == "/upload?x=1"
    assert host.table.get(r, OutgoingRequest).url() == "POST https://example.com/upload?x=1"
    assert call(host, HTTP, "[method]outgoing-request.set-method", r, Variant("other", "BREW")) == Ok()
    assert host.table.get(r, OutgoingRequest).url().startswith("BREW https://")


def test_malformed_request_parts_are_refused(host):
    r = build_request(host)
    assert call(host, HTTP, "[method]outgoing-request.set-method", r, Variant("other", "NO PE")) == Err()
    assert call(host, HTTP, "[method]outgoing-request.set-scheme", r, Variant("other", "1x")) == Err()
    assert call(host, HTTP, "[method]outgoing-request.set-authority", r, "a b") == Err()
    assert call(host, HTTP, "[method]outgoing-request.set-path-with-query", r, "/a\nb") == Err()
    assert host.table.get(r, OutgoingRequest).url() == "POST https://example.com/upload?x=1"


def test_a_request_headers_are_an_immutable_child(host):
    r = build_request(host)
    h = rep(call(host, HTTP, "[method]outgoing-request.headers", r))
    assert call(host, HTTP, "[method]fields.get", h, "content-type") == [b"text/plain"]
    assert call(host, HTTP, "[method]fields.append", h, "x", b"y") == Err(Variant("immutable"))
    with pytest.raises(Exception, match="resource has children"):
        host.table.drop(r)
    host.table.drop(h)
    host.table.drop(r)


def test_the_body_collects_what_is_written(host):
    r = build_request(host)
    body = call(host, HTTP, "[method]outgoing-request.body", r)
    assert call(host, HTTP, "[method]outgoing-request.body", r) == Err()  # once only
    b = rep(body.value)
    out = rep(call(host, HTTP, "[method]outgoing-body.write", b).value)
    assert call(host, HTTP, "[method]outgoing-body.write", b) == Err()
    assert call(host, IO, "[method]output-stream.write", out, b"hello ") == Ok()
    assert call(host, IO, "[method]output-stream.write", out, b"world") == Ok()
    stream = host.table.get(out, BodyStream)
    assert bytes(stream.body.data) == b"hello world"
    with pytest.raises(Exception, match="resource has children"):
        call(host, HTTP, "[static]outgoing-body.finish", b, None)  # the stream is still live
    host.table.drop(out)
    before = len(host.table)
    trailers = rep(call(host, HTTP, "[constructor]fields"))
    assert call(host, HTTP, "[static]outgoing-body.finish", b, trailers) == Ok()
    assert stream.body.finished
    assert len(host.table) == before - 1  # the body and the trailers the guest gave up are gone


def test_outgoing_handler_denies_the_request(host):
    r = build_request(host)
    assert call(host, "wasi:http/outgoing-handler", "handle", r, None) == Err(Variant("HTTP-request-denied"))
    with pytest.raises(Exception):
        host.table.get(r, OutgoingRequest)  # handle took the request
    with pytest.raises(WasiError, match="POST https://example.com/upload"):
        host.interfaces()["wasi:http/outgoing-handler"]["handle"](build_request(host), None)


def test_request_options_and_responses(host):
    o = rep(call(host, HTTP, "[constructor]request-options"))
    assert call(host, HTTP, "[method]request-options.connect-timeout", o) is None
    assert call(host, HTTP, "[method]request-options.set-connect-timeout", o, 5_000_000) == Ok()
    assert call(host, HTTP, "[method]request-options.connect-timeout", o) == 5_000_000
    resp = rep(call(host, HTTP, "[constructor]outgoing-response", new_fields(host)))
    assert call(host, HTTP, "[method]outgoing-response.status-code", resp) == 200
    assert call(host, HTTP, "[method]outgoing-response.set-status-code", resp, 404) == Ok()
    assert call(host, HTTP, "[method]outgoing-response.set-status-code", resp, 42) == Err()
    assert call(host, HTTP, "[method]outgoing-response.status-code", resp) == 404
    assert isinstance(call(host, HTTP, "[method]outgoing-response.body", resp), Ok)


def test_the_policy_lists_its_functions_without_a_host():
    # link.missing_imports lists the host's functions on a Preview2 that was never set up
    table = NetworkPolicy(None).interfaces()
    assert "handle" in table["wasi:http/outgoing-handler"]
    assert isinstance(Fields().view(), Fields)


# -- end to end: a native guest tries the network ---------------------------------------------


def test_a_native_guest_is_denied_tcp_dns_and_http():
    from wasi_notebook import Session

    from . import pyguests

    wasm = pyguests.build("network_denied")
    session = Session()
    result = session.run(session.load(wasm, name="network_denied"), [])
    assert result.trap is None, result.stderr.decode()[-2000:]
    assert result.stdout.decode().splitlines() == [
        "tcp connect: access_denied",
        "dns lookup example.com: access_denied",
        "header host: HeaderError_Forbidden",
        "request headers: [('user-agent', b'network-denied/1'), ('accept', b'text/plain')]",
        "http POST https://example.com/submit: ErrorCode_HttpRequestDenied",
    ]
    assert result.exit_code == 0  # the guest exits 1 if any attempt got through
    assert str(result.diff) == "(no changes)"
