"""Votes, corrections (index/feedback.py) and what the log reports of them
(index/querylog.py: previous_question, period_stats, unanswered, export_eval)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from index import feedback, querylog
from index.store import FeedbackRow, QuestionLogRow, session, utcnow


def log(db, question, *, status="not_found", chat=1, user=1, answer=None, used=None, followup_of=None, answer_type="count"):
    return querylog.log_question(
        db, question=question, answer_type=answer_type, answered=status == "answered", latency_ms=1.0, chat_id=chat,
        user_id=user, status=status, answer=answer, question_used=used, followup_of=followup_of,
    )


def test_one_vote_per_user_and_answer_changeable(engine):
    db = engine.db
    a = log(db, "Có bao nhiêu chi bộ?", status="answered", answer="61 chi bộ")
    r = feedback.vote(db, log_id=a, user_id=7, chat_id=1, value=feedback.UP)
    assert r.changed and (r.votes.up, r.votes.down) == (1, 0)
    again = feedback.vote(db, log_id=a, user_id=7, chat_id=1, value=feedback.UP)
    assert not again.changed and again.votes == r.votes and again.feedback_id == r.feedback_id
    down = feedback.vote(db, log_id=a, user_id=7, chat_id=1, value=feedback.DOWN)
    assert down.changed and (down.votes.up, down.votes.down) == (0, 1)
    other = feedback.vote(db, log_id=a, user_id=8, chat_id=1, value=feedback.DOWN)
    assert (other.votes.up, other.votes.down) == (0, 2)
    with session(db) as s:
        assert len(s.exec(select(FeedbackRow)).all()) == 2
    with pytest.raises(ValueError):
        feedback.vote(db, log_id=a, user_id=9, chat_id=1, value=0)


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("Đáp án đúng là 61 chi bộ đảng.", "61 chi bộ đảng"),
        ("dap an dung la 61 chi bo", "61 chi bo"),
        ("Câu trả lời đúng phải là: ông Đường Hoài Nam", "ông Đường Hoài Nam"),
        ("Đáp án đúng là", None),
        ("61 chi bộ", None),
    ],
)
def test_correction_text(message, expected):
    assert feedback.correction_text(message) == expected


def test_a_correction_goes_to_the_prompt_replied_to_or_the_latest_down_vote(engine):
    db = engine.db
    a = log(db, "q1", status="answered")
    b = log(db, "q2", status="answered")
    ra = feedback.vote(db, log_id=a, user_id=7, chat_id=1, value=feedback.DOWN)
    feedback.ask_correction(db, ra.feedback_id, 500)
    rb = feedback.vote(db, log_id=b, user_id=7, chat_id=1, value=feedback.DOWN)
    # a reply to the first prompt corrects the first answer, whatever came after
    row = feedback.pending_correction(db, user_id=7, chat_id=1, reply_to=500, said_correction=False)
    assert row is not None and row.log_id == a
    # "Đáp án đúng là …" without a reply: the latest 👎 of this user in this chat
    row = feedback.pending_correction(db, user_id=7, chat_id=1, reply_to=None, said_correction=True)
    assert row is not None and row.id == rb.feedback_id
    assert feedback.pending_correction(db, user_id=8, chat_id=1, reply_to=None, said_correction=True) is None
    assert feedback.pending_correction(db, user_id=7, chat_id=2, reply_to=None, said_correction=True) is None
    later = utcnow() + feedback.CORRECTION_WINDOW + timedelta(minutes=1)
    assert feedback.pending_correction(db, user_id=7, chat_id=1, reply_to=None, said_correction=True, now=later) is None
    assert feedback.save_correction(db, rb.feedback_id, "  61   chi bộ " + "x" * 1000)[:9] == "61 chi bộ"
    with session(db) as s:
        assert len(s.get(FeedbackRow, rb.feedback_id).correction) == feedback.MAX_CORRECTION_CHARS


def test_previous_question_is_this_users_in_this_chat_and_recent(engine):
    db = engine.db
    first = log(db, "Long Biên có bao nhiêu chi bộ?", chat=10, user=1)
    log(db, "another user's question", chat=10, user=2)
    log(db, "another chat's question", chat=11, user=1)
    row = querylog.previous_question(db, chat_id=10, user_id=1, within=timedelta(minutes=10))
    assert row is not None and row.id == first
    assert querylog.previous_question(db, chat_id=10, user_id=1, within=timedelta(0)) is None
    later = utcnow() + timedelta(minutes=11)
    assert querylog.previous_question(db, chat_id=10, user_id=1, within=timedelta(minutes=10), now=later) is None
    second = log(db, "còn chi hội?", chat=10, user=1, used="Long Biên có bao nhiêu chi hội?", followup_of=first)
    row = querylog.previous_question(db, chat_id=10, user_id=1, within=timedelta(minutes=10))
    assert row.id == second and querylog.used_question(row) == "Long Biên có bao nhiêu chi hội?"


def test_period_stats_by_status_and_votes(engine):
    db = engine.db
    ids = [log(db, f"q{i}", status=s) for i, s in enumerate(["answered", "answered", "uncertain", "not_found"])]
    feedback.vote(db, log_id=ids[0], user_id=1, chat_id=1, value=feedback.UP)
    r = feedback.vote(db, log_id=ids[1], user_id=1, chat_id=1, value=feedback.DOWN)
    feedback.save_correction(db, r.feedback_id, "62 chi bộ")
    with session(db) as s:  # an old row without a status (logged before statuses were kept)
        s.add(QuestionLogRow(question="old", question_key="old", answered=True, asked_at=utcnow() - timedelta(days=3)))
    p = querylog.period_stats(db, days=7)
    assert p.total == 5 and p.by_status == {"answered": 3, "uncertain": 1, "not_found": 1}
    assert (p.up, p.down, p.corrections) == (1, 1, 1)
    assert p.share("answered") == pytest.approx(0.6)
    assert sum(sum(c.values()) for _, c in p.per_day) == 5 and p.span_days >= 3
    assert querylog.period_stats(db, days=1).total == 4


def test_unanswered_groups_similar_wordings(engine):
    db = engine.db
    log(db, "Quận Hoàn Kiếm có bao nhiêu chi bộ đảng?")
    log(db, "quan hoan kiem co bao nhieu chi bo dang")
    log(db, "Có bao nhiêu chi bộ đảng ở quận Hoàn Kiếm?", status="uncertain")
    log(db, "Ai là bí thư tỉnh Hà Giang?")
    good = log(db, "Có bao nhiêu chi hội phụ nữ?", status="answered", answer="37 chi hội phụ nữ")
    fine = log(db, "Có bao nhiêu tổ chức đoàn?", status="answered", answer="104 tổ chức đoàn")
    r = feedback.vote(db, log_id=good, user_id=1, chat_id=1, value=feedback.DOWN)
    feedback.save_correction(db, r.feedback_id, "38 chi hội phụ nữ")
    feedback.vote(db, log_id=fine, user_id=1, chat_id=1, value=feedback.UP)
    groups = querylog.unanswered(db, days=30)
    assert groups[0].count == 3 and groups[0].wordings == 3
    assert groups[0].statuses == {"not_found": 2, "uncertain": 1}
    down = next(g for g in groups if g.down_votes)
    assert down.question == "Có bao nhiêu chi hội phụ nữ?" and down.corrections == ["38 chi hội phụ nữ"]
    assert all("tổ chức đoàn" not in g.question for g in groups)  # answered and 👍: not listed
    assert len(groups) == 3
    assert querylog.unanswered(db, days=30, limit=1) == groups[:1]


def test_export_eval_labels(engine):
    db = engine.db
    corrected = log(db, "Có bao nhiêu chi hội phụ nữ?", status="answered", answer="36 chi hội phụ nữ")
    r = feedback.vote(db, log_id=corrected, user_id=1, chat_id=1, value=feedback.DOWN)
    feedback.save_correction(db, r.feedback_id, "37 chi hội phụ nữ")
    confirmed = log(db, "Có bao nhiêu chi bộ đảng?", status="answered", answer="61 chi bộ đảng")
    feedback.vote(db, log_id=confirmed, user_id=1, chat_id=1, value=feedback.UP)
    none = log(db, "Quận Hoàn Kiếm có bao nhiêu chi bộ?")
    r = feedback.vote(db, log_id=none, user_id=1, chat_id=1, value=feedback.DOWN)
    feedback.save_correction(db, r.feedback_id, "Không có bài nào nói về Hoàn Kiếm")
    log(db, "chưa ai đánh giá", status="not_found")
    log(db, "còn chi hội?", used="Có bao nhiêu chi hội phụ nữ năm 2019?", status="not_found")
    rows = {r["asked"]: r for r in querylog.export_eval(db)}
    a = rows["Có bao nhiêu chi hội phụ nữ?"]
    assert a["answerable"] is True and a["answer"] == "37 chi hội phụ nữ" and a["value"] == 37
    b = rows["Có bao nhiêu chi bộ đảng?"]
    assert b["answerable"] is True and b["answer"] == "61 chi bộ đảng" and b["value"] == 61
    c = rows["Quận Hoàn Kiếm có bao nhiêu chi bộ?"]
    assert c["answerable"] is False and c["answer"] is None
    assert rows["chưa ai đánh giá"]["answerable"] is None
    assert rows["còn chi hội?"]["question"] == "Có bao nhiêu chi hội phụ nữ năm 2019?"  # the completed question
    assert all({"id", "question", "type", "answer", "value", "answerable", "article_id"} <= set(r) for r in rows.values())
