"""initial schema

Revision ID: reg0001
Revises:

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from shared.migrations import create_event_tables, drop_event_tables

# revision identifiers, used by Alembic.
revision: str = "reg0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    op.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")  # for the sole-duty exclusion constraint
    create_event_tables("registry")
    op.create_table(
        "zone",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_zone")),
        sa.UniqueConstraint("code", name=op.f("uq_zone_code")),
        schema="registry",
    )
    op.create_table(
        "grid",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("zone_id", sa.Uuid(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("boundary", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("min_lon", sa.Double(), nullable=False),
        sa.Column("min_lat", sa.Double(), nullable=False),
        sa.Column("max_lon", sa.Double(), nullable=False),
        sa.Column("max_lat", sa.Double(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(["zone_id"], ["registry.zone.id"], name=op.f("fk_grid_zone_id_zone")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_grid")),
        sa.UniqueConstraint("zone_id", "code", name=op.f("uq_grid_zone_id_code")),
        schema="registry",
    )
    op.create_index(op.f("ix_grid_zone_id"), "grid", ["zone_id"], unique=False, schema="registry")
    op.create_table(
        "ten_haves_record",
        sa.Column("zone_id", sa.Uuid(), nullable=False),
        sa.Column("item", sa.String(length=40), nullable=False),
        sa.Column("in_place", sa.Boolean(), nullable=False),
        sa.Column("evidence", sa.Text(), nullable=True),
        sa.Column("updated_by", sa.Uuid(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(
            ["zone_id"], ["registry.zone.id"], name=op.f("fk_ten_haves_record_zone_id_zone")
        ),
        sa.PrimaryKeyConstraint("zone_id", "item", name=op.f("pk_ten_haves_record")),
        schema="registry",
    )
    op.create_table(
        "enterprise",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("credit_code", sa.String(length=18), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "enterprise",
                "construction_site",
                name="unitkind",
                native_enum=False,
                length=32,
                schema="registry",
            ),
            nullable=False,
        ),
        sa.Column("industry", sa.String(length=100), nullable=True),
        sa.Column("address", sa.String(length=300), nullable=True),
        sa.Column("longitude", sa.Double(), nullable=True),
        sa.Column("latitude", sa.Double(), nullable=True),
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
                schema="registry",
            ),
            nullable=False,
        ),
        sa.Column("key_supervision", sa.Boolean(), nullable=False),
        sa.Column(
            "risk_colour",
            sa.Enum(
                "red",
                "orange",
                "yellow",
                "blue",
                name="riskcolour",
                native_enum=False,
                length=10,
                schema="registry",
            ),
            nullable=True,
        ),
        sa.Column("legal_representative", sa.String(length=100), nullable=True),
        sa.Column("responsible_head", sa.String(length=100), nullable=True),
        sa.Column("responsible_phone", sa.String(length=30), nullable=True),
        sa.Column("grid_id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(["grid_id"], ["registry.grid.id"], name=op.f("fk_enterprise_grid_id_grid")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_enterprise")),
        sa.UniqueConstraint("credit_code", name=op.f("uq_enterprise_credit_code")),
        schema="registry",
    )
    op.create_index(op.f("ix_enterprise_grid_id"), "enterprise", ["grid_id"], unique=False, schema="registry")
    op.create_table(
        "enterprise_change",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("enterprise_id", sa.Uuid(), nullable=False),
        sa.Column("field", sa.String(length=40), nullable=False),
        sa.Column("old_value", sa.String(length=200), nullable=True),
        sa.Column("new_value", sa.String(length=200), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("changed_by", sa.Uuid(), nullable=True),
        sa.Column("changed_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(
            ["enterprise_id"],
            ["registry.enterprise.id"],
            name=op.f("fk_enterprise_change_enterprise_id_enterprise"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_enterprise_change")),
        schema="registry",
    )
    op.create_index(
        op.f("ix_enterprise_change_enterprise_id"),
        "enterprise_change",
        ["enterprise_id"],
        unique=False,
        schema="registry",
    )
    op.create_table(
        "hazard_source",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("enterprise_id", sa.Uuid(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "major_hazard_source",
                "key_area",
                "key_equipment",
                "dangerous_process",
                name="hazardsourcekind",
                native_enum=False,
                length=30,
                schema="registry",
            ),
            nullable=False,
        ),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("location", sa.String(length=300), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(
            ["enterprise_id"],
            ["registry.enterprise.id"],
            name=op.f("fk_hazard_source_enterprise_id_enterprise"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hazard_source")),
        schema="registry",
    )
    op.create_index(
        op.f("ix_hazard_source_enterprise_id"),
        "hazard_source",
        ["enterprise_id"],
        unique=False,
        schema="registry",
    )
    op.create_table(
        "org_unit",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("enterprise_id", sa.Uuid(), nullable=False),
        sa.Column("parent_id", sa.Uuid(), nullable=True),
        sa.Column(
            "level",
            sa.Enum(
                "company",
                "workshop",
                "team",
                name="orglevel",
                native_enum=False,
                length=20,
                schema="registry",
            ),
            nullable=False,
        ),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(
            ["enterprise_id"], ["registry.enterprise.id"], name=op.f("fk_org_unit_enterprise_id_enterprise")
        ),
        sa.ForeignKeyConstraint(
            ["parent_id"], ["registry.org_unit.id"], name=op.f("fk_org_unit_parent_id_org_unit")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_org_unit")),
        schema="registry",
    )
    op.create_index(
        op.f("ix_org_unit_enterprise_id"), "org_unit", ["enterprise_id"], unique=False, schema="registry"
    )
    op.create_table(
        "person",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("phone", sa.String(length=30), nullable=True),
        sa.Column("email", sa.String(length=200), nullable=True),
        sa.Column("title", sa.String(length=100), nullable=True),
        sa.Column("enterprise_id", sa.Uuid(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(
            ["enterprise_id"], ["registry.enterprise.id"], name=op.f("fk_person_enterprise_id_enterprise")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_person")),
        schema="registry",
    )
    op.create_index(
        op.f("ix_person_enterprise_id"), "person", ["enterprise_id"], unique=False, schema="registry"
    )
    op.create_table(
        "safety_rule_record",
        sa.Column("enterprise_id", sa.Uuid(), nullable=False),
        sa.Column("category", sa.String(length=40), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "exists",
                "missing",
                "under_revision",
                name="rulestatus",
                native_enum=False,
                length=20,
                schema="registry",
            ),
            nullable=False,
        ),
        sa.Column("document_ref", sa.String(length=300), nullable=True),
        sa.Column("updated_by", sa.Uuid(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(
            ["enterprise_id"],
            ["registry.enterprise.id"],
            name=op.f("fk_safety_rule_record_enterprise_id_enterprise"),
        ),
        sa.PrimaryKeyConstraint("enterprise_id", "category", name=op.f("pk_safety_rule_record")),
        schema="registry",
    )
    op.create_table(
        "assignment",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("duty", sa.String(length=40), nullable=False),
        sa.Column("scope_type", sa.String(length=20), nullable=False),
        sa.Column("scope_id", sa.Uuid(), nullable=False),
        sa.Column("sole", sa.Boolean(), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_by", sa.Uuid(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("ended_by", sa.Uuid(), nullable=True),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("end_reason", sa.Text(), nullable=True),
        postgresql.ExcludeConstraint(
            (sa.text("scope_id"), "="),
            (sa.text("duty"), "="),
            (sa.text("daterange(valid_from, valid_to, '[]')"), "&&"),
            where=sa.text("sole"),
            using="gist",
            name="ex_assignment_sole_duty_overlap",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["registry.person.id"], name=op.f("fk_assignment_person_id_person")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assignment")),
        schema="registry",
    )
    op.create_index(
        op.f("ix_assignment_person_id"), "assignment", ["person_id"], unique=False, schema="registry"
    )
    op.create_index(
        "ix_assignment_scope",
        "assignment",
        ["scope_type", "scope_id", "duty"],
        unique=False,
        schema="registry",
    )
    op.create_table(
        "post",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("org_unit_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("responsibility_statement", sa.Text(), nullable=True),
        sa.Column("operating_rules", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(
            ["org_unit_id"], ["registry.org_unit.id"], name=op.f("fk_post_org_unit_id_org_unit")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_post")),
        schema="registry",
    )
    op.create_index(op.f("ix_post_org_unit_id"), "post", ["org_unit_id"], unique=False, schema="registry")
    op.create_table(
        "user_account",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("password_hash", sa.String(length=200), nullable=False),
        sa.Column("roles", sa.ARRAY(sa.String(length=40)), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"], ["registry.person.id"], name=op.f("fk_user_account_person_id_person")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user_account")),
        sa.UniqueConstraint("person_id", name=op.f("uq_user_account_person_id")),
        sa.UniqueConstraint("username", name=op.f("uq_user_account_username")),
        schema="registry",
    )


def downgrade() -> None:
    """Downgrade schema."""
    drop_event_tables("registry")
    op.drop_table("user_account", schema="registry")
    op.drop_index(op.f("ix_post_org_unit_id"), table_name="post", schema="registry")
    op.drop_table("post", schema="registry")
    op.drop_index("ix_assignment_scope", table_name="assignment", schema="registry")
    op.drop_index(op.f("ix_assignment_person_id"), table_name="assignment", schema="registry")
    op.drop_table("assignment", schema="registry")
    op.drop_table("safety_rule_record", schema="registry")
    op.drop_index(op.f("ix_person_enterprise_id"), table_name="person", schema="registry")
    op.drop_table("person", schema="registry")
    op.drop_index(op.f("ix_org_unit_enterprise_id"), table_name="org_unit", schema="registry")
    op.drop_table("org_unit", schema="registry")
    op.drop_index(op.f("ix_hazard_source_enterprise_id"), table_name="hazard_source", schema="registry")
    op.drop_table("hazard_source", schema="registry")
    op.drop_index(
        op.f("ix_enterprise_change_enterprise_id"), table_name="enterprise_change", schema="registry"
    )
    op.drop_table("enterprise_change", schema="registry")
    op.drop_index(op.f("ix_enterprise_grid_id"), table_name="enterprise", schema="registry")
    op.drop_table("enterprise", schema="registry")
    op.drop_table("ten_haves_record", schema="registry")
    op.drop_index(op.f("ix_grid_zone_id"), table_name="grid", schema="registry")
    op.drop_table("grid", schema="registry")
    op.drop_table("zone", schema="registry")
