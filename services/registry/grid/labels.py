"""QR label sheets per grid (一企一码): A4 sheets of labels, one per unit the grid supervises."""

import uuid
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.registry.enterprise.models import Enterprise
from services.registry.grid.models import Grid, Zone
from services.registry.grid.service import get_grid
from shared.access import Access
from shared.clock import local_today
from shared.documents import render_pdf, web_link
from shared.events.contracts.registry import ProductionStatus

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
COLUMNS, ROWS = 2, 4  # labels per sheet: 2 across, 4 down (about 95 x 66 mm each)


@dataclass(frozen=True)
class Label:
    name: str
    credit_code: str
    url: str  # the unit's page in the web app, which the QR code holds


def labels_of(session: Session, grid_id: uuid.UUID, user: Access) -> tuple[Grid, list[Label]]:
    """The grid and a label for each of its units the caller may see, closed units left out."""
    grid = get_grid(session, grid_id)
    user.ensure_grid(grid_id)
    query = user.narrow(
        select(Enterprise).where(
            Enterprise.grid_id == grid_id, Enterprise.production_status != ProductionStatus.closed
        ),
        unit=Enterprise.id,
    )
    units = session.scalars(query.order_by(Enterprise.name, Enterprise.id))
    return grid, [Label(unit.name, unit.credit_code, web_link(f"/units/{unit.id}")) for unit in units]


def unit_labels_pdf(session: Session, grid_id: uuid.UUID, user: Access) -> tuple[Grid, bytes]:
    """The grid's label sheets as a PDF (one sheet saying so when it has no unit to label)."""
    grid, labels = labels_of(session, grid_id, user)
    per_sheet = COLUMNS * ROWS
    sheets = [
        [labels[row : row + COLUMNS] for row in range(start, min(start + per_sheet, len(labels)), COLUMNS)]
        for start in range(0, len(labels), per_sheet)
    ]
    context = {
        "zone": session.get_one(Zone, grid.zone_id),
        "grid": grid,
        "sheets": sheets,  # each a list of rows of labels
        "count": len(labels),
        "columns": COLUMNS,
        "printed_on": local_today(),
    }
    return grid, render_pdf(TEMPLATES, "unit_labels.html.j2", context)
