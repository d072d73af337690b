"""Grids: valid, non-overlapping boundaries; a unit's grid from its coordinates; deleting only empty grids."""

import uuid

import pytest

from shared.auth import Role
from tests.factories import ORIGIN, enterprise_payload, grid_staff, square


def new_grid(client, headers, zone_id, code, boundary):
    return client.post(
        "/grids",
        json={"zone_id": zone_id, "code": code, "name": f"网格{code}", "boundary": boundary},
        headers=headers,
    )


def test_overlapping_grid_is_refused_but_a_neighbour_sharing_a_border_is_fine(clients, auth, grid):
    registry = clients["registry"]
    west, south = ORIGIN
    overlapping = new_grid(registry, auth(), grid["zone_id"], "G2", square(west + 0.005, south))
    assert overlapping.status_code == 422
    assert (
        overlapping.json()["errors"][0]["loc"] == "boundary"
        and "overlaps grid G1" in overlapping.json()["detail"]
    )
    neighbour = new_grid(registry, auth(), grid["zone_id"], "G2", square(west + 0.01, south))
    assert neighbour.status_code == 201, neighbour.text
    assert new_grid(registry, auth(), grid["zone_id"], "G2", square(west + 0.05, south)).status_code == 409


@pytest.mark.parametrize(
    "boundary, message",
    [
        (
            {"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]},
            "Self-intersection",
        ),
        ({"type": "Point", "coordinates": [117.3, 31.8]}, "must be a GeoJSON Polygon"),
        (
            {"type": "Polygon", "coordinates": [[[190, 0], [191, 0], [191, 1], [190, 0]]]},
            "out of WGS84 range",
        ),
        ({"type": "Polygon", "coordinates": [[[1, 1], [2, 2], [3, 3], [1, 1]]]}, "invalid polygon"),
        ({"type": "Polygon", "coordinates": "nonsense"}, "malformed boundary"),
    ],
)
def test_invalid_boundaries_are_422_naming_the_field(clients, auth, grid, boundary, message):
    response = new_grid(clients["registry"], auth(), grid["zone_id"], "BAD", boundary)
    assert response.status_code == 422 and message in response.json()["detail"], response.text
    assert response.json()["errors"][0]["loc"] == "boundary"


def test_unit_gets_the_grid_covering_its_coordinates(clients, auth, grid):
    west, south = ORIGIN
    payload = enterprise_payload(grid["id"], longitude=west + 0.004, latitude=south + 0.006)
    del payload["grid_id"]
    created = clients["registry"].post("/enterprises", json=payload, headers=auth())
    assert created.status_code == 201 and created.json()["grid_id"] == grid["id"]
    covering = clients["registry"].get(
        "/grids/covering", params={"longitude": west + 0.004, "latitude": south + 0.006}, headers=auth()
    )
    assert covering.json()["id"] == grid["id"] and covering.json()["unit_count"] == 1


@pytest.mark.parametrize(
    "overrides, field, message",
    [
        ({"grid_id": None, "longitude": 100.0, "latitude": 20.0}, "longitude", "outside every grid"),
        ({"grid_id": "00000000-0000-0000-0000-000000000001"}, "grid_id", "does not exist"),
        ({"grid_id": None}, "grid_id", "give grid_id, or longitude and latitude"),
    ],
)
def test_a_unit_needs_a_real_grid(clients, auth, grid, overrides, field, message):
    payload = {k: v for k, v in {**enterprise_payload(grid["id"]), **overrides}.items() if v is not None}
    response = clients["registry"].post("/enterprises", json=payload, headers=auth())
    assert response.status_code == 422 and message in response.json()["detail"]
    assert response.json()["errors"][0]["loc"] == field


def test_only_an_empty_grid_can_be_deleted(clients, auth, grid):
    registry = clients["registry"]
    unit = registry.post("/enterprises", json=enterprise_payload(grid["id"]), headers=auth()).json()
    refused = registry.delete(f"/grids/{grid['id']}", headers=auth())
    assert refused.status_code == 409 and "still has 1 units" in refused.json()["detail"]
    other = new_grid(registry, auth(), grid["zone_id"], "G9", square(ORIGIN[0] + 0.1, ORIGIN[1])).json()
    moved = registry.post(
        f"/enterprises/{unit['id']}/grid", json={"grid_id": other["id"], "reason": "区划调整"}, headers=auth()
    )
    assert moved.status_code == 200
    assert registry.delete(f"/grids/{grid['id']}", headers=auth()).status_code == 204
    assert registry.get(f"/grids/{grid['id']}", headers=auth()).status_code == 404


def test_grid_staff_see_only_their_own_grids(clients, auth, grid):
    registry = clients["registry"]
    other = new_grid(registry, auth(), grid["zone_id"], "G2", square(ORIGIN[0] + 0.02, ORIGIN[1])).json()
    in_mine = registry.post("/enterprises", json=enterprise_payload(grid["id"]), headers=auth()).json()
    in_other = registry.post("/enterprises", json=enterprise_payload(other["id"]), headers=auth()).json()
    # the token claims the other grid: authority follows the ledger, not the claim
    staff = grid_staff(registry, auth(), grid["id"])
    member = auth(Role.grid_member, person_id=uuid.UUID(staff), grid_ids_claim=[other["id"]])
    assert [g["id"] for g in registry.get("/grids", headers=member).json()["items"]] == [grid["id"]]
    assert registry.get(f"/grids/{other['id']}", headers=member).status_code == 403
    assert [e["id"] for e in registry.get("/enterprises", headers=member).json()["items"]] == [in_mine["id"]]
    assert registry.get(f"/enterprises/{in_other['id']}", headers=member).status_code == 403
    assert len(registry.get("/enterprises", headers=auth(Role.enforcement_officer)).json()["items"]) == 2
