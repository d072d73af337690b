"""field app: idempotency keys of every write (the hazard reports' ones moved in), an inspection's
position and time, and the files kept with an inspection (signatures, photos)

Revision ID: ins0019
Revises: ins0018

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "ins0019"
down_revision: str | Sequence[str] | None = "ins0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

S = "inspections"


def upgrade() -> None:
    op.create_table(
        "request_key",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("operation", sa.String(length=60), nullable=False),
        sa.Column("body_sha256", sa.String(length=64), nullable=False),
        sa.Column("result_id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("user_id", "key", name=op.f("pk_request_key")),
        schema=S,
    )
    op.execute(
        "INSERT INTO inspections.request_key (user_id, key, operation, body_sha256, result_id, created_at) "
        "SELECT user_id, key, 'hazard.report', body_sha256, hazard_id, created_at FROM inspections.hazard_submission"
    )
    op.drop_table("hazard_submission", schema=S)
    for column in ("latitude", "longitude", "accuracy_m"):
        op.add_column("inspection", sa.Column(column, sa.Float(), nullable=True), schema=S)
    op.add_column(
        "inspection", sa.Column("performed_at", sa.DateTime(timezone=True), nullable=True), schema=S
    )
    op.create_index(
        "ix_inspection_inspector_recorded", "inspection", ["inspector_id", "recorded_at", "id"], schema=S
    )
    op.create_table(
        "inspection_file",
        sa.Column("inspection_id", sa.Uuid(), nullable=False),
        sa.Column(
            "tag",
            sa.Enum(
                "inspector_signature",
                "unit_signature",
                "photo",
                name="inspectionfiletag",
                native_enum=False,
                length=30,
            ),
            nullable=False,
        ),
        sa.Column("signer", sa.String(length=100), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("content_type", sa.String(length=50), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("uploaded_by", sa.Uuid(), nullable=False),
        sa.Column("uploaded_by_name", sa.String(length=100), nullable=True),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("taken_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("latitude", sa.Float(), nullable=True),
        sa.Column("longitude", sa.Float(), nullable=True),
        sa.ForeignKeyConstraint(
            ["inspection_id"],
            ["inspections.inspection.id"],
            name=op.f("fk_inspection_file_inspection_id_inspection"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inspection_file")),
        schema=S,
    )
    op.create_index(op.f("ix_inspection_file_inspection_id"), "inspection_file", ["inspection_id"], schema=S)


def downgrade() -> None:
    op.drop_index(op.f("ix_inspection_file_inspection_id"), table_name="inspection_file", schema=S)
    op.drop_table("inspection_file", schema=S)
    op.drop_index("ix_inspection_inspector_recorded", table_name="inspection", schema=S)
    for column in ("performed_at", "accuracy_m", "longitude", "latitude"):
        op.drop_column("inspection", column, schema=S)
    op.create_table(
        "hazard_submission",
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("body_sha256", sa.String(length=64), nullable=False),
        sa.Column("hazard_id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(
            ["hazard_id"], ["inspections.hazard.id"], name=op.f("fk_hazard_submission_hazard_id_hazard")
        ),
        sa.PrimaryKeyConstraint("key", "user_id", name=op.f("pk_hazard_submission")),
        schema=S,
    )
    op.execute(
        "INSERT INTO inspections.hazard_submission (key, user_id, body_sha256, hazard_id, created_at) "
        "SELECT key, user_id, body_sha256, result_id, created_at FROM inspections.request_key "
        "WHERE operation = 'hazard.report'"
    )
    op.drop_table("request_key", schema=S)
