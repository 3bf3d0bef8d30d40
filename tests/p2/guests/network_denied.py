"""A native preview2 guest (componentize-py) that tries the network through the WASI 0.2
bindings and prints each answer: a TCP connect (wasi:sockets/tcp), a DNS lookup
(wasi:sockets/ip-name-lookup) and an HTTP POST (wasi:http), the request built in full first.
It exits 1 if any attempt is not denied.
"""

from componentize_py_types import Err
from wit_world import exports
from wit_world.imports import instance_network, ip_name_lookup, network, outgoing_handler, stdout, tcp_create_socket
from wit_world.imports import types as http


class Run(exports.Run):
    def run(self) -> None:
        out = stdout.get_stdout()

        def say(text: str) -> None:
            out.blocking_write_and_flush((text + "\n").encode())

        allowed = []
        net = instance_network.instance_network()
        try:
            sock = tcp_create_socket.create_tcp_socket(network.IpAddressFamily.IPV4)
            address = network.IpSocketAddress_Ipv4(network.Ipv4SocketAddress(80, (93, 184, 215, 14)))
            sock.start_connect(net, address)
            allowed.append("tcp")
        except Err as e:
            say(f"tcp connect: {e.value.name.lower()}")

        try:
            ip_name_lookup.resolve_addresses(net, "example.com")
            allowed.append("dns")
        except Err as e:
            say(f"dns lookup example.com: {e.value.name.lower()}")

        headers = http.Fields.from_list([("User-Agent", b"network-denied/1"), ("accept", b"text/plain")])
        try:
            headers.append("host", b"example.com")
        except Err as e:
            say(f"header host: {type(e.value).__name__}")
        request = http.OutgoingRequest(headers)
        request.set_method(http.Method_Post())
        request.set_scheme(http.Scheme_Https())
        request.set_authority("example.com")
        request.set_path_with_query("/submit?from=guest")
        with request.headers() as view:
            say(f"request headers: {view.entries()}")
        body = request.body()
        with body.write() as stream:
            stream.blocking_write_and_flush(b"hello from a guest")
        http.OutgoingBody.finish(body, None)
        try:
            outgoing_handler.handle(request, None)
            allowed.append("http")
        except Err as e:
            say(f"http POST https://example.com/submit: {type(e.value).__name__}")

        if allowed:
            say(f"not denied: {allowed}")
            raise Err(None)
