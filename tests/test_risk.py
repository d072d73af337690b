"""Risk grading: LEC and LS with versioned band tables; the unit's colour reaches the registry's map."""

import itertools
import math
import os

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import text

from services.inspections.risk.bands import LEC, LS, TABLES
from shared.auth import Role
from shared.db import get_engine
from tests.factories import enterprise_payload
from tests.support.inspections import known_unit
from tests.support.processes import wait_until


@given(st.floats(min_value=0, max_value=1e6, exclude_min=True, allow_nan=False))
def test_every_positive_score_falls_in_exactly_one_band(score):
    for table in TABLES.values():
        if score <= table.bands[0].up_to or math.isinf(table.bands[0].up_to):
            assert sum(b.above < score <= b.up_to for b in table.bands) == 1, (table.version, score)


def test_every_combination_of_allowed_factors_is_graded():
    for table in TABLES.values():
        for values in itertools.product(*table.factors.values()):
            table.band(table.score(dict(zip(table.factors, values, strict=True))))


@pytest.mark.parametrize(
    "table, factors, colour",
    [
        (LEC, {"L": 10, "E": 6, "C": 40}, "red"),  # D = 2400
        (LEC, {"L": 3, "E": 6, "C": 15}, "orange"),  # D = 270
        (LEC, {"L": 1, "E": 6, "C": 15}, "yellow"),  # D = 90
        (LEC, {"L": 1, "E": 10, "C": 7}, "blue"),  # D = 70: the edge stays blue
        (LS, {"L": 4, "S": 5}, "red"),  # R = 20
        (LS, {"L": 4, "S": 4}, "orange"),
        (LS, {"L": 3, "S": 3}, "yellow"),
        (LS, {"L": 2, "S": 4}, "blue"),
    ],
)
def test_known_grades(table, factors, colour):
    assert table.band(table.score(factors)).colour == colour


def assess(clients, auth, unit, method, factors, target="液氨储罐"):
    return clients["inspections"].post(
        "/risk-assessments",
        json={"unit_id": str(unit), "target": target, "method": method, "factors": factors},
        headers=auth(),
    )


@pytest.mark.parametrize(
    "method, factors, loc, message",
    [
        ("LEC", {"L": 7, "E": 6, "C": 40}, "factors.L", "not an allowed value"),
        ("LEC", {"L": 10, "E": 6}, "factors", "missing C"),
        ("LS", {"L": 2, "S": 3, "X": 1}, "factors", "unknown X"),
        ("HAZOP", {"L": 1}, "body.method", "unknown method"),
    ],
)
def test_bad_assessments_are_422(clients, auth, method, factors, loc, message):
    response = assess(clients, auth, known_unit(), method, factors)
    assert response.status_code == 422 and message in response.json()["detail"]
    assert response.json()["errors"][0]["loc"] == loc


def test_the_units_highest_current_colour_reaches_the_registry(clients, workers, relay, auth, grid):
    relay("registry")
    relay("inspections")
    unit = (
        clients["registry"].post("/enterprises", json=enterprise_payload(grid["id"]), headers=auth()).json()
    )
    wait_until(lambda: clients["inspections"].get(f"/units/{unit['id']}", headers=auth()).status_code == 200)
    first = assess(clients, auth, unit["id"], "LEC", {"L": 3, "E": 6, "C": 15}, target="液氨储罐")
    assert first.status_code == 201 and first.json()["colour"] == "orange"
    assert first.json()["table_version"] == LEC.version
    wait_until(
        lambda: (
            clients["registry"].get(f"/enterprises/{unit['id']}", headers=auth()).json()["risk_colour"]
            == "orange"
        )
    )
    assess(clients, auth, unit["id"], "LS", {"L": 1, "S": 2}, target="办公楼")  # blue elsewhere: still orange
    assess(
        clients, auth, unit["id"], "LEC", {"L": 1, "E": 3, "C": 7}, target="液氨储罐"
    )  # the tank is now blue
    wait_until(
        lambda: (
            clients["registry"].get(f"/enterprises/{unit['id']}", headers=auth()).json()["risk_colour"]
            == "blue"
        )
    )
    history = clients["registry"].get(f"/enterprises/{unit['id']}/history", headers=auth()).json()["items"]
    assert [(h["field"], h["new_value"]) for h in history] == [
        ("risk_colour", "orange"),
        ("risk_colour", "blue"),
    ]
    listed = (
        clients["inspections"]
        .get("/risk-assessments", params={"unit_id": unit["id"]}, headers=auth(Role.auditor))
        .json()["items"]
    )
    assert len(listed) == 3
    with get_engine(os.environ["DATABASE_URL"]).connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM registry.dead_letter")).scalar() == 0
