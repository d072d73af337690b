"""read models, journal, filings, campaign

Revision ID: rep0002
Revises: rep0001

"""

import uuid
from collections.abc import Sequence
from datetime import date

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision: str = "rep0002"
down_revision: str | Sequence[str] | None = "rep0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "campaign_phase",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_campaign_phase")),
        sa.UniqueConstraint("position", name=op.f("uq_campaign_phase_position")),
        schema="reporting",
    )
    op.create_table(
        "event_journal",
        sa.Column("position", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("event_id", sa.Uuid(), nullable=False),
        sa.Column("event_type", sa.String(length=60), nullable=False),
        sa.Column("envelope", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("position", name=op.f("pk_event_journal")),
        sa.UniqueConstraint("event_id", name=op.f("uq_event_journal_event_id")),
        schema="reporting",
    )
    op.create_table(
        "grid_staffing",
        sa.Column("grid_id", sa.Uuid(), nullable=False),
        sa.Column("leader_person_id", sa.Uuid(), nullable=True),
        sa.Column("member_person_ids", sa.ARRAY(sa.Uuid()), nullable=False),
        sa.Column("source_time", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("grid_id", name=op.f("pk_grid_staffing")),
        schema="reporting",
    )
    op.create_table(
        "hazard_fact",
        sa.Column("hazard_id", sa.Uuid(), nullable=False),
        sa.Column("unit_id", sa.Uuid(), nullable=False),
        sa.Column("grid_id", sa.Uuid(), nullable=True),
        sa.Column("grade", sa.String(length=10), nullable=False),
        sa.Column("category", sa.String(length=60), nullable=False),
        sa.Column("source", sa.String(length=30), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=True),
        sa.Column("reported_on", sa.Date(), nullable=True),
        sa.Column("reporter_id", sa.Uuid(), nullable=True),
        sa.Column("fixed_on_spot", sa.Boolean(), nullable=False),
        sa.Column("deadline_ordered", sa.Boolean(), nullable=False),
        sa.Column("ever_overdue", sa.Boolean(), nullable=False),
        sa.Column("escalated", sa.Boolean(), nullable=False),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("closed_on_time", sa.Boolean(), nullable=True),
        sa.Column("source_time", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("hazard_id", name=op.f("pk_hazard_fact")),
        schema="reporting",
    )
    op.create_index(
        "ix_hazard_fact_grid_reported_on",
        "hazard_fact",
        ["grid_id", "reported_on"],
        unique=False,
        schema="reporting",
    )
    op.create_index(
        "ix_hazard_fact_reported_on", "hazard_fact", ["reported_on"], unique=False, schema="reporting"
    )
    op.create_index(
        "ix_hazard_fact_unit_reported_on",
        "hazard_fact",
        ["unit_id", "reported_on"],
        unique=False,
        schema="reporting",
    )
    op.create_table(
        "inspection_fact",
        sa.Column("inspection_id", sa.Uuid(), nullable=False),
        sa.Column("unit_id", sa.Uuid(), nullable=False),
        sa.Column("grid_id", sa.Uuid(), nullable=True),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("inspector_id", sa.Uuid(), nullable=False),
        sa.Column("inspected_on", sa.Date(), nullable=False),
        sa.Column("items", sa.Integer(), nullable=False),
        sa.Column("failed", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("inspection_id", name=op.f("pk_inspection_fact")),
        schema="reporting",
    )
    op.create_index(
        "ix_inspection_fact_inspected_on",
        "inspection_fact",
        ["inspected_on"],
        unique=False,
        schema="reporting",
    )
    op.create_table(
        "missed_inspection_fact",
        sa.Column("rule_code", sa.String(length=60), nullable=False),
        sa.Column("subject_id", sa.Uuid(), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("inspection_kind", sa.String(length=30), nullable=False),
        sa.Column("grid_id", sa.Uuid(), nullable=True),
        sa.Column("done", sa.Integer(), nullable=False),
        sa.Column("required", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(
            "rule_code", "subject_id", "period_start", name=op.f("pk_missed_inspection_fact")
        ),
        schema="reporting",
    )
    op.create_table(
        "report_filing",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("unit_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("period", sa.String(length=10), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("content", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("signed_by", sa.String(length=100), nullable=True),
        sa.Column("filed_by", sa.Uuid(), nullable=False),
        sa.Column("filed_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("late", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_filing")),
        sa.UniqueConstraint(
            "unit_id", "kind", "period", "version", name=op.f("uq_report_filing_unit_id_kind_period_version")
        ),
        schema="reporting",
    )
    op.create_table(
        "report_overdue_notice",
        sa.Column("unit_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("period", sa.String(length=10), nullable=False),
        sa.Column("noticed_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("unit_id", "kind", "period", name=op.f("pk_report_overdue_notice")),
        schema="reporting",
    )
    op.create_table(
        "reporting_person",
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=True),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("source_time", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("person_id", name=op.f("pk_reporting_person")),
        schema="reporting",
    )
    op.create_index(
        op.f("ix_reporting_person_user_id"), "reporting_person", ["user_id"], unique=False, schema="reporting"
    )
    op.create_table(
        "campaign_task",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("phase_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("done_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["phase_id"],
            ["reporting.campaign_phase.id"],
            name=op.f("fk_campaign_task_phase_id_campaign_phase"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_campaign_task")),
        schema="reporting",
    )
    op.create_index(
        op.f("ix_campaign_task_phase_id"), "campaign_task", ["phase_id"], unique=False, schema="reporting"
    )
    op.add_column(
        "reporting_unit", sa.Column("risk_colour", sa.String(length=10), nullable=True), schema="reporting"
    )
    seed_campaign()


# The work plan's three phases (五、实施步骤) with its dates; a zone changes the dates through the API.
CAMPAIGN = (
    ("调查摸底、建立台帐阶段", date(2021, 3, 15), date(2021, 3, 31), (
        "制订印发安全生产网格化监管工作实施方案",
        "召开专题会议,全面安排部署",
        "对辖区内企业、建筑工地进行调查摸底",
        "排查登记事故隐患、危险源、突出问题",
        "建立各企业基础隐患台帐和档案",
        "编制安全生产监管网格示意图",
        "落实网格单元相关人员及责任",
    )),
    ("落实责任、形成网格阶段", date(2021, 4, 1), date(2021, 9, 30), (
        "各网格按周检查、日巡查对辖区企业开展安全检查",
        "隐患能当场整改的当场整改,不能的责令限期整改",
        "拒不整改或不停止施工的,立即向区级执法部门上报",
    )),
    ("总结提高、建立机制阶段", date(2021, 10, 1), date(2021, 12, 31), (
        "收集、汇总、整理网格化监管工作资料",
        "上报工作总结",
        "组织“回头看”,查漏补缺",
        "形成制度化、规范化的长效管理机制",
    )),
)  # fmt: skip


def seed_campaign() -> None:
    phases = sa.table(
        "campaign_phase",
        sa.column("id", sa.Uuid()),
        sa.column("position", sa.Integer()),
        sa.column("name", sa.String()),
        sa.column("starts_on", sa.Date()),
        sa.column("ends_on", sa.Date()),
        schema="reporting",
    )
    tasks = sa.table(
        "campaign_task",
        sa.column("id", sa.Uuid()),
        sa.column("phase_id", sa.Uuid()),
        sa.column("position", sa.Integer()),
        sa.column("title", sa.String()),
        schema="reporting",
    )
    for position, (name, starts_on, ends_on, titles) in enumerate(CAMPAIGN, start=1):
        phase_id = uuid.uuid5(uuid.NAMESPACE_URL, f"gridsafe:campaign:{position}")
        op.bulk_insert(
            phases,
            [
                {
                    "id": phase_id,
                    "position": position,
                    "name": name,
                    "starts_on": starts_on,
                    "ends_on": ends_on,
                }
            ],
        )
        op.bulk_insert(
            tasks,
            [
                {"id": uuid.uuid5(phase_id, title), "phase_id": phase_id, "position": index, "title": title}
                for index, title in enumerate(titles, start=1)
            ],
        )


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_column("reporting_unit", "risk_colour", schema="reporting")
    op.drop_index(op.f("ix_campaign_task_phase_id"), table_name="campaign_task", schema="reporting")
    op.drop_table("campaign_task", schema="reporting")
    op.drop_index(op.f("ix_reporting_person_user_id"), table_name="reporting_person", schema="reporting")
    op.drop_table("reporting_person", schema="reporting")
    op.drop_table("report_overdue_notice", schema="reporting")
    op.drop_table("report_filing", schema="reporting")
    op.drop_table("missed_inspection_fact", schema="reporting")
    op.drop_index("ix_inspection_fact_inspected_on", table_name="inspection_fact", schema="reporting")
    op.drop_table("inspection_fact", schema="reporting")
    op.drop_index("ix_hazard_fact_unit_reported_on", table_name="hazard_fact", schema="reporting")
    op.drop_index("ix_hazard_fact_reported_on", table_name="hazard_fact", schema="reporting")
    op.drop_index("ix_hazard_fact_grid_reported_on", table_name="hazard_fact", schema="reporting")
    op.drop_table("hazard_fact", schema="reporting")
    op.drop_table("grid_staffing", schema="reporting")
    op.drop_table("event_journal", schema="reporting")
    op.drop_table("campaign_phase", schema="reporting")
