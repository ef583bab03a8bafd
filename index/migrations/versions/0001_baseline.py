"""Baseline: the schema ``SQLModel.metadata.create_all`` made before migrations.

Tables that exist already are left alone, so a database that an older version
made, or an upgrade that SQLite could not finish, ends here too.

Revision ID: 0001
Revises:
Create Date: 2025-06-01
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel  # noqa: F401
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

AutoString = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    existing = set(sa.inspect(op.get_bind()).get_table_names())

    def create(name: str, *columns, indexes: tuple = ()) -> None:
        if name in existing:
            return
        op.create_table(name, *columns)
        for index_name, cols, unique in indexes:
            op.create_index(index_name, name, cols, unique=unique)

    create(
        "article",
        sa.Column("id", AutoString(length=255), nullable=False),
        sa.Column("title", AutoString(), nullable=False),
        sa.Column("text", AutoString(), nullable=False),
        sa.Column("date", sa.DateTime(), nullable=True),
        sa.Column("url", AutoString(), nullable=True),
        sa.Column("category", AutoString(), nullable=True),
        sa.Column("source", AutoString(), nullable=True),
        sa.Column("views", sa.Integer(), nullable=True),
        sa.Column("origin", AutoString(), nullable=True),
        sa.Column("content_hash", AutoString(length=64), nullable=False),
        sa.Column("record_hash", AutoString(length=64), nullable=False),
        sa.Column("title_hash", AutoString(length=64), nullable=False),
        sa.Column("n_chars", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        indexes=(("ix_article_content_hash", ["content_hash"], False), ("ix_article_origin", ["origin"], False)),
    )
    create(
        "ingest_run",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        sa.Column("paths", AutoString(), nullable=False),
        sa.Column("added", sa.Integer(), nullable=False),
        sa.Column("updated", sa.Integer(), nullable=False),
        sa.Column("unchanged", sa.Integer(), nullable=False),
        sa.Column("duplicate", sa.Integer(), nullable=False),
        sa.Column("removed", sa.Integer(), nullable=False),
        sa.Column("failed", sa.Integer(), nullable=False),
        sa.Column("passages", sa.Integer(), nullable=False),
        sa.Column("chars", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    create(
        "meta",
        sa.Column("key", AutoString(length=64), nullable=False),
        sa.Column("value", AutoString(), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    create(
        "question_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("asked_at", sa.DateTime(), nullable=False),
        sa.Column("chat_id", sa.Integer(), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("question", AutoString(), nullable=False),
        sa.Column("question_key", AutoString(), nullable=False),
        sa.Column("answer_type", AutoString(), nullable=False),
        sa.Column("answered", sa.Boolean(), nullable=False),
        sa.Column("latency_ms", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        indexes=(
            ("ix_question_log_asked_at", ["asked_at"], False),
            ("ix_question_log_question_key", ["question_key"], False),
        ),
    )
    create(
        "token_cache",
        sa.Column("hash", AutoString(length=64), nullable=False),
        sa.Column("tokens", AutoString(), nullable=False),
        sa.PrimaryKeyConstraint("hash"),
    )
    create(
        "passage",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("article_id", AutoString(length=255), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("start", sa.Integer(), nullable=False),
        sa.Column("end", sa.Integer(), nullable=False),
        sa.Column("text", AutoString(), nullable=False),
        sa.Column("text_hash", AutoString(length=64), nullable=False),
        sa.ForeignKeyConstraint(["article_id"], ["article.id"]),
        sa.PrimaryKeyConstraint("id"),
        indexes=(("ix_passage_article_position", ["article_id", "position"], True),),
    )
    create(
        "figure",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("article_id", AutoString(length=255), nullable=False),
        sa.Column("passage_id", sa.Integer(), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("text", AutoString(), nullable=False),
        sa.Column("unit", AutoString(), nullable=True),
        sa.Column("unit_folded", AutoString(), nullable=True),
        sa.Column("kind", AutoString(length=16), nullable=False),
        sa.Column("qualifier", AutoString(), nullable=True),
        sa.Column("sentence", AutoString(), nullable=False),
        sa.Column("context", AutoString(), nullable=True),
        sa.Column("start", sa.Integer(), nullable=False),
        sa.Column("end", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["article_id"], ["article.id"]),
        sa.ForeignKeyConstraint(["passage_id"], ["passage.id"]),
        sa.PrimaryKeyConstraint("id"),
        indexes=(("ix_figure_article_id", ["article_id"], False), ("ix_figure_passage_id", ["passage_id"], False)),
    )


def downgrade() -> None:
    for name in ("figure", "passage", "token_cache", "question_log", "meta", "ingest_run", "article"):
        op.drop_table(name)  # its indexes go with it
