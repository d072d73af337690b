"""Typed, versioned event contracts.

One Pydantic model per (event type, version). Within a version only additive changes are allowed
(a test snapshots every contract's JSON schema); a breaking change is a new version. Consumers
ignore fields they do not know, so an additive change never breaks them.
"""

from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict

CONTRACTS: dict[tuple[str, int], type["EventContract"]] = {}


class UnknownContract(LookupError):
    """No contract is known for an event type and version."""


class EventContract(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    event_type: ClassVar[str]
    event_version: ClassVar[int]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "event_type" not in cls.__dict__:  # a shared base of several contracts, not one itself
            return
        key = (cls.event_type, cls.event_version)
        if key in CONTRACTS:
            raise TypeError(f"two contracts for {key}: {CONTRACTS[key].__name__} and {cls.__name__}")
        CONTRACTS[key] = cls


def schema_uri(event_type: str, version: int) -> str:
    return f"urn:gridsafe:event:{event_type}:v{version}"


def contract_for(event_type: str, version: int) -> type[EventContract]:
    try:
        return CONTRACTS[(event_type, version)]
    except KeyError:
        known = sorted(v for (t, v) in CONTRACTS if t == event_type)
        raise UnknownContract(
            f"no contract for {event_type} v{version}"
            + (f" (known versions: {known})" if known else " (unknown event type)")
        ) from None
