"""initial schema

Revision ID: not0001
Revises:

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from shared.migrations import create_event_tables, drop_event_tables

# revision identifiers, used by Alembic.
revision: str = "not0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    create_event_tables("notifications")
    op.create_table(
        "duty_holder",
        sa.Column("assignment_id", sa.Uuid(), nullable=False),
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("duty", sa.String(length=40), nullable=False),
        sa.Column("scope_type", sa.String(length=20), nullable=False),
        sa.Column("scope_id", sa.Uuid(), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.Column("source_time", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("assignment_id", name=op.f("pk_duty_holder")),
        schema="notifications",
    )
    op.create_index(
        op.f("ix_duty_holder_person_id"), "duty_holder", ["person_id"], unique=False, schema="notifications"
    )
    op.create_index(
        op.f("ix_duty_holder_scope_id"), "duty_holder", ["scope_id"], unique=False, schema="notifications"
    )
    op.create_table(
        "grid_staff",
        sa.Column("grid_id", sa.Uuid(), nullable=False),
        sa.Column("grid_name", sa.String(length=200), nullable=False),
        sa.Column("leader_person_id", sa.Uuid(), nullable=True),
        sa.Column("member_person_ids", sa.ARRAY(sa.Uuid()), nullable=False),
        sa.Column("source_time", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("grid_id", name=op.f("pk_grid_staff")),
        schema="notifications",
    )
    op.create_table(
        "person_contact",
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("phone", sa.String(length=30), nullable=True),
        sa.Column("email", sa.String(length=200), nullable=True),
        sa.Column("enterprise_id", sa.Uuid(), nullable=True),
        sa.Column("user_id", sa.Uuid(), nullable=True),
        sa.Column("source_time", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("person_id", name=op.f("pk_person_contact")),
        schema="notifications",
    )
    op.create_table(
        "unit_contact",
        sa.Column("unit_id", sa.Uuid(), nullable=False),
        sa.Column("unit_name", sa.String(length=200), nullable=False),
        sa.Column("grid_id", sa.Uuid(), nullable=True),
        sa.Column("key_supervision", sa.Boolean(), nullable=False),
        sa.Column("responsible_head", sa.String(length=100), nullable=True),
        sa.Column("responsible_phone", sa.String(length=30), nullable=True),
        sa.Column("source_time", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("unit_id", name=op.f("pk_unit_contact")),
        schema="notifications",
    )


def downgrade() -> None:
    """Downgrade schema."""
    drop_event_tables("notifications")
    op.drop_table("unit_contact", schema="notifications")
    op.drop_table("person_contact", schema="notifications")
    op.drop_table("grid_staff", schema="notifications")
    op.drop_index(op.f("ix_duty_holder_scope_id"), table_name="duty_holder", schema="notifications")
    op.drop_index(op.f("ix_duty_holder_person_id"), table_name="duty_holder", schema="notifications")
    op.drop_table("duty_holder", schema="notifications")
