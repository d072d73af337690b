"""Which webhook URLs may be called: http(s) only, and no private, loopback, link-local or metadata
address unless the network is on the settings' allow-list (so a subscriber cannot aim us at the
intranet).

The name is resolved once: every address it resolves to must be allowed, and the request then
goes to those checked addresses (`Target.addresses`, in the resolver's order), never to a second
resolution that a rebinding DNS server could answer differently.
"""

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from services.notifications.settings import NotificationsSettings

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class ForbiddenTarget(ValueError):
    """The URL may not be called; the message says why (in Chinese and English)."""


@dataclass(frozen=True)
class Target:
    """A webhook URL checked for calling: its host name and the checked addresses to connect to."""

    url: str
    host: str
    addresses: tuple[IPAddress, ...]


def resolve_addresses(host: str, port: int) -> list[IPAddress]:
    """Every address `host` resolves to (the system resolver)."""
    infos = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    return [ipaddress.ip_address(str(info[4][0]).split("%", 1)[0]) for info in infos]  # no IPv6 zone


def checked_target(url: str, settings: NotificationsSettings) -> Target:
    """Resolve the URL's host once and check each address; raise ForbiddenTarget saying why not."""
    try:
        parts = urlsplit(url)
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as exc:  # e.g. an unclosed IPv6 bracket, a port out of range
        raise ForbiddenTarget(f"地址格式错误 / the URL does not parse: {exc}") from exc
    if parts.scheme not in ("http", "https"):
        raise ForbiddenTarget(
            f"只允许 http(s) 地址 / only http and https URLs are allowed, not {parts.scheme or 'none'!r}"
        )
    if not parts.hostname:
        raise ForbiddenTarget("地址缺少主机名 / the URL has no host")
    try:
        addresses = resolve_addresses(parts.hostname, port)
    except (OSError, ValueError) as exc:
        raise ForbiddenTarget(f"无法解析主机 / cannot resolve {parts.hostname}: {exc}") from exc
    if not addresses:
        raise ForbiddenTarget(f"无法解析主机 / {parts.hostname} resolves to no address")
    allowed = [ipaddress.ip_network(network) for network in settings.webhook_allowed_networks]
    for address in addresses:
        if any(address in network for network in allowed):
            continue
        if not address.is_global or address.is_multicast:
            raise ForbiddenTarget(
                f"禁止访问内部地址 / {parts.hostname} resolves to a forbidden address {address}"
            )
    return Target(url=url, host=parts.hostname, addresses=tuple(dict.fromkeys(addresses)))


def forbidden_address_problem(url: str, settings: NotificationsSettings) -> str | None:
    """What is wrong with calling `url`, or None if it may be called."""
    try:
        checked_target(url, settings)
    except ForbiddenTarget as exc:
        return str(exc)
    return None
