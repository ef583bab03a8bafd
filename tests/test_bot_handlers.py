"""Fast handler tests: updates go through ``Application.process_update``; the
bot's outgoing calls go over HTTP to the fake Bot API server."""

from __future__ import annotations

import json
import logging

import pytest

from bot import render
from index.querylog import get_question

pytest_plugins = ["conftest_bot"]
pytest.register_assert_rewrite("conftest_bot")

from conftest_bot import (  # noqa: E402
    ADMIN,
    CORPUS,
    OTHER,
    SEED_FOLDED,
    SEED_QUESTION,
    USER,
    feed,
    make_app,
)

GROUP = -100777


@pytest.fixture(scope="module")
def engine(bot_engine, tmp_path_factory):
    """The shipped corpus plus an article full of markup characters."""
    extra = tmp_path_factory.mktemp("extra") / "markup.jsonl"
    article = {
        "id": "markup-1",
        "title": "Báo cáo <tổng hợp> & đánh giá",
        "text": "Tỷ lệ hộ nghèo giảm còn <3% & thu nhập tăng; chỉ tiêu \"vượt\" kế hoạch ở xã Hòa Bình.",
        "url": "https://example.org/bao-cao?a=1&b=2",
        "date": "2024-03-05",
    }
    extra.write_text(json.dumps(article, ensure_ascii=False) + "\n", encoding="utf-8")
    report = bot_engine.ingest([CORPUS, extra], workers=1)
    assert report.added == 1
    bot_engine.extra_path = extra
    return bot_engine


@pytest.fixture
async def app(fake, engine):
    application = make_app(fake, engine)
    async with application:
        yield application
    fake.assert_no_errors()


async def ask(app, fake, text, *, chat=USER, user=USER, **kw):
    await feed(app, fake.message_update(chat, user, text, **kw))
    return fake.messages(chat)


async def test_start_greets_in_vietnamese_with_examples(app, fake):
    (msg,) = await ask(app, fake, "/start")
    assert msg["text"].startswith("👋 Xin chào")
    assert render.EXAMPLES[0] in msg["text"]
    assert "/reload" not in msg["text"]
    await feed(app, fake.message_update(ADMIN, ADMIN, "/help"))
    assert "/reload" in fake.texts(ADMIN)[0]


@pytest.mark.parametrize("question", [SEED_QUESTION, SEED_FOLDED])
async def test_seed_question_is_answered_with_61(app, fake, engine, question):
    (msg,) = await ask(app, fake, question)
    text = msg["text"]
    assert "61" in text
    assert "61 chi bộ đảng" in text
    assert "Tổng kết thực hiện Nghị quyết số 09-NQ/TU" in text and "27/02/2020" in text
    bold = [text[e["offset"] : e["offset"] + e["length"]] for e in msg["entities"] if e["type"] == "bold"]
    assert "chi bộ đảng" in bold and "thành lập" in bold
    if engine.ask(question).figures:  # once the engine extracts figures: the bold first line
        assert text.splitlines()[0].startswith("61 chi bộ đảng — ")
        assert bold[0] == "61 chi bộ đảng" and msg["entities"][0]["offset"] == 0
    buttons = [b["callback_data"] for row in msg["reply_markup"]["inline_keyboard"] for b in row]
    kind, log_id, page = render.parse_callback(buttons[0])
    assert (kind, page) == ("m", 1) and buttons[1:] == [f"s:{log_id}:0", f"v:{log_id}:1", f"v:{log_id}:2"]
    row = get_question(engine.db, log_id)
    assert row.question == question and row.user_id == USER and row.chat_id == USER and row.answered


async def test_more_pages_and_source_buttons(app, fake, engine):
    (msg,) = await ask(app, fake, SEED_QUESTION)
    mid = msg["message_id"]
    data = msg["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
    await feed(app, fake.callback_update(USER, USER, mid, data))
    (edited,) = fake.messages(USER)
    assert edited["message_id"] == mid and "edit_date" in edited
    assert "Đoạn 2/" in edited["text"] and edited["text"] != msg["text"]
    assert fake.edit_history(USER, mid)[0]["text"] == msg["text"]
    # the same button pressed again on the (now edited) message: no identical edit
    await feed(app, fake.callback_update(USER, USER, mid, data))
    # page through to the end and back to the first page
    pages = int(edited["text"].rsplit("Đoạn 2/", 1)[1].split()[0])
    for _ in range(pages):
        current = fake.message(USER, mid)
        nxt = current["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
        await feed(app, fake.callback_update(USER, USER, mid, nxt))
    assert "Đoạn" in fake.message(USER, mid)["text"]
    # «Nguồn» of the first page sends the whole paragraph as a new message
    src = msg["reply_markup"]["inline_keyboard"][0][-1]["callback_data"]
    await feed(app, fake.callback_update(USER, USER, mid, src))
    msgs = fake.messages(USER)
    assert len(msgs) == 2 and "61 chi bộ đảng" in msgs[1]["text"] and msgs[1]["text"].startswith("📰")
    assert len(fake.calls("answerCallbackQuery")) == pages + 3


async def test_buttons_of_other_users_and_bad_data_are_refused(app, fake, engine):
    (msg,) = await ask(app, fake, SEED_QUESTION)
    mid = msg["message_id"]
    data = msg["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
    _, log_id, _ = render.parse_callback(data)
    await feed(app, fake.callback_update(USER, OTHER, mid, data))  # forged: another user
    await feed(app, fake.callback_update(USER, USER, mid, f"m:{log_id + 10_000}:1"))  # no such log row
    await feed(app, fake.callback_update(USER, USER, mid, "drop table"))
    answers = [c.params.get("text") for c in fake.calls("answerCallbackQuery")]
    assert answers == [render.CALLBACK_FORBIDDEN, render.CALLBACK_GONE, render.CALLBACK_INVALID]
    assert fake.message(USER, mid)["text"] == msg["text"] and fake.calls("editMessageText") == []


async def test_buttons_work_after_a_restart(fake, engine):
    first = make_app(fake, engine)
    async with first:
        await feed(first, fake.message_update(USER, USER, SEED_FOLDED))
    (msg,) = fake.messages(USER)
    second = make_app(fake, engine)  # a new process: nothing in memory
    async with second:
        data = msg["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
        await feed(second, fake.callback_update(USER, USER, msg["message_id"], data))
    assert "Đoạn 2/" in fake.messages(USER)[0]["text"]
    fake.assert_no_errors()


async def test_stale_pages_after_a_reload_are_answered_sensibly(app, fake):
    """After a reload a question may have fewer passages than its buttons say."""
    (msg,) = await ask(app, fake, SEED_QUESTION)
    _, log_id, _ = render.parse_callback(msg["reply_markup"]["inline_keyboard"][0][0]["callback_data"])
    await feed(app, fake.callback_update(USER, USER, msg["message_id"], f"m:{log_id}:99"))
    await feed(app, fake.callback_update(USER, USER, msg["message_id"], f"s:{log_id}:99"))
    assert [c.params.get("text") for c in fake.calls("answerCallbackQuery")] == [render.NO_MORE, render.NO_MORE]
    (shown,) = fake.messages(USER)
    assert "Đoạn 5/5" in shown["text"]  # the last page there is
    assert buttons_of(shown)[0] == f"m:{log_id}:0"


def buttons_of(msg: dict) -> list[str]:
    return [b["callback_data"] for row in msg["reply_markup"]["inline_keyboard"] for b in row]


async def test_no_match_gets_help(app, fake):
    (msg,) = await ask(app, fake, "xyzzy quux blorf")
    assert "chưa tìm thấy" in msg["text"] and "viết tắt" in msg["text"] and render.EXAMPLES[0] in msg["text"]
    assert [b["callback_data"][:2] for row in msg["reply_markup"]["inline_keyboard"] for b in row] == ["v:", "v:"]  # 👍 / 👎 only


async def test_article_with_lt_and_amp_is_escaped(app, fake):
    (msg,) = await ask(app, fake, "tỷ lệ hộ nghèo xã Hòa Bình")
    assert "còn <3% & thu nhập" in msg["text"]
    assert "Báo cáo <tổng hợp> & đánh giá" in msg["text"]
    links = [e["url"] for e in msg["entities"] if e["type"] == "text_link"]
    assert links == ["https://example.org/bao-cao?a=1&b=2"]
    src = msg["reply_markup"]["inline_keyboard"][0][-1]["callback_data"]
    await feed(app, fake.callback_update(USER, USER, msg["message_id"], src))
    assert "<3% &" in fake.messages(USER)[1]["text"]


async def test_group_questions_need_hoi_or_a_mention(app, fake):
    kw = dict(chat=GROUP, chat_type="supergroup")
    assert await ask(app, fake, "chuyện phiếm trong nhóm, không hỏi bot", **kw) == []
    msgs = await ask(app, fake, f"/hoi@{fake.username} {SEED_QUESTION}", **kw)
    assert len(msgs) == 1 and "61" in msgs[0]["text"]
    assert msgs[0]["reply_to_message"]["text"].startswith("/hoi")
    text = f"@{fake.username} {SEED_FOLDED}"
    entities = [{"type": "mention", "offset": 0, "length": len(fake.username) + 1}]
    msgs = await ask(app, fake, text, entities=entities, **kw)
    assert len(msgs) == 2 and "61" in msgs[1]["text"]
    msgs = await ask(app, fake, "/hoi", **kw)
    assert "/hoi" in msgs[2]["text"]  # usage


async def test_non_text_gets_a_hint(app, fake):
    update = fake.message_update(USER, USER, "x")
    del update["message"]["text"]
    update["message"]["location"] = {"latitude": 21.03, "longitude": 105.85}
    await feed(app, update)
    (msg,) = fake.messages(USER)
    assert "chỉ hiểu câu hỏi bằng chữ" in msg["text"]


async def test_too_long_question_is_refused(app, fake, engine):
    (msg,) = await ask(app, fake, "chi bộ " * 100)
    assert "dài quá" in msg["text"] and "500" in msg["text"]


async def test_rate_limit_per_user(app, fake):
    for i in range(12):
        await feed(app, fake.message_update(USER, USER, f"{SEED_FOLDED} {i}"))
    texts = fake.texts(USER)
    assert len(texts) == 11
    assert sum("61" in t for t in texts) == 10
    assert "hỏi nhanh quá" in texts[10]
    await feed(app, fake.message_update(OTHER, OTHER, SEED_QUESTION))  # others are not affected
    assert "61" in fake.texts(OTHER)[0]


async def test_allowed_chats(fake, engine):
    app = make_app(fake, engine, allowed_chat_ids=[GROUP])
    async with app:
        await feed(app, fake.message_update(USER, USER, SEED_QUESTION))
        await feed(app, fake.message_update(ADMIN, ADMIN, SEED_QUESTION))
        await feed(app, fake.message_update(GROUP, USER, f"/hoi {SEED_QUESTION}", chat_type="supergroup"))
        await feed(app, fake.message_update(-100999, USER, "nói chuyện phiếm", chat_type="supergroup"))
        await feed(app, fake.message_update(-100999, USER, f"/hoi {SEED_QUESTION}", chat_type="supergroup"))
    assert fake.texts(USER) == [render.NOT_ALLOWED_CHAT]
    assert "61" in fake.texts(ADMIN)[0]  # admins always pass
    assert "61" in fake.texts(GROUP)[0]
    assert fake.texts(-100999) == [render.NOT_ALLOWED_CHAT]  # once: only for the command
    fake.assert_no_errors()


async def test_admin_commands_refused_to_others(app, fake, engine):
    before = engine.stats()
    for command in ("/reload", "/stats"):
        await feed(app, fake.message_update(USER, USER, command))
    await feed(app, fake.document_update(USER, USER, "bai.txt", "Tiêu đề\n\nNội dung".encode(), "text/plain"))
    assert fake.texts(USER) == [render.NOT_ADMIN, render.NOT_ADMIN, render.NOT_ADMIN_UPLOAD]
    after = engine.stats()
    assert (after.articles, after.last_ingest) == (before.articles, before.last_ingest)
    assert not (engine.data_dir / "uploads").exists() and fake.calls("getFile") == []


async def test_stats_for_admins(app, fake, engine):
    await feed(app, fake.message_update(ADMIN, ADMIN, SEED_QUESTION))
    for _ in range(2):
        await feed(app, fake.message_update(ADMIN, ADMIN, "xyzzy quux blorf"))
    await feed(app, fake.message_update(ADMIN, ADMIN, "/stats"))
    text = fake.texts(ADMIN)[-1]
    st = engine.stats()
    assert f"Bài viết: {st.articles}" in text and f"Đoạn văn: {st.passages}" in text
    assert "Chỉ mục:" in text and "Lần nạp gần nhất:" in text and "Câu hỏi hôm nay (giờ Việt Nam):" in text
    assert "xyzzy quux blorf —" in text and "trả lời được" in text


async def test_errors_are_logged_without_token_and_reported(app, fake, engine, monkeypatch, caplog):
    def broken(question, k=5, **kw):
        raise RuntimeError(f"engine exploded near https://api.telegram.org/bot{fake.token}/x")

    monkeypatch.setattr(engine, "ask", broken)
    with caplog.at_level(logging.DEBUG):
        await feed(app, fake.message_update(USER, USER, SEED_QUESTION))
    assert fake.texts(USER) == [render.ERROR]
    assert "engine exploded" in caplog.text and "RuntimeError" in caplog.text
    assert fake.token not in caplog.text and fake.token.split(":")[1] not in caplog.text
    monkeypatch.undo()
    await feed(app, fake.message_update(USER, USER, SEED_QUESTION))  # still running
    assert "61" in fake.texts(USER)[1]


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # PTB: RetryAfter.retry_after type
async def test_flood_retry_after_is_waited_out(app, fake):
    fake.fail_next("sendMessage", retry_after=1)
    (msg,) = await ask(app, fake, SEED_QUESTION)
    assert "61" in msg["text"]
    assert [c.ok for c in fake.calls("sendMessage")] == [False, True]
