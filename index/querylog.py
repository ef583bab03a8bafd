"""The question log: who asked what, when, and whether an answer was found.

Stored in the ``question_log`` table; ``/stats`` reads it. Clear it with
``hoidap querylog clear`` (or ``DELETE FROM question_log``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func
from sqlalchemy.engine import Engine as SAEngine
from sqlmodel import select

from index.store import QuestionLogRow, session, utcnow
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
) -> int:
    with session(db) as s:
        row = QuestionLogRow(
            chat_id=chat_id,
            user_id=user_id,
            question=question[:1000],
            question_key=" ".join(fold(normalize(question)).lower().split())[:1000],
            answer_type=answer_type,
            answered=answered,
            latency_ms=latency_ms,
        )
        s.add(row)
        s.flush()
        return int(row.id or 0)


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
