"""The event backbone end to end: outbox, relay, real Celery workers, idempotency, dead letters."""

import base64
import json
import os
import re
import signal
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
import redis
from sqlalchemy import func, select, text, update

from shared.auth import Role
from shared.celery_app import make_celery
from shared.db import get_engine, transaction
from shared.events.consumer import handle_event_task_name
from shared.events.contracts.registry import AccountLockedV1, GridDeletedV1
from shared.events.envelope import CloudEvent
from shared.events.relay import OutboxRelay
from tests.factories import enterprise_payload
from tests.support import probe
from tests.support.processes import wait_until
from tests.support.servers import claim_redis_db, release_redis_db, with_redis_db
from tests.support.tcp_proxy import TcpProxy

COPIES = {
    "inspections": "SELECT count(*) FROM inspections.supervised_unit",
    "notifications": "SELECT count(*) FROM notifications.unit_contact",
    "reporting": "SELECT count(*) FROM reporting.reporting_unit",
}

UNPUBLISHED_REGISTRATIONS = (
    "SELECT count(*) FROM registry.outbox WHERE published_at IS NULL AND event_type = 'enterprise.registered'"
)


def scalar(sql: str, **params: object) -> object:
    with transaction(os.environ["DATABASE_URL"]) as session:  # the test's own transaction, if it has one
        return session.execute(text(sql), params).scalar()


def copies() -> dict[str, int]:
    return {service: scalar(sql) for service, sql in COPIES.items()}


def ping(**data: object) -> CloudEvent:
    return CloudEvent.wrap(
        probe.ProbePingedV1(**data), source="tests", subject=None, correlation_id="probe-test"
    )


def send_message(*envelopes: dict) -> None:
    """One message with these events, the first one's id as task id, as the relay sends them."""
    probe.celery_app.send_task(
        handle_event_task_name("probe"),
        args=[list(envelopes)],
        queue="probe",
        task_id=str(envelopes[0]["id"]),
    )


def send_probe(**data: object) -> CloudEvent:
    event = ping(**data)
    send_message(event.model_dump(mode="json"))
    return event


def effects(event: CloudEvent) -> int:
    return scalar("SELECT count(*) FROM probe.effect WHERE event_id = :id", id=event.id)


def test_enterprise_registered_reaches_every_service(clients, workers, relay, auth, grid):
    relay("registry")
    response = clients["registry"].post(
        "/enterprises", json=enterprise_payload(grid["id"]), headers={**auth(), "X-Correlation-ID": "flow-1"}
    )
    assert response.status_code == 201, response.text
    enterprise_id = response.json()["id"]

    wait_until(lambda: copies() == {"inspections": 1, "notifications": 1, "reporting": 1})
    # each service answers about the unit from its own copy
    assert (
        clients["inspections"].get(f"/units/{enterprise_id}", headers=auth()).json()["name"]
        == (response.json()["name"])
    )
    contact = clients["notifications"].get(f"/directory/units/{enterprise_id}", headers=auth()).json()
    assert contact["responsible_head"] == "张三"
    counts = clients["reporting"].get("/statistics/units", headers=auth()).json()
    assert counts == {"total": 1, "by_kind": {"enterprise": 1}}
    # the correlation id of the request travels with the event
    envelope = scalar("SELECT envelope FROM registry.outbox WHERE event_type = 'enterprise.registered'")
    assert envelope["correlationid"] == "flow-1"
    assert envelope["type"] == "enterprise.registered" and envelope["subject"] == enterprise_id
    assert scalar("SELECT count(*) FROM registry.outbox WHERE published_at IS NULL") == 0


def test_commits_wake_the_relay_without_waiting_for_its_poll(clients, workers, relay, auth, grid):
    registry_relay = relay("registry", RELAY_POLL_SECONDS="300")  # its poll alone would take minutes
    registry_relay.wait_for_log("relay.started")
    wait_until(lambda: scalar("SELECT count(*) FROM registry.outbox WHERE published_at IS NULL") == 0)
    for _ in range(5):  # a burst: the commits' wakes are pushed by one thread, the last never lost
        response = clients["registry"].post(
            "/enterprises", json=enterprise_payload(grid["id"]), headers=auth()
        )
        assert response.status_code == 201, response.text
    wait_until(lambda: copies() == dict.fromkeys(COPIES, 5), timeout=60)
    assert scalar("SELECT count(*) FROM registry.outbox WHERE published_at IS NULL") == 0


def test_events_wait_in_outbox_while_redis_is_unreachable(clients, workers, relay, auth, grid):
    host_port = os.environ["REDIS_URL"].split("://", 1)[1].split("/", 1)[0]
    host, port = host_port.rsplit(":", 1)
    proxy = TcpProxy(host, int(port))
    proxy.enable()
    proxied_redis = f"redis://127.0.0.1:{proxy.port}/{os.environ['REDIS_URL'].rsplit('/', 1)[1]}"
    registry_relay = relay("registry", REDIS_URL=proxied_redis)

    proxy.disable()  # Redis vanishes for the relay
    created = 0
    for _ in range(20):
        response = clients["registry"].post(
            "/enterprises", json=enterprise_payload(grid["id"]), headers=auth()
        )
        assert response.status_code == 201, response.text
        created += 1
    registry_relay.wait_for_log("relay.error")
    assert scalar(UNPUBLISHED_REGISTRATIONS) == created
    assert copies() == {"inspections": 0, "notifications": 0, "reporting": 0}

    proxy.enable()  # Redis is back: everything is delivered, once
    wait_until(lambda: copies() == dict.fromkeys(COPIES, created), timeout=60)
    assert scalar(UNPUBLISHED_REGISTRATIONS) == 0
    for service in COPIES:
        applied = f"SELECT count(*) FROM {service}.processed_event WHERE event_type = 'enterprise.registered'"
        assert scalar(applied) == created
        assert scalar(f"SELECT count(*) FROM {service}.dead_letter") == 0
    proxy.disable()


@pytest.fixture
def spare_redis() -> Iterator[str]:
    """A Redis database no worker reads (claimed like a test process's own): the relay's messages
    stay there to be looked at."""
    url = os.environ["REDIS_URL"]
    db = claim_redis_db(url, owner=f"{socket.gethostname()}/spare-{os.getpid()}")
    redis.Redis.from_url(with_redis_db(url, db)).flushdb()  # what a crashed run may have left
    try:
        yield with_redis_db(url, db)
    finally:
        release_redis_db(url, db)


def queued(redis_url: str, queue: str) -> list[tuple[str, list[dict]]]:
    """The task messages waiting in `queue`, oldest first: (task id, events)."""
    store = redis.Redis.from_url(redis_url)
    messages = [json.loads(raw) for raw in reversed(store.lrange(queue, 0, -1))]
    return [(m["headers"]["id"], json.loads(base64.b64decode(m["body"]))[0][0]) for m in messages]


def test_the_relay_sends_a_burst_in_few_messages_in_order(spare_redis):
    outbox = probe.runtime.tables.outbox
    with probe.runtime.transaction() as session:
        # what other tests left unpublished is not this test's
        session.execute(update(outbox).where(outbox.c.published_at.is_(None)).values(published_at=func.now()))
        grids = probe.runtime.publish_many(
            session, [(GridDeletedV1(grid_id=uuid.uuid4()), None) for _ in range(5)]
        )
        locked = probe.runtime.publish(session, AccountLockedV1(
            user_id=uuid.uuid4(), person_id=uuid.uuid4(), username="someone", failures=5,
            locked_until=datetime.now(UTC), client_address=None), subject=None)  # fmt: skip
    settings = probe.runtime.settings.model_copy(
        update={"relay_message_max_events": 3, "redis_url": spare_redis}
    )
    relay = OutboxRelay(probe.runtime, make_celery("probe", settings))
    relay.settings = settings

    assert relay.relay_batch() == 6
    ids = [str(e.id) for e in grids]
    for service, expected in {
        "inspections": [ids[:3], ids[3:]],  # grid.deleted only
        "reporting": [ids[:3], ids[3:]],
        "notifications": [ids[:3], [*ids[3:], str(locked.id)]],  # account.locked too
    }.items():
        messages = queued(spare_redis, service)
        assert [[e["id"] for e in events] for _, events in messages] == expected, service
        assert [task_id for task_id, _ in messages] == [first for first, *_ in expected]
    assert relay.relay_batch() == 0  # all marked published with the messages sent


def test_while_a_consumer_has_a_message_waiting_the_relay_holds_the_next_events(spare_redis):
    """...until it is taken, or the linger time has passed: they go in one message then."""

    def held(linger: float) -> float:
        settings = probe.runtime.settings.model_copy(
            update={"relay_linger_seconds": linger, "redis_url": spare_redis}
        )
        relay = OutboxRelay(probe.runtime, make_celery("probe", settings))
        relay.settings = settings
        relay._queues = ["notifications", "reporting"]  # its last batch's consumers
        started = time.monotonic()
        relay._linger_while_consumers_are_behind(listener)
        return time.monotonic() - started

    listener = redis.Redis.from_url(spare_redis)
    assert held(60) < 60  # none waiting: the next events go at once
    listener.lpush("notifications", "a message not yet taken")
    assert held(0.5) >= 0.5  # nobody takes it: held as long as the setting says
    taker = threading.Timer(0.3, lambda: listener.rpop("notifications"))  # the consumer, later
    taker.start()
    assert 0.3 <= held(60) < 60  # it went on once the message was taken
    taker.join()


def test_same_event_delivered_twice_has_one_effect(workers):
    event = send_probe()
    probe.celery_app.send_task(
        handle_event_task_name("probe"), args=[[event.model_dump(mode="json")]], queue="probe"
    )
    # the second delivery is recognised and skipped before the handler runs
    wait_until(
        lambda: (
            f'"event_id": "{event.id}", "type": "probe.pinged", "event": "event.duplicate"'
            in (workers["probe"].log_text())
        )
    )
    assert effects(event) == 1
    assert scalar("SELECT count(*) FROM probe.attempt WHERE event_id = :id", id=event.id) == 1
    assert scalar("SELECT count(*) FROM probe.processed_event") == 1


def test_transient_failure_is_retried_with_backoff(workers):
    event = send_probe(fail_times=2)
    wait_until(lambda: effects(event) == 1)
    with get_engine(os.environ["DATABASE_URL"]).connect() as conn:
        times = conn.execute(select(probe.attempt.c.at).order_by(probe.attempt.c.at)).scalars().all()
    assert len(times) == 3
    # Celery chose each retry's delay: random, up to base * 2^n seconds (whole seconds, base at least 1)
    base = max(1, int(float(os.environ["RETRY_BACKOFF_BASE_SECONDS"])))
    retry = re.compile(rf"probe\.handle_event\[{event.id}\] retry: Retry in (\d+)s")
    delays = [int(delay) for delay in retry.findall(workers["probe"].log_text())]
    assert len(delays) == 2 and all(0 <= delay <= base * 2**n for n, delay in enumerate(delays)), delays
    gaps = [(later - earlier).total_seconds() for earlier, later in zip(times, times[1:], strict=False)]
    assert all(gap >= delay for gap, delay in zip(gaps, delays, strict=True)), (gaps, delays)  # each waited
    assert scalar("SELECT count(*) FROM probe.dead_letter") == 0


def test_persistent_failure_is_dead_lettered_and_can_be_replayed(workers):
    event = send_probe(always_fail=True)
    wait_until(lambda: scalar("SELECT count(*) FROM probe.dead_letter") == 1)
    max_retries = int(os.environ["CONSUMER_MAX_RETRIES"])
    with get_engine(os.environ["DATABASE_URL"]).connect() as conn:
        row = conn.execute(select(probe.runtime.tables.dead_letter)).one()
    assert row.event_id == event.id and row.attempts == max_retries + 1
    assert "always fails" in row.reason
    assert effects(event) == 0

    with probe.runtime.transaction() as session:
        assert probe.consumer.replay(session, row.id) is not None
    wait_until(
        lambda: (
            scalar("SELECT count(*) FROM probe.attempt WHERE event_id = :id", id=event.id)
            == 2 * (max_retries + 1)
        )
    )
    wait_until(lambda: scalar("SELECT replayed_at IS NULL FROM probe.dead_letter") is True)
    assert scalar("SELECT replay_count FROM probe.dead_letter") == 1


def test_a_message_of_several_events_sends_round_again_only_those_that_failed(workers):
    """A burst comes in one message: each event is applied on its own; one that failed for a moment
    goes round again without the others, one that can never be handled is dead-lettered."""
    fine = [ping() for _ in range(3)]
    flaky = ping(fail_times=1)
    unreadable = {**ping().model_dump(mode="json"), "dataversion": 9}
    send_message(*(e.model_dump(mode="json") for e in (fine[0], flaky)), unreadable,
                 *(e.model_dump(mode="json") for e in fine[1:]))  # fmt: skip
    wait_until(lambda: effects(flaky) == 1, timeout=60)

    def attempts(event: CloudEvent) -> int:
        return scalar("SELECT count(*) FROM probe.attempt WHERE event_id = :id", id=event.id)

    assert [effects(e) for e in fine] == [1, 1, 1] and [attempts(e) for e in fine] == [1, 1, 1]
    assert attempts(flaky) == 2
    reason = scalar("SELECT reason FROM probe.dead_letter WHERE event_id = :id", id=unreadable["id"])
    assert "probe.pinged v9" in reason
    retries = re.findall(rf"probe\.handle_event\[{fine[0].id}\] retry: Retry in", workers["probe"].log_text())
    assert len(retries) == 1


def test_a_message_is_applied_in_one_transaction_or_else_one_event_at_a_time(workers):
    """A message whose events all succeed is applied in one transaction; one that fails undoes the
    message's transaction, and its events are then applied one by one, each once."""

    def transactions(events: list[CloudEvent]) -> int:  # the transactions that claimed them
        return scalar(
            "SELECT count(DISTINCT xmin::text) FROM probe.processed_event WHERE event_id = ANY(:ids)",
            ids=[e.id for e in events],
        )

    together = [ping() for _ in range(4)]
    send_message(*(e.model_dump(mode="json") for e in together))
    wait_until(lambda: all(effects(e) == 1 for e in together))
    assert transactions(together) == 1

    before, flaky, after = ping(), ping(fail_times=1), ping()
    send_message(*(e.model_dump(mode="json") for e in (before, flaky, after)))
    wait_until(lambda: effects(flaky) == 1, timeout=60)
    assert [effects(e) for e in (before, flaky, after)] == [1, 1, 1]
    # `before` ran in the message's transaction, undone when `flaky` failed (its one failure),
    # then alone, as `flaky` did; `after` ran only alone
    attempts = [
        scalar("SELECT count(*) FROM probe.attempt WHERE event_id = :id", id=e.id)
        for e in (before, flaky, after)
    ]
    assert attempts == [2, 2, 1]
    assert transactions([before, after]) == 2
    assert '"event": "event.batch_one_by_one"' in workers["probe"].log_text()


def test_a_message_claims_its_events_together_and_skips_those_applied_before(workers):
    """The events of a message are claimed in one statement: one applied before, and one given twice
    in the message, have one effect each, and the rest are still applied together."""
    done = ping()
    send_message(done.model_dump(mode="json"))
    wait_until(lambda: effects(done) == 1)
    twice, other = ping(), ping()
    send_message(*(e.model_dump(mode="json") for e in (done, twice, twice, other)))
    wait_until(lambda: effects(other) == 1)
    assert [effects(e) for e in (done, twice, other)] == [1, 1, 1]
    runs = [scalar("SELECT count(*) FROM probe.attempt WHERE event_id = :id", id=e.id) for e in (done, twice)]
    assert runs == [1, 1]  # no second run of either, and no failed batch run
    assert (
        scalar(
            "SELECT count(DISTINCT xmin::text) FROM probe.processed_event WHERE event_id = ANY(:ids)",
            ids=[twice.id, other.id],
        )
        == 1
    )  # applied together: the message's transaction did not fail


def test_worker_killed_mid_task_runs_it_again_with_one_effect(workers):
    event = send_probe(pause_seconds=1.5)
    store = redis.Redis.from_url(os.environ["REDIS_URL"])
    wait_until(lambda: store.get(probe.started_key(event.id)) == b"1")
    for child in workers["probe"].children():
        child.send_signal(signal.SIGKILL)
    wait_until(lambda: effects(event) == 1, timeout=60)
    assert int(store.get(probe.started_key(event.id))) == 2  # it ran again after the kill
    assert effects(event) == 1


def test_unknown_contract_version_is_kept_in_dead_letters(clients, workers, auth):
    envelope = probe.send_unreadable_event("reporting")

    def dead_letters() -> list[dict]:
        return clients["reporting"].get("/admin/dead-letters", headers=auth()).json()["items"]

    entries = wait_until(dead_letters)
    assert entries[0]["event_id"] == envelope["id"] and entries[0]["attempts"] == 1
    # an auditor reads the dead letters (settings.read) but replays none
    audited = clients["reporting"].get("/admin/dead-letters", headers=auth(Role.auditor))
    assert audited.status_code == 200 and audited.json()["items"] == entries
    assert clients["reporting"].post(f"/admin/dead-letters/{entries[0]['id']}/replay", headers=auth(Role.auditor)).status_code == 403  # fmt: skip
    assert "enterprise.registered v9" in entries[0]["reason"]
    # replay is allowed (after an upgrade it would succeed); here it fails again and is kept
    replayed = clients["reporting"].post(f"/admin/dead-letters/{entries[0]['id']}/replay", headers=auth())
    assert replayed.status_code == 200 and replayed.json()["replay_count"] == 1
    wait_until(lambda: dead_letters() and dead_letters()[0]["attempts"] == 2)
    assert scalar("SELECT count(*) FROM reporting.reporting_unit") == 0


@pytest.mark.parametrize("missing", [123456])
def test_replaying_a_missing_dead_letter_is_404(clients, auth, missing):
    response = clients["reporting"].post(f"/admin/dead-letters/{missing}/replay", headers=auth())
    assert response.status_code == 404 and "not found" in response.json()["detail"]
