"""QR label sheets per grid (一企一码): A4 PDF, several labels a sheet, closed units left out."""

import uuid
from pathlib import Path

import pypdfium2 as pdfium

from shared.auth import Role
from shared.documents import web_link
from tests.factories import ORIGIN, enterprise_payload, grid_staff, square

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts" / "documents"


def _units(registry, headers, grid_id, count: int) -> list[dict]:
    units = []
    for _ in range(count):
        response = registry.post("/enterprises", json=enterprise_payload(grid_id), headers=headers)
        assert response.status_code == 201, response.text
        units.append(response.json())
    return units


def _pdf(content: bytes) -> tuple[int, str, pdfium.PdfDocument]:
    document = pdfium.PdfDocument(content)
    text = "".join(page.get_textpage().get_text_range() for page in document)
    return len(document), text, document


def test_a_grids_label_sheets_hold_each_open_unit_with_its_qr_link(clients, auth, grid):
    registry = clients["registry"]
    units = _units(registry, auth(), grid["id"], 9)
    closed = units.pop()
    response = registry.post(
        f"/enterprises/{closed['id']}/status",
        json={"production_status": "closed", "reason": "注销"},
        headers=auth(),
    )
    assert response.status_code == 200, response.text

    response = registry.get(f"/grids/{grid['id']}/unit-labels.pdf", headers=auth(Role.safety_office))
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    assert "filename*=UTF-8''" in response.headers["content-disposition"]
    pages, text, document = _pdf(response.content)
    assert pages == 1  # 8 open units: one sheet of 2 x 4
    for unit in units:
        assert unit["name"] in text and unit["credit_code"] in text
        assert web_link(f"/units/{unit['id']}") in text.replace("\r\n", "").replace("\n", "")
    assert closed["name"] not in text and closed["credit_code"] not in text

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    document[0].render(scale=1.5).to_pil().save(ARTIFACTS / "unit-labels.png")
    assert (ARTIFACTS / "unit-labels.png").stat().st_size > 10_000

    _units(registry, auth(), grid["id"], 9)  # 17 open units: three sheets
    response = registry.get(f"/grids/{grid['id']}/unit-labels.pdf", headers=auth())
    assert _pdf(response.content)[0] == 3


def test_a_grid_with_no_open_unit_gives_one_sheet_saying_so(clients, auth, grid):
    response = clients["registry"].get(f"/grids/{grid['id']}/unit-labels.pdf", headers=auth())
    assert response.status_code == 200, response.text
    pages, text, _ = _pdf(response.content)
    assert pages == 1 and "没有需要张贴标签的在册单位" in text


def test_who_may_print_a_grids_labels(clients, auth, grid):
    registry = clients["registry"]
    other = registry.post(
        "/grids",
        json={"zone_id": grid["zone_id"], "code": "G2", "name": "第G2网格", "boundary": square(ORIGIN[0] + 0.02, ORIGIN[1])},
        headers=auth(),
    ).json()  # fmt: skip
    mine = _units(registry, auth(), grid["id"], 2)
    _units(registry, auth(), other["id"], 1)
    member = auth(Role.grid_member, person_id=uuid.UUID(grid_staff(registry, auth(), grid["id"])))

    assert registry.get(f"/grids/{grid['id']}/unit-labels.pdf", headers=member).status_code == 200
    refused = registry.get(f"/grids/{other['id']}/unit-labels.pdf", headers=member)
    assert refused.status_code == 403 and "unit.read" in refused.json()["detail"]
    # an enterprise sees its own label only, and no other grid's sheet
    enterprise = auth(Role.enterprise_user, enterprise_id=uuid.UUID(mine[0]["id"]))
    _, text, _ = _pdf(registry.get(f"/grids/{grid['id']}/unit-labels.pdf", headers=enterprise).content)
    assert mine[0]["name"] in text and mine[1]["name"] not in text
    assert registry.get(f"/grids/{other['id']}/unit-labels.pdf", headers=enterprise).status_code == 403

    unknown = registry.get(f"/grids/{uuid.uuid4()}/unit-labels.pdf", headers=auth())
    assert unknown.status_code == 404
    assert registry.get("/grids/not-a-grid/unit-labels.pdf", headers=auth()).status_code == 404
