"""Input no service stores (NUL, lone surrogates, impossible offsets, null for what cannot be empty),
spreadsheet cells no program evaluates, and the one error shape (RFC 9457) every service answers
with and declares in its OpenAPI."""

import csv
import io

import pytest
from openpyxl import load_workbook

from shared.auth import Role
from shared.errors import PROBLEM_JSON
from shared.spreadsheets import Column, write_csv, write_xlsx
from tests.factories import enterprise_payload
from tests.support.reporting import expected_figures, registry_events, scripted_month
from tests.test_reporting import LAST_MONTH, apply_in_order

SERVICES = ("registry", "inspections", "notifications", "reporting")
EVIL = '=HYPERLINK("http://evil.example")'


def problem_of(response, status: int) -> dict:
    """The body of an error answer, checked to be a problem (RFC 9457) of that status."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM_JSON)
    body = response.json()
    assert {"type", "title", "status", "detail", "errors"} <= body.keys(), body
    assert body["status"] == status and isinstance(body["detail"], str) and body["title"]
    for error in body["errors"]:
        assert isinstance(error["loc"], str) and isinstance(error["message"], str), error
    return body


def locations(response, status: int = 422) -> list[str]:
    return [e["loc"] for e in problem_of(response, status)["errors"]]


def test_nul_and_lone_surrogates_are_refused_naming_the_field_wherever_they_come(clients, auth, grid):
    registry = clients["registry"]
    nul_name = registry.post(
        "/enterprises", json=enterprise_payload(grid["id"], name="企业\u0000甲"), headers=auth()
    )
    assert locations(nul_name) == ["body.name"]
    surrogate = registry.post(
        "/people",
        content=b'{"name": "x", "title": "\\ud800"}',
        headers={**auth(), "Content-Type": "application/json"},
    )
    assert locations(surrogate) == ["body.title"]
    in_a_list = clients["notifications"].post(
        "/webhooks",
        json={"name": "x", "url": "https://example.com/hook", "event_types": ["hazard.reported", "a\u0000"]},
        headers=auth(),
    )
    assert locations(in_a_list) == ["body.event_types.1"]
    in_a_query = clients["inspections"].get("/hazards", params={"category": "消防\u0000"}, headers=auth())
    assert locations(in_a_query) == ["query.category"]
    in_a_path = clients["inspections"].patch("/cadences/rules/a%00b", json={"active": False}, headers=auth())
    assert locations(in_a_path) == ["path.code"]
    in_a_form = registry.post("/auth/token", data={"username": "ad\u0000min", "password": "whatever"})
    assert locations(in_a_form) == ["body.username"]
    assert registry.get("/enterprises", headers=auth()).json()["items"] == []


def test_a_nul_in_the_login_or_a_refresh_token_is_a_422_not_a_500(clients):
    """Before the login throttle and the session lookup read the value, the input check refuses it."""
    registry = clients["registry"]
    login = registry.post("/auth/token", data={"username": "ad\x00min", "password": "x"})
    assert locations(login) == ["body.username"]
    refresh = registry.post("/auth/refresh", json={"refresh_token": "a\x00b"})
    assert locations(refresh) == ["body.refresh_token"]


def test_null_for_what_cannot_be_empty_is_a_422_and_clears_what_may_be(clients, auth, grid):
    registry = clients["registry"]
    enterprise = registry.post("/enterprises", json=enterprise_payload(grid["id"]), headers=auth()).json()
    for field in ("name", "key_supervision"):
        refused = registry.patch(f"/enterprises/{enterprise['id']}", json={field: None}, headers=auth())
        assert locations(refused) == [f"body.{field}"]
    cleared = registry.patch(f"/enterprises/{enterprise['id']}", json={"industry": None}, headers=auth())
    assert cleared.status_code == 200 and cleared.json()["industry"] is None
    assert cleared.json()["name"] == enterprise["name"]

    person = registry.post("/people", json={"name": "李四", "title": "安全员"}, headers=auth()).json()
    assert locations(registry.patch(f"/people/{person['id']}", json={"name": None}, headers=auth())) == [
        "body.name"
    ]
    untitled = registry.patch(f"/people/{person['id']}", json={"title": None}, headers=auth())
    assert untitled.status_code == 200 and untitled.json()["title"] is None
    assert locations(registry.patch(f"/grids/{grid['id']}", json={"name": None}, headers=auth())) == [
        "body.name"
    ]


@pytest.mark.parametrize("offset", ["+20:18", "-14:01", "+23:59"])
def test_date_times_with_offsets_no_zone_has_are_refused(clients, auth, offset):
    response = clients["inspections"].get(
        "/hazards", params={"reported_from": f"2000-01-01T14:06:52.7{offset}"}, headers=auth()
    )
    assert locations(response) == ["query.reported_from"]


def test_date_times_at_the_furthest_real_offsets_are_taken(clients, auth):
    for offset in ("+14:00", "-12:00"):
        response = clients["inspections"].get(
            "/hazards", params={"reported_to": f"2000-01-01T00:00:00{offset}"}, headers=auth()
        )
        assert response.status_code == 200, response.text


def test_cells_a_spreadsheet_would_evaluate_are_written_inert_and_numbers_stay_numbers():
    rows = [[EVIL, -3, 1.5, "+1", "@SUM(A1)", "\tx", "\rx", "-2", "普通"]]
    text = list(csv.reader(io.StringIO(write_csv(["a"] * 9, rows))))
    assert text[1] == [f"'{EVIL}", "-3", "1.5", "'+1", "'@SUM(A1)", "'\tx", "'\rx", "'-2", "普通"]
    sheet = load_workbook(io.BytesIO(write_xlsx("t", [Column("a")] * 9, rows))).active
    cells = next(sheet.iter_rows(min_row=2, values_only=True))
    # (openpyxl reads a carriage return back as the escape `_x000D_`)
    assert cells == (f"'{EVIL}", -3, 1.5, "'+1", "'@SUM(A1)", "'\tx", "'_x000D_x", "'-2", "普通")
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)  # no formula at all


def test_a_hazard_category_that_is_a_formula_comes_out_inert_in_both_exports(clients, auth):
    zone = registry_events(grid_count=1, units_per_grid=2)
    month = scripted_month(zone, LAST_MONTH.start, hazards=3, seed=14)
    for env in month:
        env["data"]["category"] = EVIL
    apply_in_order(zone.envelopes + month)
    found = expected_figures(month, None)[None]["found"]  # voided reports (误报) are in no figure
    assert found > 0
    params = {"period": LAST_MONTH.label, "group_by": "category"}
    exported = clients["reporting"].get("/statistics/hazards.csv", params=params, headers=auth(Role.auditor))
    assert exported.status_code == 200, exported.text
    rows = list(csv.DictReader(io.StringIO(exported.text)))
    assert [(r["key"], r["label"], r["found"]) for r in rows] == [(f"'{EVIL}", f"'{EVIL}", str(found))]
    workbook = clients["reporting"].get("/statistics/hazards.xlsx", params=params, headers=auth(Role.auditor))
    sheet = load_workbook(io.BytesIO(workbook.content)).active
    assert [row[:2] for row in sheet.iter_rows(min_row=2, values_only=True)] == [(f"'{EVIL}", found)]


@pytest.mark.parametrize("service", SERVICES)
def test_every_error_answer_is_a_problem(clients, auth, service):
    client = clients[service]
    assert problem_of(client.get("/no-such-route"), 404)["detail"] == "Not Found"
    assert "missing bearer token" in problem_of(client.get("/admin/dead-letters"), 401)["detail"]
    forbidden = client.get("/admin/dead-letters", headers=auth(Role.grid_member))
    assert "zone_admin" in problem_of(forbidden, 403)["detail"]
    limit = client.get("/admin/dead-letters", params={"limit": 0}, headers=auth())
    assert locations(limit) == ["query.limit"]
    not_json = client.post(
        "/admin/dead-letters/replay", content=b"{", headers={**auth(), "Content-Type": "application/json"}
    )
    assert not_json.status_code in (404, 405, 422)  # whatever it is, it is a problem
    problem_of(not_json, not_json.status_code)


def test_input_errors_are_said_in_chinese_first_naming_the_field(clients, auth, grid):
    payload = enterprise_payload(grid["id"])
    del payload["name"]
    payload |= {"grid_id": "not-a-uuid", "longitude": 200}
    refused = problem_of(clients["registry"].post("/enterprises", json=payload, headers=auth()), 422)
    said = {e["loc"]: e["message"] for e in refused["errors"]}
    assert said["body.name"] == "必填 / Field required"
    assert said["body.grid_id"].startswith("须为有效编号(UUID) / Input should be a valid UUID")
    assert said["body.longitude"].startswith("须不大于 180 / ")
    assert refused["detail"].startswith("请求数据无效 / invalid request: ")
    assert "name: 必填 / Field required" in refused["detail"] and "body." not in refused["detail"]


def test_a_domain_error_names_its_field(clients, auth, grid):
    registry = clients["registry"]
    payload = enterprise_payload(grid["id"])
    assert registry.post("/enterprises", json=payload, headers=auth()).status_code == 201
    again = problem_of(registry.post("/enterprises", json=payload, headers=auth()), 409)
    assert again["errors"] == [{"loc": "credit_code", "message": again["detail"]}]


@pytest.mark.parametrize("service", SERVICES)
def test_every_operation_declares_its_error_statuses_as_problems(clients, service):
    document = clients[service].get("/openapi.json").json()
    schemas = document["components"]["schemas"]
    assert "HTTPValidationError" not in schemas
    assert schemas["Problem"]["properties"]["detail"]["type"] == "string"
    problem_ref = {"$ref": "#/components/schemas/Problem"}
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            responses = operation["responses"]
            errors = {status for status in responses if status >= "400"}
            for status in errors:
                assert responses[status]["content"] == {PROBLEM_JSON: {"schema": problem_ref}}, (path, method)
            if operation.get("parameters") or operation.get("requestBody"):
                assert "422" in errors, (path, method)
            if operation.get("security") or any(
                p["in"] == "header" and p["name"] == "Authorization" for p in operation.get("parameters", [])
            ):
                assert {"401", "403"} <= errors, (path, method)
            if "{" in path:
                assert "404" in errors, (path, method)


def test_dates_in_queries_are_written_out_not_numbers(clients, auth):
    assert locations(clients["registry"].get("/responsibilities", params={"on": "0"}, headers=auth())) == [
        "query.on"
    ]
    as_seconds = clients["inspections"].get("/hazards", params={"reported_to": "0.5"}, headers=auth())
    assert locations(as_seconds) == ["query.reported_to"]
    assert (
        clients["registry"].get("/responsibilities", params={"on": "2026-11-30"}, headers=auth()).status_code
        == 200
    )


def test_an_empty_cursor_is_the_first_page(clients, auth):
    first = clients["notifications"].get("/webhooks", params={"cursor": ""}, headers=auth())
    assert first.status_code == 200 and first.json() == {"items": [], "next": None}


@pytest.mark.parametrize(
    ("service", "path"), [("notifications", "/webhooks/event-types"), ("registry", "/grids/covering")]
)
def test_a_method_a_path_lacks_is_a_405_listing_the_ones_it_has(clients, auth, service, path):
    answer = clients[service].patch(path, json={}, headers=auth())
    problem_of(answer, 405)
    assert answer.headers["allow"] == "GET"
