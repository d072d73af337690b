"""Rebuild reporting's read models from scratch by replaying its event journal (重建统计数据).

`python -m services.reporting.rebuild`: in one transaction it empties the tables that events
feed, then applies every journaled event again, in the order they first arrived, with a progress
bar. Readers see the old figures until it commits. Reports that units filed are not read models
and are left alone.
"""

import argparse

from sqlalchemy import func, select, text
from tqdm import tqdm

from services.reporting.facts.models import (
    GridStaffing,
    HazardFact,
    InspectionFact,
    MissedInspectionFact,
    ReportingPerson,
)
from services.reporting.journal.models import JournalEntry
from services.reporting.units.models import ReportingGrid, ReportingUnit
from services.reporting.worker import consumer, runtime

READ_MODELS = (
    ReportingUnit,
    ReportingGrid,
    GridStaffing,
    ReportingPerson,
    HazardFact,
    InspectionFact,
    MissedInspectionFact,
)


def rebuild(*, batch: int = 2000, progress: bool = True) -> int:
    """Replay the journal into emptied read models. Returns how many events were applied."""
    with runtime.transaction() as session:
        tables = ", ".join(f"{runtime.schema}.{model.__tablename__}" for model in READ_MODELS)
        session.execute(text(f"TRUNCATE {tables}"))
        total = session.scalar(select(func.count()).select_from(JournalEntry))
        applied, after = 0, 0
        with tqdm(total=total, unit="event", desc="rebuild", disable=not progress) as bar:
            while rows := session.execute(
                select(JournalEntry.position, JournalEntry.envelope)
                .where(JournalEntry.position > after)
                .order_by(JournalEntry.position)
                .limit(batch)
            ).all():
                for position, envelope in rows:
                    event, data, handler = consumer.parse(envelope)
                    if handler is not None:
                        handler(session, data, event)
                        applied += 1
                    after = position
                session.flush()
                bar.update(len(rows))
    return applied


def main() -> None:
    argparse.ArgumentParser(description=__doc__.splitlines()[0]).parse_args()
    print(f"replayed {rebuild():,} events")


if __name__ == "__main__":
    main()
