"""Notifications: channels, webhooks, the escalation ladder, reminders, preferences, once-only.

Events go through the real notifications consumer; deliveries are sent by the real notifications
worker to a real SMTP server and a real HTTP server (tests/support/channels.py).
"""

import os
import uuid
from datetime import timedelta
from functools import partial

import pytest
from sqlalchemy import text
from standardwebhooks.webhooks import Webhook

from services.inspections.runtime import runtime as inspections
from services.notifications.delivery import sending
from services.notifications.delivery.models import Channel, Delivery, DeliveryStatus
from services.notifications.hazard_notices.service import on_hazard_event, on_repeat_offender, run_reminders
from services.notifications.runtime import runtime
from services.notifications.worker import celery_app, consumer
from shared.auth import Principal, Role, issue_token
from shared.clock import local_today, utc_now
from shared.db import transaction
from shared.events.consumer import RetryLater, handle_event_task_name
from shared.events.contracts import contract_for
from shared.events.contracts.inspections import HazardGrade, HazardState, InspectionMissedV1, RepeatOffenderV1
from shared.events.contracts.registry import EnterpriseRegisteredV1, ProductionStatus, UnitKind
from shared.events.envelope import CloudEvent
from tests.support.inspections import sql, sql_rows
from tests.support.notifications import Person, feed, hazard_event, told, zone_with_people
from tests.support.paging import walk
from tests.support.processes import wait_until


def as_person(person: Person, role: Role = Role.grid_member) -> dict[str, str]:
    token = issue_token(Principal(user_id=person.user_id, roles={role}))
    return {"Authorization": f"Bearer {token}"}


def deliveries(**where: str) -> list[dict]:
    conditions = " AND ".join(f"{k} = :{k}" for k in where) or "true"
    with transaction(os.environ["DATABASE_URL"]) as session:  # the test's own transaction, if it has one
        rows = session.execute(text(f"SELECT * FROM notifications.delivery WHERE {conditions}"), where)
        return [dict(r._mapping) for r in rows]


def reminders(day) -> int:
    with runtime.transaction() as session:
        return run_reminders(session, day)


def test_an_overdue_hazard_climbs_the_ladder_step_by_step_and_stops_when_closed(workers, mail, http_sink):
    zone = zone_with_people()
    people = zone.people
    today = local_today()
    deadline = today + timedelta(days=3)
    closed_early, climbing = uuid.uuid4(), uuid.uuid4()
    for hazard_id in (closed_early, climbing):
        feed(hazard_event(zone, "hazard.rectification_ordered", hazard_id=hazard_id, state=HazardState.rectifying, deadline=deadline))  # fmt: skip
    assert told(people["principal"], "event:") == 2 and told(people["member"], "event:") == 0

    def step(offset: int) -> None:
        day = today + timedelta(days=offset)
        reminders(day)
        assert reminders(day) == 0  # the scheduler running again the same day tells nobody anything new

    step(0)  # three days left
    assert told(people["principal"], "due3d:") == 2 and told(people["member"], "due3d:") == 2
    step(2)  # one day left
    step(3)  # the deadline day: still in time, and the one-day reminder is not repeated
    assert told(people["member"], "due1d:") == 2
    step(4)  # overdue by one day: the first step, the unit's head and grid member
    assert told(people["principal"], "ladder1:") == 2 and told(people["leader"], "") == 0
    step(5)  # a daily overdue reminder
    assert told(people["member"], "overdue") == 2
    step(6)  # overdue by three days: the grid leader
    assert told(people["leader"], "ladder2:") == 2 and told(people["officer"], "") == 0

    feed(hazard_event(zone, "hazard.closed", hazard_id=closed_early, state=HazardState.closed, deadline=deadline))  # fmt: skip
    for offset in range(7, 12):
        step(offset)
    # overdue by seven days: enforcement and the safety office, for the hazard still open only
    assert told(people["officer"], f"ladder3:{climbing}") == 1 and told(people["officer"], "") == 1
    assert told(people["office"], "ladder3:") == 1
    assert told(people["member"], f"overdue%:{closed_early}") == 2  # daily on days 5 and 6, then closed

    # the leader's step went out by email; the urgent last step also by SMS
    wait_until(lambda: len(mail.to(people["leader"].email)) == 2)
    assert all("第2级" in m["Subject"] for m in mail.to(people["leader"].email))
    wait_until(lambda: any(people["officer"].phone in r.body for r in http_sink.received("/sms")))
    sms = next(r for r in http_sink.received("/sms") if people["officer"].phone in r.body)
    assert "第3级" in sms.body


def test_webhook_is_signed_retried_on_failure_and_received_once(clients, workers, auth, http_sink):
    http_sink.script("/hooks/a", [500, 500, 200])
    created = clients["notifications"].post(
        "/webhooks",
        json={"name": "区应急局平台", "url": http_sink.url("/hooks/a"), "event_types": ["hazard.reported"]},
        headers=auth(Role.zone_admin),
    )
    assert created.status_code == 201, created.text
    secret = created.json()["secret"]
    zone = zone_with_people()
    envelope = feed(hazard_event(zone, "hazard.reported", hazard_id=uuid.uuid4(), state=HazardState.reported))
    feed(
        hazard_event(zone, "hazard.closed", hazard_id=uuid.uuid4(), state=HazardState.closed)
    )  # not subscribed

    wait_until(lambda: http_sink.received("/hooks/a", ok_only=True))
    calls = http_sink.received("/hooks/a")
    assert [c.status for c in calls] == [500, 500, 200]
    assert len({c.headers["webhook-id"] for c in calls}) == 1  # the same message id on every try
    payload = Webhook(secret).verify(calls[-1].body, calls[-1].headers)  # the reference library
    assert payload["type"] == "hazard.reported" and payload["data"]["id"] == envelope["id"]
    with pytest.raises(Exception, match="signature"):
        Webhook("whsec_" + "A" * 43).verify(calls[-1].body, calls[-1].headers)

    (delivery,) = deliveries(channel="webhook")
    wait_until(lambda: deliveries(channel="webhook")[0]["status"] == "sent")
    detail = clients["notifications"].get(f"/deliveries/{delivery['id']}", headers=auth(Role.auditor)).json()
    assert [(a["number"], a["ok"], a["status_code"]) for a in detail["attempt_log"]] == [
        (1, False, 500),
        (2, False, 500),
        (3, True, 200),
    ]
    sent_events = sql(
        "SELECT count(*) FROM notifications.outbox WHERE event_type = 'notification.sent' "
        "AND envelope->'data'->>'delivery_id' = :d",
        d=str(delivery["id"]),
    )
    assert sent_events == 1

    # redelivering the event changes nothing: no new delivery, no new call
    assert consumer.process(envelope) == "duplicate"
    assert len(deliveries(channel="webhook")) == 1 and len(http_sink.received("/hooks/a")) == 3


@pytest.mark.parametrize(
    ("body", "where"),
    [
        ({"url": "ftp://127.0.0.1/hook"}, "url"),
        ({"url": "http://10.1.2.3/hook"}, "url"),
        ({"url": "http://169.254.169.254/latest/meta-data"}, "url"),
        ({"url": "http://no-such-host.invalid/hook"}, "url"),
        ({"url": "/relative/path"}, "url"),
        ({"url": "http://[::1/hook"}, "url"),  # does not parse
        ({"event_types": ["hazard.exploded"]}, "event_types"),
        ({"event_types": ["notification.sent"]}, "event_types"),  # our own deliveries: a loop
        ({"event_types": []}, "event_types"),
    ],
)
def test_bad_webhook_subscriptions_are_refused_with_the_reason(clients, auth, body, where):
    payload = {"name": "x", "url": "http://127.0.0.1:9/hook", "event_types": ["hazard.reported"], **body}
    answer = clients["notifications"].post("/webhooks", json=payload, headers=auth(Role.zone_admin))
    assert answer.status_code == 422, answer.text
    assert where in answer.text
    assert sql("SELECT count(*) FROM notifications.webhook_subscription") == 0


@pytest.mark.committed  # oldest first needs each subscription's own transaction time
def test_only_the_committee_manages_webhooks(clients, auth):
    payload = {"name": "x", "url": "http://127.0.0.1:9/hook", "event_types": ["hazard.reported"]}
    for role in (Role.grid_member, Role.enterprise_user, Role.auditor):
        assert clients["notifications"].post("/webhooks", json=payload, headers=auth(role)).status_code == 403
    assert clients["notifications"].post("/webhooks", json=payload).status_code == 401
    names = ["甲平台", "乙平台", "丙平台"]
    for name in names:
        created = clients["notifications"].post("/webhooks", json=payload | {"name": name}, headers=auth())
        assert created.status_code == 201, created.text
    listed = walk(partial(clients["notifications"].get, "/webhooks", headers=auth()), limit=2)
    assert [s["name"] for s in listed] == names  # oldest first, each once
    # an auditor reads the subscriptions (settings.read) but changes none
    seen = clients["notifications"].get("/webhooks", headers=auth(Role.auditor))
    assert seen.status_code == 200 and [s["name"] for s in seen.json()["items"]] == names
    assert clients["notifications"].get("/webhooks", headers=auth(Role.grid_member)).status_code == 403


def test_an_endpoint_that_keeps_failing_is_disabled_its_owner_told_and_deliveries_replayable(
    clients, workers, http_sink
):
    zone = zone_with_people()
    owner = as_person(zone.people["office"], Role.zone_admin)
    http_sink.script("/hooks/down", [503])
    sub = (
        clients["notifications"]
        .post(
            "/webhooks",
            json={
                "name": "对接平台",
                "url": http_sink.url("/hooks/down"),
                "event_types": ["hazard.reported"],
            },
            headers=owner,
        )
        .json()
    )
    for _ in range(2):  # each gives up after the first try and three retries
        feed(hazard_event(zone, "hazard.reported", hazard_id=uuid.uuid4(), state=HazardState.reported))
    wait_until(lambda: [d["status"] for d in deliveries(channel="webhook")] == ["dead", "dead"], timeout=60)
    assert len(http_sink.received("/hooks/down")) == 8
    subscription = clients["notifications"].get(f"/webhooks/{sub['id']}", headers=owner).json()
    assert subscription["enabled"] is False and "2" in subscription["disabled_reason"]
    assert told(zone.people["office"], "webhook_disabled:") == 1
    assert sql("SELECT count(*) FROM notifications.outbox WHERE event_type = 'notification.failed'") == 2

    feed(hazard_event(zone, "hazard.reported", hazard_id=uuid.uuid4(), state=HazardState.reported))
    assert len(deliveries(channel="webhook")) == 2  # a disabled endpoint gets nothing new

    dead = deliveries(channel="webhook")[0]["id"]
    refused = clients["notifications"].post(f"/deliveries/{dead}/replay", headers=owner)
    assert refused.status_code == 409 and "enable" in refused.text
    http_sink.script("/hooks/down", [200])
    enabled = clients["notifications"].patch(f"/webhooks/{sub['id']}", json={"enabled": True}, headers=owner)
    assert enabled.json()["enabled"] is True and enabled.json()["consecutive_failures"] == 0
    assert clients["notifications"].post(f"/deliveries/{dead}/replay", headers=owner).status_code == 200
    wait_until(lambda: deliveries(id=dead)[0]["status"] == "sent")
    log = clients["notifications"].get(f"/deliveries/{dead}", headers=owner).json()["attempt_log"]
    assert [(a["round"], a["ok"]) for a in log] == [(0, False)] * 4 + [(1, True)]
    assert clients["notifications"].post(f"/deliveries/{dead}/replay", headers=as_person(zone.people["member"])).status_code == 403  # fmt: skip


def test_failing_channels_retry_then_give_up_and_the_inbox_copy_stays(workers, mail, http_sink):
    zone = zone_with_people(without_email=("office",))
    http_sink.script("/sms", [503])  # the SMS gateway is down
    mail.refuse(1)  # the mail server refuses once, then takes it
    event = feed(
        hazard_event(
            zone,
            "hazard.escalated",
            hazard_id=uuid.uuid4(),
            state=HazardState.reported,
            grade=HazardGrade.major,
        )  # fmt: skip
    )
    leader, office = zone.people["leader"], zone.people["office"]
    assert told(leader) == 1 and told(office) == 1  # the inbox first, always

    def status(person: Person, channel: str) -> str:
        return deliveries(person_id=str(person.person_id), channel=channel)[0]["status"]

    wait_until(lambda: status(leader, "sms") == "dead" and status(leader, "email") == "sent", timeout=60)
    assert deliveries(person_id=str(leader.person_id), channel="email")[0]["attempts"] == 2
    assert len(mail.to(leader.email)) == 1
    assert status(office, "email") == "no_address"  # recorded: the office has no email address
    wait_until(lambda: status(office, "sms") == "dead")
    failed = sql(
        "SELECT count(*) FROM notifications.outbox WHERE event_type = 'notification.failed' "
        "AND envelope->'data'->>'event_id' = :e",
        e=event["id"],
    )
    assert failed == 2  # the leader's and the office's SMS


def test_who_was_told_of_an_event_why_and_how(clients, workers, auth, mail):
    zone = zone_with_people()
    event = feed(
        hazard_event(zone, "hazard.refused", hazard_id=uuid.uuid4(), state=HazardState.with_enforcement)
    )
    wait_until(lambda: len(mail.to(zone.people["officer"].email)) == 1)
    answer = clients["notifications"].get(f"/events/{event['id']}/notices", headers=auth(Role.auditor))
    notices = {n["person_id"]: n for n in answer.json()["notices"]}
    assert {notices[str(zone.people[r].person_id)]["why"] for r in ("officer", "office", "leader")} == {
        "enforcement_officers",
        "safety_office",
        "grid_leader",
    }
    assert all(n["urgent"] for n in notices.values())
    assert {d["channel"] for d in notices[str(zone.people["officer"].person_id)]["deliveries"]} == {
        "email",
        "sms",
    }
    forbidden = clients["notifications"].get(f"/events/{event['id']}/notices", headers=auth(Role.grid_member))
    assert forbidden.status_code == 403


def test_preferences_and_the_daily_digest(clients, workers, mail):
    zone = zone_with_people()
    member = zone.people["member"]
    me = as_person(member)
    assert clients["notifications"].get("/preferences/me", headers=me).json()["channels"] == ["email"]
    for bad in ({"channels": ["webhook"], "urgent_channels": []}, {"channels": ["pigeon"], "urgent_channels": []}, {"channels": "email"}):  # fmt: skip
        assert clients["notifications"].put("/preferences/me", json=bad, headers=me).status_code == 422
    stranger = {
        "Authorization": f"Bearer {issue_token(Principal(user_id=uuid.uuid4(), roles={Role.grid_member}))}"
    }
    assert clients["notifications"].get("/preferences/me", headers=stranger).status_code == 404
    chosen = {"channels": ["email"], "urgent_channels": ["email", "sms"], "digest": True}
    assert clients["notifications"].put("/preferences/me", json=chosen, headers=me).status_code == 200

    for _ in range(2):  # two ordinary notices wait for the digest
        feed(hazard_event(zone, "hazard.reported", hazard_id=uuid.uuid4(), state=HazardState.reported))
    feed(hazard_event(zone, "hazard.reported", hazard_id=uuid.uuid4(), state=HazardState.reported, grade=HazardGrade.major))  # fmt: skip
    wait_until(lambda: len(mail.to(member.email)) == 1)  # the major hazard goes at once
    assert "重大隐患" in mail.to(member.email)[0]["Subject"]
    assert len(deliveries(person_id=str(member.person_id), status="held")) == 2

    with runtime.transaction() as session:
        assert sending.send_digests(session, local_today()) == 1
    with runtime.transaction() as session:
        assert sending.send_digests(session, local_today()) == 0  # nothing held any more
    wait_until(lambda: len(mail.to(member.email)) == 2)
    digest = mail.to(member.email)[1]
    assert "每日提醒摘要" in digest["Subject"] and digest.get_content().count("新登记隐患") == 2


def test_an_event_for_a_unit_not_yet_known_waits_for_the_registry(workers):
    zone = zone_with_people()
    unknown = uuid.uuid4()
    data = hazard_event(zone, "hazard.reported", hazard_id=uuid.uuid4(), state=HazardState.reported)
    data = data.model_copy(update={"unit_id": unknown})
    envelope = CloudEvent.wrap(data, source="inspections", subject=None, correlation_id=None).model_dump(
        mode="json"
    )
    # Before the registry's event arrives the consumer asks for a retry (Celery's backoff itself is
    # tested with the probe in test_event_backbone) and records nothing of the event.
    with pytest.raises(RetryLater, match="not yet known"):
        consumer.process(envelope)
    assert (
        sql("SELECT count(*) FROM notifications.processed_event WHERE event_id = :id", id=envelope["id"]) == 0
    )
    assert told(zone.people["member"], f"event:{envelope['id']}") == 0
    feed(
        EnterpriseRegisteredV1(
            enterprise_id=unknown,
            name="新登记企业",
            credit_code="x",
            kind=UnitKind.enterprise,
            industry="机械",
            production_status=ProductionStatus.operating,
            key_supervision=False,
            grid_id=zone.grid_id,
            responsible_head=None,
            responsible_phone=None,
        )
    )
    # the retried delivery, now through the worker, is applied once
    celery_app.send_task(handle_event_task_name("notifications"), args=[[envelope]], queue="notifications")
    wait_until(lambda: told(zone.people["member"], f"event:{envelope['id']}") == 1)
    assert (
        sql("SELECT count(*) FROM notifications.processed_event WHERE event_id = :id", id=envelope["id"]) == 1
    )
    assert sql("SELECT count(*) FROM notifications.dead_letter") == 0


def test_a_missed_inspection_reaches_the_grid_staff(workers):
    zone = zone_with_people()
    today = local_today()
    feed(
        InspectionMissedV1(
            rule_code="leader_monthly_key_unit",
            inspection_kind="leader",
            subject_id=zone.unit_id,
            grid_id=zone.grid_id,
            period="2026-10",
            period_start=today.replace(day=1),
            period_end=today,
            done=0,
            required=1,
        )
    )
    assert told(zone.people["leader"], "event:") == 1 and told(zone.people["member"], "event:") == 1
    assert told(zone.people["principal"]) == 0


def test_a_delivery_whose_queue_message_was_lost_is_sent_by_the_sweeper(workers, mail):
    zone = zone_with_people()
    principal = zone.people["principal"]
    with runtime.transaction() as session:  # as if the broker was down when the message was written
        session.add(
            Delivery(
                channel=Channel.email,
                status=DeliveryStatus.pending,
                person_id=principal.person_id,
                address=principal.email,
                subject="整改提醒",
                body="请按期整改。",
                next_attempt_at=utc_now() - timedelta(minutes=5),
            )
        )
    celery_app.send_task("notifications.send_stalled_deliveries", queue="notifications")
    wait_until(lambda: len(mail.to(principal.email)) == 1)
    # the mail arrives before the worker commits what became of the attempt
    wait_until(lambda: deliveries(person_id=str(principal.person_id))[0]["status"] == "sent")
    assert len(mail.to(principal.email)) == 1


def test_a_subscriber_that_times_out_is_retried_and_each_timeout_recorded(clients, workers, auth, http_sink):
    http_sink.delay("/hooks/slow", 2.5)  # longer than WEBHOOK_TIMEOUT_SECONDS (1 s in tests)
    created = (
        clients["notifications"]
        .post(
            "/webhooks",
            json={
                "name": "慢速平台",
                "url": http_sink.url("/hooks/slow"),
                "event_types": ["hazard.reported"],
            },
            headers=auth(),
        )
        .json()
    )
    feed(
        hazard_event(
            zone_with_people(), "hazard.reported", hazard_id=uuid.uuid4(), state=HazardState.reported
        )
    )
    (delivery,) = deliveries(subscription_id=created["id"])

    def attempts() -> list[dict]:
        return (
            clients["notifications"]
            .get(f"/deliveries/{delivery['id']}", headers=auth())
            .json()["attempt_log"]
        )

    wait_until(lambda: len(attempts()) >= 2)
    http_sink.delay("/hooks/slow", 0)  # the subscriber recovers
    wait_until(lambda: deliveries(id=str(delivery["id"]))[0]["status"] == "sent")
    log = attempts()
    assert all(not a["ok"] and "Timeout" in a["error"] for a in log[:-1]) and log[-1]["ok"]


def test_deliveries_of_one_event_share_a_timestamp_and_are_each_listed_once(clients, auth):
    zone = zone_with_people()
    envelope = feed(
        hazard_event(zone, "hazard.reported", hazard_id=uuid.uuid4(), state=HazardState.reported, grade=HazardGrade.major)
    )  # fmt: skip
    of_event = deliveries(event_id=envelope["id"])
    assert len(of_event) > 4 and len({d["created_at"] for d in of_event}) == 1  # written in one transaction
    listed = walk(partial(clients["notifications"].get, "/deliveries", headers=auth(Role.auditor)), event_id=envelope["id"], limit=2)  # fmt: skip
    ids = [d["id"] for d in listed]
    assert len(ids) == len(set(ids)) and set(ids) == {str(d["id"]) for d in of_event}
    by_email = walk(partial(clients["notifications"].get, "/deliveries", headers=auth(Role.auditor)), channel="email", limit=1)  # fmt: skip
    assert {d["id"] for d in by_email} == {str(d["id"]) for d in of_event if d["channel"] == "email"}


def test_the_inbox_pages_to_its_end_with_the_unread_count_on_every_page(clients):
    zone = zone_with_people()
    for _ in range(3):
        feed(hazard_event(zone, "hazard.reported", hazard_id=uuid.uuid4(), state=HazardState.reported))
    member = as_person(zone.people["member"])
    mine = sql(
        "SELECT count(*) FROM notifications.inbox_message WHERE person_id = :p",
        p=zone.people["member"].person_id,
    )
    first = clients["notifications"].get("/inbox", params={"limit": 1}, headers=member).json()
    assert mine >= 3 and first["unread"] == mine and first["next"]
    messages = walk(partial(clients["notifications"].get, "/inbox", headers=member), limit=1)
    assert len(messages) == len({m["id"] for m in messages}) == mine
    assert (
        clients["notifications"].post(f"/inbox/{messages[0]['id']}/read", headers=member).status_code == 200
    )
    unread = walk(partial(clients["notifications"].get, "/inbox", headers=member), limit=2, unread_only=True)
    assert {m["id"] for m in unread} == {m["id"] for m in messages[1:]}


def test_each_next_step_reaches_those_who_may_take_it_once_each(workers, relay, mail):
    """rectified -> who may verify; verified -> who may close (grid staff, or the safety office for a
    major hazard); art. 113 -> the safety office and enforcement. Never the enterprise that fixed it."""
    relay("inspections")
    zone = zone_with_people()
    role_of = {person.person_id: role for role, person in zone.people.items()}
    rectified, on_spot, general, major = (uuid.uuid4() for _ in range(4))
    steps = [
        hazard_event(zone, "hazard.rectified", hazard_id=rectified, state=HazardState.rectified),
        hazard_event(zone, "hazard.fixed_on_spot", hazard_id=on_spot, state=HazardState.rectified),
        hazard_event(zone, "hazard.verified", hazard_id=general, state=HazardState.verified),
        hazard_event(
            zone, "hazard.verified", hazard_id=major, state=HazardState.verified, grade=HazardGrade.major
        ),
    ]
    art_113 = RepeatOffenderV1(
        unit_id=zone.unit_id,
        rule="3 in 180 days",
        penalties_180_days=3,
        penalties_365_days=3,
        latest_penalty_id=uuid.uuid4(),
        decided_on=local_today(),
    )
    with inspections.transaction() as session:  # published by inspections, carried by its relay
        published = [inspections.publish(session, step, subject=str(step.hazard_id)) for step in steps]
        published.append(inspections.publish(session, art_113, subject=str(zone.unit_id)))

    def told_of() -> dict[tuple[str, str], set[str]]:
        rows = sql_rows("SELECT event_type, subject_id, person_id FROM notifications.inbox_message")
        found: dict[tuple[str, str], set[str]] = {}
        for event_type, subject_id, person_id in rows:
            found.setdefault((event_type, str(subject_id)), set()).add(role_of[person_id])
        return found

    expected = {
        ("hazard.rectified", str(rectified)): {"member", "leader", "office"},
        ("hazard.fixed_on_spot", str(on_spot)): {"member", "leader", "office"},
        ("hazard.verified", str(general)): {"member", "leader"},
        ("hazard.verified", str(major)): {"office"},
        ("hazard.repeat_offender", str(zone.unit_id)): {"office", "officer"},
    }
    wait_until(lambda: told_of() == expected)
    titles = dict(sql_rows("SELECT event_type || ':' || subject_id, title FROM notifications.inbox_message"))
    assert "整改完成,待复查验收" in titles[f"hazard.rectified:{rectified}"]
    assert titles[f"hazard.verified:{major}"].startswith("【重大隐患】复查验收通过,待销号")
    assert "第113条" in titles[f"hazard.repeat_offender:{zone.unit_id}"]
    why = sql_rows(
        "SELECT why, urgent FROM notifications.inbox_message WHERE event_type = 'hazard.repeat_offender' AND person_id = :p",
        p=str(zone.people["officer"].person_id),
    )
    assert why == [("enforcement_officers", True)]

    # the same event again (a redelivery) tells nobody anything new: once per event and person
    with runtime.transaction() as session:
        for event in published[:-1]:
            on_hazard_event(
                session, contract_for(event.type, 1).model_validate(event.data), event, local_today()
            )
        on_repeat_offender(session, art_113, published[-1], local_today())
    assert sum(len(people) for people in told_of().values()) == 11
    wait_until(lambda: len(mail.to(zone.people["office"].email)) == 4)  # by email too
