"""question_log.chat_id and user_id hold 64-bit Telegram ids.

Group ids (-100…) and newer user ids do not fit PostgreSQL's 32-bit INTEGER.
(SQLite stores any INTEGER in 64 bits; there the table is copied to a BIGINT one
only so that the schema says what the model says.)

Revision ID: 0002
Revises: 0001
Create Date: 2025-06-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("question_log") as batch:
        for column in ("chat_id", "user_id"):
            batch.alter_column(column, type_=sa.BigInteger(), existing_type=sa.Integer(), existing_nullable=True)


def downgrade() -> None:
    with op.batch_alter_table("question_log") as batch:
        for column in ("chat_id", "user_id"):
            batch.alter_column(column, type_=sa.Integer(), existing_type=sa.BigInteger(), existing_nullable=True)
