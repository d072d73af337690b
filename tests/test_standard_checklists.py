"""Standard checklists shipped as data: they load, loading twice publishes nothing, the demo has
them, and a failed item of a major-hazard standard is reported as a major hazard with its clause."""

import json
import os
import shutil
import subprocess

import pytest

from services.inspections.runtime import runtime
from services.inspections.standard_checklists import DATA, publish, read_folder
from services.inspections.standard_checklists import __main__ as command
from shared.auth import Role
from shared.clock import local_today
from shared.launcher import ROOT, demo_commands
from tests.support.inspections import events_of, known_unit

GENERAL = {"STD-GM-DAILY", "STD-JGJ59", "STD-FIRE", "STD-HAZCHEM-STORAGE"}


def test_every_shipped_item_has_its_key_text_category_and_clause():
    checklists = {c.code: c for c in read_folder()}
    assert set(checklists) > GENERAL | {"STD-GM-MAJOR", "STD-HM-MAJOR"}
    for checklist in checklists.values():
        major = checklist.code not in GENERAL
        for item in checklist.items:
            assert item.key and item.text and item.category and item.basis
            assert item.major_criterion is major, (checklist.code, item.key)
    bases = [
        item.basis or "" for c in checklists.values() if c.code.startswith("STD-GM-MAJOR") for item in c.items
    ]
    assert all("《工贸企业重大事故隐患判定标准》" in basis for basis in bases)
    assert all(
        "房屋市政工程生产安全重大事故隐患判定标准" in i.basis for i in checklists["STD-HM-MAJOR"].items
    )
    assert (
        "第十一条第(三)项"
        in {i.key: i.basis for i in checklists["STD-GM-MAJOR"].items}["dust.explosion_control"]
    )


def test_loading_twice_publishes_nothing_and_a_changed_file_its_next_version(api, tmp_path):
    with runtime.transaction() as session:
        first = publish(session, read_folder())
    assert all(entry.published is not None and entry.published.version == 1 for entry in first)
    with runtime.transaction() as session:
        assert [entry.published for entry in publish(session, read_folder())] == [None] * len(first)

    folder = tmp_path / "checklists"
    shutil.copytree(DATA, folder)
    changed = json.loads((folder / "fire_safety.json").read_text(encoding="utf-8"))
    changed["items"][0]["text"] += "(每年复核)"
    (folder / "fire_safety.json").write_text(json.dumps(changed, ensure_ascii=False), encoding="utf-8")
    assert command.main(["load", "--dir", str(folder)]) == 0
    listed = api("GET", "/checklists", role=Role.auditor, params={"limit": 100}).json()["items"]
    versions = {(c["code"], c["version"]) for c in listed}
    assert ("STD-FIRE", 2) in versions and len(listed) == len(first) + 1
    fire = next(c for c in listed if (c["code"], c["version"]) == ("STD-FIRE", 2))
    assert fire["items"][0]["text"].endswith("(每年复核)") and fire["items"][0]["basis"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"code": "X", "name": "坏表", "items": [', "JSON"),
        ('{"code": "X", "name": "缺依据", "items": [{"key": "a", "text": "t", "category": "c"}]}', "items.0.basis"),
        ('{"code": "X", "name": "多字段", "items": [{"key": "a", "text": "t", "category": "c", "basis": "b", "x": 1}]}',
         "items.0.x"),
        ('{"code": "X", "name": "重号", "items": [{"key": "a", "text": "t", "category": "c", "basis": "b"},'
         ' {"key": "a", "text": "u", "category": "c", "basis": "b"}]}', "repeated key a"),
    ],
)  # fmt: skip
def test_a_malformed_file_is_named_with_what_is_wrong_and_nothing_is_published(
    api, tmp_path, capsys, content, message
):
    shutil.copytree(DATA, tmp_path, dirs_exist_ok=True)
    (tmp_path / "zz_bad.json").write_text(content, encoding="utf-8")
    assert command.main(["load", "--dir", str(tmp_path)]) == 2
    error = capsys.readouterr().err
    assert "zz_bad.json" in error and message in error
    assert api("GET", "/checklists", role=Role.auditor).json()["items"] == []


@pytest.mark.committed
def test_the_demo_loads_the_standard_checklists(tmp_path):
    for step in demo_commands(tmp_path):
        finished = subprocess.run(step, cwd=ROOT, env=dict(os.environ), capture_output=True, text=True)
        assert finished.returncode == 0, finished.stderr
    assert "checklists published" in finished.stdout
    with runtime.transaction() as session:
        assert {c.code for c in read_folder()} == {
            entry.code for entry in publish(session, read_folder()) if entry.published is None
        }  # all there already: nothing new


def _answers(checklist: dict, failed: dict[str, dict]) -> list[dict]:
    return [
        {"item_key": item["key"], "result": "fail", "finding": failed[item["key"]]}
        if item["key"] in failed
        else {"item_key": item["key"], "result": "n/a"}
        for item in checklist["items"]
    ]


def test_a_failed_major_criterion_is_reported_as_major_with_its_clause_and_may_be_regraded(api):
    with runtime.transaction() as session:
        publish(session, read_folder())
    listed = api("GET", "/checklists", role=Role.auditor, params={"limit": 100}).json()["items"]
    major = next(c for c in listed if c["code"] == "STD-GM-MAJOR")
    daily = next(c for c in listed if c["code"] == "STD-GM-DAILY")
    unit = known_unit()
    finding = {"location": "抛光车间", "description": "除尘器周边积尘严重"}

    def inspect(checklist: dict, failed: dict[str, dict]):
        body = {"unit_id": str(unit), "kind": "special_campaign", "template_id": checklist["id"],
                "inspected_on": str(local_today()), "answers": _answers(checklist, failed)}  # fmt: skip
        return api("POST", "/inspections", role=Role.safety_office, json=body)

    graded_down = inspect(major, {"dust.cleaning": {**finding, "grade": "general"}})
    assert graded_down.status_code == 422
    keys = [item["key"] for item in major["items"]]
    assert graded_down.json()["errors"][0]["loc"] == f"answers.{keys.index('dust.cleaning')}.finding.grade"

    recorded = inspect(major, {"dust.cleaning": finding})
    assert recorded.status_code == 201, recorded.text
    hazard_id = next(i["hazard_id"] for i in recorded.json()["items"] if i["item_key"] == "dust.cleaning")
    hazard = api("GET", f"/hazards/{hazard_id}", role=Role.safety_office).json()
    assert (hazard["grade"], hazard["category"]) == ("major", "粉尘防爆")
    assert hazard["basis"].endswith("第十一条第(十)项")
    assert events_of(hazard_id) == ["hazard.reported", "hazard.escalated"]
    # the office may judge otherwise: the proposal is regraded, with its reason, by the usual step
    regraded = api(
        "POST",
        f"/hazards/{hazard_id}/actions/regrade",
        role=Role.safety_office,
        json={"grade": "general", "reason": "经现场核实积尘为局部少量,不构成重大隐患"},
    )
    assert regraded.status_code == 200, regraded.text
    assert regraded.json()["grade"] == "general" and regraded.json()["basis"] == hazard["basis"]

    ordinary = inspect(daily, {"site.exits": finding})
    hazard_id = next(i["hazard_id"] for i in ordinary.json()["items"] if i["item_key"] == "site.exits")
    hazard = api("GET", f"/hazards/{hazard_id}", role=Role.safety_office).json()
    assert hazard["grade"] == "general" and "第四十二条" in hazard["basis"]
