"""The question log: who asked what, when, and whether an answer was found.

Stored in the ``question_log`` table; ``/stats`` reads it. Clear it with
``hoidap querylog clear`` (or ``DELETE FROM question_log``).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import and_, delete, func, or_
from sqlalchemy.engine import Engine as SAEngine
from sqlmodel import select

from index.store import FeedbackRow, QuestionLogRow, session, utcnow
from index.text import fold, normalize


@dataclass
class QuestionStats:
    today: int
    answered_today: int
    top_unanswered: list[tuple[str, int]]  # (question as first asked, times), most frequent first

    @property
    def answered_share(self) -> float:
        return self.answered_today / self.today if self.today else 0.0


def log_question(
    db: SAEngine,
    *,
    question: str,
    answer_type: str,
    answered: bool,
    latency_ms: float,
    chat_id: int | None = None,
    user_id: int | None = None,
    status: str | None = None,
    confidence: float | None = None,
    answer: str | None = None,
    article_id: str | None = None,
    question_used: str | None = None,
    followup_of: int | None = None,
) -> int:
    with session(db) as s:
        row = QuestionLogRow(
            chat_id=chat_id,
            user_id=user_id,
            question=question[:1000],
            question_key=key_of(question),
            answer_type=answer_type,
            answered=answered,
            latency_ms=latency_ms,
            status=status or ("answered" if answered else "not_found"),
            confidence=confidence,
            answer=(answer or None) and answer[:1000],
            article_id=article_id,
            question_used=(question_used or None) and question_used[:2000],
            followup_of=followup_of,
        )
        s.add(row)
        s.flush()
        return int(row.id or 0)


def log_answer(db: SAEngine, ans, *, latency_ms: float, chat_id: int | None, user_id: int | None, followup_of: int | None = None) -> int:
    """Log an ``index.models.Answer``: its status, confidence, what it said and where from."""
    said = ans.answer if ans.status == "answered" else ans.best if ans.status == "uncertain" else None
    return log_question(
        db,
        question=ans.question,
        answer_type=ans.type,
        answered=ans.status == "answered",
        latency_ms=latency_ms,
        chat_id=chat_id,
        user_id=user_id,
        status=ans.status,
        confidence=float(ans.confidence),
        answer=said,
        article_id=ans.passages[0].article_id if ans.passages else None,
        question_used=ans.question_used if ans.followup_of else None,
        followup_of=followup_of,
    )


def key_of(question: str) -> str:
    """The folded, lower-case, space-normalized form that groups repeats."""
    return " ".join(fold(normalize(question)).lower().split())[:1000]


def previous_question(
    db: SAEngine, *, chat_id: int | None, user_id: int | None, within: timedelta, now: datetime | None = None
) -> QuestionLogRow | None:
    """The last question this user asked in this chat, if it was asked within ``within``."""
    if within <= timedelta(0):
        return None
    now = now or utcnow()
    with session(db) as s:
        return s.exec(
            select(QuestionLogRow)
            .where(QuestionLogRow.chat_id == chat_id, QuestionLogRow.user_id == user_id)
            .where(QuestionLogRow.asked_at >= now - within)
            .order_by(QuestionLogRow.asked_at.desc(), QuestionLogRow.id.desc())
            .limit(1)
        ).first()


def used_question(row: QuestionLogRow) -> str:
    """The question a logged row was answered as (completed, for a follow-up)."""
    return row.question_used or row.question


def get_question(db: SAEngine, log_id: int) -> QuestionLogRow | None:
    with session(db) as s:
        return s.get(QuestionLogRow, log_id)


VIETNAM_UTC_OFFSET_HOURS = 7


def question_stats(
    db: SAEngine, *, now: datetime | None = None, top: int = 5, utc_offset_hours: int = VIETNAM_UTC_OFFSET_HOURS
) -> QuestionStats:
    """Counts for "today" in the given time zone (Vietnam's by default); times are stored in UTC."""
    now = now or utcnow()
    offset = timedelta(hours=utc_offset_hours)
    since = (now + offset).replace(hour=0, minute=0, second=0, microsecond=0) - offset
    with session(db) as s:
        today = s.exec(select(func.count()).select_from(QuestionLogRow).where(QuestionLogRow.asked_at >= since)).one()
        answered = s.exec(
            select(func.count()).select_from(QuestionLogRow).where(QuestionLogRow.asked_at >= since, QuestionLogRow.answered)
        ).one()
        rows = s.exec(
            select(QuestionLogRow.question_key, func.min(QuestionLogRow.question), func.count())
            .where(QuestionLogRow.answered == False, QuestionLogRow.asked_at >= now - timedelta(days=30))  # noqa: E712
            .group_by(QuestionLogRow.question_key)
            .order_by(func.count().desc())
            .limit(top)
        ).all()
    return QuestionStats(int(today), int(answered), [(q, int(n)) for _, q, n in rows])


def clear(db: SAEngine, *, before: datetime | None = None) -> int:
    """Delete logged questions (all, or those asked before ``before``)."""
    with session(db) as s:
        stmt = delete(QuestionLogRow)
        if before is not None:
            stmt = stmt.where(QuestionLogRow.asked_at < before)
        return int(s.exec(stmt).rowcount or 0)


# --- what went unanswered, and how answers fared over a period ----------------------------

STATUSES = ("answered", "uncertain", "not_found")


def status_of(row: QuestionLogRow) -> str:
    """A row's status; rows logged before statuses were stored: answered or not found."""
    return row.status or ("answered" if row.answered else "not_found")


@dataclass
class PeriodStats:
    days: int
    total: int
    by_status: dict[str, int]
    up: int
    down: int
    corrections: int
    per_day: list[tuple[date, dict[str, int]]]  # Vietnam days, oldest first, gaps filled

    def share(self, status: str) -> float:
        return self.by_status.get(status, 0) / self.total if self.total else 0.0

    @property
    def span_days(self) -> int:
        """Days from the first to the last day with a question (1 for a single day)."""
        busy = [d for d, counts in self.per_day if sum(counts.values())]
        return (busy[-1] - busy[0]).days + 1 if busy else 0


def _local_day(t: datetime, utc_offset_hours: int) -> date:
    return (t + timedelta(hours=utc_offset_hours)).date()


def period_stats(
    db: SAEngine, *, days: int = 7, now: datetime | None = None, utc_offset_hours: int = VIETNAM_UTC_OFFSET_HOURS
) -> PeriodStats:
    """Questions of the last ``days`` days by status, per day, and the votes on them."""
    now = now or utcnow()
    since = now - timedelta(days=days)
    with session(db) as s:
        rows = s.exec(
            select(QuestionLogRow.asked_at, QuestionLogRow.status, QuestionLogRow.answered).where(QuestionLogRow.asked_at >= since)
        ).all()
        votes = s.exec(
            select(FeedbackRow.vote, func.count(), func.count(FeedbackRow.correction))
            .where(FeedbackRow.voted_at >= since)
            .group_by(FeedbackRow.vote)
        ).all()
    by_status = dict.fromkeys(STATUSES, 0)
    first, last = _local_day(since, utc_offset_hours), _local_day(now, utc_offset_hours)
    per: dict[date, dict[str, int]] = {}
    d = first
    while d <= last:
        per[d] = dict.fromkeys(STATUSES, 0)
        d += timedelta(days=1)
    for asked_at, status, answered in rows:
        st = status or ("answered" if answered else "not_found")
        by_status[st] = by_status.get(st, 0) + 1
        per.setdefault(_local_day(asked_at, utc_offset_hours), dict.fromkeys(STATUSES, 0))[st] += 1
    up = sum(int(n) for v, n, _ in votes if v > 0)
    down = sum(int(n) for v, n, _ in votes if v < 0)
    corrections = sum(int(c) for _, _, c in votes)
    return PeriodStats(days, len(rows), by_status, up, down, corrections, sorted(per.items()))


@dataclass
class UnansweredGroup:
    question: str  # the wording asked most often (the latest of equals)
    count: int
    statuses: dict[str, int]
    down_votes: int
    corrections: list[str]  # latest first
    last_asked: datetime
    wordings: int  # how many different wordings were grouped


#: Words that say nothing of what a question is about (grouping similar wordings).
_GROUP_STOP = frozenset(
    "co bao nhieu may la ai gi nao khi o dau tai duoc da the thi sao vay con va cua cac nhung trong nam "
    "so luong hien nay hay cho biet xin hoi a nhi khong".split()
)
SIMILAR = 0.6  # Jaccard similarity of content words for one group


def _content(key: str) -> frozenset[str]:
    words = [w for w in key.replace("?", " ").split() if w not in _GROUP_STOP]
    return frozenset(words)


def _similar(a: frozenset[str], b: frozenset[str]) -> bool:
    if not a or not b:
        return a == b
    return len(a & b) / len(a | b) >= SIMILAR


def unanswered(db: SAEngine, *, days: int = 30, limit: int = 15, now: datetime | None = None, scan: int = 5000) -> list[UnansweredGroup]:
    """Recent questions that were not found, uncertain or voted 👎, grouped by similar
    wording (shared content words), most asked first."""
    now = now or utcnow()
    since = now - timedelta(days=days)
    with session(db) as s:
        down_rows = s.exec(
            select(FeedbackRow.log_id, FeedbackRow.correction, FeedbackRow.corrected_at)
            .where(FeedbackRow.vote < 0, FeedbackRow.voted_at >= since)
        ).all()
        downs: dict[int, list[tuple[str | None, datetime | None]]] = {}
        for log_id, corr, at in down_rows:
            downs.setdefault(int(log_id), []).append((corr, at))
        failed = or_(
            QuestionLogRow.status.in_(("not_found", "uncertain")),
            and_(QuestionLogRow.status.is_(None), QuestionLogRow.answered == False),  # noqa: E712
        )
        cond = or_(failed, QuestionLogRow.id.in_(list(downs))) if downs else failed
        rows = s.exec(
            select(QuestionLogRow).where(QuestionLogRow.asked_at >= since).where(cond).order_by(QuestionLogRow.id.desc()).limit(scan)
        ).all()
    groups: list[tuple[frozenset[str], list[QuestionLogRow]]] = []
    for row in rows:
        words = _content(fold(used_question(row)).lower() if row.question_used else row.question_key)
        for g_words, members in groups:
            if _similar(words, g_words):
                members.append(row)
                break
        else:
            groups.append((words, [row]))
    out = []
    for _, members in groups:
        wording = Counter(m.question for m in members)
        best = max(wording.items(), key=lambda kv: kv[1])[0]  # rows are newest first: ties go to the latest
        statuses = Counter(status_of(m) for m in members)
        notes = [(c, at) for m in members for c, at in downs.get(int(m.id or 0), []) if c]
        notes.sort(key=lambda x: x[1] or datetime.min, reverse=True)
        out.append(
            UnansweredGroup(
                question=best,
                count=len(members),
                statuses=dict(statuses),
                down_votes=sum(len(downs.get(int(m.id or 0), [])) for m in members),
                corrections=[c for c, _ in notes],
                last_asked=max(m.asked_at for m in members),
                wordings=len(wording),
            )
        )
    out.sort(key=lambda g: (-g.count, -g.last_asked.timestamp()))
    return out[:limit]


# --- export as an eval set ---------------------------------------------------------------

_NONE_SAID = re.compile(r"^(?:không có|không tìm thấy|chưa có|khong co|khong tim thay|chua co)\b", re.IGNORECASE)
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


def _value_of(text: str) -> float | None:
    """The first number of a correction ("61 chi bộ" → 61; "1.234" → 1234; "3,5%" → 3.5)."""
    from index.figures import extract_figures  # the engine's own reading of "7.000 tỷ đồng"

    for f in extract_figures(text):
        if f.kind in ("count", "percent", "money", "quantity"):
            return float(f.value)
    m = _NUMBER.search(text)
    if not m:
        return None
    raw = m.group(0)
    if re.fullmatch(r"\d{1,3}(?:\.\d{3})+", raw):
        raw = raw.replace(".", "")
    raw = raw.replace(".", "").replace(",", ".") if "," in raw else raw
    try:
        return float(raw)
    except ValueError:
        return None


def export_eval(db: SAEngine, *, days: int | None = None, now: datetime | None = None) -> Iterator[dict]:
    """Logged questions in the eval format (``hoidap eval`` reads them back).

    ``answerable`` and the gold ``answer``: a correction given after a 👎 is the gold
    answer ("không có …" in it: unanswerable); a 👍 on a stated answer makes that answer
    gold; any other question is written with ``"answerable": null`` (not labelled yet;
    ``hoidap eval`` skips those and says how many).
    """
    now = now or utcnow()
    with session(db) as s:
        stmt = select(QuestionLogRow).order_by(QuestionLogRow.id)
        if days is not None:
            stmt = stmt.where(QuestionLogRow.asked_at >= now - timedelta(days=days))
        rows = s.exec(stmt).all()
        fb = s.exec(select(FeedbackRow).order_by(FeedbackRow.voted_at)).all()
    by_log: dict[int, list[FeedbackRow]] = {}
    for f in fb:
        by_log.setdefault(int(f.log_id), []).append(f)
    for row in rows:
        notes = by_log.get(int(row.id or 0), [])
        corrections = [f for f in notes if f.vote < 0 and f.correction]
        ups = [f for f in notes if f.vote > 0]
        answerable: bool | None = None
        answer: str | None = None
        if corrections:
            answer = max(corrections, key=lambda f: f.corrected_at or datetime.min).correction
            answerable = not _NONE_SAID.match(answer or "")
            answer = answer if answerable else None
        elif ups and status_of(row) == "answered" and row.answer:
            answerable, answer = True, row.answer
        yield {
            "id": f"log-{row.id}",
            "question": used_question(row),
            "asked": row.question,
            "type": row.answer_type,
            "article_id": row.article_id if answerable and not corrections else None,
            "answer": answer,
            "value": _value_of(answer) if answer and row.answer_type in ("count", "percent", "money") else None,
            "answerable": answerable,
            "variant": "logged",
            "status": status_of(row),
            "asked_at": row.asked_at.isoformat(timespec="seconds") + "Z",
            "votes": {"up": len(ups), "down": sum(1 for f in notes if f.vote < 0)},
        }
