"""three-post certificates

Revision ID: reg0002
Revises: reg0001

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "reg0002"
down_revision: str | Sequence[str] | None = "reg0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "certificate",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("category", sa.String(length=100), nullable=True),
        sa.Column("number", sa.String(length=60), nullable=False),
        sa.Column("issuing_authority", sa.String(length=200), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("expires_on", sa.Date(), nullable=False),
        sa.Column("review_on", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"], ["registry.person.id"], name=op.f("fk_certificate_person_id_person")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_certificate")),
        sa.UniqueConstraint("kind", "number", name=op.f("uq_certificate_kind_number")),
        schema="registry",
    )
    op.create_index(
        op.f("ix_certificate_expires_on"), "certificate", ["expires_on"], unique=False, schema="registry"
    )
    op.create_index(
        op.f("ix_certificate_person_id"), "certificate", ["person_id"], unique=False, schema="registry"
    )
    op.create_table(
        "certificate_notice",
        sa.Column("certificate_id", sa.Uuid(), nullable=False),
        sa.Column("notice", sa.String(length=10), nullable=False),
        sa.Column("expires_on", sa.Date(), nullable=False),
        sa.Column(
            "published_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["certificate_id"],
            ["registry.certificate.id"],
            name=op.f("fk_certificate_notice_certificate_id_certificate"),
        ),
        sa.PrimaryKeyConstraint("certificate_id", "notice", "expires_on", name=op.f("pk_certificate_notice")),
        schema="registry",
    )


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_table("certificate_notice", schema="registry")
    op.drop_index(op.f("ix_certificate_person_id"), table_name="certificate", schema="registry")
    op.drop_index(op.f("ix_certificate_expires_on"), table_name="certificate", schema="registry")
    op.drop_table("certificate", schema="registry")
