"""Every read query of the engine, in one place: passages, their index words,
their stored figures, a passage's source paragraph.

The join of a passage with the cached tokens of its text, its article's headline and
its resolved places (what the index holds of a passage) is written once here
(``_TOKENS_SQL``) and used by the index build and by re-ranking.
"""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import bindparam, text
from sqlalchemy.engine import Engine as SAEngine
from sqlmodel import select

from index.models import FigureHit, PassageHit
from index.store import ArticleRow, FigureRow, PassageRow, session

# passage id, cached tokens of its text, of its article's headline, of its resolved places
_TOKENS_SQL = (
    "SELECT p.id, pc.tokens, tc.tokens, xc.tokens FROM passage p "
    "JOIN article a ON a.id = p.article_id "
    "{text_join} JOIN token_cache pc ON pc.hash = p.text_hash "
    "LEFT JOIN token_cache tc ON tc.hash = a.title_hash "
    "LEFT JOIN token_cache xc ON xc.hash = p.places_hash "
)


def index_words(db: SAEngine, ids: list[int]) -> dict[int, str]:
    """The index words of passages (cached tokens of headline, text and places), by id."""
    if not ids:
        return {}
    sql = text(_TOKENS_SQL.format(text_join="LEFT") + "WHERE p.id IN :ids").bindparams(bindparam("ids", expanding=True))
    with db.connect() as conn:
        return {
            int(pid): f"{ttoks or ''} . {ptoks or ''} . {xtoks or ''}"
            for pid, ptoks, ttoks, xtoks in conn.execute(sql, {"ids": ids})
        }


def all_index_tokens(db: SAEngine, ids: list[int]) -> Iterator[list[str]]:
    """Every passage's index tokens (text, headline, places), streamed in id order; the
    ids are appended to ``ids`` as they are read. Passages whose text has no cached
    tokens are left out (fill the cache first)."""
    sql = text(_TOKENS_SQL.format(text_join="") + "ORDER BY p.id")
    with db.connect() as conn:
        for pid, ptoks, ttoks, xtoks in conn.execution_options(stream_results=True).execute(sql):
            ids.append(pid)
            yield f"{ptoks} {ttoks or ''} {xtoks or ''}".split()


def passages(db: SAEngine, ids: list[int], scores: dict[int, float], shares: dict[int, float] | None = None) -> list[PassageHit]:
    """Passages by id, in the order of ``ids``, with their scores; a passage deleted since
    the index snapshot is simply left out."""
    if not ids:
        return []
    p, a = PassageRow.__table__.c, ArticleRow.__table__.c
    stmt = (
        select(p.id, p.article_id, p.position, p.start, p.end, p.text, p.places, a.title, a.date, a.url)
        .join_from(PassageRow.__table__, ArticleRow.__table__, a.id == p.article_id)
        .where(p.id.in_(ids))
    )
    with db.connect() as conn:
        rows = conn.execute(stmt).all()
    shares = shares or {}
    by_id = {
        r.id: PassageHit(
            article_id=r.article_id,
            passage_id=int(r.id),
            title=r.title,
            date=r.date.strftime("%d/%m/%Y") if r.date else None,
            url=r.url,
            text=r.text,
            score=scores[r.id],
            position=r.position,
            start=r.start,
            end=r.end,
            places=r.places,
            published=r.date,
            pair_share=shares.get(r.id, 0.0),
        )
        for r in rows
    }
    return [by_id[i] for i in ids if i in by_id]


def figures_of(db: SAEngine, passage_ids: list[int]) -> list[FigureHit]:
    """Stored figures of these passages, in passage order then text order."""
    if not passage_ids:
        return []
    f = FigureRow.__table__.c
    stmt = (
        select(f.value, f.text, f.unit, f.kind, f.qualifier, f.context, f.article_id, f.passage_id, f.sentence)
        .where(f.passage_id.in_(passage_ids))
        .order_by(f.passage_id, f.start)
    )
    with db.connect() as conn:
        return [FigureHit(*row) for row in conn.execute(stmt)]


def source_of(db: SAEngine, p: PassageHit) -> str:
    """The whole paragraph(s) of the article that hold passage ``p`` (its source)."""
    with session(db) as s:
        row = s.get(ArticleRow, p.article_id)
    if row is None or row.text[p.start : p.end] != p.text:
        return p.text
    start = row.text.rfind("\n", 0, p.start) + 1
    end = row.text.find("\n", p.end)
    return row.text[start : end if end >= 0 else len(row.text)]


def count_passages(db: SAEngine) -> int:
    with db.connect() as conn:
        return int(conn.execute(text("SELECT count(*) FROM passage")).scalar_one())


def passage_ids_of(db: SAEngine, article_id: str) -> list[int]:
    """The ids of one article's passages."""
    with session(db) as s:
        return [int(i) for i in s.exec(select(PassageRow.id).where(PassageRow.article_id == article_id))]
