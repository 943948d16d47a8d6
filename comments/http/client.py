"""The client's address: the peer, or what trusted proxies say in `X-Forwarded-For`.

Only proxies named in `COMMENTS_TRUSTED_PROXIES` are believed, and the header is read
from the right, so a client cannot claim an address by sending the header itself.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

from starlette.requests import HTTPConnection

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_networks(values: Iterable[str]) -> tuple[Network, ...]:
    """Networks from settings (already validated there)."""
    return tuple(ipaddress.ip_network(value, strict=False) for value in values)


def _trusted(address: str, networks: tuple[Network, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


def client_address(connection: HTTPConnection, networks: tuple[Network, ...]) -> str:
    """The address rate limits and bans key on."""
    peer = connection.client.host if connection.client else ""
    if not networks or not _trusted(peer, networks):
        return peer
    hops = [hop.strip() for hop in connection.headers.get("x-forwarded-for", "").split(",")]
    for hop in reversed([h for h in hops if h]):
        if not _trusted(hop, networks):
            try:
                return str(ipaddress.ip_address(hop))
            except ValueError:
                return peer
    return peer
