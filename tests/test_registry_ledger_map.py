"""Ledger import and export, the distribution map, the demo zone, and what other services learn."""

import csv
import io
import os

import numpy
import pytest
from matplotlib import image as mpimg
from openpyxl import Workbook, load_workbook
from sqlalchemy import text

from services.registry import demo
from services.registry.ledger.service import ENTERPRISE_COLUMNS
from services.registry.runtime import runtime
from shared.clock import local_today
from shared.db import transaction
from shared.spreadsheets import XLSX
from tests.factories import ORIGIN, credit_code
from tests.support.jobs import exported, run_job
from tests.support.processes import wait_until

HEADERS = [c.header for c in ENTERPRISE_COLUMNS]


def ledger_row(serial: int, grid_code: str = "G1") -> list[object]:
    return [
        f"台账企业{serial}",
        credit_code(100_000 + serial),
        "企业",
        "机械",
        f"经一路{serial}号",
        ORIGIN[0] + 0.005,
        ORIGIN[1] + 0.005,
        grid_code,
        "生产经营",
        "否",
        "法人",
        "负责人",
        "13700000000",
    ]


def xlsx(rows: list[list[object]], header: list[str] = HEADERS) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(client, headers, content: bytes, name: str = "ledger.xlsx", path: str = "enterprises", **params):
    """The import job, run, as its requester sees it."""
    submitted = client.post(
        f"/ledger/{path}/import", files={"file": (name, content)}, params=params, headers=headers
    )
    return run_job(client, "registry", submitted, headers)


def count(sql: str, **params: object) -> int:
    with transaction(os.environ["DATABASE_URL"]) as session:  # the test's own transaction, if it has one
        return session.execute(text(sql), params).scalar()


def test_ten_thousand_rows_with_three_bad_import_nothing_and_name_all_three(clients, auth, grid):
    rows = [ledger_row(i) for i in range(10_000)]
    rows[17][1] = "91320500MA00000011"  # wrong check character
    rows[4_000][7] = "G404"  # no such grid
    rows[9_998][1] = rows[3][1]  # repeats row 5's code
    job = upload(clients["registry"], auth(), xlsx(rows), zone_id=grid["zone_id"])
    assert job["status"] == "failed" and job["errors_total"] == 3 and "nothing imported" in job["error"]
    problems = {(p["row"], p["column"]) for p in job["errors"]}
    assert problems == {(19, "统一社会信用代码"), (4002, "网格编码"), (10_000, "统一社会信用代码")}
    assert {p["loc"] for p in job["errors"]} == {"file.19.统一社会信用代码", "file.4002.网格编码", "file.10000.统一社会信用代码"}  # fmt: skip
    assert count("SELECT count(*) FROM registry.enterprise") == 0
    assert count("SELECT count(*) FROM registry.outbox WHERE event_type LIKE 'enterprise.%'") == 0


def test_good_ledger_imports_and_exports_round_trip(clients, auth, grid):
    registry, admin = clients["registry"], auth()
    imported = upload(registry, admin, xlsx([ledger_row(i) for i in range(3)]), zone_id=grid["zone_id"])
    assert imported["status"] == "succeeded" and imported["summary"] == {"imported": 3}
    assert imported["progress"] == 100 and imported["result_url"] is None
    export = exported(registry, "registry", registry.post("/ledger/enterprises/export", headers=admin), admin)
    assert export.headers["content-type"] == XLSX
    sheet = load_workbook(io.BytesIO(export.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == HEADERS and len(rows) == 4
    assert {r[0] for r in rows[1:]} == {"台账企业0", "台账企业1", "台账企业2"}
    assert rows[1][7] == "G1" and rows[1][9] == "否"


def test_csv_in_gbk_is_read_too(clients, auth, grid):
    text_buffer = io.StringIO()
    writer = csv.writer(text_buffer)
    writer.writerow(HEADERS)
    writer.writerow(ledger_row(1))
    job = upload(clients["registry"], auth(), text_buffer.getvalue().encode("gb18030"), "台账.csv")
    assert job["summary"] == {"imported": 1} and job["input_name"] == "台账.csv"


@pytest.mark.parametrize(
    "content, message",
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not a spreadsheet"),
        (b"PK\x03\x04 not really a zip", "not a valid .xlsx"),
        (xlsx([["某企业"]], header=["企业名称"]), "missing columns: 统一社会信用代码"),
    ],
)
def test_files_that_are_not_ledgers_are_refused_at_once(clients, auth, grid, content, message):
    response = clients["registry"].post(
        "/ledger/enterprises/import", files={"file": ("ledger.xlsx", content)}, headers=auth()
    )
    assert response.status_code == 422 and message in response.json()["detail"]
    assert count("SELECT count(*) FROM registry.job") == 0


def test_map_picture_shows_grids_and_coloured_units(clients, auth, grid, tmp_path):
    registry = clients["registry"]
    upload(registry, auth(), xlsx([ledger_row(i) for i in range(2)]), zone_id=grid["zone_id"])
    features = registry.get("/map/features", headers=auth()).json()
    layers = sorted(f["properties"]["layer"] for f in features["features"])
    assert layers == ["grid", "unit", "unit"]
    png = registry.get("/map/picture.png", headers=auth())
    assert png.status_code == 200 and png.headers["content-type"] == "image/png"
    (tmp_path / "map.png").write_bytes(png.content)
    pixels = mpimg.imread(tmp_path / "map.png")
    assert pixels.shape[0] > 400 and numpy.unique(pixels.reshape(-1, pixels.shape[-1]), axis=0).shape[0] > 50
    svg = registry.get("/map/picture.svg", params={"kind": "construction_site"}, headers=auth())
    assert svg.headers["content-type"] == "image/svg+xml" and b"<svg" in svg.content
    page = registry.get("/map")
    assert (
        page.status_code == 200
        and "辖区企业分布图" in page.text
        and "http" not in page.text.split("<script>")[1]
    )


def test_demo_zone_loads_once(clients):
    with runtime.transaction() as session:
        passwords = demo.load(session)
    with runtime.transaction() as session:
        assert demo.load(session) is None
    assert passwords is not None and len(set(passwords.values())) == len(passwords)  # one per account
    assert count("SELECT count(*) FROM registry.enterprise WHERE kind = 'enterprise'") == 28
    assert count("SELECT count(*) FROM registry.enterprise WHERE kind = 'construction_site'") == 5
    assert count("SELECT count(*) FROM registry.grid") == 4
    # the demo zone starts on the day it is loaded: nothing is owed for an earlier period
    today = local_today()
    assert count("SELECT count(*) FROM registry.grid WHERE valid_from <> :d", d=today) == 0
    assert count("SELECT count(*) FROM registry.enterprise_state WHERE valid_from <> :d", d=today) == 0
    assert count("SELECT count(*) FROM registry.assignment WHERE valid_from <> :d", d=today) == 0
    token = clients["registry"].post(
        "/auth/token", data={"username": "member1", "password": passwords["member1"]}
    )
    assert token.status_code == 200
    # the committee director reads the whole zone; the safety office's account is the office
    director = login(clients, "director", passwords)
    assert director["roles"] == ["committee_leader"]
    everything = clients["registry"].get("/enterprises", params={"limit": 100}, headers=director["headers"])
    assert len(everything.json()["items"]) == 33
    assert sorted(login(clients, "admin", passwords)["roles"]) == ["safety_office", "zone_admin"]
    member = login(clients, "member1", passwords)  # a grid member: the units of their grid only
    assert 0 < len(clients["registry"].get("/enterprises", headers=member["headers"]).json()["items"]) < 33


def login(clients, username: str, passwords: dict[str, str]) -> dict:
    """Sign in with the password the demo made for this account."""
    token = clients["registry"].post(
        "/auth/token", data={"username": username, "password": passwords[username]}
    )
    headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
    return {"headers": headers, **clients["registry"].get("/auth/me", headers=headers).json()}


def test_other_services_hold_the_registrys_units_grids_people_and_duties(clients, workers, relay, auth, grid):
    relay("registry")
    registry = clients["registry"]
    unit = registry.post(
        "/enterprises",
        json={"name": "同步企业", "credit_code": credit_code(), "grid_id": grid["id"]},
        headers=auth(),
    ).json()
    leader = registry.post("/people", json={"name": "网格长", "phone": "13811112222"}, headers=auth()).json()
    registry.post(
        "/responsibilities",
        json={
            "person_id": leader["id"],
            "duty": "grid_leader",
            "scope_id": grid["id"],
            "valid_from": "2020-01-01",
        },
        headers=auth(),
    )
    registry.post(
        f"/enterprises/{unit['id']}/status",
        json={"production_status": "suspended", "reason": "整改"},
        headers=auth(),
    )
    wait_until(
        lambda: (
            count(
                f"SELECT count(*) FROM inspections.supervised_grid WHERE leader_person_id = '{leader['id']}'"
            )
            == 1
        )
    )
    wait_until(
        lambda: (
            count("SELECT count(*) FROM reporting.reporting_unit WHERE production_status = 'suspended'") == 1
        )
    )
    wait_until(
        lambda: (
            count(f"SELECT count(*) FROM notifications.grid_staff WHERE leader_person_id = '{leader['id']}'")
            == 1
        )
    )
    wait_until(
        lambda: count("SELECT count(*) FROM notifications.duty_holder WHERE duty = 'grid_leader'") == 1
    )
    wait_until(
        lambda: count("SELECT count(*) FROM notifications.person_contact WHERE phone = '13811112222'") == 1
    )
    wait_until(
        lambda: (
            count("SELECT count(*) FROM inspections.supervised_unit WHERE production_status = 'suspended'")
            == 1
        )
    )
    assert count("SELECT count(*) FROM reporting.reporting_grid") == 1


def test_people_ledger_imports_all_or_nothing(clients, auth, grid):
    registry = clients["registry"]
    code = credit_code()
    registry.post(
        "/enterprises", json={"name": "用人单位", "credit_code": code, "grid_id": grid["id"]}, headers=auth()
    )
    header = ["姓名", "电话", "邮箱", "职务", "所属企业信用代码"]
    bad = xlsx(
        [
            ["王五", "13900001111", "wang@example.com", "安全员", code],
            ["赵六", "phone?", "", "", "91320500MA9999999X"],
        ],
        header,
    )
    rejected = upload(registry, auth(), bad, "people.xlsx", path="people")
    assert rejected["status"] == "failed"
    assert {(p["row"], p["column"]) for p in rejected["errors"]} == {
        (3, "所属企业信用代码"),
        (3, "电话"),
    }
    assert count("SELECT count(*) FROM registry.person") == 0
    good = xlsx(
        [["王五", "13900001111", "wang@example.com", "安全员", code], ["赵六", "", "", "网格员", ""]], header
    )
    imported = upload(registry, auth(), good, "people.xlsx", path="people")
    assert imported["summary"] == {"imported": 2}
    assert count("SELECT count(*) FROM registry.person WHERE enterprise_id IS NOT NULL") == 1
