"""dated copies and zone rules: versions and tombstones in the copies, units' dated states, who
owed a missed duty, the grid duties' roles; reporting's local rules as dated data; no grid_staffing

Revision ID: rep0009
Revises: rep0008

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision: str = "rep0009"
down_revision: str | Sequence[str] | None = "rep0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

S = "reporting"
VERSIONED = ("reporting_unit", "reporting_grid", "reporting_person", "grid_duty")


def upgrade() -> None:
    """Upgrade schema. The copies fill in their new columns when `python -m services.reporting.rebuild`
    replays the journal (the staffing now comes from `grid_duty`, dated)."""
    for table in VERSIONED:
        op.add_column(table, sa.Column("version", sa.Integer(), server_default="0", nullable=False), schema=S)
    op.add_column(
        "reporting_unit",
        sa.Column("key_supervision", sa.Boolean(), server_default="false", nullable=False),
        schema=S,
    )
    op.create_table(
        "unit_state",
        sa.Column("unit_id", sa.Uuid(), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.Column(
            "production_status",
            sa.Enum(
                "operating",
                "suspended",
                "under_construction",
                "closed",
                name="productionstatus",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),  # fmt: skip
        sa.Column("key_supervision", sa.Boolean(), nullable=False),
        sa.Column("grid_id", sa.Uuid(), nullable=True),
        sa.ForeignKeyConstraint(
            ["unit_id"], [f"{S}.reporting_unit.id"], name=op.f("fk_unit_state_unit_id_reporting_unit")
        ),
        sa.PrimaryKeyConstraint("unit_id", "valid_from", name=op.f("pk_unit_state")),
        schema=S,
    )
    for column in ("zone_id", "code", "name"):
        op.alter_column("reporting_grid", column, nullable=True, schema=S)
    op.add_column("reporting_grid", sa.Column("valid_from", sa.Date(), nullable=True), schema=S)
    op.add_column("reporting_grid", sa.Column("valid_to", sa.Date(), nullable=True), schema=S)
    op.add_column(
        "reporting_grid", sa.Column("deleted", sa.Boolean(), server_default="false", nullable=False), schema=S
    )
    op.add_column("grid_duty", sa.Column("duty", sa.String(length=40), nullable=True), schema=S)
    for table, owed_by in (("missed_inspection_fact", "grid_member"), ("missed_training_fact", "enterprise")):
        op.add_column(
            table,
            sa.Column("owed_by", sa.String(length=20), server_default=owed_by, nullable=False),
            schema=S,
        )
        op.add_column(
            table,
            sa.Column(
                "responsible_person_ids", postgresql.ARRAY(sa.Uuid()), server_default="{}", nullable=False
            ),
            schema=S,
        )
    op.add_column("missed_training_fact", sa.Column("period_end", sa.Date(), nullable=True), schema=S)
    # on time means never overdue, whatever deadline came later; when it went overdue is known
    # for hazards folded from now on (and all of them after a rebuild)
    op.add_column("hazard_fact", sa.Column("overdue_on", sa.Date(), nullable=True), schema=S)
    op.execute(f"UPDATE {S}.hazard_fact SET closed_on_time = false WHERE ever_overdue AND closed_on_time")
    op.drop_table("grid_staffing", schema=S)
    op.create_table(
        "zone_rule_version",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("key", sa.String(length=60), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("value", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("recorded_by", sa.Uuid(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_zone_rule_version")),
        sa.UniqueConstraint("key", "valid_from", name=op.f("uq_zone_rule_version_key_valid_from")),
        schema=S,
    )


def downgrade() -> None:
    """Downgrade schema (the grid staffing copy comes back empty; a rebuild refills it)."""
    op.drop_table("zone_rule_version", schema=S)
    op.create_table(
        "grid_staffing",
        sa.Column("grid_id", sa.Uuid(), nullable=False),
        sa.Column("leader_person_id", sa.Uuid(), nullable=True),
        sa.Column("member_person_ids", postgresql.ARRAY(sa.Uuid()), nullable=False),
        sa.Column("source_time", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("grid_id", name=op.f("pk_grid_staffing")),
        schema=S,
    )
    op.drop_column("hazard_fact", "overdue_on", schema=S)
    op.drop_column("missed_training_fact", "period_end", schema=S)
    for table in ("missed_inspection_fact", "missed_training_fact"):
        op.drop_column(table, "responsible_person_ids", schema=S)
        op.drop_column(table, "owed_by", schema=S)
    op.drop_column("grid_duty", "duty", schema=S)
    for column in ("deleted", "valid_to", "valid_from"):
        op.drop_column("reporting_grid", column, schema=S)
    op.execute(f"DELETE FROM {S}.reporting_grid WHERE name IS NULL")  # tombstones that never had a name
    for column in ("zone_id", "code", "name"):
        op.alter_column("reporting_grid", column, nullable=False, schema=S)
    op.drop_table("unit_state", schema=S)
    op.drop_column("reporting_unit", "key_supervision", schema=S)
    for table in VERSIONED:
        op.drop_column(table, "version", schema=S)
