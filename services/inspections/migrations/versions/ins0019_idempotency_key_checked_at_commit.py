"""an idempotency key's hazard is checked at commit (the key is taken before the hazard is written)

Revision ID: ins0019
Revises: ins0018

"""

from collections.abc import Sequence

from alembic import op

# revision identifiers, used by Alembic.
revision: str = "ins0019"
down_revision: str | Sequence[str] | None = "ins0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CONSTRAINT = "fk_hazard_submission_hazard_id_hazard"


def _foreign_key(deferrable: bool | None = None, initially: str | None = None) -> None:
    op.drop_constraint(CONSTRAINT, "hazard_submission", schema="inspections", type_="foreignkey")
    op.create_foreign_key(
        CONSTRAINT,
        "hazard_submission",
        "hazard",
        ["hazard_id"],
        ["id"],
        source_schema="inspections",
        referent_schema="inspections",
        deferrable=deferrable,
        initially=initially,
    )


def upgrade() -> None:
    _foreign_key(deferrable=True, initially="DEFERRED")


def downgrade() -> None:
    _foreign_key()
