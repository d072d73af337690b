"""All event contracts; importing this package registers every one of them."""

from shared.events.contracts import inspections, notifications, registry, reporting
from shared.events.contracts.base import (
    CONTRACTS,
    EventContract,
    UnknownContract,
    contract_for,
    schema_uri,
)

__all__ = [
    "CONTRACTS",
    "EventContract",
    "UnknownContract",
    "contract_for",
    "inspections",
    "notifications",
    "registry",
    "reporting",
    "schema_uri",
]
