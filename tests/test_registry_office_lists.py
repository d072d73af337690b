"""What the office console reads besides the registry's records: the zones, the logins, and the
map's background tiles setting."""

import pytest

from services.registry.settings import RegistrySettings, get_registry_settings
from shared.auth import Role
from tests.support.browser import PASSWORD


def test_zones_are_listed_for_those_who_read_grids(clients, auth, grid):
    registry = clients["registry"]
    answer = registry.get("/zones", headers=auth(Role.safety_office))
    assert answer.status_code == 200, answer.text
    assert [z["id"] for z in answer.json()] == [grid["zone_id"]]
    assert registry.get("/zones").status_code == 401


def test_accounts_are_listed_by_user_name_and_person_for_the_zone_admin_only(clients, auth):
    registry = clients["registry"]
    admin = auth(Role.zone_admin)
    people = [registry.post("/people", json={"name": name}, headers=admin).json() for name in ("乙", "甲")]
    for person, username in zip(people, ("b_office", "a_office"), strict=True):
        account = {
            "person_id": person["id"],
            "username": username,
            "password": PASSWORD,
            "roles": ["safety_office"],
        }
        assert registry.post("/accounts", json=account, headers=admin).status_code == 201

    listed = registry.get("/accounts", headers=admin).json()["items"]
    assert [a["username"] for a in listed] == ["a_office", "b_office"]
    assert "password_hash" not in listed[0]
    one = registry.get("/accounts", params={"person_id": people[0]["id"]}, headers=admin).json()["items"]
    assert [(a["username"], a["roles"], a["is_active"]) for a in one] == [
        ("b_office", ["safety_office"], True)
    ]
    assert registry.get("/accounts", params={"person_id": "x"}, headers=admin).status_code == 422
    assert registry.get("/accounts", headers=auth(Role.safety_office)).status_code == 403


def test_map_settings_name_the_offline_tile_server_or_none(clients, auth, monkeypatch):
    registry = clients["registry"]
    reader = auth(Role.auditor)
    assert registry.get("/map/settings", headers=reader).json() == {"tile_url": None, "tile_attribution": ""}

    monkeypatch.setenv("MAP_TILE_URL", "http://tiles.zone.local/{z}/{x}/{y}.png")
    monkeypatch.setenv("MAP_TILE_ATTRIBUTION", "经开区测绘")
    get_registry_settings.cache_clear()
    try:
        assert registry.get("/map/settings", headers=reader).json() == {
            "tile_url": "http://tiles.zone.local/{z}/{x}/{y}.png",
            "tile_attribution": "经开区测绘",
        }
    finally:
        monkeypatch.undo()
        get_registry_settings.cache_clear()
    assert registry.get("/map/settings").status_code == 401


def test_a_tile_url_without_its_placeholders_is_refused_at_start(monkeypatch):
    monkeypatch.setenv("MAP_TILE_URL", "http://tiles.zone.local/tile.png")
    with pytest.raises(ValueError, match="map_tile_url"):
        RegistrySettings()


def test_units_are_found_by_part_of_their_name_or_credit_code(clients, auth, grid):
    from tests.factories import enterprise_payload

    registry = clients["registry"]
    admin = auth(Role.zone_admin)
    found = [
        registry.post("/enterprises", json=enterprise_payload(grid["id"], name=name), headers=admin).json()
        for name in ("华安化工有限公司", "宏达机械厂", "50%_折扣商店")
    ]

    def names(q: str) -> list[str]:
        answer = registry.get("/enterprises", params={"q": q}, headers=admin)
        assert answer.status_code == 200, answer.text
        return sorted(e["name"] for e in answer.json()["items"])

    assert names("化工") == ["华安化工有限公司"]
    assert names(found[1]["credit_code"].lower()) == ["宏达机械厂"]
    assert names("%_") == ["50%_折扣商店"]  # no wildcards
    assert registry.get("/enterprises", params={"q": ""}, headers=admin).status_code == 422
