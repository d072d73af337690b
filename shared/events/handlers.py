"""The one way to register an event handler: mark it with `@handles(...)` in a `handlers.py` module.

`handler(session, data, event)` applies one event of a contract; `@handles(HazardEventV1)` on the
shared base of a family (a class with no `event_type` of its own) handles every contract derived
from it. `@observes_every_event` marks `observer(session, event)`, which also sees every event of a
known contract. A service's worker finds its `services/<service>/<domain>/handlers.py` modules
(`shared.worker.domain_modules`) and its consumer dispatches through what `collect` finds there.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any, TypeVar

from sqlalchemy.orm import Session

from shared.events.contracts import CONTRACTS, EventContract
from shared.events.envelope import CloudEvent

Handler = Callable[[Session, Any, CloudEvent], None]
Observer = Callable[[Session, CloudEvent], None]
F = TypeVar("F", bound=Callable[..., None])

_HANDLES = "__handles_contracts__"
_OBSERVES = "__observes_every_event__"


def handles(*contracts: type[EventContract]) -> Callable[[F], F]:
    """Decorator: the function applies events of these contracts, or of every contract of a family."""

    def mark(handler: F) -> F:
        setattr(handler, _HANDLES, (*getattr(handler, _HANDLES, ()), *contracts))
        return handler

    return mark


def observes_every_event(observer: F) -> F:
    """Decorator: the function also sees every event of a known contract, in the same transaction,
    after the type's own handler if it has one."""
    setattr(observer, _OBSERVES, True)
    return observer


def family(contract_or_base: type[EventContract]) -> list[type[EventContract]]:
    """The contract itself, or for a shared base every contract derived from it."""
    if "event_type" in contract_or_base.__dict__:
        return [contract_or_base]
    members = [c for c in CONTRACTS.values() if issubclass(c, contract_or_base)]
    if not members:
        raise TypeError(f"{contract_or_base.__name__} is neither a contract nor the base of one")
    return members


@dataclass
class Handlers:
    """What a consumer dispatches to: one handler per (type, version), and the observers."""

    by_contract: dict[tuple[str, int], tuple[type[EventContract], Handler]] = field(default_factory=dict)
    observers: list[Observer] = field(default_factory=list)


def collect(modules: Iterable[ModuleType]) -> Handlers:
    """Every handler and observer defined in these modules (not merely imported into them)."""
    found = Handlers()
    for module in modules:
        for value in vars(module).values():
            if getattr(value, "__module__", None) != module.__name__:
                continue
            for contracts in getattr(value, _HANDLES, ()):
                for contract in family(contracts):
                    key = (contract.event_type, contract.event_version)
                    if key in found.by_contract:
                        other = found.by_contract[key][1]
                        raise TypeError(
                            f"two handlers for {key}: {other.__qualname__} and {value.__qualname__}"
                        )
                    found.by_contract[key] = (contract, value)
            if getattr(value, _OBSERVES, False):
                found.observers.append(value)
    return found
