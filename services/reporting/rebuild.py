"""Rebuild reporting's read models from scratch by replaying its event journal (重建统计数据).

`python -m services.reporting.rebuild`: in one transaction it empties the tables that events
feed, then applies every journaled event again, in the order they first arrived, with a progress
bar. Readers see the old figures until it commits.

The read models are every table of reporting's schema but those declared in `NOT_READ_MODELS`
(what units filed, the campaign plan, the zone's rules, the journal itself and the event and
audit plumbing), so a new read model is rebuilt without being named here.
"""

import argparse

from sqlalchemy import Table, func, select, text
from tqdm import tqdm

from services.reporting.campaign.models import CampaignPhase, CampaignTask
from services.reporting.filings.models import FilingAttachment, ReportFiling, ReportNotice
from services.reporting.journal.models import JournalEntry
from services.reporting.models import metadata
from services.reporting.rules.models import ZoneRuleVersion
from services.reporting.worker import consumer, runtime

# Tables no event handler writes: records people made, and the plumbing. Nothing else may be here.
NOT_READ_MODELS: frozenset[Table] = frozenset(
    {
        JournalEntry.__table__,  # type: ignore[arg-type]
        ReportFiling.__table__,  # type: ignore[arg-type]
        FilingAttachment.__table__,  # type: ignore[arg-type]
        ReportNotice.__table__,  # type: ignore[arg-type]  # report.due/overdue published, by jobs
        CampaignPhase.__table__,  # type: ignore[arg-type]
        CampaignTask.__table__,  # type: ignore[arg-type]
        ZoneRuleVersion.__table__,  # type: ignore[arg-type]
        runtime.tables.outbox,
        runtime.tables.processed,
        runtime.tables.dead_letter,
        runtime.audit,
    }
)


def read_models() -> list[Table]:
    """The tables events feed: the schema, less the declared exceptions."""
    return [table for table in metadata.sorted_tables if table not in NOT_READ_MODELS]


def rebuild(*, batch: int = 2000, progress: bool = True) -> int:
    """Replay the journal into emptied read models. Returns how many events were applied."""
    with runtime.transaction() as session:
        tables = ", ".join(table.fullname for table in read_models())
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
