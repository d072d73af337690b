"""channels, webhooks, escalation

Revision ID: not0003
Revises: not0002

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "not0003"
down_revision: str | Sequence[str] | None = "not0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "hazard_watch",
        sa.Column("hazard_id", sa.Uuid(), nullable=False),
        sa.Column("unit_id", sa.Uuid(), nullable=False),
        sa.Column("grid_id", sa.Uuid(), nullable=True),
        sa.Column("grade", sa.String(length=10), nullable=False),
        sa.Column("category", sa.String(length=100), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("open", sa.Boolean(), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=True),
        sa.Column("source_time", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("hazard_id", name=op.f("pk_hazard_watch")),
        schema="notifications",
    )
    op.create_index(
        "ix_hazard_watch_open_deadline",
        "hazard_watch",
        ["deadline"],
        unique=False,
        schema="notifications",
        postgresql_where="open",
    )
    op.create_table(
        "preference",
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("channels", sa.ARRAY(sa.String(length=10)), nullable=False),
        sa.Column("urgent_channels", sa.ARRAY(sa.String(length=10)), nullable=False),
        sa.Column("digest", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("person_id", name=op.f("pk_preference")),
        schema="notifications",
    )
    op.create_table(
        "webhook_subscription",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("url", sa.String(length=2000), nullable=False),
        sa.Column("event_types", sa.ARRAY(sa.String(length=60)), nullable=False),
        sa.Column("secret", sa.String(length=100), nullable=False),
        sa.Column("owner_user_id", sa.Uuid(), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("consecutive_failures", sa.Integer(), nullable=False),
        sa.Column("disabled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("disabled_reason", sa.String(length=300), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webhook_subscription")),
        schema="notifications",
    )
    op.create_index(
        "ix_webhook_subscription_types",
        "webhook_subscription",
        ["event_types"],
        unique=False,
        schema="notifications",
        postgresql_using="gin",
    )
    op.create_table(
        "delivery",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("channel", sa.String(length=10), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("message_id", sa.Uuid(), nullable=True),
        sa.Column("person_id", sa.Uuid(), nullable=True),
        sa.Column("subscription_id", sa.Uuid(), nullable=True),
        sa.Column("event_id", sa.Uuid(), nullable=True),
        sa.Column("digest_of", sa.Date(), nullable=True),
        sa.Column("digest_id", sa.Uuid(), nullable=True),
        sa.Column("address", sa.String(length=2000), nullable=True),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("replays", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["digest_id"], ["notifications.delivery.id"], name=op.f("fk_delivery_digest_id_delivery")
        ),
        sa.ForeignKeyConstraint(
            ["message_id"],
            ["notifications.inbox_message.id"],
            name=op.f("fk_delivery_message_id_inbox_message"),
        ),
        sa.ForeignKeyConstraint(
            ["subscription_id"],
            ["notifications.webhook_subscription.id"],
            name=op.f("fk_delivery_subscription_id_webhook_subscription"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_delivery")),
        sa.UniqueConstraint("message_id", "channel", name=op.f("uq_delivery_message_id_channel")),
        sa.UniqueConstraint("subscription_id", "event_id", name=op.f("uq_delivery_subscription_id_event_id")),
        schema="notifications",
    )
    op.create_index(
        "ix_delivery_due",
        "delivery",
        ["next_attempt_at"],
        unique=False,
        schema="notifications",
        postgresql_where="status = 'pending'",
    )
    op.create_index(
        op.f("ix_delivery_event_id"), "delivery", ["event_id"], unique=False, schema="notifications"
    )
    op.create_index(
        "ix_delivery_held",
        "delivery",
        ["person_id"],
        unique=False,
        schema="notifications",
        postgresql_where="status = 'held'",
    )
    op.create_index(
        op.f("ix_delivery_message_id"), "delivery", ["message_id"], unique=False, schema="notifications"
    )
    op.create_table(
        "delivery_attempt",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("delivery_id", sa.Uuid(), nullable=False),
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("duration_ms", sa.Integer(), nullable=False),
        sa.Column("ok", sa.Boolean(), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["delivery_id"],
            ["notifications.delivery.id"],
            name=op.f("fk_delivery_attempt_delivery_id_delivery"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_delivery_attempt")),
        schema="notifications",
    )
    op.create_index(
        op.f("ix_delivery_attempt_delivery_id"),
        "delivery_attempt",
        ["delivery_id"],
        unique=False,
        schema="notifications",
    )
    op.add_column(
        "inbox_message", sa.Column("occasion", sa.String(length=200), nullable=True), schema="notifications"
    )
    op.execute("UPDATE notifications.inbox_message SET occasion = 'event:' || event_id")
    op.alter_column("inbox_message", "occasion", nullable=False, schema="notifications")
    op.alter_column(
        "inbox_message", "event_id", existing_type=sa.UUID(), nullable=True, schema="notifications"
    )
    op.drop_constraint(
        op.f("uq_inbox_message_event_id_person_id"), "inbox_message", schema="notifications", type_="unique"
    )
    op.create_unique_constraint(
        op.f("uq_inbox_message_occasion_person_id"),
        "inbox_message",
        ["occasion", "person_id"],
        schema="notifications",
    )


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_constraint(
        op.f("uq_inbox_message_occasion_person_id"), "inbox_message", schema="notifications", type_="unique"
    )
    op.create_unique_constraint(
        op.f("uq_inbox_message_event_id_person_id"),
        "inbox_message",
        ["event_id", "person_id"],
        schema="notifications",
        postgresql_nulls_not_distinct=False,
    )
    op.alter_column(
        "inbox_message", "event_id", existing_type=sa.UUID(), nullable=False, schema="notifications"
    )
    op.drop_column("inbox_message", "occasion", schema="notifications")
    op.drop_index(
        op.f("ix_delivery_attempt_delivery_id"), table_name="delivery_attempt", schema="notifications"
    )
    op.drop_table("delivery_attempt", schema="notifications")
    op.drop_index(op.f("ix_delivery_message_id"), table_name="delivery", schema="notifications")
    op.drop_index(
        "ix_delivery_held", table_name="delivery", schema="notifications", postgresql_where="status = 'held'"
    )
    op.drop_index(op.f("ix_delivery_event_id"), table_name="delivery", schema="notifications")
    op.drop_index(
        "ix_delivery_due",
        table_name="delivery",
        schema="notifications",
        postgresql_where="status = 'pending'",
    )
    op.drop_table("delivery", schema="notifications")
    op.drop_index(
        "ix_webhook_subscription_types",
        table_name="webhook_subscription",
        schema="notifications",
        postgresql_using="gin",
    )
    op.drop_table("webhook_subscription", schema="notifications")
    op.drop_table("preference", schema="notifications")
    op.drop_index(
        "ix_hazard_watch_open_deadline",
        table_name="hazard_watch",
        schema="notifications",
        postgresql_where="open",
    )
    op.drop_table("hazard_watch", schema="notifications")
