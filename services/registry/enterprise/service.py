"""Enterprises and construction sites: registration, dated changes with history, and their grid."""

import uuid
from datetime import date, timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from services.registry.effective.dates import UNIT_STATE, effective_day, schedule
from services.registry.enterprise.models import Enterprise, EnterpriseChange, EnterpriseState
from services.registry.enterprise.schemas import EnterpriseCreate, EnterpriseUpdate
from services.registry.grid.models import Grid
from services.registry.grid.service import grid_covering
from services.registry.runtime import runtime
from shared.access import Access
from shared.clock import local_today
from shared.db import where_given
from shared.errors import Conflict, InvalidInput, NotFound
from shared.events.contracts.registry import (
    EnterpriseRegisteredV1,
    EnterpriseUpdatedV1,
    ProductionStatus,
    RiskColour,
    UnitKind,
    UnitState,
)
from shared.pagination import Keyset, Page, PageRequest

BY_ID = Keyset("enterprises", Enterprise.id)
OLDEST_CHANGE_FIRST = Keyset("enterprise-history", EnterpriseChange.changed_at, EnterpriseChange.id)
OLDEST_STATE_FIRST = Keyset("enterprise-states", EnterpriseState.valid_from, EnterpriseState.id)
# Changes to these are kept in the enterprise's history (with who, when, why and from which day).
TRACKED_FIELDS = ("production_status", "grid_id", "key_supervision", "risk_colour", "name")
# The facts that are dated: each state of a unit holds all three.
DATED_FIELDS = ("production_status", "key_supervision", "grid_id")


def states_of(session: Session, enterprise_id: uuid.UUID) -> list[EnterpriseState]:
    """A unit's dated states, oldest first."""
    return list(
        session.scalars(
            select(EnterpriseState)
            .where(EnterpriseState.enterprise_id == enterprise_id)
            .order_by(EnterpriseState.valid_from)
        )
    )


def state_on(states: list[EnterpriseState], day: date) -> EnterpriseState | None:
    """The state in force on `day` (None before the unit's registration)."""
    return next(
        (s for s in reversed(states) if s.valid_from <= day and (s.valid_to is None or s.valid_to >= day)),
        None,
    )


def _snapshot(enterprise: Enterprise, states: list[EnterpriseState]) -> dict[str, object]:
    return {
        "enterprise_id": enterprise.id,
        "name": enterprise.name,
        "credit_code": enterprise.credit_code,
        "kind": enterprise.kind,
        "industry": enterprise.industry,
        "production_status": enterprise.production_status,
        "key_supervision": enterprise.key_supervision,
        "grid_id": enterprise.grid_id,
        "responsible_head": enterprise.responsible_head,
        "responsible_phone": enterprise.responsible_phone,
        "risk_colour": enterprise.risk_colour,
        "address": enterprise.address,
        "longitude": enterprise.longitude,
        "latitude": enterprise.latitude,
        "version": enterprise.version,
        "states": [
            UnitState(
                valid_from=s.valid_from,
                valid_to=s.valid_to,
                production_status=s.production_status,
                key_supervision=s.key_supervision,
                grid_id=s.grid_id,
            )
            for s in states
        ],
    }


def announce(session: Session, enterprise: Enterprise, changed: list[str]) -> None:
    """Raise the unit's version and publish its new state (enterprise.updated) with its history."""
    enterprise.version += 1
    session.flush()
    runtime.publish(
        session,
        EnterpriseUpdatedV1(
            **_snapshot(enterprise, states_of(session, enterprise.id)), changed=sorted(changed)
        ),
        subject=str(enterprise.id),
    )


def existing_grid(session: Session, grid_id: uuid.UUID, day: date) -> Grid:
    """A grid a unit may be in from `day` on: one that exists then and is not abolished."""
    grid = session.get(Grid, grid_id)
    if grid is None:
        raise InvalidInput(f"网格不存在 / grid {grid_id} does not exist", field="grid_id")
    if grid.valid_to is not None:
        raise Conflict(
            f"网格 {grid.code} 已于 {grid.valid_to} 撤销 / grid {grid.code} was abolished (its last day "
            f"was {grid.valid_to}); no unit may be in it from {day}",
            field="grid_id",
        )
    if grid.valid_from > day:
        raise Conflict(
            f"网格 {grid.code} 自 {grid.valid_from} 起设立 / grid {grid.code} exists from {grid.valid_from} "
            f"only, not on {day}",
            field="grid_id",
        )
    return grid


def resolve_grid(
    session: Session, grid_id: uuid.UUID | None, longitude: float | None, latitude: float | None
) -> uuid.UUID:
    """The grid a unit belongs to: the one given, else the one covering its coordinates."""
    if grid_id is not None:
        if session.get(Grid, grid_id) is None:
            raise InvalidInput(f"网格不存在 / grid {grid_id} does not exist", field="grid_id")
        return grid_id
    if longitude is None or latitude is None:
        raise InvalidInput(
            "须指定所属网格或提供坐标 / give grid_id, or longitude and latitude inside a grid",
            field="grid_id",
        )
    grid = grid_covering(session, longitude, latitude)
    if grid is None:
        raise InvalidInput(
            f"坐标({longitude}, {latitude})不在任何网格内 / the coordinates lie outside every grid",
            field="longitude",
        )
    return grid.id


def register_enterprise(session: Session, data: EnterpriseCreate, user: Access | None = None) -> Enterprise:
    """Register an enterprise or site and announce it (enterprise.registered) in one transaction."""
    # Serialise registrations of one code, so two concurrent requests cannot both pass the check.
    session.execute(select(func.pg_advisory_xact_lock(func.hashtext(f"credit_code:{data.credit_code}"))))
    if session.scalar(select(Enterprise.id).where(Enterprise.credit_code == data.credit_code)):
        raise Conflict(
            f"统一社会信用代码已登记 / credit code {data.credit_code} is already registered",
            field="credit_code",
        )
    return register_many(session, [data])[0]


def _registration_day(data: EnterpriseCreate) -> date:
    if data.registered_on is not None and data.registered_on > local_today():
        raise InvalidInput(
            f"登记日期 {data.registered_on} 在今天之后 / a unit is registered from today or an earlier day",
            field="registered_on",
        )
    return effective_day(data.registered_on, data.reason)


def register_many(session: Session, items: list[EnterpriseCreate]) -> list[Enterprise]:
    """Register units whose credit codes were checked by the caller; one flush, one outbox write.

    Each starts with one state from its registration day (today unless given; a past day needs a
    reason). A code registered concurrently in the meantime still fails on the unique constraint.
    """
    enterprises = []
    for data in items:
        day = _registration_day(data)
        grid_id = resolve_grid(session, data.grid_id, data.longitude, data.latitude)
        existing_grid(session, grid_id, day)
        enterprises.append(
            Enterprise(
                id=uuid.uuid4(),
                **data.model_dump(exclude={"grid_id", "registered_on", "reason"}),
                grid_id=grid_id,
                registered_on=day,
                registered_reason=data.reason if day < local_today() else None,
                version=1,
            )
        )
    session.add_all(enterprises)
    try:
        session.flush()
    except IntegrityError:
        raise Conflict(
            "统一社会信用代码已登记 / a credit code was registered meanwhile", field="credit_code"
        ) from None
    states = [
        EnterpriseState(
            enterprise_id=e.id,
            valid_from=e.registered_on,
            valid_to=None,
            production_status=e.production_status,
            key_supervision=e.key_supervision,
            grid_id=e.grid_id,
        )
        for e in enterprises
    ]
    session.add_all(states)
    session.flush()
    runtime.publish_many(
        session,
        [
            (EnterpriseRegisteredV1(**_snapshot(e, [s])), str(e.id))
            for e, s in zip(enterprises, states, strict=True)
        ],
    )
    return enterprises


def get_enterprise(session: Session, enterprise_id: uuid.UUID, user: Access) -> Enterprise:
    enterprise = session.get(Enterprise, enterprise_id)
    if enterprise is None:
        raise NotFound(f"企业不存在 / enterprise {enterprise_id} not found")
    user.ensure_unit(enterprise.id, enterprise.grid_id)
    return enterprise


def _record(
    session: Session,
    enterprise: Enterprise,
    field: str,
    old: object,
    new: object,
    reason: str | None,
    day: date,
    user: Access,
) -> None:
    session.add(
        EnterpriseChange(
            enterprise_id=enterprise.id,
            field=field,
            old_value=None if old is None else str(old),
            new_value=None if new is None else str(new),
            reason=reason,
            effective_on=day,
            changed_by=user.user_id,
        )
    )


def _apply(
    session: Session, enterprise: Enterprise, changes: dict[str, object], reason: str | None, user: Access
) -> Enterprise:
    """Set undated details (taking effect now), record tracked ones in the history, announce."""
    changed = [name for name, value in changes.items() if getattr(enterprise, name) != value]
    if not changed:
        return enterprise
    today = local_today()
    for name in changed:
        if name in TRACKED_FIELDS:
            _record(session, enterprise, name, getattr(enterprise, name), changes[name], reason, today, user)
        setattr(enterprise, name, changes[name])
    announce(session, enterprise, changed)
    return enterprise


def change_state(
    session: Session,
    enterprise_id: uuid.UUID,
    changes: dict[str, object],
    effective_on: date | None,
    reason: str | None,
    user: Access,
) -> Enterprise:
    """A dated change of a unit's production status, key flag or grid (`changes`), from
    `effective_on` (today unless given; a past day needs a reason; a future one takes effect then).

    It may not take effect before the unit's latest recorded change (409 naming it): the history
    before that stays as recorded. A change on the same day as the latest one amends it.
    """
    get_enterprise(session, enterprise_id, user)
    enterprise = session.get_one(Enterprise, enterprise_id, with_for_update=True)  # one change at a time
    day = effective_day(effective_on, reason)
    states = states_of(session, enterprise.id)
    latest = states[-1]
    if day < latest.valid_from:
        zh_what, en_what = ("登记", "registration") if len(states) == 1 else ("变更", "change")
        raise Conflict(
            f"该单位最近一次{zh_what}自 {latest.valid_from} 起生效,变更不得早于此日 / the unit's latest "
            f"recorded {en_what} takes effect on {latest.valid_from}; a change may not take effect "
            f"before it ({day})",
            field="effective_on",
        )
    new_grid = changes.get("grid_id")
    if isinstance(new_grid, uuid.UUID) and new_grid != latest.grid_id:
        existing_grid(session, new_grid, day)
    elif session.get_one(Grid, latest.grid_id).valid_to is not None:
        existing_grid(session, latest.grid_id, day)  # its grid was abolished: nothing changes on it
    changed = [name for name in DATED_FIELDS if name in changes and getattr(latest, name) != changes[name]]
    if not changed:
        name = next(iter(changes))
        raise Conflict(
            f"{name} 自 {day} 起已是 {changes[name]} / {name} is {changes[name]} on {day} already", field=name
        )
    for name in changed:
        _record(session, enterprise, name, getattr(latest, name), changes[name], reason, day, user)
    if day == latest.valid_from:
        state = latest
    else:
        latest.valid_to = day - timedelta(days=1)
        session.flush()  # the exclusion constraint sees the old state ended before the new one starts
        state = EnterpriseState(
            enterprise_id=enterprise.id,
            valid_from=day,
            valid_to=None,
            production_status=latest.production_status,
            key_supervision=latest.key_supervision,
            grid_id=latest.grid_id,
        )
        session.add(state)
    for name in changed:
        setattr(state, name, changes[name])
    session.flush()
    if day <= local_today():
        for name in changed:
            setattr(enterprise, name, changes[name])
        announce(session, enterprise, [*changed, "states"])
    else:
        schedule(session, UNIT_STATE, enterprise.id, day)
        announce(session, enterprise, ["states"])  # copies learn the coming state now, and again on its day
    return enterprise


def take_effect(session: Session, enterprise_id: uuid.UUID, day: date) -> None:
    """A state that starts on `day` (recorded before it) is in force: the unit's fields follow it."""
    enterprise = session.get_one(Enterprise, enterprise_id, with_for_update=True)
    states = states_of(session, enterprise_id)
    now = state_on(states, local_today())
    before = state_on(states, day - timedelta(days=1))
    if now is None:
        return
    changed = [name for name in DATED_FIELDS if before is None or getattr(before, name) != getattr(now, name)]
    for name in DATED_FIELDS:
        setattr(enterprise, name, getattr(now, name))
    announce(session, enterprise, changed)


def update_enterprise(
    session: Session, enterprise_id: uuid.UUID, data: EnterpriseUpdate, user: Access
) -> Enterprise:
    enterprise = get_enterprise(session, enterprise_id, user)
    changes = data.model_dump(exclude_unset=True, exclude={"reason"})
    key = changes.pop("key_supervision", None)
    if key is not None and key != enterprise.key_supervision:
        change_state(session, enterprise_id, {"key_supervision": key}, None, data.reason, user)
    return _apply(session, enterprise, changes, data.reason, user)


def change_status(
    session: Session,
    enterprise_id: uuid.UUID,
    status: ProductionStatus,
    reason: str,
    user: Access,
    effective_on: date | None = None,
) -> Enterprise:
    return change_state(session, enterprise_id, {"production_status": status}, effective_on, reason, user)


def move_to_grid(
    session: Session,
    enterprise_id: uuid.UUID,
    grid_id: uuid.UUID,
    reason: str,
    user: Access,
    effective_on: date | None = None,
) -> Enterprise:
    resolve_grid(session, grid_id, None, None)
    return change_state(session, enterprise_id, {"grid_id": grid_id}, effective_on, reason, user)


def set_risk_colour(
    session: Session, enterprise_id: uuid.UUID, colour: RiskColour, reason: str, user: Access
) -> Enterprise:
    enterprise = get_enterprise(session, enterprise_id, user)
    return _apply(session, enterprise, {"risk_colour": colour}, reason, user)


def history(
    session: Session, enterprise_id: uuid.UUID, user: Access, page: PageRequest
) -> Page[EnterpriseChange]:
    get_enterprise(session, enterprise_id, user)
    query = select(EnterpriseChange).where(EnterpriseChange.enterprise_id == enterprise_id)
    return OLDEST_CHANGE_FIRST.fetch(session, query, page)


def dated_states(
    session: Session, enterprise_id: uuid.UUID, user: Access, page: PageRequest
) -> Page[EnterpriseState]:
    get_enterprise(session, enterprise_id, user)
    query = select(EnterpriseState).where(EnterpriseState.enterprise_id == enterprise_id)
    return OLDEST_STATE_FIRST.fetch(session, query, page)


def list_enterprises(
    session: Session,
    user: Access,
    page: PageRequest,
    *,
    grid_id: uuid.UUID | None = None,
    kind: UnitKind | None = None,
    status: ProductionStatus | None = None,
    key_supervision: bool | None = None,
    risk_colour: RiskColour | None = None,
    text: str | None = None,
) -> Page[Enterprise]:
    """Paged by id and filtered; each caller sees only what their role covers. `text`: part of the
    name or of the credit code."""
    query = user.narrow(select(Enterprise), unit=Enterprise.id, grid=Enterprise.grid_id)
    query = where_given(
        query,
        {
            Enterprise.grid_id: grid_id,
            Enterprise.kind: kind,
            Enterprise.production_status: status,
            Enterprise.key_supervision: key_supervision,
            Enterprise.risk_colour: risk_colour,
        },
    )
    if text:
        query = query.where(
            or_(
                Enterprise.name.contains(text, autoescape=True),
                Enterprise.credit_code.contains(text.upper(), autoescape=True),
            )
        )
    return BY_ID.fetch(session, query, page)
