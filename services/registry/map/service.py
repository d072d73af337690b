"""The distribution map (辖区企业分布图): GeoJSON of grids and units, and a picture of it."""

import io
import uuid
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from services.registry.enterprise.service import list_enterprises
from services.registry.grid.models import Grid
from services.registry.grid.service import visible_grids
from shared.access import Access
from shared.events.contracts.registry import ProductionStatus, RiskColour, UnitKind
from shared.labels import LABELS, zh
from shared.pagination import PageRequest

if TYPE_CHECKING:
    from matplotlib.artist import Artist

RISK_COLOURS = {  # 四色: the colour drawn
    RiskColour.red: "#d62728",
    RiskColour.orange: "#ff7f0e",
    RiskColour.yellow: "#f2c80f",
    RiskColour.blue: "#1f77b4",
    None: "#9e9e9e",
}
MAX_UNITS = 20_000


def _legend(kind: str, code: str) -> str:
    label = LABELS[kind][code]
    return f"{label.zh} {label.en}"


def feature_collection(
    session: Session,
    user: Access,
    *,
    zone_id: uuid.UUID | None = None,
    grid_id: uuid.UUID | None = None,
    kind: UnitKind | None = None,
    status: ProductionStatus | None = None,
    key_supervision: bool | None = None,
    risk_colour: RiskColour | None = None,
) -> dict[str, Any]:
    query = visible_grids(user, zone_id).order_by(Grid.code)
    grids = [g for g in session.scalars(query) if grid_id is None or g.id == grid_id]
    grid_ids = {g.id for g in grids}
    units = list_enterprises(
        session,
        user,
        PageRequest(cursor=None, limit=MAX_UNITS),
        grid_id=grid_id,
        kind=kind,
        status=status,
        key_supervision=key_supervision,
        risk_colour=risk_colour,
    ).items
    features: list[dict[str, Any]] = [
        {
            "type": "Feature",
            "id": str(g.id),
            "geometry": g.boundary,
            "properties": {"layer": "grid", "code": g.code, "name": g.name},
        }
        for g in grids
    ]
    features += [
        {
            "type": "Feature",
            "id": str(u.id),
            "geometry": {"type": "Point", "coordinates": [u.longitude, u.latitude]},
            "properties": {
                "layer": "unit",
                "name": u.name,
                "kind": u.kind,
                "production_status": u.production_status,
                "production_status_label": zh("production_status", u.production_status),
                "key_supervision": u.key_supervision,
                "risk_colour": u.risk_colour,
                "grid_id": str(u.grid_id),
            },
        }
        for u in units
        if u.longitude is not None and u.latitude is not None and u.grid_id in grid_ids
    ]
    return {"type": "FeatureCollection", "features": features}


def render(collection: dict[str, Any], image_format: str, title: str) -> bytes:
    """Grid boundaries, units coloured by risk, key units ringed, a legend in Chinese."""
    # matplotlib is imported on first use: a process that never draws a map never loads it
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch
    from matplotlib.patches import Polygon as PolygonPatch

    from shared.charts import new_figure

    figure, axes = new_figure(10, 8)
    for feature in collection["features"]:
        if feature["properties"]["layer"] != "grid":
            continue
        geometry = feature["geometry"]
        polygons = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
        for polygon in polygons:
            axes.add_patch(
                PolygonPatch(
                    polygon[0],
                    closed=True,
                    fill=True,
                    facecolor="#f4f8f4",
                    edgecolor="#2e7d32",
                    linewidth=1.5,
                )
            )
            xs, ys = zip(*polygon[0], strict=False)
            axes.annotate(
                f"{feature['properties']['code']} {feature['properties']['name']}",
                (sum(xs) / len(xs), max(ys)),
                ha="center",
                va="top",
                fontsize=9,
                color="#2e7d32",
            )
    for feature in collection["features"]:
        props = feature["properties"]
        if props["layer"] != "unit":
            continue
        lon, lat = feature["geometry"]["coordinates"]
        colour = RISK_COLOURS[props["risk_colour"]]
        marker = "s" if props["kind"] == UnitKind.construction_site else "o"
        axes.scatter(
            lon,
            lat,
            s=120 if props["key_supervision"] else 60,
            c=colour,
            marker=marker,
            edgecolors="black" if props["key_supervision"] else "white",
            linewidths=2 if props["key_supervision"] else 0.5,
            zorder=3,
            alpha=0.5 if props["production_status"] == ProductionStatus.closed else 1,
        )
    axes.autoscale_view()
    axes.ticklabel_format(useOffset=False)
    axes.set_aspect("equal", adjustable="datalim")
    axes.set_title(title)
    axes.set_xlabel("经度 longitude")
    axes.set_ylabel("纬度 latitude")
    legend: list[Artist] = [
        Patch(facecolor=colour, label=_legend("risk_colour", risk or "unassessed"))
        for risk, colour in RISK_COLOURS.items()
    ]
    legend += [
        Line2D([], [], marker="o", color="w", markerfacecolor="#cccccc", markeredgecolor="black", markeredgewidth=2, markersize=10, label="重点监管 key supervision"),
        Line2D([], [], marker="o", color="w", markerfacecolor="#cccccc", markersize=8, label=_legend("unit_kind", UnitKind.enterprise)),
        Line2D([], [], marker="s", color="w", markerfacecolor="#cccccc", markersize=8, label=_legend("unit_kind", UnitKind.construction_site)),
        Patch(facecolor="#f4f8f4", edgecolor="#2e7d32", label="网格 grid"),
    ]  # fmt: skip
    axes.legend(handles=legend, loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=8, title="图例 legend")
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format=image_format)
    return buffer.getvalue()
