"""Benchmark of notifications: hazard.reported → inbox latency at a steady rate.

`python -m bench.notifications`. hazard.reported events are written to the inspections outbox at
a steady rate, one transaction each, as the report endpoint writes them (its own cost is
bench.hazards' business; on a two-core machine it would take the CPU this run measures); the real
inspections relay and a notifications worker (2 prefork processes; BENCH_POOL=threads to try threads) carry them to the recipients' inboxes
(email and SMS off: the inbox only). No reporting worker runs, so reporting's queue only grows
and the relay holds each batch for RELAY_LINGER_SECONDS (as with a consumer down): the latency
includes that hold. Latency is from the outbox row to the inbox row; CPU per event
is the worker's processes' CPU time from the first event until the last message arrived, over the
events (robust where latency is not: on a busy machine the queue, not the worker, sets the
latency). Prints figures; asserts nothing.
"""

import argparse
import os
import time
import uuid
from datetime import UTC, date, datetime

import psutil

from bench.scratch import p50_p95, relay_and_worker, scratch_database

UNITS, GRIDS = 200, 10


def directory() -> list[tuple[uuid.UUID, uuid.UUID]]:
    """Units in grids, each with a principal, a member and a leader, known to both services."""
    from services.inspections.worker import consumer as inspections
    from services.notifications.worker import consumer as notifications
    from shared.events.contracts.registry import (
        AssignmentChangedV1,
        EnterpriseRegisteredV1,
        GridChangedV1,
        PersonChangedV1,
        ProductionStatus,
        UnitKind,
    )
    from shared.events.envelope import CloudEvent

    def feed(data, *consumers) -> None:
        envelope = CloudEvent.wrap(data, source="registry", subject=None, correlation_id=None).model_dump(
            mode="json"
        )
        for consumer in consumers:
            consumer.process(envelope)

    def person(name: str) -> uuid.UUID:
        person_id = uuid.uuid4()
        feed(PersonChangedV1(person_id=person_id, name=name, phone=None, email=None, enterprise_id=None, user_id=uuid.uuid4()), notifications)  # fmt: skip
        return person_id

    grids = [uuid.uuid4() for _ in range(GRIDS)]
    for index, grid_id in enumerate(grids):
        feed(GridChangedV1(grid_id=grid_id, zone_id=uuid.uuid4(), code=f"G{index}", name=f"网格{index}", boundary={},
                           leader_person_id=person("网格长"), member_person_ids=[person("网格员")]), notifications)  # fmt: skip
    units = []
    for index in range(UNITS):
        unit_id = uuid.uuid4()
        feed(EnterpriseRegisteredV1(enterprise_id=unit_id, name=f"基准企业{index}", credit_code="x", kind=UnitKind.enterprise,
                                    industry="化工", production_status=ProductionStatus.operating, key_supervision=False,
                                    grid_id=grids[index % GRIDS], responsible_head=None, responsible_phone=None),
             inspections, notifications)  # fmt: skip
        feed(AssignmentChangedV1(assignment_id=uuid.uuid4(), person_id=person("主要负责人"), duty="principal_person",
                                 scope_type="enterprise", scope_id=unit_id, valid_from=date(2020, 1, 1), valid_to=None),
             notifications)  # fmt: skip
        units.append((unit_id, grids[index % GRIDS]))
    return units


def reported_to_inbox_latency(rate: float, seconds: float, concurrency: int) -> None:
    from sqlalchemy import text

    from services.inspections.runtime import runtime
    from shared.events.contracts.inspections import HazardGrade, HazardReportedV1, HazardSource, HazardState

    units = directory()
    with relay_and_worker(
        "inspections", "notifications", concurrency, os.environ.get("BENCH_POOL", "prefork")
    ):
        worker = [
            p
            for p in psutil.Process().children(recursive=True)
            if "notifications.worker" in " ".join(p.cmdline())
        ]
        cpu_before = sum(sum(p.cpu_times()[:2]) for p in worker)
        total = int(rate * seconds)
        next_at = time.perf_counter()
        behind = 0.0
        for serial in range(total):
            reported = HazardReportedV1(
                hazard_id=uuid.uuid4(), unit_id=units[serial % UNITS][0], grid_id=units[serial % UNITS][1], grade=HazardGrade.general,
                source=HazardSource.grid_patrol, category="消防", state=HazardState.reported, previous_state=None,
                action="report", deadline=None, overdue=False, actor_id=None, reason=None, at=datetime.now(UTC),
            )  # fmt: skip
            with runtime.transaction() as session:
                runtime.publish(session, reported, subject=str(reported.hazard_id))
            next_at += 1 / rate
            behind = max(behind, time.perf_counter() - next_at)
            time.sleep(max(0.0, next_at - time.perf_counter()))
        expected = total * 2  # the unit's principal and its grid member
        deadline = time.monotonic() + 120
        with runtime.engine.connect() as conn:
            while time.monotonic() < deadline:
                if (
                    conn.execute(text("SELECT count(*) FROM notifications.inbox_message")).scalar()
                    >= expected
                ):
                    break
                time.sleep(0.2)
            cpu = sum(sum(p.cpu_times()[:2]) for p in worker) - cpu_before
            rows = conn.execute(
                text(
                    "SELECT extract(epoch FROM m.created_at - o.created_at) * 1000, "
                    "extract(epoch FROM o.published_at - o.created_at) * 1000 FROM inspections.outbox o "
                    "JOIN notifications.inbox_message m ON m.event_id = o.event_id "
                    "WHERE o.event_type = 'hazard.reported'"
                )
            ).all()
            latencies = sorted(float(total) for total, _ in rows)
            relayed = sorted(float(relay) for _, relay in rows)
    p50, p95 = p50_p95(latencies)
    relay_p50, relay_p95 = p50_p95(relayed)
    print(f"hazard.reported -> inbox at {rate:.0f} hazards/s for {seconds:.0f} s, {concurrency} workers ({os.environ.get('BENCH_POOL', 'prefork')}): {len(latencies)}/{expected} "
          f"messages, p50 {p50:.0f} ms, p95 {p95:.0f} ms, max {latencies[-1]:.0f} ms "
          f"(of which the relay: p50 {relay_p50:.0f} ms, p95 {relay_p95:.0f} ms; "
          f"the sender fell at most {behind * 1000:.0f} ms behind its schedule); "
          f"the worker's CPU {cpu * 1000 / total:.1f} ms per event")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description="Notifications latency benchmark")
    parser.add_argument("--rate", type=float, default=100, help="hazards reported per second")
    parser.add_argument("--seconds", type=float, default=20, help="length of the run")
    parser.add_argument("--concurrency", type=int, default=2, help="notifications worker processes")
    args = parser.parse_args()
    with scratch_database():
        reported_to_inbox_latency(args.rate, args.seconds, args.concurrency)


if __name__ == "__main__":
    main()
