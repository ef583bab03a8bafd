"""Conversations with the bot through real updates: follow-up questions completed from
the previous question ("còn tổ chức công đoàn?"), 👍 / 👎 votes and corrections, the
admin views (/unanswered, /stats with its chart), the eval export of the question log
and the "đang gõ…" chat action.

The engine (``bot_engine``) is shared by the whole module, so is its question log:
every test talks from its own chat / user ids (5001, 5002, …) or asserts on deltas.
"""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlmodel import select
from typer.testing import CliRunner

from bot import render
from index.querylog import get_question, log_question
from index.store import FeedbackRow, QuestionLogRow, session, utcnow

pytest_plugins = ["conftest_bot"]
pytest.register_assert_rewrite("conftest_bot")

from conftest_bot import ADMIN, SEED_QUESTION, USER, feed, make_app, polling  # noqa: E402

UNDERSTOOD = "🔁 Hiểu là:"
SECOND_COMPLETED = "Có bao nhiêu tổ chức công đoàn được thành lập?"


@pytest.fixture
async def app(fake, bot_engine):
    application = make_app(fake, bot_engine)
    async with application:
        yield application
    fake.assert_no_errors()


async def say(app, fake, chat: int, user: int, text: str, **kw) -> dict:
    """Send ``text`` from ``user`` in ``chat``; the bot's newest message there."""
    before = len(fake.messages(chat))
    await feed(app, fake.message_update(chat, user, text, **kw))
    msgs = fake.messages(chat)
    assert len(msgs) > before, f"no reply to {text!r}"
    return msgs[-1]


async def press(app, fake, chat: int, user: int, message_id: int, data: str) -> None:
    await feed(app, fake.callback_update(chat, user, message_id, data))


def buttons(msg: dict) -> list[dict]:
    return [b for row in msg.get("reply_markup", {}).get("inline_keyboard", []) for b in row]


def log_id_of(msg: dict) -> int:
    data = next(b["callback_data"] for b in buttons(msg) if b["callback_data"].startswith("v:"))
    return int(data.split(":")[1])


def vote_labels(msg: dict) -> list[str]:
    return [b["text"] for b in buttons(msg) if b["callback_data"].startswith("v:")]


def callback_answers(fake) -> list[str | None]:
    return [c.params.get("text") for c in fake.calls("answerCallbackQuery") if c.ok]


def feedback_rows(engine, log_id: int) -> list[FeedbackRow]:
    with session(engine.db) as s:
        return list(s.exec(select(FeedbackRow).where(FeedbackRow.log_id == log_id)).all())


def mention(username: str) -> list[dict]:
    return [{"type": "mention", "offset": 0, "length": len(username) + 1}]


# --- 1. dialogues ------------------------------------------------------------------------------


async def test_three_turn_dialogue_completes_each_followup(app, fake, bot_engine):
    chat = user = 5001
    first = await say(app, fake, chat, user, SEED_QUESTION)
    assert "61 chi bộ đảng" in first["text"] and UNDERSTOOD not in first["text"]

    second = await say(app, fake, chat, user, "còn tổ chức công đoàn?")
    assert "173" in second["text"]
    assert second["text"].splitlines()[0] == f"{UNDERSTOOD} {SECOND_COMPLETED}"

    third = await say(app, fake, chat, user, "con chi hoi phu nu")
    assert "37" in third["text"]
    line = third["text"].splitlines()[0]
    assert line.startswith(f"{UNDERSTOOD} Có bao nhiêu"), line  # built on the completed 2nd turn
    assert "chi hoi phu nu" in line or "chi hội phụ nữ" in line, line
    assert "được thành lập" in line and "công đoàn" not in line and "chi bộ" not in line, line

    r1, r2, r3 = (get_question(bot_engine.db, log_id_of(m)) for m in (first, second, third))
    assert r1.followup_of is None and r1.question_used is None
    assert r2.question == "còn tổ chức công đoàn?"
    assert r2.question_used == SECOND_COMPLETED and r2.followup_of == r1.id
    assert r3.question == "con chi hoi phu nu"
    assert r3.followup_of == r2.id and r3.question_used == line.removeprefix(UNDERSTOOD).strip()
    assert (r1.chat_id, r1.user_id) == (chat, user)


async def test_a_full_question_is_not_merged(app, fake, bot_engine):
    chat = user = 5002
    await say(app, fake, chat, user, SEED_QUESTION)
    msg = await say(app, fake, chat, user, "Có bao nhiêu tổ chức công đoàn được thành lập?")
    assert "173" in msg["text"] and UNDERSTOOD not in msg["text"]
    row = get_question(bot_engine.db, log_id_of(msg))
    assert row.followup_of is None and row.question_used is None


async def test_another_user_in_a_group_does_not_borrow_the_question(app, fake, bot_engine):
    group, first_user, second_user = -5003, 5003, 5004
    name = app.bot.username
    asked = await say(
        app, fake, group, first_user, f"@{name} {SEED_QUESTION}", chat_type="group", entities=mention(name)
    )
    assert "61 chi bộ đảng" in asked["text"]
    other = await say(
        app, fake, group, second_user, f"@{name} còn tổ chức công đoàn?", chat_type="group", entities=mention(name)
    )
    assert UNDERSTOOD not in other["text"]  # answered (or not) on its own words only
    row = get_question(bot_engine.db, log_id_of(other))
    assert row.followup_of is None and row.question_used is None and row.user_id == second_user
    # the first user's own follow-up is still completed in the group
    own = await say(
        app, fake, group, first_user, f"@{name} còn tổ chức công đoàn?", chat_type="group", entities=mention(name)
    )
    assert own["text"].startswith(f"{UNDERSTOOD} {SECOND_COMPLETED}") and "173" in own["text"]


async def test_followup_minutes_zero_merges_nothing(fake, bot_engine):
    chat = user = 5005
    application = make_app(fake, bot_engine, followup_minutes=0)
    async with application:
        await say(application, fake, chat, user, SEED_QUESTION)
        msg = await say(application, fake, chat, user, "còn tổ chức công đoàn?")
    assert UNDERSTOOD not in msg["text"]
    row = get_question(bot_engine.db, log_id_of(msg))
    assert row.followup_of is None and row.question_used is None
    fake.assert_no_errors()


async def test_followup_survives_a_restart(fake, bot_engine):
    chat = user = 5006
    async with make_app(fake, bot_engine) as first_app:
        first = await say(first_app, fake, chat, user, SEED_QUESTION)
    assert "61 chi bộ đảng" in first["text"]
    async with make_app(fake, bot_engine) as second_app:  # a new process: nothing in memory
        msg = await say(second_app, fake, chat, user, "còn tổ chức công đoàn?")
    assert msg["text"].splitlines()[0] == f"{UNDERSTOOD} {SECOND_COMPLETED}" and "173" in msg["text"]
    assert get_question(bot_engine.db, log_id_of(msg)).followup_of == log_id_of(first)
    fake.assert_no_errors()


async def test_more_button_on_a_followup_keeps_the_understood_line(app, fake):
    chat = user = 5007
    await say(app, fake, chat, user, SEED_QUESTION)
    msg = await say(app, fake, chat, user, "còn tổ chức công đoàn?")
    more = next(b["callback_data"] for b in buttons(msg) if b["callback_data"].startswith("m:"))
    await press(app, fake, chat, user, msg["message_id"], more)
    edited = fake.message(chat, msg["message_id"])
    assert edited["text"] != msg["text"] and "Đoạn 2/" in edited["text"]
    assert edited["text"].splitlines()[0] == f"{UNDERSTOOD} {SECOND_COMPLETED}"


# --- 2. votes and corrections ------------------------------------------------------------------


async def test_votes_change_count_and_prompt_once(app, fake, bot_engine):
    chat = user = 5101
    other = 5102
    answer = await say(app, fake, chat, user, SEED_QUESTION)
    log_id, mid = log_id_of(answer), answer["message_id"]
    assert vote_labels(answer) == ["👍", "👎"]

    await press(app, fake, chat, user, mid, f"v:{log_id}:1")
    assert vote_labels(fake.message(chat, mid)) == ["👍 1", "👎"]
    assert callback_answers(fake)[-1] == render.vote_thanks(True, True)
    assert len(fake.messages(chat)) == 1  # the bot's messages: no prompt after a 👍

    await press(app, fake, chat, user, mid, f"v:{log_id}:2")  # changed his mind
    assert vote_labels(fake.message(chat, mid)) == ["👍", "👎 1"]
    assert callback_answers(fake)[-1] == render.vote_thanks(False, True)
    msgs = fake.messages(chat)
    assert len(msgs) == 2
    prompt = msgs[-1]
    assert prompt["text"] == render.visible(render.correction_prompt(f"User{user}")).strip()
    assert prompt.get("reply_to_message", {}).get("message_id") == mid
    send = fake.calls("sendMessage", chat_id=chat)[-1]
    markup = send.params["reply_markup"]
    markup = json.loads(markup) if isinstance(markup, str) else markup
    assert markup.get("force_reply") is True

    await press(app, fake, chat, user, mid, f"v:{log_id}:2")  # the same vote again
    assert callback_answers(fake)[-1] == render.vote_thanks(False, False) == "Bạn đã đánh giá như vậy rồi."
    assert len(fake.messages(chat)) == 2  # no second prompt

    await press(app, fake, chat, other, mid, f"v:{log_id}:1")  # anyone in the chat may vote
    assert vote_labels(fake.message(chat, mid)) == ["👍 1", "👎 1"]
    rows = feedback_rows(bot_engine, log_id)
    assert sorted((r.user_id, r.vote) for r in rows) == [(user, -1), (other, 1)]


async def test_reply_to_the_prompt_stores_the_correction(app, fake, bot_engine):
    chat = user = 5103
    answer = await say(app, fake, chat, user, SEED_QUESTION)
    log_id = log_id_of(answer)
    await press(app, fake, chat, user, answer["message_id"], f"v:{log_id}:2")
    prompt = fake.messages(chat)[-1]
    reply_to = fake.message(chat, prompt["message_id"])
    saved = await say(app, fake, chat, user, "Đáp án đúng là 61 chi bộ", extra={"reply_to_message": reply_to})
    assert saved["text"].startswith("✅ Đã ghi nhận") and "61 chi bộ" in saved["text"]
    (row,) = feedback_rows(bot_engine, log_id)
    assert row.vote == -1 and row.correction == "61 chi bộ" and row.corrected_at is not None
    assert row.prompt_message_id == prompt["message_id"]


async def test_folded_correction_without_reply_after_a_down_vote(app, fake, bot_engine):
    chat = user = 5104
    answer = await say(app, fake, chat, user, SEED_QUESTION)
    log_id = log_id_of(answer)
    await press(app, fake, chat, user, answer["message_id"], f"v:{log_id}:2")
    saved = await say(app, fake, chat, user, "dap an dung la 61 chi bo dang")
    assert "Đã ghi nhận" in saved["text"]
    (row,) = feedback_rows(bot_engine, log_id)
    assert row.correction == "61 chi bo dang"


async def test_correction_words_without_a_down_vote_are_a_question(app, fake, bot_engine):
    chat = user = 5105
    before = len(fake.messages(chat))
    msg = await say(app, fake, chat, user, "dap an dung la 61 chi bo dang")
    assert "Đã ghi nhận" not in msg["text"]
    assert len(fake.messages(chat)) == before + 1
    row = get_question(bot_engine.db, log_id_of(msg))  # answered (and logged) as a question
    assert row.question == "dap an dung la 61 chi bo dang" and row.user_id == user
    with session(bot_engine.db) as s:
        assert s.exec(select(FeedbackRow).where(FeedbackRow.user_id == user)).all() == []


async def test_malformed_vote_callback_is_refused(app, fake, bot_engine):
    chat = user = 5106
    answer = await say(app, fake, chat, user, SEED_QUESTION)
    log_id = log_id_of(answer)
    await press(app, fake, chat, user, answer["message_id"], f"v:{log_id}:9")
    assert callback_answers(fake)[-1] == render.CALLBACK_INVALID
    assert feedback_rows(bot_engine, log_id) == []
    assert fake.message(chat, answer["message_id"]) == answer  # not edited
    await press(app, fake, chat, user, answer["message_id"], "v:1:9")
    assert callback_answers(fake)[-1] == render.CALLBACK_INVALID


# --- 3. admin views ----------------------------------------------------------------------------


async def test_unanswered_is_for_admins(app, fake):
    msg = await say(app, fake, 5201, 5201, "/unanswered")
    assert msg["text"] == render.NOT_ADMIN


async def test_unanswered_lists_groups_and_corrections(app, fake):
    chat = user = 5202
    for q in ("xyzzy quux blorf", "xyzzy quux blorf", "xyzzy quux blorf nữa"):
        await say(app, fake, chat, user, q)
    answer = await say(app, fake, chat, user, "Đồng chí nào chủ trì Hội nghị?")
    await press(app, fake, chat, user, answer["message_id"], f"v:{log_id_of(answer)}:2")
    assert "Đã ghi nhận" in (await say(app, fake, chat, user, "Đáp án đúng là đồng chí Đường Hoài Nam"))["text"]

    before = len(fake.messages(ADMIN))
    await feed(app, fake.message_update(ADMIN, ADMIN, "/unanswered"))
    text = "\n".join(fake.texts(ADMIN)[before:])
    assert "Câu hỏi chưa được trả lời tốt" in text
    line = next(x for x in text.splitlines() if "«xyzzy quux blorf" in x)
    count = int(line.split("—", 1)[1].split("lần")[0].strip())
    assert count >= 3 and "không tìm thấy" in line
    assert "Góp ý: «đồng chí Đường Hoài Nam»" in text
    assert "👎 1" in text

    usage = await say(app, fake, ADMIN, ADMIN, "/unanswered abc")
    assert usage["text"] == render.DAYS_USAGE.format(command="unanswered")
    await say(app, fake, ADMIN, ADMIN, "/unanswered 7")  # a number of days is fine


async def test_stats_shows_period_shares_and_votes(app, fake, bot_engine):
    chat = user = 5203
    answer = await say(app, fake, chat, user, SEED_QUESTION)
    await say(app, fake, chat, user, "xyzzy quux blorf")
    await press(app, fake, chat, user, answer["message_id"], f"v:{log_id_of(answer)}:1")
    msg = await say(app, fake, ADMIN, ADMIN, "/stats")
    text = msg["text"]
    assert "7 ngày qua: " in text and "câu hỏi" in text
    assert "✅ Trả lời được:" in text and "🚫 Không tìm thấy:" in text and "%)" in text
    votes = next(x for x in text.splitlines() if x.startswith("Đánh giá: 👍"))
    up = int(votes.split("👍")[1].split("·")[0])
    assert up >= 1 and "👎" in votes and "hài lòng" in votes
    assert fake.calls("sendPhoto") == []  # all questions of this module are from today


async def test_stats_sends_a_chart_beyond_a_week(fake, tmp_path):
    from index.engine import Engine

    engine = Engine(tmp_path / "chart")  # its own log: the chart depends on what was asked when
    application = make_app(fake, engine)
    now = utcnow()
    ids = [
        log_question(engine.db, question=f"câu hỏi {i}", answer_type="count", answered=i % 2 == 0, latency_ms=1.0, chat_id=1, user_id=1)
        for i in range(6)
    ]
    async with application:
        with session(engine.db) as s:  # under a week of data: no chart
            for i, log_id in enumerate(ids):
                row = s.get(QuestionLogRow, log_id)
                row.asked_at = now - timedelta(days=i)
                s.add(row)
        msg = await say(application, fake, ADMIN, ADMIN, "/stats")
        assert "7 ngày qua" in msg["text"]
        assert fake.calls("sendPhoto") == []

        ids += [
            log_question(engine.db, question=f"câu hỏi {i}", answer_type="count", answered=False, latency_ms=1.0, chat_id=1, user_id=1)
            for i in range(6, 12)
        ]
        with session(engine.db) as s:
            for i, log_id in enumerate(ids):
                row = s.get(QuestionLogRow, log_id)
                row.asked_at = now - timedelta(days=i)
                s.add(row)
        await feed(application, fake.message_update(ADMIN, ADMIN, "/stats"))
        (photo,) = [c for c in fake.calls("sendPhoto") if c.ok]
        assert photo.params.get("caption") == render.chart_title(30)
        upload = next(iter(photo.files.values()))
        assert upload.content.startswith(b"\x89PNG\r\n\x1a\n")
        assert fake.messages(ADMIN)[-1].get("photo")
    fake.assert_no_errors()


# --- 4. export -----------------------------------------------------------------------------------


async def test_export_eval_then_eval_reads_it_back(app, fake, bot_engine, tmp_path):
    from bot.cli import app as cli

    chat = user = 5301
    answer = await say(app, fake, chat, user, SEED_QUESTION)
    corrected = log_id_of(answer)
    await press(app, fake, chat, user, answer["message_id"], f"v:{corrected}:2")
    await say(app, fake, chat, user, "Đáp án đúng là 61 chi bộ đảng")
    lost = log_id_of(await say(app, fake, chat, user, "xyzzy quux blorf zork"))

    out = tmp_path / "logged.jsonl"
    db = ["--data-dir", str(bot_engine.data_dir), "--database-url", bot_engine.url]
    result = CliRunner().invoke(cli, ["querylog", "export", "--format", "eval", "--out", str(out), *db])
    assert result.exit_code == 0, result.output
    rows = {r["id"]: r for r in map(json.loads, out.read_text(encoding="utf-8").splitlines())}
    good = rows[f"log-{corrected}"]
    assert good["answerable"] is True and good["answer"] == "61 chi bộ đảng" and good["value"] == 61
    assert good["question"] == SEED_QUESTION and good["votes"] == {"up": 0, "down": 1}
    unknown = rows[f"log-{lost}"]
    assert unknown["answerable"] is None and unknown["answer"] is None and unknown["status"] == "not_found"

    result = CliRunner().invoke(cli, ["eval", str(out), "--json", *db])
    assert result.exit_code == 0, result.output
    assert "answerable: null" in result.output and "bỏ qua" in result.output

    result = CliRunner().invoke(cli, ["querylog", "export", "--format", "csv", *db])
    assert result.exit_code == 2


# --- 5. "đang gõ…" ---------------------------------------------------------------------------


async def test_typing_action_comes_before_the_answer(app, fake):
    chat = user = 5401
    await say(app, fake, chat, user, SEED_QUESTION)
    calls = [c for c in fake.calls() if c.chat_id == chat and c.method in ("sendChatAction", "sendMessage")]
    assert [c.method for c in calls] == ["sendChatAction", "sendMessage"]
    assert calls[0].params["action"] == "typing" and calls[0].ok


async def test_typing_then_answer_while_polling(fake, bot_engine):
    chat = user = 5402
    async with polling(make_app(fake, bot_engine)):
        fake.push_message(chat, user, SEED_QUESTION)
        (answer,) = await fake.wait_for_messages(chat, 1)
        fake.push_message(chat, user, "còn tổ chức công đoàn?")
        msgs = await fake.wait_for_messages(chat, 2)
    assert "61 chi bộ đảng" in answer["text"]
    assert msgs[1]["text"].startswith(f"{UNDERSTOOD} {SECOND_COMPLETED}")
    typing = fake.calls("sendChatAction", chat_id=chat)
    sends = fake.calls("sendMessage", chat_id=chat)
    assert len(typing) == 2 and all(c.params["action"] == "typing" for c in typing)
    assert typing[0].at <= sends[0].at and typing[1].at <= sends[1].at
    fake.assert_no_errors()
