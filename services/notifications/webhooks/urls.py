"""Which webhook URLs may be called: http(s) only, and no private, loopback or link-local address
unless the network is on the settings' allow-list (so a subscriber cannot aim us at the intranet)."""

import ipaddress
import socket
from urllib.parse import urlsplit

from services.notifications.settings import NotificationsSettings


def forbidden_address_problem(url: str, settings: NotificationsSettings) -> str | None:
    """What is wrong with calling `url`, or None if it may be called."""
    try:
        parts = urlsplit(url)
    except ValueError as exc:  # e.g. an unclosed IPv6 bracket
        return f"地址格式错误 / the URL does not parse: {exc}"
    if parts.scheme not in ("http", "https"):
        return f"只允许 http(s) 地址 / only http and https URLs are allowed, not {parts.scheme or 'none'!r}"
    if not parts.hostname:
        return "地址缺少主机名 / the URL has no host"
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
        infos = socket.getaddrinfo(parts.hostname, port, proto=socket.IPPROTO_TCP)
    except (OSError, ValueError) as exc:
        return f"无法解析主机 / cannot resolve {parts.hostname}: {exc}"
    allowed = [ipaddress.ip_network(network) for network in settings.webhook_allowed_networks]
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if any(address in network for network in allowed):
            continue
        if not address.is_global or address.is_multicast:
            return f"禁止访问内部地址 / {parts.hostname} resolves to a forbidden address {address}"
    return None
