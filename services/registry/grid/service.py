"""Zones and grids: boundaries that are valid and do not overlap, and which grid covers a point."""

import uuid
from typing import Any

from pydantic import MISSING
from sqlalchemy import Select, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from services.registry.enterprise.models import Enterprise
from services.registry.grid.geometry import covers_point, overlaps, parse_boundary
from services.registry.grid.models import Grid, Zone
from services.registry.grid.schemas import GridCreate, GridOut, GridUpdate, ZoneCreate
from services.registry.responsibility.service import holders
from services.registry.runtime import runtime
from shared.access import Access
from shared.clock import local_today
from shared.errors import Conflict, InvalidInput, NotFound
from shared.events.contracts.registry import GridChangedV1, GridDeletedV1
from shared.pagination import Keyset, Page, PageRequest

BY_CODE = Keyset("grids", Grid.code, Grid.id)


def create_zone(session: Session, data: ZoneCreate) -> Zone:
    if session.scalar(select(Zone.id).where(Zone.code == data.code)):
        raise Conflict(f"辖区编码已存在 / zone code {data.code} exists", field="code")
    zone = Zone(id=uuid.uuid4(), **data.model_dump())
    session.add(zone)
    session.flush()
    return zone


def get_grid(session: Session, grid_id: uuid.UUID) -> Grid:
    grid = session.get(Grid, grid_id)
    if grid is None:
        raise NotFound(f"网格不存在 / grid {grid_id} not found")
    return grid


def _check_no_overlap(session: Session, zone_id: uuid.UUID, geometry, exclude: uuid.UUID | None) -> None:
    min_lon, min_lat, max_lon, max_lat = geometry.bounds
    candidates = session.scalars(
        select(Grid).where(
            Grid.zone_id == zone_id,
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
    if session.scalar(select(Grid.id).where(Grid.zone_id == data.zone_id, Grid.code == data.code)):
        raise Conflict(f"网格编码已存在 / grid code {data.code} exists in this zone", field="code")
    _check_no_overlap(session, data.zone_id, geometry, exclude=None)
    grid = Grid(id=uuid.uuid4(), zone_id=data.zone_id, code=data.code, name=data.name)
    _set_boundary(grid, geometry, data.boundary)
    session.add(grid)
    session.flush()
    publish_grid_changed(session, grid)
    return grid


def update_grid(session: Session, grid_id: uuid.UUID, data: GridUpdate) -> Grid:
    grid = get_grid(session, grid_id)
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


def delete_grid(session: Session, grid_id: uuid.UUID) -> None:
    grid = get_grid(session, grid_id)
    units = session.scalar(select(func.count()).where(Enterprise.grid_id == grid_id))
    if units:
        raise Conflict(
            f"网格内仍有{units}家单位,请先移出 / the grid still has {units} units; move them first"
        )
    session.delete(grid)
    try:
        session.flush()
    except IntegrityError:
        raise Conflict("网格仍被引用 / the grid is still referenced") from None
    runtime.publish(session, GridDeletedV1(grid_id=grid_id), subject=str(grid_id))


def grid_covering(session: Session, longitude: float, latitude: float) -> Grid | None:
    """The grid whose boundary covers the point (建议网格), if any."""
    candidates = session.scalars(
        select(Grid)
        .where(
            Grid.min_lon <= longitude,
            Grid.max_lon >= longitude,
            Grid.min_lat <= latitude,
            Grid.max_lat >= latitude,
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
        updated_at=grid.updated_at,
    )


def visible_grids(user: Access, zone_id: uuid.UUID | None) -> Select[Any]:
    """The grids of a zone (or all) that the caller may see: grid staff their own."""
    query = user.narrow(select(Grid), grid=Grid.id)
    if zone_id is not None:
        query = query.where(Grid.zone_id == zone_id)
    return query


def list_grids(session: Session, user: Access, zone_id: uuid.UUID | None, page: PageRequest) -> Page[Grid]:
    return BY_CODE.fetch(session, visible_grids(user, zone_id), page)


def publish_grid_changed(session: Session, grid: Grid) -> None:
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
        ),
        subject=str(grid.id),
    )
