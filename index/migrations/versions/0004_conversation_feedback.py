"""question_log: status, confidence, answer, article, follow-ups; answer_feedback (👍/👎, corrections).

Rows logged before have NULL in the new columns: ``/stats`` and ``/unanswered`` read
their status from ``answered`` (answered, or not found).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel  # noqa: F401
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

AutoString = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    inspector = sa.inspect(op.get_bind())
    have = {c["name"] for c in inspector.get_columns("question_log")}
    new = [
        sa.Column("status", AutoString(length=16), nullable=True),
        sa.Column("confidence", sa.Float(), nullable=True),
        sa.Column("answer", AutoString(), nullable=True),
        sa.Column("article_id", AutoString(length=255), nullable=True),
        sa.Column("question_used", AutoString(), nullable=True),
        sa.Column("followup_of", sa.BigInteger(), nullable=True),
    ]
    with op.batch_alter_table("question_log") as batch:
        for column in new:
            if column.name not in have:
                batch.add_column(column)
    indexes = {i["name"] for i in inspector.get_indexes("question_log")}
    if "ix_question_log_chat_user" not in indexes:
        op.create_index("ix_question_log_chat_user", "question_log", ["chat_id", "user_id", "asked_at"])
    if not inspector.has_table("answer_feedback"):
        op.create_table(
            "answer_feedback",
            sa.Column("id", sa.Integer(), primary_key=True),
            sa.Column("log_id", sa.BigInteger(), nullable=False),
            sa.Column("user_id", sa.BigInteger(), nullable=False),
            sa.Column("chat_id", sa.BigInteger(), nullable=True),
            sa.Column("vote", sa.Integer(), nullable=False),
            sa.Column("voted_at", sa.DateTime(), nullable=False),
            sa.Column("prompt_message_id", sa.BigInteger(), nullable=True),
            sa.Column("correction", AutoString(), nullable=True),
            sa.Column("corrected_at", sa.DateTime(), nullable=True),
        )
        op.create_index("ix_answer_feedback_log_user", "answer_feedback", ["log_id", "user_id"], unique=True)
        op.create_index("ix_answer_feedback_log_id", "answer_feedback", ["log_id"])
        op.create_index("ix_answer_feedback_voted_at", "answer_feedback", ["voted_at"])


def downgrade() -> None:
    op.drop_table("answer_feedback")
    op.drop_index("ix_question_log_chat_user", table_name="question_log")
    with op.batch_alter_table("question_log") as batch:
        for name in ("followup_of", "question_used", "article_id", "answer", "confidence", "status"):
            batch.drop_column(name)
