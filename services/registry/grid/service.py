"""Zones and grids: boundaries that are valid and do not overlap, and which grid covers a point."""

import uuid
from datetime import date
from typing import Any

from pydantic import MISSING
from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from services.registry.effective.dates import GRID, effective_day, schedule
from services.registry.enterprise.models import Enterprise, EnterpriseState
from services.registry.grid.geometry import covers_point, overlaps, parse_boundary
from services.registry.grid.models import Grid, Zone
from services.registry.grid.schemas import GridCreate, GridOut, GridUpdate, ZoneCreate
from services.registry.responsibility.models import Assignment
from services.registry.responsibility.service import end_assignment, holders
from services.registry.runtime import runtime
from shared.access import Access
from shared.clock import local_today
from shared.errors import Conflict, InvalidInput, NotFound
from shared.events.contracts.registry import GridChangedV1, GridDeletedV1
from shared.pagination import Keyset, Page, PageRequest

BY_CODE = Keyset("grids", Grid.code, Grid.id)
STANDING = Grid.valid_to.is_(None)  # not abolished: abolished grids are left out of lists and lookups


def create_zone(session: Session, data: ZoneCreate) -> Zone:
    if session.scalar(select(Zone.id).where(Zone.code == data.code)):
        raise Conflict(f"辖区编码已存在 / zone code {data.code} exists", field="code")
    zone = Zone(id=uuid.uuid4(), **data.model_dump())
    session.add(zone)
    session.flush()
    return zone


def list_zones(session: Session) -> list[Zone]:
    return list(session.scalars(select(Zone).order_by(Zone.code)))


def get_grid(session: Session, grid_id: uuid.UUID) -> Grid:
    """A grid that is not abolished (404 otherwise: its tombstone is not shown)."""
    grid = session.get(Grid, grid_id)
    if grid is None or grid.valid_to is not None:
        raise NotFound(f"网格不存在 / grid {grid_id} not found")
    return grid


def grid_to_change(session: Session, grid_id: uuid.UUID) -> Grid:
    """A grid about to be changed: 404 if unknown, 409 if abolished (an abolished grid stays as it was)."""
    grid = session.get(Grid, grid_id, with_for_update=True)
    if grid is None:
        raise NotFound(f"网格不存在 / grid {grid_id} not found")
    if grid.valid_to is not None:
        raise Conflict(
            f"网格 {grid.code} 已于 {grid.valid_to} 撤销,不可再更改 / grid {grid.code} was abolished "
            f"(its last day was {grid.valid_to}) and may not be changed"
        )
    return grid


def _check_no_overlap(session: Session, zone_id: uuid.UUID, geometry, exclude: uuid.UUID | None) -> None:
    min_lon, min_lat, max_lon, max_lat = geometry.bounds
    candidates = session.scalars(
        select(Grid).where(
            Grid.zone_id == zone_id,
            STANDING,
            Grid.id != (exclude or uuid.UUID(int=0)),
            Grid.min_lon <= max_lon,
            Grid.max_lon >= min_lon,
            Grid.min_lat <= max_lat,
            Grid.max_lat >= min_lat,
        )
    )
    for other in candidates:
        if overlaps(geometry, parse_boundary(other.boundary)):
            raise InvalidInput(
                f"边界与网格 {other.code} {other.name} 重叠 / boundary overlaps grid {other.code}",
                field="boundary",
            )


def _set_boundary(grid: Grid, geometry, boundary: dict) -> None:
    grid.boundary = boundary
    grid.min_lon, grid.min_lat, grid.max_lon, grid.max_lat = geometry.bounds


def create_grid(session: Session, data: GridCreate) -> Grid:
    if session.get(Zone, data.zone_id) is None:
        raise InvalidInput(f"辖区不存在 / zone {data.zone_id} does not exist", field="zone_id")
    geometry = parse_boundary(data.boundary)
    # one grid change at a time per zone, so two overlapping grids cannot both pass the check
    session.execute(select(func.pg_advisory_xact_lock(func.hashtext(f"zone-grids:{data.zone_id}"))))
    valid_from = effective_day(data.valid_from, data.reason)
    taken = session.scalar(select(Grid).where(Grid.zone_id == data.zone_id, Grid.code == data.code))
    if taken is not None:
        abolished = f" (abolished, last day {taken.valid_to}; a code is never given to another grid)"
        raise Conflict(
            f"网格编码已存在 / grid code {data.code} exists in this zone{abolished if taken.valid_to else ''}",
            field="code",
        )
    _check_no_overlap(session, data.zone_id, geometry, exclude=None)
    grid = Grid(
        id=uuid.uuid4(),
        zone_id=data.zone_id,
        code=data.code,
        name=data.name,
        valid_from=valid_from,
        change_reason=data.reason if valid_from < local_today() else None,
        version=0,
    )
    _set_boundary(grid, geometry, data.boundary)
    session.add(grid)
    session.flush()
    publish_grid_changed(session, grid)
    schedule(session, GRID, grid.id, valid_from)  # a grid set up for a later day is announced again then
    return grid


def update_grid(session: Session, grid_id: uuid.UUID, data: GridUpdate) -> Grid:
    grid = grid_to_change(session, grid_id)
    session.execute(select(func.pg_advisory_xact_lock(func.hashtext(f"zone-grids:{grid.zone_id}"))))
    if data.boundary is not MISSING:
        geometry = parse_boundary(data.boundary)
        _check_no_overlap(session, grid.zone_id, geometry, exclude=grid.id)
        _set_boundary(grid, geometry, data.boundary)
    if data.name is not MISSING:
        grid.name = data.name
    session.flush()
    publish_grid_changed(session, grid)
    return grid


def abolish_grid(
    session: Session, grid_id: uuid.UUID, valid_to: date | None, reason: str | None, user: Access
) -> Grid:
    """Abolish a grid (撤销) after its last day `valid_to` (today unless given; a past day needs a
    reason): the row stays as a tombstone, grid.deleted tells the copies. No unit may be in it after
    that day; its staff's open assignments end on it."""
    grid = grid_to_change(session, grid_id)
    last_day = effective_day(valid_to, reason)
    if last_day > local_today():
        raise InvalidInput(
            f"撤销日期 {last_day} 在今天之后 / a grid is abolished with today or an earlier day as its last day",
            field="valid_to",
        )
    if last_day < grid.valid_from:
        raise InvalidInput(
            f"最后一天 {last_day} 早于设立日期 {grid.valid_from} / the grid would end before it starts",
            field="valid_to",
        )
    session.execute(select(func.pg_advisory_xact_lock(func.hashtext(f"zone-grids:{grid.zone_id}"))))
    units = session.scalar(
        select(func.count(func.distinct(EnterpriseState.enterprise_id))).where(
            EnterpriseState.grid_id == grid_id,
            or_(EnterpriseState.valid_to.is_(None), EnterpriseState.valid_to > last_day),
        )
    )
    if units:
        raise Conflict(
            f"网格内仍有{units}家单位,请先移出 / the grid still has {units} units after {last_day}; move them first"
        )
    staff = list(
        session.scalars(
            select(Assignment).where(
                Assignment.scope_id == grid_id,
                or_(Assignment.valid_to.is_(None), Assignment.valid_to > last_day),
            )
        )
    )
    later = next((a for a in staff if a.valid_from > last_day or a.valid_to is not None), None)
    if later is not None:
        raise Conflict(
            f"网格有 {later.valid_from} 至 {later.valid_to or '长期'} 的责任记录 / assignment {later.id} of the "
            f"grid runs after {last_day}; end it first"
        )
    grid.valid_to = last_day
    grid.change_reason = reason
    for assignment in staff:  # no grid.changed for them: the grid is gone
        end_assignment(session, assignment.id, last_day, reason or "网格撤销 / grid abolished", user)
    grid.version += 1
    session.flush()
    runtime.publish(
        session, GridDeletedV1(grid_id=grid.id, version=grid.version, valid_to=last_day), subject=str(grid.id)
    )
    return grid


def grid_covering(session: Session, longitude: float, latitude: float) -> Grid | None:
    """The grid whose boundary covers the point (建议网格), if any."""
    candidates = session.scalars(
        select(Grid)
        .where(
            Grid.min_lon <= longitude,
            Grid.max_lon >= longitude,
            Grid.min_lat <= latitude,
            Grid.max_lat >= latitude,
            STANDING,
        )
        .order_by(Grid.code)
    )
    return next(
        (g for g in candidates if covers_point(parse_boundary(g.boundary), longitude, latitude)), None
    )


def grid_out(session: Session, grid: Grid) -> GridOut:
    today = local_today()
    leaders = holders(session, grid.id, "grid_leader", today)
    members = holders(session, grid.id, "grid_member", today)
    return GridOut(
        id=grid.id,
        zone_id=grid.zone_id,
        code=grid.code,
        name=grid.name,
        boundary=grid.boundary,
        leader_person_id=leaders[0].person_id if leaders else None,
        member_person_ids=[m.person_id for m in members],
        unit_count=session.scalar(select(func.count()).where(Enterprise.grid_id == grid.id)) or 0,
        valid_from=grid.valid_from,
        version=grid.version,
        updated_at=grid.updated_at,
    )


def visible_grids(user: Access, zone_id: uuid.UUID | None) -> Select[Any]:
    """The grids of a zone (or all) that the caller may see: grid staff their own."""
    query = user.narrow(select(Grid).where(STANDING), grid=Grid.id)
    if zone_id is not None:
        query = query.where(Grid.zone_id == zone_id)
    return query


def list_grids(session: Session, user: Access, zone_id: uuid.UUID | None, page: PageRequest) -> Page[Grid]:
    return BY_CODE.fetch(session, visible_grids(user, zone_id), page)


def publish_grid_changed(session: Session, grid: Grid) -> None:
    """Raise the grid's version and publish it with its staff of today (grid.changed)."""
    grid.version += 1
    session.flush()
    state = grid_out(session, grid)
    runtime.publish(
        session,
        GridChangedV1(
            grid_id=grid.id,
            zone_id=grid.zone_id,
            code=grid.code,
            name=grid.name,
            boundary=grid.boundary,
            leader_person_id=state.leader_person_id,
            member_person_ids=state.member_person_ids,
            version=grid.version,
            valid_from=grid.valid_from,
        ),
        subject=str(grid.id),
    )
