"""Broker-loss recovery: each service's outbox as an event feed for services only, and the
reconciler that applies from it, with real APIs and workers, whatever Redis lost."""

import os
import re
import socket
import time
import uuid
from collections.abc import Callable, Iterator

import pytest
import redis
from sqlalchemy import text

from shared.auth import Role
from shared.db import get_engine
from shared.events.feed import read_feed
from shared.metrics import queue_depth
from shared.settings import get_settings
from tests.factories import enterprise_payload
from tests.support import probe
from tests.support.processes import ManagedProcess, start_api, start_worker, wait_until

CONSUMERS = ("inspections", "notifications", "reporting")  # those of enterprise.registered
COPIES = {
    "inspections": "SELECT count(*) FROM inspections.supervised_unit",
    "notifications": "SELECT count(*) FROM notifications.unit_contact",
    "reporting": "SELECT count(*) FROM reporting.reporting_unit",
}


def scalar(sql: str, **params: object) -> object:
    with get_engine(os.environ["DATABASE_URL"]).connect() as conn:
        return conn.execute(text(sql), params).scalar()


def copies() -> dict[str, int]:
    return {service: scalar(sql) for service, sql in COPIES.items()}


def applied(service: str, event_type: str = "enterprise.registered") -> int:
    return scalar(f"SELECT count(*) FROM {service}.processed_event WHERE event_type = :t", t=event_type)


def service_token(client, service: str = "notifications") -> dict[str, str]:
    secret = get_settings().service_secret(service)
    response = client.post("/auth/service-token", json={"service": service, "secret": secret})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


# --- who may read a feed ------------------------------------------------------------------------


def test_the_feed_answers_a_service_token_only(clients, auth):
    registry = clients["registry"]
    headers = service_token(registry)
    for service in ("registry", "inspections", "notifications", "reporting"):
        client = clients[service]
        assert client.get("/events").status_code == 401
        refused = client.get("/events", headers=auth(Role.zone_admin))
        assert refused.status_code == 403 and "rule event.feed" in refused.json()["detail"]
        page = client.get("/events", params={"after": "0-0", "limit": 10}, headers=headers)
        assert page.status_code == 200, page.text
        assert set(page.json()) == {"items", "next", "more", "held"}
        for garbage in ("abc", "1", "1-x", "-1-2", "99999999999999999999-1", "9223372036854775808-0"):
            bad = client.get("/events", params={"after": garbage}, headers=headers)
            assert bad.status_code == 422 and "after" in bad.text, (garbage, bad.text)


def test_a_wrong_secret_gets_no_token_and_no_account_gets_the_service_role(clients, auth, grid):
    registry = clients["registry"]
    wrong = registry.post("/auth/service-token", json={"service": "reporting", "secret": "x" * 40})
    assert wrong.status_code == 401
    other = get_settings().service_secret("inspections")  # one service's secret is not another's
    assert (
        registry.post("/auth/service-token", json={"service": "reporting", "secret": other}).status_code
        == 401
    )
    unknown = registry.post("/auth/service-token", json={"service": "billing", "secret": other})
    assert unknown.status_code == 422
    person = registry.post("/people", json={"name": "王五"}, headers=auth())
    assert person.status_code == 201, person.text
    account = {
        "person_id": person.json()["id"],
        "username": "svc",
        "password": "Gridsafe-2024x",
        "roles": ["service"],
    }
    refused = registry.post("/accounts", json=account, headers=auth())
    assert refused.status_code == 422 and "roles" in refused.text
    # a service token opens the feed and nothing else
    headers = service_token(registry, "reporting")
    assert registry.get("/enterprises", headers=headers).status_code == 403


@pytest.mark.committed
def test_a_row_committed_late_with_a_lower_position_is_never_skipped():
    from services.registry.runtime import runtime

    outbox = runtime.tables.outbox
    engine = runtime.engine

    def row(kind: str) -> dict[str, object]:
        event_id = uuid.uuid4()
        return {"event_id": event_id, "event_type": kind, "envelope": {"id": str(event_id), "type": kind}}

    slow = engine.connect()
    slow_transaction = slow.begin()
    insert = outbox.insert().returning(outbox.c.position)
    slow_position = slow.execute(insert.values(**row("slow"))).scalar()  # commits last
    with engine.begin() as fast:
        fast_position = fast.execute(insert.values(**row("fast"))).scalar()
    assert slow_position < fast_position
    # the fast row is committed, but a transaction below it is still open: the feed holds it back
    first = read_feed(runtime, (0, 0), 100)
    assert [item.type for item in first.items] == [] and first.next == "0-0"
    slow_transaction.commit()
    slow.close()

    # (other transactions on the server may hold the horizon back a moment)
    def both() -> list[str]:
        types = [item.type for item in read_feed(runtime, (0, 0), 100).items]
        return types if len(types) == 2 else []

    assert wait_until(both) == ["slow", "fast"]
    # the same page without envelopes (what the reconciler reads first): the same events, by id
    whole, ids_only = read_feed(runtime, (0, 0), 100), read_feed(runtime, (0, 0), 100, envelopes=False)
    assert [(item.cursor, item.id) for item in ids_only.items] == [
        (item.cursor, item.id) for item in whole.items
    ]
    assert [item.envelope for item in ids_only.items] == [None, None]
    assert [(item.envelope or {})["id"] for item in whole.items] == [str(item.id) for item in whole.items]


# --- recovery with real APIs and workers ----------------------------------------------------------


@pytest.fixture(scope="module")
def feed_apis(log_dir, migrated_database) -> Iterator[dict[str, ManagedProcess]]:
    """The registry's API (which mints service tokens and serves its feed) and the inspections API."""
    started = {}
    try:
        for service in ("registry", "inspections"):
            started[service] = start_api(service, log_dir)
        yield started
    finally:
        for api in started.values():
            api.stop()


def worker_name(service: str) -> str:
    return f"{service}-test@{socket.gethostname()}"


def pause_consumers(*queues: str) -> None:
    """The test workers stop taking messages from these queues (they wait in Redis)."""
    for queue in queues:
        probe.celery_app.control.cancel_consumer(queue, destination=[worker_name(queue)], reply=True)


def resume_consumers(*queues: str) -> None:
    for queue in queues:
        probe.celery_app.control.add_consumer(queue, destination=[worker_name(queue)], reply=True)


def reconcile(*services: str) -> None:
    for service in services:
        probe.celery_app.send_task(f"{service}.reconcile_events", queue=service)


def reconcile_until(condition: Callable[[], object], *services: str, timeout: float = 120) -> None:
    """Run the reconcilers (as the scheduler would, every few seconds) until `condition` holds.

    Several runs may be needed: the feed holds events back while an older transaction anywhere on
    the server is open (other test processes' too).
    """
    deadline = time.monotonic() + timeout
    while True:
        reconcile(*services)
        try:
            wait_until(condition, timeout=3)
            return
        except AssertionError:
            if time.monotonic() > deadline:
                raise


def register(clients, auth, grid, count: int) -> list[str]:
    ids = []
    for _ in range(count):
        response = clients["registry"].post(
            "/enterprises", json=enterprise_payload(grid["id"]), headers=auth()
        )
        assert response.status_code == 201, response.text
        ids.append(response.json()["id"])
    return ids


def published(count: int) -> bool:
    return (
        scalar(
            "SELECT count(*) FROM registry.outbox WHERE published_at IS NOT NULL AND event_type = 'enterprise.registered'"
        )
        == count
    )


def cursor(service: str, publisher: str = "registry") -> dict:
    """A consumer's cursor of a publisher's feed ({} before its first reconciler run)."""
    with get_engine(os.environ["DATABASE_URL"]).connect() as conn:
        row = conn.execute(
            text(f"SELECT * FROM {service}.event_cursor WHERE publisher = :p"), {"p": publisher}
        ).first()
    return dict(row._mapping) if row else {}


def test_events_redis_lost_reach_every_subscriber_once_through_the_feed(
    clients, workers, relay, auth, grid, feed_apis, log_dir
):
    broker = redis.Redis.from_url(os.environ["REDIS_URL"])
    relay("registry")
    pause_consumers(*CONSUMERS)
    try:
        register(clients, auth, grid, 5)
        wait_until(lambda: published(5))
        assert all(queue_depth(broker, queue) >= 1 for queue in CONSUMERS)  # messages of up to 20 events
        for queue in CONSUMERS:  # Redis loses them (a purge, or a restart without its data)
            broker.delete(queue)
    finally:
        resume_consumers(*CONSUMERS)
    assert copies() == dict.fromkeys(CONSUMERS, 0)

    reconcile_until(lambda: copies() == dict.fromkeys(CONSUMERS, 5), *CONSUMERS)
    for service in CONSUMERS:
        assert applied(service) == 5
        kept = cursor(service)
        assert kept["recovered"] >= 5 and kept["caught_up_at"] is not None and kept["last_error"] is None
    # notifications also follows reporting's feed, whose API is not running here: recorded, not fatal
    wait_until(lambda: cursor("notifications", "reporting").get("last_error"))

    # the cursor survives a restart: the new worker reads on from it, and applies only what is new
    before = cursor("inspections")
    workers["inspections"].stop()
    workers["inspections"] = start_worker("inspections", log_dir)
    pause_consumers("inspections")
    try:
        register(clients, auth, grid, 2)
        wait_until(lambda: published(7))
        broker.delete("inspections")
    finally:
        resume_consumers("inspections")
    reconcile_until(lambda: copies()["inspections"] == 7, "inspections")
    wait_until(lambda: cursor("inspections")["recovered"] == before["recovered"] + 2)
    after = cursor("inspections")
    assert (after["txid"], after["position"]) > (before["txid"], before["position"])
    assert applied("inspections") == 7
    wait_until(lambda: copies() == dict.fromkeys(CONSUMERS, 7), timeout=60)  # the others by the fast path


def test_an_event_both_paths_deliver_is_applied_once(clients, workers, relay, auth, grid, feed_apis):
    import importlib

    from shared.events.reconciler import Reconciler

    relay("registry")
    pause_consumers(*CONSUMERS)
    try:
        register(clients, auth, grid, 3)
        wait_until(lambda: published(3))  # the fast path holds them in Redis...
        for service in CONSUMERS:  # ...while the reconciler applies them (here, in this process)
            reconciler = Reconciler(importlib.import_module(f"services.{service}.worker").consumer)
            wait_until(lambda: reconciler.run() is not None and applied(service) == 3, timeout=120)  # noqa: B023
        assert copies() == dict.fromkeys(CONSUMERS, 3)
    finally:
        resume_consumers(*CONSUMERS)  # now the fast path delivers the same events
    broker = redis.Redis.from_url(os.environ["REDIS_URL"])
    wait_until(lambda: all(queue_depth(broker, q) == 0 for q in CONSUMERS))
    for service in CONSUMERS:
        wait_until(lambda: workers[service].log_text().count('"event.duplicate"') >= 3)  # noqa: B023
        assert applied(service) == 3
        assert scalar(f"SELECT count(*) FROM {service}.dead_letter") == 0
    assert copies() == dict.fromkeys(CONSUMERS, 3)


@pytest.mark.committed
def test_a_reconciler_run_reads_a_few_pages_and_says_its_feed_has_more(clients, auth, grid, feed_apis):
    """A run reads at most RECONCILE_MAX_PAGES pages of a feed, since the worker's own events wait
    behind it, and says which feeds have more; the runs after it read on to the end (the worker
    queues the next at once)."""
    from services.reporting.worker import consumer
    from shared.events.reconciler import Reconciler

    before = applied("reporting")
    register(clients, auth, grid, 3)  # no relay runs: only the feed has them
    reconciler = Reconciler(consumer)
    reconciler.settings = reconciler.settings.model_copy(
        update={"feed_page_size": 1, "reconcile_max_pages": 1, "reconcile_grace_seconds": 0}
    )
    runs: list[tuple[int, bool]] = []

    def one_run() -> bool:
        done = reconciler.run()
        runs.append((done.recovered.get("registry", 0), "registry" in done.unfinished))
        return applied("reporting") == before + 3

    wait_until(one_run, timeout=120)
    productive = [(recovered, more) for recovered, more in runs if recovered]
    assert len(productive) >= 3 and {recovered for recovered, _ in productive} == {1}  # a page of one a run
    assert all(more for _, more in productive[:-1])  # each but the last said the feed had more
    # a run queued to read on from where an earlier one stopped does nothing once another run has
    # moved the cursor (so runs the scheduler starts meanwhile make no second chain)
    stale = reconciler.run({"registry": "0-0"})
    assert stale.recovered == {"registry": 0} and stale.unfinished == {}


# --- what to watch ------------------------------------------------------------------------------


def gauge(client, name: str, **labels: str) -> float:
    body = client.get("/metrics").text
    wanted = ",".join(f'{k}="{v}"' for k, v in labels.items())
    found = re.search(rf"^{name}\{{{re.escape(wanted)}\}} (\S+)$", body, re.MULTILINE)
    assert found, f"{name}{{{wanted}}} not in /metrics"
    return float(found.group(1))


def test_the_gauges_show_the_backbone_after_real_activity(clients, workers, relay, auth, grid, feed_apis):
    registry, inspections = clients["registry"], clients["inspections"]
    register(clients, auth, grid, 3)  # no relay yet: the events wait in the outbox
    wait_until(lambda: scalar("SELECT count(*) FROM registry.outbox WHERE published_at IS NULL") >= 3)
    assert gauge(registry, "gridsafe_outbox_unpublished_events", service="registry") >= 3
    wait_until(lambda: gauge(registry, "gridsafe_outbox_oldest_unpublished_seconds", service="registry") > 0)

    pause_consumers("inspections")
    try:
        relay("registry")
        wait_until(lambda: published(3))
        assert gauge(registry, "gridsafe_outbox_unpublished_events", service="registry") == 0
        assert (
            gauge(inspections, "gridsafe_queue_depth", queue="inspections") >= 1
        )  # the 3 in 1 to 3 messages
    finally:
        resume_consumers("inspections")
    wait_until(lambda: gauge(inspections, "gridsafe_queue_depth", queue="inspections") == 0)

    # an event of a version nobody knows: dead-lettered by the consumer
    from services.registry.runtime import runtime

    event_id = uuid.uuid4()
    with runtime.engine.begin() as conn:
        conn.execute(
            runtime.tables.outbox.insert().values(
                event_id=event_id,
                event_type="enterprise.registered",
                envelope={
                    "specversion": "1.0",
                    "id": str(event_id),
                    "source": "registry",
                    "type": "enterprise.registered",
                    "dataschema": "urn:gridsafe:event:enterprise.registered:v99",
                    "dataversion": 99,
                    "data": {},
                },
            )
        )
    wait_until(lambda: gauge(inspections, "gridsafe_dead_letters", service="inspections") == 1)

    reconcile_until(lambda: cursor("inspections").get("caught_up_at"), "inspections")
    lag = gauge(
        inspections, "gridsafe_consumer_feed_lag_seconds", consumer="inspections", publisher="registry"
    )
    assert 0 <= lag < 60
    assert (
        gauge(inspections, "gridsafe_consumer_feed_failing", consumer="inspections", publisher="registry")
        == 0
    )
    assert gauge(clients["notifications"], "gridsafe_deliveries", channel="webhook", status="dead") == scalar(
        "SELECT count(*) FROM notifications.delivery WHERE channel = 'webhook' AND status = 'dead'"
    )


def publish_risk_for_unknown_unit() -> str:
    """A `risk.assessed` (inspections) of a unit reporting has never heard of: reporting's handler
    asks to be tried again later, whichever path delivers it."""
    from services.inspections.runtime import runtime
    from shared.events.contracts.inspections import RiskAssessedV1

    data = RiskAssessedV1(
        assessment_id=uuid.uuid4(),
        unit_id=uuid.uuid4(),
        target="罐区",
        method="LEC",
        score=20,
        colour="blue",
        table_version="t1",
        unit_colour="blue",
    )
    with runtime.transaction() as session:
        event = runtime.publish(session, data, subject=str(data.unit_id))
    return str(event.id)


@pytest.mark.committed
def test_a_failing_event_holds_its_feed_until_it_is_dead_lettered(feed_apis):
    from services.reporting.worker import consumer
    from shared.events.reconciler import Reconciler

    event_id = publish_risk_for_unknown_unit()  # no relay: only the feed has it
    reconciler = Reconciler(consumer)
    young = Reconciler(consumer)
    young.settings = young.settings.model_copy(update={"reconcile_grace_seconds": 3600})
    # (the feed may hold the event back a while: another transaction on the server is older)
    wait_until(
        lambda: (
            young.follow("inspections")[:2] == (0, None)
            and cursor("reporting", "inspections").get("caught_up_at")
        ),
        timeout=120,
    )
    kept = cursor("reporting", "inspections")
    assert (kept["txid"], kept["position"]) == (0, 0)

    def failed_runs() -> int:
        reconciler.follow("inspections")
        return int(cursor("reporting", "inspections")["failures"])

    retries = get_settings().consumer_max_retries
    for run in range(1, retries + 1):  # each run stops at it, the cursor before it
        assert wait_until(failed_runs, timeout=120) == run
        kept = cursor("reporting", "inspections")
        assert (kept["txid"], kept["position"]) == (0, 0) and "not yet known" in kept["last_error"]
    reconciler.follow("inspections")  # one run more than the retries: given up, and passed
    (reason,) = [scalar("SELECT reason FROM reporting.dead_letter WHERE event_id = :id", id=event_id)]
    assert reason.startswith(f"reconciler gave up after {retries + 1} runs")
    kept = cursor("reporting", "inspections")
    assert kept["position"] > 0 and kept["last_error"] is None
    assert scalar("SELECT count(*) FROM reporting.processed_event") == 0
