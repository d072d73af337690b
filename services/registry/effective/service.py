"""Publishing what takes effect on its day: the dated facts recorded before their day."""

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.registry.effective.dates import ASSIGNMENT, GRID, UNIT_STATE
from services.registry.effective.models import ScheduledEffect
from services.registry.enterprise.service import take_effect as unit_state_takes_effect
from services.registry.grid.models import Grid
from services.registry.grid.service import publish_grid_changed
from services.registry.responsibility.models import Assignment
from services.registry.responsibility.service import publish_assignment
from shared.clock import utc_now


def publish_due(session: Session, today: date) -> int:
    """Publish every scheduled fact whose day has come (catching up on days missed while down),
    oldest day first; each exactly once: the claim is marked in the same transaction as its events.
    Returns how many were published."""
    due = session.scalars(
        select(ScheduledEffect)
        .where(ScheduledEffect.published_at.is_(None), ScheduledEffect.takes_effect_on <= today)
        .order_by(ScheduledEffect.takes_effect_on, ScheduledEffect.kind, ScheduledEffect.entity_id)
        .with_for_update(skip_locked=True)
    ).all()
    for effect in due:
        if effect.kind == ASSIGNMENT:
            publish_assignment(session, session.get_one(Assignment, effect.entity_id))
        elif effect.kind == UNIT_STATE:
            unit_state_takes_effect(session, effect.entity_id, effect.takes_effect_on)
        elif effect.kind == GRID:
            grid = session.get_one(Grid, effect.entity_id)
            if grid.valid_to is None:  # an abolished grid's last word was grid.deleted
                publish_grid_changed(session, grid)
        effect.published_at = utc_now()
    session.flush()
    return len(due)
