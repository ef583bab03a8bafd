"""Feedback on answers: one 👍 / 👎 per user per logged answer (changeable), and the
correction a user sends after a 👎 ("Đáp án đúng là …").

Stored in ``answer_feedback`` beside the question log, so every worker sees it and it
survives restarts; ``/unanswered``, ``/stats`` and ``hoidap querylog export`` read it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func
from sqlalchemy.engine import Engine as SAEngine
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from index.store import FeedbackRow, session, utcnow
from index.text import fold

UP, DOWN = 1, -1
MAX_CORRECTION_CHARS = 500
#: How long after a 👎 a message that says "Đáp án đúng là …" is taken as its correction.
CORRECTION_WINDOW = timedelta(minutes=30)


@dataclass(frozen=True)
class Votes:
    up: int
    down: int


@dataclass(frozen=True)
class VoteResult:
    votes: Votes
    changed: bool  # False when the user pressed the vote they had already given
    feedback_id: int


def vote(db: SAEngine, *, log_id: int, user_id: int, chat_id: int | None, value: int) -> VoteResult:
    """Record (or change) ``user_id``'s vote on ``log_id``; one row per user and answer."""
    if value not in (UP, DOWN):
        raise ValueError(f"a vote is +1 or -1, not {value!r}")
    for attempt in range(2):  # two workers inserting the same first vote: the loser updates
        try:
            with session(db) as s:
                row = s.exec(select(FeedbackRow).where(FeedbackRow.log_id == log_id, FeedbackRow.user_id == user_id)).first()
                changed = row is None or row.vote != value
                if row is None:
                    row = FeedbackRow(log_id=log_id, user_id=user_id, chat_id=chat_id, vote=value)
                    s.add(row)
                elif changed:
                    row.vote, row.voted_at = value, utcnow()
                    if value == UP:  # a correction belongs to a 👎
                        row.prompt_message_id = None
                    s.add(row)
                s.flush()
                fid = int(row.id or 0)
            return VoteResult(votes_of(db, log_id), changed, fid)
        except IntegrityError:
            if attempt:
                raise
    raise AssertionError("unreachable")


def votes_of(db: SAEngine, log_id: int) -> Votes:
    with session(db) as s:
        rows = s.exec(select(FeedbackRow.vote, func.count()).where(FeedbackRow.log_id == log_id).group_by(FeedbackRow.vote)).all()
    counts = {int(v): int(n) for v, n in rows}
    return Votes(counts.get(UP, 0), counts.get(DOWN, 0))


def ask_correction(db: SAEngine, feedback_id: int, message_id: int) -> None:
    """Remember the message that asked this user for the right answer."""
    with session(db) as s:
        row = s.get(FeedbackRow, feedback_id)
        if row is not None:
            row.prompt_message_id = message_id
            s.add(row)


_CORRECTION = re.compile(r"^\s*(?:đáp án|câu trả lời|trả lời|số liệu)\s+đúng\s+(?:là|phải là)\s*[:\-–]?\s*", re.IGNORECASE)
_CORRECTION_FOLDED = re.compile(r"^\s*(?:dap an|cau tra loi|tra loi|so lieu)\s+dung\s+(?:la|phai la)\s*[:\-–]?\s*", re.IGNORECASE)


def correction_text(message: str) -> str | None:
    """The answer in "Đáp án đúng là 61 chi bộ" (with or without diacritics), else None."""
    m = _CORRECTION.match(message) or _CORRECTION_FOLDED.match(fold(message))
    if not m:
        return None
    rest = message[m.end() :].strip().rstrip(".")
    return rest or None


def pending_correction(
    db: SAEngine,
    *,
    user_id: int,
    chat_id: int | None,
    reply_to: int | None,
    said_correction: bool,
    now: datetime | None = None,
) -> FeedbackRow | None:
    """The 👎 this message corrects: the one whose prompt it replies to, or else, when it
    starts with "Đáp án đúng là", this user's latest 👎 in this chat (within
    ``CORRECTION_WINDOW``)."""
    now = now or utcnow()
    with session(db) as s:
        if reply_to is not None:
            row = s.exec(
                select(FeedbackRow).where(
                    FeedbackRow.user_id == user_id, FeedbackRow.prompt_message_id == reply_to, FeedbackRow.vote == DOWN
                )
            ).first()
            if row is not None and (chat_id is None or row.chat_id in (None, chat_id)):
                return row
        if not said_correction:
            return None
        return s.exec(
            select(FeedbackRow)
            .where(FeedbackRow.user_id == user_id, FeedbackRow.chat_id == chat_id, FeedbackRow.vote == DOWN)
            .where(FeedbackRow.voted_at >= now - CORRECTION_WINDOW)
            .order_by(FeedbackRow.voted_at.desc(), FeedbackRow.id.desc())
            .limit(1)
        ).first()


def save_correction(db: SAEngine, feedback_id: int, text: str) -> str:
    """Store ``text`` (trimmed to ``MAX_CORRECTION_CHARS``) as the correction; returns it."""
    text = " ".join(text.split())[:MAX_CORRECTION_CHARS]
    with session(db) as s:
        row = s.get(FeedbackRow, feedback_id)
        if row is None:
            raise LookupError(f"no feedback {feedback_id}")
        row.correction, row.corrected_at = text, utcnow()
        s.add(row)
    return text
