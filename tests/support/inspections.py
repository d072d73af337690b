"""Helpers for tests of the inspections service: units it has heard of, queries, the API as someone."""

import os
import uuid
from datetime import date

from sqlalchemy import text

from services.inspections.worker import consumer as inspections_consumer
from shared.db import transaction
from shared.events.contracts.registry import EnterpriseRegisteredV1, ProductionStatus, UnitKind, UnitState
from shared.events.envelope import CloudEvent


def sql(statement: str, **params: object) -> object:
    with transaction(os.environ["DATABASE_URL"]) as session:  # the test's own transaction, if it has one
        return session.execute(text(statement), params).scalar()


def sql_rows(statement: str, **params: object) -> list[tuple]:
    with transaction(os.environ["DATABASE_URL"]) as session:
        return [tuple(row) for row in session.execute(text(statement), params)]


def known_unit(
    grid_id: uuid.UUID | None = None,
    status: ProductionStatus = ProductionStatus.operating,
    since: date | None = None,
) -> uuid.UUID:
    """A key unit the inspections service has heard of, through its real event consumer; with
    `since`, registered that day (else from the day it is heard of)."""
    unit_id = uuid.uuid4()
    grid_id = grid_id or uuid.uuid4()
    states = (
        [
            UnitState(
                valid_from=since,
                valid_to=None,
                production_status=status,
                key_supervision=True,
                grid_id=grid_id,
            )
        ]
        if since
        else []
    )
    data = EnterpriseRegisteredV1(
        enterprise_id=unit_id,
        name="示例机械制造有限公司",  # made up, as a real name reads on documents
        credit_code="x",
        kind=UnitKind.enterprise,
        industry="化工",
        production_status=status,
        key_supervision=True,
        grid_id=grid_id,
        responsible_head=None,
        responsible_phone=None,
        version=1 if since else 0,
        states=states,
    )
    envelope = CloudEvent.wrap(data, source="registry", subject=str(unit_id), correlation_id=None)
    assert inspections_consumer.process(envelope.model_dump(mode="json")) == "applied"
    return unit_id


def events_of(hazard_id) -> list[str]:
    with transaction(os.environ["DATABASE_URL"]) as session:
        return list(
            session.execute(
                text(
                    "SELECT event_type FROM inspections.outbox WHERE envelope->>'subject' = :s ORDER BY position"
                ),
                {"s": str(hazard_id)},
            ).scalars()
        )
