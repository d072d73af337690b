"""Grid boundaries: GeoJSON (WGS84) validated and compared with shapely.

Shapely (and numpy under it) is imported on first use, so that only a process that handles a
boundary or a unit's position loads it.
"""

from typing import TYPE_CHECKING, Any

from shared.errors import InvalidInput

if TYPE_CHECKING:
    from shapely.geometry.base import BaseGeometry

# Shared borders are fine; an overlap larger than this (in square degrees, ~1 m²) is not.
OVERLAP_TOLERANCE = 1e-10


def parse_boundary(geojson: dict[str, Any], field: str = "boundary") -> "BaseGeometry":
    from shapely.geometry import shape
    from shapely.validation import explain_validity

    if geojson.get("type") not in ("Polygon", "MultiPolygon"):
        raise InvalidInput(
            f"边界须为 GeoJSON Polygon 或 MultiPolygon / boundary must be a GeoJSON Polygon or "
            f"MultiPolygon, got {geojson.get('type')!r}",
            field=field,
        )
    try:
        geometry = shape(geojson)
    except Exception as exc:  # shapely raises several kinds for malformed coordinates
        raise InvalidInput(f"边界坐标格式错误 / malformed boundary coordinates: {exc}", field=field) from None
    min_lon, min_lat, max_lon, max_lat = geometry.bounds
    if min_lon < -180 or max_lon > 180 or min_lat < -90 or max_lat > 90:
        raise InvalidInput("边界坐标超出经纬度范围 / coordinates out of WGS84 range", field=field)
    if geometry.is_empty:
        raise InvalidInput("边界面积为零 / boundary has no area", field=field)
    if not geometry.is_valid:
        raise InvalidInput(f"边界多边形无效 / invalid polygon: {explain_validity(geometry)}", field=field)
    return geometry


def overlaps(a: "BaseGeometry", b: "BaseGeometry") -> bool:
    return a.intersection(b).area > OVERLAP_TOLERANCE


def covers_point(geometry: "BaseGeometry", longitude: float, latitude: float) -> bool:
    from shapely import Point

    return geometry.covers(Point(longitude, latitude))
