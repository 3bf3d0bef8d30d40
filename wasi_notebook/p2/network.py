"""wasi:sockets and wasi:http at 0.2.x, under the notebook's policy: no network at all.

A component that imports these interfaces links and runs; every attempt to reach the network is
denied by raising ``WasiError(Errno.ACCES)``, which :mod:`.errors` turns into the interface's own
error case, so the denial shows in the trace like any other failed call:

- ``instance-network`` hands out a ``network`` handle (it grants nothing by itself);
- ``create-tcp-socket`` and ``create-udp-socket`` answer ``access-denied``: no socket ever exists,
  so the socket methods, though defined (a component must link), can never be reached;
- ``resolve-addresses`` answers ``access-denied`` too, not ``permanent-resolver-failure``: the
  name is not the problem and no resolver was asked, and a guest's libc must not report a broken
  DNS (or, for ``temporary-resolver-failure``, retry) when the notebook simply refuses;
- ``outgoing-handler.handle`` answers ``HTTP-request-denied``.

The pure-data part of wasi:http/types works for real, so a guest builds its request before it is
refused: ``fields``, ``outgoing-request`` and ``outgoing-response`` with their setters and getters,
``request-options``, and ``outgoing-body`` whose ``write`` gives an output-stream collecting the
bytes. A setter's rejection of a malformed value (``header-error``, the unit error of
``set-method``) is an answer about data, not a failure of the host, and is returned as an explicit
``Err`` (as a stream's ``closed`` is). The resources the policy never gives out (incoming requests
and responses, their bodies, futures, response-outparam) have their functions too, so components
link; a call on one cannot happen, since the guest can hold no such handle.
"""

from __future__ import annotations

import re
from typing import Any, Callable

from ..errors import Errno, WasiError
from .resources import RESOURCES, OutputStream
from .values import Err, Ok, Variant

__all__ = ["NetworkPolicy", "Fields", "OutgoingRequest", "OutgoingResponse", "OutgoingBody", "BodyStream",
           "RequestOptions", "FORBIDDEN_HEADERS"]

DENIED = "network access is denied in the notebook"


class NetworkHandle:
    """wasi:sockets/network.network: the capability instance-network gives; it allows nothing."""


class _Never:
    """A resource the policy never hands out (a socket, a DNS answer, anything incoming)."""


class TcpSocket(_Never):
    pass


class UdpSocket(_Never):
    pass


class IncomingDatagramStream(_Never):
    pass


class OutgoingDatagramStream(_Never):
    pass


class ResolveAddressStream(_Never):
    pass


class IncomingRequest(_Never):
    pass


class IncomingResponse(_Never):
    pass


class IncomingBody(_Never):
    pass


class FutureTrailers(_Never):
    pass


class FutureIncomingResponse(_Never):
    pass


class ResponseOutparam(_Never):
    pass


# Headers a guest may not set (what wasmtime's wasi-http forbids by default): the connection is
# the host's business.
FORBIDDEN_HEADERS = frozenset({
    "connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "proxy-connection",
    "transfer-encoding", "upgrade", "host", "http2-settings",
})
_TOKEN = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+\-.]*")
_BAD_VALUE = re.compile(rb"[\x00-\x08\x0a-\x1f\x7f]")
_BAD_URI_PART = re.compile(r"[\x00-\x20\x7f]")


def _header_error(name: str, value: bytes | None = None) -> str | None:
    """The header-error case for setting ``name`` (to ``value``), or None when it is allowed."""
    if not _TOKEN.fullmatch(name) or (value is not None and _BAD_VALUE.search(value)):
        return "invalid-syntax"
    if name.lower() in FORBIDDEN_HEADERS:
        return "forbidden"
    return None


class Fields:
    """wasi:http/types.fields: ordered (lower-case name, value) entries. The headers of a request
    or response are an immutable view sharing its entries."""

    def __init__(self, entries: list[tuple[str, bytes]] | None = None, immutable: bool = False) -> None:
        self.entries = entries if entries is not None else []
        self.immutable = immutable

    def view(self) -> Fields:
        return Fields(self.entries, immutable=True)

    def get(self, name: str) -> list[bytes]:
        key = name.lower()
        return [v for n, v in self.entries if n == key]

    def _check(self, name: str, values: list[bytes]) -> Err | None:
        if self.immutable:
            return Err(Variant("immutable"))
        for value in values or [None]:
            case = _header_error(name, value)
            if case:
                return Err(Variant(case))
        return None

    def set(self, name: str, values: list[bytes]) -> Ok | Err:
        refused = self._check(name, values)
        if refused:
            return refused
        key = name.lower()
        self.entries[:] = [(n, v) for n, v in self.entries if n != key] + [(key, bytes(v)) for v in values]
        return Ok()

    def append(self, name: str, value: bytes) -> Ok | Err:
        refused = self._check(name, [value])
        if refused:
            return refused
        self.entries.append((name.lower(), bytes(value)))
        return Ok()

    def delete(self, name: str) -> Ok | Err:
        refused = self._check(name, [])
        if refused:
            return refused
        key = name.lower()
        self.entries[:] = [(n, v) for n, v in self.entries if n != key]
        return Ok()


class OutgoingBody:
    """wasi:http/types.outgoing-body: the bytes written to its one stream."""

    def __init__(self) -> None:
        self.data = bytearray()
        self.stream_taken = False
        self.finished = False


class BodyStream(OutputStream):
    """The wasi:io output-stream of an outgoing-body (an output-stream to the guest)."""

    def __init__(self, body: OutgoingBody) -> None:
        self.body = body

    def write(self, data: bytes) -> None:
        if self.body.finished:
            raise WasiError(Errno.PIPE, None, "the body was finished")
        self.body.data += data


class _Message:
    """What outgoing-request and outgoing-response share: headers and a body taken once."""

    def __init__(self, headers: Fields) -> None:
        self.headers = headers
        self.headers.immutable = True  # the message owns them now; the guest sees a read-only view
        self.body: OutgoingBody | None = None


class OutgoingRequest(_Message):
    def __init__(self, headers: Fields) -> None:
        super().__init__(headers)
        self.method = Variant("get")
        self.path_with_query: str | None = None
        self.scheme: Variant | None = None
        self.authority: str | None = None

    def url(self) -> str:
        """``GET https://example.com/path``, for the denial's message."""
        method = self.method.payload if self.method.tag == "other" else self.method.tag.upper()
        scheme = ("" if self.scheme is None else
                  (self.scheme.payload if self.scheme.tag == "other" else self.scheme.tag.lower()) + "://")
        return f"{method} {scheme}{self.authority or ''}{self.path_with_query or ''}"


class OutgoingResponse(_Message):
    def __init__(self, headers: Fields) -> None:
        super().__init__(headers)
        self.status = 200


class RequestOptions:
    def __init__(self) -> None:
        self.timeouts: dict[str, int | None] = {"connect": None, "first-byte": None, "between-bytes": None}


# Type ids of this module's resources: 100 and up, apart from those of resources.py.
RESOURCES.update({
    ("wasi:sockets/network", "network"): (NetworkHandle, 100),
    ("wasi:sockets/ip-name-lookup", "resolve-address-stream"): (ResolveAddressStream, 101),
    ("wasi:sockets/tcp", "tcp-socket"): (TcpSocket, 102),
    ("wasi:sockets/udp", "udp-socket"): (UdpSocket, 103),
    ("wasi:sockets/udp", "incoming-datagram-stream"): (IncomingDatagramStream, 104),
    ("wasi:sockets/udp", "outgoing-datagram-stream"): (OutgoingDatagramStream, 105),
    ("wasi:http/types", "fields"): (Fields, 110),
    ("wasi:http/types", "incoming-request"): (IncomingRequest, 111),
    ("wasi:http/types", "outgoing-request"): (OutgoingRequest, 112),
    ("wasi:http/types", "request-options"): (RequestOptions, 113),
    ("wasi:http/types", "response-outparam"): (ResponseOutparam, 114),
    ("wasi:http/types", "incoming-response"): (IncomingResponse, 115),
    ("wasi:http/types", "incoming-body"): (IncomingBody, 116),
    ("wasi:http/types", "future-trailers"): (FutureTrailers, 117),
    ("wasi:http/types", "outgoing-response"): (OutgoingResponse, 118),
    ("wasi:http/types", "outgoing-body"): (OutgoingBody, 119),
    ("wasi:http/types", "future-incoming-response"): (FutureIncomingResponse, 120),
})

# The functions of the resources no guest can hold, by resource: defined only so components link.
_UNREACHABLE: dict[tuple[str, type], list[str]] = {
    ("wasi:sockets/ip-name-lookup", ResolveAddressStream): ["resolve-next-address", "subscribe"],
    ("wasi:sockets/tcp", TcpSocket): [
        "start-bind", "finish-bind", "start-connect", "finish-connect", "start-listen", "finish-listen",
        "accept", "local-address", "remote-address", "is-listening", "address-family",
        "set-listen-backlog-size", "keep-alive-enabled", "set-keep-alive-enabled", "keep-alive-idle-time",
        "set-keep-alive-idle-time", "keep-alive-interval", "set-keep-alive-interval", "keep-alive-count",
        "set-keep-alive-count", "hop-limit", "set-hop-limit", "receive-buffer-size",
        "set-receive-buffer-size", "send-buffer-size", "set-send-buffer-size", "subscribe", "shutdown"],
    ("wasi:sockets/udp", UdpSocket): [
        "start-bind", "finish-bind", "stream", "local-address", "remote-address", "address-family",
        "unicast-hop-limit", "set-unicast-hop-limit", "receive-buffer-size", "set-receive-buffer-size",
        "send-buffer-size", "set-send-buffer-size", "subscribe"],
    ("wasi:sockets/udp", IncomingDatagramStream): ["receive", "subscribe"],
    ("wasi:sockets/udp", OutgoingDatagramStream): ["check-send", "send", "subscribe"],
    ("wasi:http/types", IncomingRequest): ["method", "path-with-query", "scheme", "authority", "headers",
                                          "consume"],
    ("wasi:http/types", IncomingResponse): ["status", "headers", "consume"],
    ("wasi:http/types", IncomingBody): ["stream", "[static]finish"],
    ("wasi:http/types", FutureTrailers): ["subscribe", "get"],
    ("wasi:http/types", FutureIncomingResponse): ["subscribe", "get"],
    ("wasi:http/types", ResponseOutparam): ["send-informational", "[static]set"],
}
_RESOURCE_NAMES = {cls: name for (_, name), (cls, _) in RESOURCES.items()}


class NetworkPolicy:
    """The deny-all network of one run, over a host's resource table.

    ``host`` is the :class:`.host.Preview2` (anything with a ``table``), read only when a function is
    called, so the function table can be listed before the host is set up.
    """

    def __init__(self, host: Any) -> None:
        self.host = host

    def _get(self, rep: int, cls: type) -> Any:
        return self.host.table.get(rep, cls)

    def _own(self, obj: Any, parent: int | None = None) -> Any:
        """An own handle to ``obj``; one made from ``parent`` must be dropped before it."""
        return self.host.table.own(obj) if parent is None else self.host.table.own(obj, parent)

    def _take(self, rep: int, cls: type) -> Any:
        """The object behind an ``own`` handle the guest gave up: out of the table, to keep."""
        self._get(rep, cls)
        return self.host.table.drop(rep)

    def interfaces(self) -> dict[str, dict[str, Callable[..., Any]]]:
        table: dict[str, dict[str, Callable[..., Any]]] = {
            "wasi:sockets/network": {"network-error-code": lambda e: None},  # no io error is a socket's
            "wasi:sockets/instance-network": {"instance-network": lambda: self._own(NetworkHandle())},
            "wasi:sockets/ip-name-lookup": {"resolve-addresses": self.resolve_addresses},
            "wasi:sockets/tcp-create-socket": {
                "create-tcp-socket": lambda family: self._deny_socket("tcp", family)},
            "wasi:sockets/udp-create-socket": {
                "create-udp-socket": lambda family: self._deny_socket("udp", family)},
            "wasi:sockets/tcp": {},
            "wasi:sockets/udp": {},
            "wasi:http/outgoing-handler": {"handle": self.handle},
            "wasi:http/types": self._http_types(),
        }
        for (interface, cls), methods in _UNREACHABLE.items():
            resource = _RESOURCE_NAMES[cls]
            for method in methods:
                name = method.replace("]", f"]{resource}.") if method.startswith("[") else \
                    f"[method]{resource}.{method}"
                table[interface][name] = _unreachable(cls)
        return table

    # -- wasi:sockets --------------------------------------------------------------------------

    def _deny_socket(self, kind: str, family: str) -> Any:
        raise WasiError(Errno.ACCES, None, f"{DENIED}: no {kind} socket ({family})")

    def resolve_addresses(self, network: int, name: str) -> Any:
        self._get(network, NetworkHandle)
        raise WasiError(Errno.ACCES, name, f"{DENIED}: no name lookup")

    # -- wasi:http -----------------------------------------------------------------------------

    def handle(self, request: int, options: Any) -> Any:
        req = self._take(request, OutgoingRequest)
        raise WasiError(Errno.ACCES, req.url(), f"{DENIED}: no HTTP request")

    def _http_types(self) -> dict[str, Callable[..., Any]]:
        get = self._get
        timeouts = {}
        for which in ("connect", "first-byte", "between-bytes"):
            timeouts[f"[method]request-options.{which}-timeout"] = \
                lambda o, w=which: get(o, RequestOptions).timeouts[w]
            timeouts[f"[method]request-options.set-{which}-timeout"] = \
                lambda o, d, w=which: get(o, RequestOptions).timeouts.__setitem__(w, d)
        return {
            "http-error-code": lambda e: None,  # the body streams here never fail for HTTP reasons
            "[constructor]fields": lambda: self._own(Fields()),
            "[static]fields.from-list": self.fields_from_list,
            "[method]fields.get": lambda f, name: get(f, Fields).get(name),
            "[method]fields.has": lambda f, name: bool(get(f, Fields).get(name)),
            "[method]fields.set": lambda f, name, values: get(f, Fields).set(name, values),
            "[method]fields.delete": lambda f, name: get(f, Fields).delete(name),
            "[method]fields.append": lambda f, name, value: get(f, Fields).append(name, value),
            "[method]fields.entries": lambda f: list(get(f, Fields).entries),
            "[method]fields.clone": lambda f: self._own(Fields(list(get(f, Fields).entries))),
            "[constructor]outgoing-request": lambda h: self._own(OutgoingRequest(self._take(h, Fields))),
            "[method]outgoing-request.body": lambda r: self._body(get(r, OutgoingRequest)),
            "[method]outgoing-request.method": lambda r: get(r, OutgoingRequest).method,
            "[method]outgoing-request.set-method": self.set_method,
            "[method]outgoing-request.path-with-query": lambda r: get(r, OutgoingRequest).path_with_query,
            "[method]outgoing-request.set-path-with-query": self.set_path_with_query,
            "[method]outgoing-request.scheme": lambda r: get(r, OutgoingRequest).scheme,
            "[method]outgoing-request.set-scheme": self.set_scheme,
            "[method]outgoing-request.authority": lambda r: get(r, OutgoingRequest).authority,
            "[method]outgoing-request.set-authority": self.set_authority,
            "[method]outgoing-request.headers": lambda r: self._own(get(r, OutgoingRequest).headers.view(), r),
            **timeouts,
            "[constructor]request-options": lambda: self._own(RequestOptions()),
            "[constructor]outgoing-response": lambda h: self._own(OutgoingResponse(self._take(h, Fields))),
            "[method]outgoing-response.status-code": lambda r: get(r, OutgoingResponse).status,
            "[method]outgoing-response.set-status-code": self.set_status_code,
            "[method]outgoing-response.headers": lambda r: self._own(get(r, OutgoingResponse).headers.view(), r),
            "[method]outgoing-response.body": lambda r: self._body(get(r, OutgoingResponse)),
            "[method]outgoing-body.write": self.body_write,
            "[static]outgoing-body.finish": self.body_finish,
        }

    def fields_from_list(self, entries: list[tuple[str, bytes]]) -> Ok | Err:
        fields = Fields()
        for name, value in entries:
            refused = fields.append(name, value)
            if isinstance(refused, Err):
                return refused
        return Ok(self._own(fields))

    def _body(self, message: _Message) -> Ok | Err:
        if message.body is not None:
            return Err()  # the body is given out once
        message.body = OutgoingBody()
        return Ok(self._own(message.body))

    def set_method(self, r: int, method: Variant) -> Ok | Err:
        req = self._get(r, OutgoingRequest)
        if method.tag == "other" and not _TOKEN.fullmatch(method.payload):
            return Err()
        req.method = method
        return Ok()

    def set_path_with_query(self, r: int, path: str | None) -> Ok | Err:
        req = self._get(r, OutgoingRequest)
        if path is not None and (_BAD_URI_PART.search(path) or "#" in path):
            return Err()
        req.path_with_query = path
        return Ok()

    def set_scheme(self, r: int, scheme: Variant | None) -> Ok | Err:
        req = self._get(r, OutgoingRequest)
        if scheme is not None and scheme.tag == "other" and not _SCHEME.fullmatch(scheme.payload):
            return Err()
        req.scheme = scheme
        return Ok()

    def set_authority(self, r: int, authority: str | None) -> Ok | Err:
        req = self._get(r, OutgoingRequest)
        if authority is not None and (_BAD_URI_PART.search(authority) or set(authority) & set("/?#")):
            return Err()
        req.authority = authority
        return Ok()

    def set_status_code(self, r: int, status: int) -> Ok | Err:
        response = self._get(r, OutgoingResponse)
        if not 100 <= status <= 999:
            return Err()
        response.status = status
        return Ok()

    def body_write(self, b: int) -> Ok | Err:
        body = self._get(b, OutgoingBody)
        if body.stream_taken:
            return Err()  # the stream is given out once
        body.stream_taken = True
        return Ok(self._own(BodyStream(body), b))

    def body_finish(self, b: int, trailers: int | None) -> None:
        """Finish the body; the trailers (an ``option<own<fields>>``, its rep) are the host's now.
        Nothing is sent, so they are taken out of the table and not read."""
        self._take(b, OutgoingBody).finished = True
        if trailers is not None:
            self._take(trailers, Fields)


def _unreachable(cls: type) -> Callable[..., Any]:
    def call(*args: Any) -> Any:
        raise TypeError(f"the network policy never gives out a {cls.__name__}: this call cannot happen")
    return call
