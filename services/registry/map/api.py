import uuid
from pathlib import Path
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Response
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, ConfigDict, Field

from services.registry.deps import DbSession, permit
from services.registry.map import service
from services.registry.settings import get_registry_settings
from shared.access import Access
from shared.events.contracts.registry import ProductionStatus, RiskColour, UnitKind
from shared.web import file_responses

router = APIRouter(prefix="/map", tags=["map 辖区企业分布图"])
PAGE = (Path(__file__).parent / "page.html").read_text(encoding="utf-8")
MEDIA_TYPES = {"svg": "image/svg+xml", "png": "image/png"}
UnitReader = Annotated[Access, permit("unit.read")]


class MapSettings(BaseModel):
    tile_url: str | None = Field(
        description="离线瓦片服务 / the zone's offline tile server ({z}/{x}/{y}); null: no tiles, outlines only"
    )
    tile_attribution: str


class MapFilters(BaseModel):
    model_config = ConfigDict(extra="forbid")

    zone_id: uuid.UUID | None = None
    grid_id: uuid.UUID | None = None
    kind: UnitKind | None = None
    production_status: ProductionStatus | None = None
    key_supervision: bool | None = None
    risk_colour: RiskColour | None = None


Filters = Annotated[MapFilters, Depends()]


def _collection(session: DbSession, user: UnitReader, filters: MapFilters) -> dict:
    return service.feature_collection(
        session,
        user,
        zone_id=filters.zone_id,
        grid_id=filters.grid_id,
        kind=filters.kind,
        status=filters.production_status,
        key_supervision=filters.key_supervision,
        risk_colour=filters.risk_colour,
    )


@router.get("", response_class=HTMLResponse, summary="分布图页面 / the map page (no internet tiles)")
def map_page() -> HTMLResponse:
    return HTMLResponse(PAGE)


@router.get("/settings", summary="地图设置 / the office map's background tiles (MAP_TILE_URL)")
def map_settings(_: UnitReader) -> MapSettings:
    settings = get_registry_settings()
    return MapSettings(tile_url=settings.map_tile_url, tile_attribution=settings.map_tile_attribution)


@router.get("/features", summary="GeoJSON: grids and units / 网格与单位")
def features(session: DbSession, user: UnitReader, filters: Filters) -> dict:
    return _collection(session, user, filters)


@router.get(
    "/picture.{image_format}",
    response_class=Response,
    responses=file_responses(*MEDIA_TYPES.values()),
    summary="分布图图片 / the map as SVG or PNG",
)
def picture(
    image_format: Literal["svg", "png"],
    session: DbSession,
    user: UnitReader,
    filters: Filters,
    title: Annotated[str, Query(max_length=100)] = "辖区企业分布图 Distribution map",
) -> Response:
    image = service.render(_collection(session, user, filters), image_format, title)
    return Response(image, media_type=MEDIA_TYPES[image_format])
