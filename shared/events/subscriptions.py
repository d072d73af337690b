"""Which service consumes which event types: the relay's routing table.

A pattern is an exact type (`enterprise.registered`) or a prefix with `*` (`enterprise.*`).
Each service's consumer must handle every type it subscribes to (checked by a test).
"""

from functools import lru_cache

SUBSCRIPTIONS: dict[str, tuple[str, ...]] = {
    "registry": ("risk.assessed",),
    "inspections": ("enterprise.*", "grid.*", "person.*", "assignment.*"),
    "notifications": (
        "enterprise.*",
        "grid.*",
        "person.*",
        "assignment.*",
        "hazard.*",
        "risk.*",
        "inspection.*",
        "report.*",
        "training.*",
        "exam.*",
        "certificate.*",
        "account.*",
    ),
    "reporting": (
        "enterprise.*",
        "grid.*",
        "person.*",
        "assignment.*",
        "hazard.*",
        "inspection.*",
        "risk.*",
        "training.*",
    ),
}


def _matches(pattern: str, event_type: str) -> bool:
    if pattern.endswith("*"):
        return event_type.startswith(pattern[:-1])
    return pattern == event_type


@lru_cache(maxsize=1024)
def subscribers(event_type: str) -> tuple[str, ...]:
    return tuple(
        service
        for service, patterns in SUBSCRIPTIONS.items()
        if any(_matches(p, event_type) for p in patterns)
    )
