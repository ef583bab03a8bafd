"""Every read query of the engine, in one place: passages, their index words,
their stored figures, a passage's source paragraph.

The join of a passage with the cached tokens of its text, its article's headline and
its resolved places (what the index holds of a passage) is written once here
(``_TOKENS_SQL``) and used by the index build and by re-ranking.
"""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import Row, Select, bindparam, text
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


def _passage_select() -> Select:
    p, a = PassageRow.__table__.c, ArticleRow.__table__.c
    return select(p.id, p.article_id, p.position, p.start, p.end, p.text, p.places, a.title, a.date, a.url).join_from(
        PassageRow.__table__, ArticleRow.__table__, a.id == p.article_id
    )


def _hit(r: Row, score: float, share: float = 0.0, neighbor: bool = False) -> PassageHit:
    """A passage row of ``_passage_select`` as the hit a question reads."""
    return PassageHit(
        article_id=r.article_id,
        passage_id=int(r.id),
        title=r.title,
        date=r.date.strftime("%d/%m/%Y") if r.date else None,
        url=r.url,
        text=r.text,
        score=score,
        position=r.position,
        start=r.start,
        end=r.end,
        places=r.places,
        published=r.date,
        pair_share=share,
        neighbor=neighbor,
    )


def passages(db: SAEngine, ids: list[int], scores: dict[int, float], shares: dict[int, float] | None = None) -> list[PassageHit]:
    """Passages by id, in the order of ``ids``, with their scores; a passage deleted since
    the index snapshot is simply left out."""
    if not ids:
        return []
    with db.connect() as conn:
        rows = conn.execute(_passage_select().where(PassageRow.__table__.c.id.in_(ids))).all()
    shares = shares or {}
    by_id = {r.id: _hit(r, scores[r.id], shares.get(r.id, 0.0)) for r in rows}
    return [by_id[i] for i in ids if i in by_id]


def neighbors(db: SAEngine, of: list[PassageHit], share: float, skip: set[int]) -> list[PassageHit]:
    """The passages right before and after each of ``of`` in its article (``skip`` aside),
    each scoring ``share`` of the one it neighbours (the best, where two do), best first."""
    if not of:
        return []
    p = PassageRow.__table__.c
    src = {(h.article_id, h.position + d): h.score * share for h in reversed(of) for d in (-1, 1)}
    stmt = _passage_select().where(p.article_id.in_({h.article_id for h in of}), p.position.in_({pos for _, pos in src}))
    with db.connect() as conn:
        rows = conn.execute(stmt).all()
    hits = [_hit(r, src[(r.article_id, r.position)], neighbor=True) for r in rows if (r.article_id, r.position) in src and r.id not in skip]
    return sorted(hits, key=lambda h: (-h.score, h.passage_id))


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
