"""source (news sites, feeds, sitemaps to fetch) and fetched_page (what each fetched
URL needs next time: validators for conditional GETs, its role, status and failures, a
listing's children, a site's robots.txt).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel  # noqa: F401
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

AutoString = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    inspector = sa.inspect(op.get_bind())
    if not inspector.has_table("source"):
        op.create_table(
            "source",
            sa.Column("id", sa.Integer(), primary_key=True),
            sa.Column("name", AutoString(length=100), nullable=False),
            sa.Column("url", AutoString(), nullable=False),
            sa.Column("kind", AutoString(length=16), nullable=False),
            sa.Column("added_at", sa.DateTime(), nullable=False),
            sa.Column("last_fetch_at", sa.DateTime(), nullable=True),
            sa.Column("last_status", AutoString(length=16), nullable=True),
            sa.Column("last_found", sa.Integer(), nullable=False),
            sa.Column("last_new", sa.Integer(), nullable=False),
            sa.Column("last_unchanged", sa.Integer(), nullable=False),
            sa.Column("last_failed", sa.Integer(), nullable=False),
            sa.Column("last_errors", AutoString(), nullable=True),
            sa.Column("articles", sa.Integer(), nullable=False),
            sa.UniqueConstraint("name"),
        )
    if not inspector.has_table("fetched_page"):
        op.create_table(
            "fetched_page",
            sa.Column("key", AutoString(length=255), primary_key=True),
            sa.Column("url", AutoString(), nullable=False),
            sa.Column("source_id", sa.Integer(), nullable=True),
            sa.Column("role", AutoString(length=16), nullable=False),
            sa.Column("etag", AutoString(), nullable=True),
            sa.Column("last_modified", AutoString(), nullable=True),
            sa.Column("body_hash", AutoString(length=64), nullable=True),
            sa.Column("article_id", AutoString(length=255), nullable=True),
            sa.Column("status", AutoString(length=16), nullable=False),
            sa.Column("reason", AutoString(), nullable=True),
            sa.Column("failures", sa.Integer(), nullable=False),
            sa.Column("failing_since", sa.DateTime(), nullable=True),
            sa.Column("children", AutoString(), nullable=True),
            sa.Column("robots_txt", AutoString(), nullable=True),
            sa.Column("fetched_at", sa.DateTime(), nullable=False),
        )
        op.create_index("ix_fetched_page_source_id", "fetched_page", ["source_id"])


def downgrade() -> None:
    op.drop_table("fetched_page")
    op.drop_table("source")
