"""What the field app needs of the inspections API: idempotency keys on every write a phone resends,
an inspection's position and time, the signatures and photos kept with it, my inspections, and a
unit's page in one call."""

from datetime import datetime

import pytest

from shared.auth import Role
from shared.clock import local_today
from tests.support.files import photo
from tests.support.inspections import sql
from tests.test_hazards import PNG
from tests.test_inspections import answers, checklist  # noqa: F401 (a fixture)

HERE = {"latitude": 30.5728, "longitude": 104.0668, "accuracy_m": 12.5}
KEY = {"Idempotency-Key": "phone-7/inspection"}


def record(api, unit, checklist, body_answers, *, who="inspector", role=Role.zone_admin, grid_ids=None,  # noqa: F811
           headers=None, **extra):  # fmt: skip
    body = {"unit_id": str(unit), "kind": "daily_patrol", "template_id": checklist["id"],
            "inspected_on": str(local_today()), "answers": body_answers, **extra}  # fmt: skip
    return api(
        "POST", "/inspections", who=who, role=role, grid_ids=grid_ids or [], headers=headers or {}, json=body
    )


def test_an_inspection_sent_again_with_its_key_is_recorded_once(api, unit, checklist):  # noqa: F811
    body = {"position": HERE, "performed_at": "2026-11-30T09:15:00+08:00"}
    first = record(api, unit, checklist, answers(failed_key="elec.1"), headers=KEY, **body)
    again = record(api, unit, checklist, answers(failed_key="elec.1"), headers=KEY, **body)
    assert first.status_code == 201 and again.status_code == 200, again.text
    assert again.json()["id"] == first.json()["id"] and again.json()["items"] == first.json()["items"]
    assert datetime.fromisoformat(again.json()["performed_at"]) == datetime.fromisoformat(
        body["performed_at"]
    )
    assert (first.json()["latitude"], first.json()["accuracy_m"]) == (30.5728, 12.5)
    assert sql("SELECT count(*) FROM inspections.inspection") == 1
    assert sql("SELECT count(*) FROM inspections.hazard") == 1
    assert sql("SELECT count(*) FROM inspections.outbox WHERE event_type = 'inspection.completed'") == 1

    other = record(api, unit, checklist, answers(), headers=KEY)  # the key with another body
    assert other.status_code == 409 and other.json()["errors"][0]["loc"] == "Idempotency-Key"
    # keys are each caller's own: someone else's same key is their own inspection
    theirs = record(api, unit, checklist, answers(), who="someone else", headers=KEY)
    assert theirs.status_code == 201 and sql("SELECT count(*) FROM inspections.inspection") == 2


@pytest.mark.parametrize(
    "position, loc",
    [
        ({"latitude": 91, "longitude": 0}, "body.position.latitude"),
        ({"latitude": 1}, "body.position.longitude"),
    ],
)
def test_a_position_off_the_earth_is_refused_at_its_field(api, unit, checklist, position, loc):  # noqa: F811
    refused = record(api, unit, checklist, answers(), position=position)
    assert refused.status_code == 422 and refused.json()["errors"][0]["loc"] == loc
    assert sql("SELECT count(*) FROM inspections.inspection") == 0


def test_photos_fixes_and_signatures_sent_again_are_kept_once(api, unit, checklist):  # noqa: F811
    recorded = record(api, unit, checklist, answers(failed_key="fire.1")).json()
    hazard = next(i["hazard_id"] for i in recorded["items"] if i["hazard_id"])

    def upload(key: str, content: bytes = PNG, **form: str):
        files = {"file": ("after.png", content, "image/png")}
        return api(
            "POST", f"/hazards/{hazard}/evidence", role=Role.zone_admin, headers={"Idempotency-Key": key},
            files=files, data={"tag": "after", **form},
        )  # fmt: skip

    # a resized photo has no EXIF: the phone's time and position are kept; a photo's own EXIF wins
    told = {"taken_at": "2026-11-30T09:10:00+08:00", "latitude": "30.5", "longitude": "104.0"}
    first, again = upload("phone-7/after/0", **told), upload("phone-7/after/0", **told)
    assert (first.status_code, again.status_code) == (201, 200) and again.json()["id"] == first.json()["id"]
    assert (first.json()["latitude"], first.json()["longitude"]) == (30.5, 104.0)
    assert datetime.fromisoformat(first.json()["taken_at"]) == datetime.fromisoformat(told["taken_at"])
    exif = upload("phone-7/after/1", photo("JPEG", position=(31.2304, 121.4737)), **told).json()
    assert exif["latitude"] == pytest.approx(31.2304, abs=1e-4)
    assert sql("SELECT count(*) FROM inspections.evidence_file") == 2
    half = upload("phone-7/after/2", latitude="30.5")
    assert half.status_code == 422 and half.json()["errors"][0]["loc"] == "longitude"
    off = upload("phone-7/after/3", latitude="95", longitude="0")
    assert off.status_code == 422 and off.json()["errors"][0]["loc"] == "body.latitude"

    fix = {"reason": "当场更换灭火器", "evidence_ids": [first.json()["id"]]}
    for _ in range(2):
        fixed = api(
            "POST", f"/hazards/{hazard}/actions/fix_on_spot", role=Role.zone_admin,
            headers={"Idempotency-Key": "phone-7/fix/fire.1"}, json=fix,
        )  # fmt: skip
        assert fixed.status_code == 200 and fixed.json()["state"] == "rectified", fixed.text
    assert sql("SELECT count(*) FROM inspections.hazard_transition WHERE action = 'fix_on_spot'") == 1

    def sign(key: str, **form: str):
        return api(
            "POST", f"/inspections/{recorded['id']}/files", role=Role.zone_admin,
            headers={"Idempotency-Key": key}, files={"file": ("sign.png", PNG, "image/png")}, data=form,
        )  # fmt: skip

    unsigned = sign("phone-7/sign/unit", tag="unit_signature")
    assert unsigned.status_code == 422 and unsigned.json()["errors"][0]["loc"] == "signer"
    first_sign = sign("phone-7/sign/unit", tag="unit_signature", signer="赵安全")
    again_sign = sign("phone-7/sign/unit", tag="unit_signature", signer="赵安全")
    assert (first_sign.status_code, again_sign.status_code) == (201, 200)
    files = api("GET", f"/inspections/{recorded['id']}/files", role=Role.auditor).json()["items"]
    assert [(f["tag"], f["signer"], f["content_type"]) for f in files] == [
        ("unit_signature", "赵安全", "image/png")
    ]
    download = api("GET", f"/inspections/{recorded['id']}/files/{files[0]['id']}", role=Role.auditor)
    assert download.status_code == 200 and download.content == PNG
    bad = sign("phone-7/sign/inspector", tag="inspector_signature")
    bad_file = api(
        "POST", f"/inspections/{recorded['id']}/files", role=Role.zone_admin,
        files={"file": ("sign.png", b"not a picture", "image/png")}, data={"tag": "photo"},
    )  # fmt: skip
    assert bad.status_code == 201 and bad_file.status_code == 422
    assert bad_file.json()["errors"][0]["loc"] == "file"


def test_my_inspections_and_a_units_page_in_one_call(api, unit, checklist):  # noqa: F811
    grid = api("GET", f"/units/{unit}", role=Role.zone_admin).json()["grid_id"]
    mine = record(api, unit, checklist, answers(failed_key="eq.1"), role=Role.grid_member, grid_ids=[grid])
    record(api, unit, checklist, answers(), who="someone else")
    listed = api("GET", "/inspections", role=Role.grid_member, grid_ids=[grid], params={"mine": True}).json()
    assert [i["id"] for i in listed["items"]] == [mine.json()["id"]]
    assert listed["items"][0]["unit_name"] and len(listed["items"][0]["items"]) == 3
    both = api("GET", "/inspections", role=Role.grid_member, grid_ids=[grid], params={"unit_id": str(unit)})
    assert len(both.json()["items"]) == 2

    page = api("GET", f"/units/{unit}/page", role=Role.grid_member, grid_ids=[grid]).json()
    assert page["unit"]["id"] == str(unit)
    assert [h["category"] for h in page["open_hazards"]] == ["特种设备"]
    assert len(page["recent_inspections"]) == 2
    assert all(duty["unit_id"] == str(unit) for duty in page["duties"])
    # outside the caller's grids: 403, as for the unit itself
    elsewhere = api("GET", f"/units/{unit}/page", who="stranger", role=Role.grid_member)
    assert elsewhere.status_code == 403
