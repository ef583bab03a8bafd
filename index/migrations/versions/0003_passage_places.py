"""passage.places and passage.places_hash: the places a passage refers to by level alone.

"Bí thư Đảng ủy 14 phường thuộc Quận" refers to the article's district: the resolved
place ("quận Long Biên") is indexed with the passage. Existing rows get NULL; the
next start re-derives them (index.ingest.refresh_derived) and rebuilds the index.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel  # noqa: F401
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

AutoString = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    # columns that exist already are left alone (a database made by create_all of these
    # models, then stamped at the baseline, has them)
    have = {c["name"] for c in sa.inspect(op.get_bind()).get_columns("passage")}
    new = [
        sa.Column("places", AutoString(), nullable=True),
        sa.Column("places_hash", AutoString(length=64), nullable=True),
    ]
    with op.batch_alter_table("passage") as batch:
        for column in new:
            if column.name not in have:
                batch.add_column(column)


def downgrade() -> None:
    with op.batch_alter_table("passage") as batch:
        batch.drop_column("places_hash")
        batch.drop_column("places")
