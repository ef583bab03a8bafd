"""Every read query of the engine, in one place: passages, their index words,
their stored figures, a passage's source paragraph, whole articles.

The join of a passage with the cached tokens of its text, its article's headline and
its resolved places (what the index holds of a passage) is written once here
(``_WITH_TOKENS``) and used by the index build and by re-ranking.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from sqlalchemy import Row, bindparam, text
from sqlalchemy.engine import Engine as SAEngine
from sqlmodel import select

from index.models import FigureHit, PassageHit
from index.store import ArticleRow, PassageRow, session

# a passage with the cached tokens of its text, its article's headline and its resolved
# places: what the index holds of it
_WITH_TOKENS = (
    "FROM passage p JOIN article a ON a.id = p.article_id "
    "{text_join} JOIN token_cache pc ON pc.hash = p.text_hash "
    "LEFT JOIN token_cache tc ON tc.hash = a.title_hash "
    "LEFT JOIN token_cache xc ON xc.hash = p.places_hash "
)
_TOKENS_SQL = "SELECT p.id, pc.tokens, tc.tokens, xc.tokens " + _WITH_TOKENS


def all_index_tokens(db: SAEngine, ids: list[int]) -> Iterator[list[str]]:
    """Every passage's index tokens (text, headline, places), streamed in id order; the
    ids are appended to ``ids`` as they are read. Passages whose text has no cached
    tokens are left out (fill the cache first)."""
    sql = text(_TOKENS_SQL.format(text_join="") + "ORDER BY p.id")
    with db.connect() as conn:
        for pid, ptoks, ttoks, xtoks in conn.execution_options(stream_results=True).execute(sql):
            ids.append(pid)
            yield f"{ptoks} {ttoks or ''} {xtoks or ''}".split()


# The passage reads are textual SQL, typed where the driver needs it (the date): a Core
# select() costs about 0.6 ms more per query in SQLAlchemy's compilation than the query
# itself takes (measured over the dev questions, bench/README.md).
_PASSAGE_COLUMNS = 'p.id, p.article_id, p.position, p.start, p."end", p.text, p.places, a.title, a.date, a.url'
_DATE = {"date": ArticleRow.__table__.c.date.type}

# the retrieved pool: each passage with its index words, for re-ranking, in one query
_POOL_SQL = (
    text(
        f"SELECT {_PASSAGE_COLUMNS}, pc.tokens AS ptoks, tc.tokens AS ttoks, xc.tokens AS xtoks "
        + _WITH_TOKENS.format(text_join="LEFT")
        + "WHERE p.id IN :ids"
    )
    .bindparams(bindparam("ids", expanding=True))
    .columns(**_DATE)
)
_NEIGHBORS_SQL = (
    text(
        f"SELECT {_PASSAGE_COLUMNS} FROM passage p JOIN article a ON a.id = p.article_id "
        "WHERE p.article_id IN :articles AND p.position IN :positions"
    )
    .bindparams(bindparam("articles", expanding=True), bindparam("positions", expanding=True))
    .columns(**_DATE)
)
_FIGURES_SQL = text(
    "SELECT value, text, unit, kind, qualifier, context, article_id, passage_id, sentence FROM figure "
    "WHERE passage_id IN :ids ORDER BY passage_id, start"
).bindparams(bindparam("ids", expanding=True))


_ARTICLES_SQL = text("SELECT id, title, text FROM article WHERE id IN :ids").bindparams(bindparam("ids", expanding=True))


def article_texts(db: SAEngine, ids: list[str]) -> dict[str, str]:
    """Whole articles by id, each its headline and text: what an answer's article says
    beyond the passages retrieved."""
    if not ids:
        return {}
    with db.connect() as conn:
        return {r.id: f"{r.title} . {r.text}" for r in conn.execute(_ARTICLES_SQL, {"ids": ids})}


class ArticleTexts(Mapping[str, str]):
    """Whole articles of ``ids`` (as ``article_texts`` gives them), each read the first
    time it is asked for, then kept: a question naming a landmark, a proper name, a place
    or a year may need its answer's article whole, and only that one."""

    def __init__(self, db: SAEngine, ids: list[str]):
        self._db, self._ids, self._read = db, list(dict.fromkeys(ids)), {}
        self._known = set(self._ids)

    def __getitem__(self, article_id: str) -> str:
        if article_id not in self._known:
            raise KeyError(article_id)
        if article_id not in self._read:
            self._read.update(article_texts(self._db, [article_id]))
        return self._read[article_id]  # KeyError: deleted since the index snapshot

    def __contains__(self, article_id: object) -> bool:
        return article_id in self._known  # without reading it (``Mapping`` would)

    def __iter__(self) -> Iterator[str]:
        return iter(self._ids)

    def __len__(self) -> int:
        return len(self._ids)


def pool(db: SAEngine, ids: list[int]) -> dict[int, Row]:
    """The retrieved passages by id, each row with its index words (``index_words``); a
    passage deleted since the index snapshot is simply absent."""
    if not ids:
        return {}
    with db.connect() as conn:
        return {int(r.id): r for r in conn.execute(_POOL_SQL, {"ids": ids})}


def index_words(rows: dict[int, Row]) -> dict[int, str]:
    """What the index holds of each ``pool`` row, by id: cached tokens of headline, text
    and places."""
    return {pid: f"{r.ttoks or ''} . {r.ptoks or ''} . {r.xtoks or ''}" for pid, r in rows.items()}


def hits(rows: dict[int, Row], ids: list[int], scores: dict[int, float], shares: dict[int, float] | None = None) -> list[PassageHit]:
    """The ``pool`` rows of ``ids`` as hits, in that order, with their scores (ids not
    among the rows are left out)."""
    shares = shares or {}
    return [_hit(rows[i], scores[i], shares.get(i, 0.0)) for i in ids if i in rows]


def _hit(r: Row, score: float, share: float = 0.0, neighbor: bool = False) -> PassageHit:
    """A passage row (``_PASSAGE_COLUMNS``) as the hit a question reads."""
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
    return hits(pool(db, ids), ids, scores, shares)


def neighbors(db: SAEngine, of: list[PassageHit], share: float, skip: set[int]) -> list[PassageHit]:
    """The passages right before and after each of ``of`` in its article (``skip`` aside),
    each scoring ``share`` of the one it neighbours (the best, where two do), best first."""
    if not of:
        return []
    src = {(h.article_id, h.position + d): h.score * share for h in reversed(of) for d in (-1, 1)}
    params = {"articles": sorted({h.article_id for h in of}), "positions": sorted({pos for _, pos in src})}
    with db.connect() as conn:
        rows = conn.execute(_NEIGHBORS_SQL, params).all()
    found = [_hit(r, src[(r.article_id, r.position)], neighbor=True) for r in rows if (r.article_id, r.position) in src and r.id not in skip]
    return sorted(found, key=lambda h: (-h.score, h.passage_id))


def figures_of(db: SAEngine, passage_ids: list[int]) -> list[FigureHit]:
    """Stored figures of these passages, in passage order then text order."""
    if not passage_ids:
        return []
    with db.connect() as conn:
        return [FigureHit(*row) for row in conn.execute(_FIGURES_SQL, {"ids": passage_ids})]


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
