from datetime import timedelta

from index import querylog
from index.store import utcnow


def test_log_and_stats(engine):
    db = engine.db
    a = querylog.log_question(db, question="Có bao nhiêu xã?", answer_type="count", answered=False, latency_ms=2.0, chat_id=1, user_id=7)
    querylog.log_question(db, question="co bao nhieu xa?", answer_type="count", answered=False, latency_ms=2.0)
    querylog.log_question(db, question="Ai chủ trì?", answer_type="person", answered=True, latency_ms=1.0)
    querylog.log_question(db, question="Ở đâu?", answer_type="place", answered=False, latency_ms=1.0)
    st = querylog.question_stats(db)
    assert (st.today, st.answered_today) == (4, 1)
    assert st.answered_share == 0.25
    # the same question with and without diacritics groups together, most frequent first
    assert st.top_unanswered[0] == ("Có bao nhiêu xã?", 2)
    row = querylog.get_question(db, a)
    assert (row.user_id, row.chat_id, row.question) == (7, 1, "Có bao nhiêu xã?")


def test_clear(engine):
    db = engine.db
    querylog.log_question(db, question="x", answer_type="other", answered=False, latency_ms=1.0)
    assert querylog.clear(db, before=utcnow() - timedelta(days=1)) == 0
    assert querylog.clear(db) == 1
    assert querylog.question_stats(db).today == 0


def test_telegram_ids_beyond_32_bits(engine):
    """Group ids (-100…) and newer user ids exceed PostgreSQL's INTEGER (migration 0002)."""
    db = engine.db
    log_id = querylog.log_question(
        db, question="Ai chủ trì?", answer_type="person", answered=True, latency_ms=1.0,
        chat_id=-1001234567890, user_id=5_000_000_000,
    )
    row = querylog.get_question(db, log_id)
    assert (row.chat_id, row.user_id) == (-1001234567890, 5_000_000_000)
