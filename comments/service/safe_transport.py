"""An HTTP client transport that connects only to addresses it has vetted itself.

Checking a webhook's host and then letting the HTTP client resolve it again leaves a
gap: a hostile DNS server can answer a public address to the check and a loopback one
to the connection (DNS rebinding). Here the connection resolves the host once, refuses
unless every address is public, and connects to one of those very addresses. TLS still
gets the hostname, for SNI and the certificate check: httpcore passes it to `start_tls`
on its own, apart from the host it asked `connect_tcp` for.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
import time
from collections.abc import Iterable

import httpcore
import httpx

SocketOption = (
    tuple[int, int, int] | tuple[int, int, bytes | bytearray] | tuple[int, int, None, int]
)


class TargetRefused(Exception):
    """The endpoint's address may not be sent to."""


def is_public(address: str) -> bool:
    """A globally routable unicast address (an IPv4-mapped IPv6 address counts as its IPv4)."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


async def resolve(host: str, port: int) -> list[str]:
    """Every address the host resolves to: the one place webhook delivery asks DNS."""
    found = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in found))


async def vetted(host: str, port: int, allow_private: bool) -> list[str]:
    """The host's addresses, or TargetRefused if it has none or any is not public."""
    try:
        addresses = await resolve(host, port)
    except (OSError, ValueError, UnicodeError):
        raise TargetRefused("the host does not resolve") from None
    if not addresses:
        raise TargetRefused("the host does not resolve")
    if not allow_private and not all(is_public(a) for a in addresses):
        raise TargetRefused("the host resolves to a private or loopback address")
    return addresses


class VettedBackend(httpcore.AsyncNetworkBackend):
    """httpcore's network backend, connecting to vetted addresses of the asked-for host."""

    def __init__(
        self, allow_private: bool, inner: httpcore.AsyncNetworkBackend | None = None
    ) -> None:
        self._allow_private = allow_private
        self._inner = inner or httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,  # noqa: ASYNC109 (httpcore's signature)
        local_address: str | None = None,
        socket_options: Iterable[SocketOption] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        """Resolve once, refuse a private answer, then try each vetted address in turn."""
        started = time.monotonic()
        try:
            addresses = await asyncio.wait_for(vetted(host, port, self._allow_private), timeout)
        except TimeoutError:
            raise httpcore.ConnectTimeout(f"{host} did not resolve in time") from None
        options = list(socket_options or ())
        failure: Exception = httpcore.ConnectError(f"could not connect to {host}")
        for address in addresses:
            left = None if timeout is None else timeout - (time.monotonic() - started)
            if left is not None and left <= 0:
                raise httpcore.ConnectTimeout(f"no connection to {host} in time")
            try:
                return await self._inner.connect_tcp(
                    address,
                    port,
                    timeout=left,
                    local_address=local_address,
                    socket_options=options,
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                failure = exc
        raise failure

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,  # noqa: ASYNC109 (httpcore's signature)
        socket_options: Iterable[SocketOption] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        """A local socket is never a webhook target."""
        raise TargetRefused("a unix socket cannot receive webhooks")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


def vetted_transport(allow_private: bool) -> httpx.AsyncHTTPTransport:
    """An httpx transport whose connections go through `VettedBackend`.

    httpx 0.28 takes no network backend, so the transport's connection pool is
    replaced by one that has it, built with the same TLS settings httpx would use.
    """
    transport = httpx.AsyncHTTPTransport(trust_env=False)
    transport._pool = httpcore.AsyncConnectionPool(
        ssl_context=httpx.create_ssl_context(),
        max_connections=1,
        max_keepalive_connections=0,
        network_backend=VettedBackend(allow_private),
    )
    return transport
