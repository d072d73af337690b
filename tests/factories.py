"""Valid test data: credit codes with correct check characters, grids, enterprise payloads."""

import itertools
from typing import Any

from services.registry.enterprise.credit_code import check_character

_serial = itertools.count(1)

# The demo-like zone the tests draw grids in: around 117.3 E, 31.8 N.
ORIGIN = (117.30, 31.80)


def credit_code(serial: int | None = None) -> str:
    first17 = f"91320500MA{(serial or next(_serial)):07d}"
    return first17 + check_character(first17)


def square(west: float, south: float, size: float = 0.01) -> dict[str, Any]:
    """A GeoJSON polygon: a square with its south-west corner at (west, south)."""
    ring = [
        [west, south],
        [west + size, south],
        [west + size, south + size],
        [west, south + size],
        [west, south],
    ]
    return {"type": "Polygon", "coordinates": [ring]}


def enterprise_payload(grid_id: object, **overrides: object) -> dict[str, object]:
    payload: dict[str, object] = {
        "name": f"测试企业{next(_serial)}有限公司",
        "credit_code": credit_code(),
        "industry": "化工",
        "key_supervision": True,
        "responsible_head": "张三",
        "responsible_phone": "13800000000",
        "grid_id": str(grid_id),
    }
    payload.update(overrides)
    return payload


def create_zone_and_grid(
    client: Any, headers: dict[str, str], code: str = "G1", west: float = ORIGIN[0], **dated: str
) -> dict:
    """A zone with one grid; `dated`: the grid's `valid_from` (today unless given) and `reason`."""
    zone = client.post("/zones", json={"code": f"Z-{code}", "name": "测试经开区"}, headers=headers)
    assert zone.status_code == 201, zone.text
    grid = client.post(
        "/grids",
        json={
            "zone_id": zone.json()["id"],
            "code": code,
            "name": f"第{code}网格",
            "boundary": square(west, ORIGIN[1]),
            **dated,
        },
        headers=headers,
    )
    assert grid.status_code == 201, grid.text
    return grid.json()


def grid_staff(client: Any, headers: dict[str, str], grid_id: object, duty: str = "grid_member") -> str:
    """A person staffing a grid in the registry's responsibility ledger (from 2020 on); their id."""
    person = client.post("/people", json={"name": "网格员 测试"}, headers=headers)
    assert person.status_code == 201, person.text
    body = {
        "person_id": person.json()["id"],
        "duty": duty,
        "scope_id": str(grid_id),
        "valid_from": "2020-01-01",
    }
    assignment = client.post("/responsibilities", json=body, headers=headers)
    assert assignment.status_code == 201, assignment.text
    return person.json()["id"]
