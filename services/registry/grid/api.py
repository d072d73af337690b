import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response, status

from services.registry.deps import DbSession, permit
from services.registry.grid import labels, service
from services.registry.grid.schemas import GridCreate, GridOut, GridUpdate, ZoneCreate, ZoneOut
from shared import audit
from shared.access import Access
from shared.audit import AuditAction
from shared.errors import NotFound
from shared.inputs import Day
from shared.pagination import Page, PageQuery
from shared.spreadsheets import download
from shared.web import file_responses

router = APIRouter(tags=["grids 网格"])
Admin = Annotated[Access, permit("zone.administer")]
GridReader = Annotated[Access, permit("grid.read")]


@router.post("/zones", status_code=status.HTTP_201_CREATED, summary="新建辖区 / create a zone")
def create_zone(data: ZoneCreate, session: DbSession, _: Admin) -> ZoneOut:
    return ZoneOut.model_validate(service.create_zone(session, data))


@router.get("/zones", summary="辖区列表 / zones")
def list_zones(session: DbSession, _: GridReader) -> list[ZoneOut]:
    return [ZoneOut.model_validate(zone) for zone in service.list_zones(session)]


@router.post("/grids", status_code=status.HTTP_201_CREATED, summary="新建网格 / create a grid")
def create_grid(data: GridCreate, session: DbSession, _: Admin) -> GridOut:
    return service.grid_out(session, service.create_grid(session, data))


@router.get("/grids", summary="网格列表 / grids (grid staff: their own)")
def list_grids(
    session: DbSession,
    user: GridReader,
    page: PageQuery,
    zone_id: Annotated[uuid.UUID | None, Query()] = None,
) -> Page[GridOut]:
    return service.list_grids(session, user, zone_id, page).map(lambda g: service.grid_out(session, g))


@router.get("/grids/covering", summary="按坐标建议网格 / the grid covering a point")
def grid_covering(
    session: DbSession,
    user: GridReader,
    longitude: Annotated[float, Query(ge=-180, le=180)],
    latitude: Annotated[float, Query(ge=-90, le=90)],
) -> GridOut:
    grid = service.grid_covering(session, longitude, latitude)
    if grid is None:
        raise NotFound("该坐标不在任何网格内 / the point lies outside every grid")
    user.ensure_grid(grid.id)
    return service.grid_out(session, grid)


# `:uuid`: /grids/covering is another resource, not a grid id (PATCH there is a 405, not a 422)
@router.get("/grids/{grid_id:uuid}", summary="网格详情 / one grid")
def get_grid(grid_id: uuid.UUID, session: DbSession, user: GridReader) -> GridOut:
    user.ensure_grid(grid_id)
    return service.grid_out(session, service.get_grid(session, grid_id))


@router.get(
    "/grids/{grid_id:uuid}/unit-labels.pdf",
    response_class=Response,
    responses=file_responses("application/pdf"),
    summary="一企一码标签 / A4 sheets of QR labels for the grid's units (closed units left out)",
)
def unit_labels(
    grid_id: uuid.UUID,
    request: Request,
    session: DbSession,
    user: Annotated[Access, permit("unit.read")],
) -> Response:
    grid, pdf = labels.unit_labels_pdf(session, grid_id, user)
    audit.record(session, user, AuditAction.export, f"unit-labels:grid={grid_id}", request)
    return download(pdf, "application/pdf", f"一企一码_{grid.name}.pdf")


@router.patch("/grids/{grid_id:uuid}", summary="修改网格 / rename or redraw a grid")
def update_grid(grid_id: uuid.UUID, data: GridUpdate, session: DbSession, _: Admin) -> GridOut:
    return service.grid_out(session, service.update_grid(session, grid_id, data))


@router.delete(
    "/grids/{grid_id:uuid}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="撤销网格 / abolish a grid no unit is in (its record stays as a tombstone)",
)
def abolish_grid(
    grid_id: uuid.UUID,
    session: DbSession,
    user: Admin,
    valid_to: Annotated[
        Day | None,
        Query(description="the grid's last day (zone date): today if left out; a past day needs a reason"),
    ] = None,
    reason: Annotated[str | None, Query(max_length=500, description="why (needed for a past day)")] = None,
) -> None:
    service.abolish_grid(session, grid_id, valid_to, reason, user)
