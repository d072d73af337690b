"""dated facts: unit states, grid existence and tombstones, versions; cadence rule versions with
who owes each duty; the missed-duty check's progress; the zone calendar; local rules as data

Revision ID: ins0016
Revises: ins0015

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from shared.settings import get_settings

# revision identifiers, used by Alembic.
revision: str = "ins0016"
down_revision: str | Sequence[str] | None = "ins0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# who owes each of the work plan's duties: grid staff inspect, the leader the key units, the
# enterprises their own checks, trainings and exams
OWED_BY = {
    "leader_key_unit_monthly": "grid_leader",
    "grid_weekly_check": "grid_member",
    "grid_daily_patrol": "grid_member",
}
# the terms rules had before they were dated: in force since before any record
FIRST_DAY = "2000-01-01"
SOURCE = "安全生产网格化监管工作方案 / the zone's work plan"


def upgrade() -> None:
    """Upgrade schema."""
    zone = get_settings().zone_timezone
    local_day = f"(source_time AT TIME ZONE '{zone}')::date"
    # units: their dated states, from the day each was first heard of where nothing older is known
    op.add_column(
        "supervised_unit", sa.Column("registered_on", sa.Date(), nullable=True), schema="inspections"
    )
    op.add_column(
        "supervised_unit",
        sa.Column("version", sa.Integer(), server_default="0", nullable=False),
        schema="inspections",
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
        ),
        sa.Column("key_supervision", sa.Boolean(), nullable=False),
        sa.Column("grid_id", sa.Uuid(), nullable=True),
        sa.PrimaryKeyConstraint("unit_id", "valid_from", name=op.f("pk_unit_state")),
        schema="inspections",
    )
    op.create_index(
        op.f("ix_unit_state_grid_id"), "unit_state", ["grid_id"], unique=False, schema="inspections"
    )
    op.execute(f"UPDATE inspections.supervised_unit SET registered_on = {local_day}")
    op.execute(
        "INSERT INTO inspections.unit_state (unit_id, valid_from, production_status, key_supervision, grid_id) "
        "SELECT id, registered_on, production_status, key_supervision, grid_id FROM inspections.supervised_unit"
    )
    # grids: first and last day, tombstones, versions
    for column in (
        sa.Column("valid_from", sa.Date(), nullable=True),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.Column("deleted", sa.Boolean(), server_default="false", nullable=False),
        sa.Column("version", sa.Integer(), server_default="0", nullable=False),
    ):
        op.add_column("supervised_grid", column, schema="inspections")
    op.execute(f"UPDATE inspections.supervised_grid SET valid_from = {local_day}")
    op.add_column("grid_duty", sa.Column("duty", sa.String(length=40), nullable=True), schema="inspections")
    op.add_column(
        "grid_duty",
        sa.Column("version", sa.Integer(), server_default="0", nullable=False),
        schema="inspections",
    )

    # cadence rules: who owes each; their terms become versions
    op.add_column(
        "cadence_rule",
        sa.Column(
            "owed_by",
            sa.Enum(
                "grid_member", "grid_leader", "enterprise", name="dutyholder", native_enum=False, length=20
            ),
            server_default="enterprise",
            nullable=False,
        ),
        schema="inspections",
    )
    for code, holder in OWED_BY.items():
        op.execute(f"UPDATE inspections.cadence_rule SET owed_by = '{holder}' WHERE code = '{code}'")
    op.alter_column("cadence_rule", "owed_by", server_default=None, schema="inspections")
    op.create_table(
        "cadence_rule_version",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("rule_code", sa.String(length=40), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("required", sa.Integer(), nullable=False),
        sa.Column("grace_days", sa.Integer(), nullable=False),
        sa.Column("remind_after_days", sa.Integer(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("calendar_days", sa.Boolean(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("recorded_by", sa.Uuid(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(
            ["rule_code"],
            ["inspections.cadence_rule.code"],
            name=op.f("fk_cadence_rule_version_rule_code_cadence_rule"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cadence_rule_version")),
        sa.UniqueConstraint(
            "rule_code", "valid_from", name=op.f("uq_cadence_rule_version_rule_code_valid_from")
        ),
        schema="inspections",
    )
    op.execute(
        sa.text(
            "INSERT INTO inspections.cadence_rule_version (rule_code, valid_from, required, grace_days, "
            "remind_after_days, active, calendar_days, source) SELECT code, CAST(:first AS date), required, "
            "grace_days, remind_after_days, active, false, :source FROM inspections.cadence_rule"
        ).bindparams(first=FIRST_DAY, source=SOURCE)
    )
    for name in ("required", "grace_days", "remind_after_days", "active", "updated_at"):
        op.drop_column("cadence_rule", name, schema="inspections")
    op.create_table(
        "cadence_check",
        sa.Column("rule_code", sa.String(length=40), nullable=False),
        sa.Column("checked_through", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["rule_code"],
            ["inspections.cadence_rule.code"],
            name=op.f("fk_cadence_check_rule_code_cadence_rule"),
        ),
        sa.PrimaryKeyConstraint("rule_code", name=op.f("pk_cadence_check")),
        schema="inspections",
    )
    # the zone calendar, empty: the official dates are entered as they are published
    op.create_table(
        "calendar_day",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum("holiday", "make_up_workday", name="calendardaykind", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("recorded_by", sa.Uuid(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("day", name=op.f("pk_calendar_day")),
        schema="inspections",
    )
    # local rules (training hours, art. 113 windows): versions over the defaults in code
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
        schema="inspections",
    )


def downgrade() -> None:
    """Downgrade schema (the rules keep the terms of their latest version)."""
    op.drop_table("zone_rule_version", schema="inspections")
    op.drop_table("calendar_day", schema="inspections")
    op.drop_table("cadence_check", schema="inspections")
    op.add_column("cadence_rule", sa.Column("required", sa.Integer(), nullable=True), schema="inspections")
    op.add_column("cadence_rule", sa.Column("grace_days", sa.Integer(), nullable=True), schema="inspections")
    op.add_column(
        "cadence_rule", sa.Column("remind_after_days", sa.Integer(), nullable=True), schema="inspections"
    )
    op.add_column("cadence_rule", sa.Column("active", sa.Boolean(), nullable=True), schema="inspections")
    op.add_column(
        "cadence_rule",
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        schema="inspections",
    )
    op.execute(
        "UPDATE inspections.cadence_rule r SET required = v.required, grace_days = v.grace_days, "
        "remind_after_days = v.remind_after_days, active = v.active FROM (SELECT DISTINCT ON (rule_code) * "
        "FROM inspections.cadence_rule_version ORDER BY rule_code, valid_from DESC) v WHERE v.rule_code = r.code"
    )
    for column in ("required", "grace_days", "active"):
        op.alter_column("cadence_rule", column, nullable=False, schema="inspections")
    op.drop_table("cadence_rule_version", schema="inspections")
    op.drop_column("cadence_rule", "owed_by", schema="inspections")
    op.drop_column("grid_duty", "version", schema="inspections")
    op.drop_column("grid_duty", "duty", schema="inspections")
    for column in ("version", "deleted", "valid_to", "valid_from"):
        op.drop_column("supervised_grid", column, schema="inspections")
    op.drop_index(op.f("ix_unit_state_grid_id"), table_name="unit_state", schema="inspections")
    op.drop_table("unit_state", schema="inspections")
    op.drop_column("supervised_unit", "version", schema="inspections")
    op.drop_column("supervised_unit", "registered_on", schema="inspections")
