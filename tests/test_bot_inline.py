"""Inline mode (``@bot câu hỏi``): the real ``Application`` against the fake Bot API
server, the pure result builders of ``bot.inline``, and the fake's ``answerInlineQuery``."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from telegram import Bot, InlineQueryResultArticle, InputTextMessageContent
from telegram.error import BadRequest

from bot import handlers, inline, render
from bot.app import polling_kwargs, webhook_kwargs
from index.models import Answer, FigureHit, PassageHit

pytest_plugins = ["conftest_bot"]
pytest.register_assert_rewrite("conftest_bot")

from conftest_bot import ADMIN, OTHER, SEED_QUESTION, USER, make_app, make_settings, polling  # noqa: E402

try:
    from tests.fakes import FakeBotAPI, parse_telegram_html, utf16_len
except ImportError:
    from fakes import FakeBotAPI, parse_telegram_html, utf16_len


def logged_questions(engine) -> int:
    with engine.db.connect() as conn:
        return conn.execute(text("SELECT count(*) FROM question_log")).scalar_one()


def message_text(result: dict) -> str:
    """What the chat shows when the result is picked (the HTML parsed like Telegram)."""
    content = result["input_message_content"]
    assert content["parse_mode"] == "HTML"
    shown, _entities = parse_telegram_html(content["message_text"])
    return shown


# ---------------------------------------------------------------- through the Application


async def test_inline_answer_first_then_passages(fake, bot_engine):
    before = logged_questions(bot_engine)
    async with polling(make_app(fake, bot_engine, inline_cache_seconds=7)):
        query_id = fake.push_inline_query(USER, SEED_QUESTION)
        answer = await fake.wait_for_inline_answer(query_id)
    results = answer["results"]
    assert 2 <= len(results) <= inline.MAX_RESULTS
    assert answer["is_personal"] is True and answer["cache_time"] == 7
    assert "button" not in answer
    first = results[0]
    assert first["type"] == "article" and "61 chi bộ đảng" in first["title"]
    assert "61 chi bộ đảng" in message_text(first)
    assert "<b>61 chi bộ đảng" in first["input_message_content"]["message_text"]  # in bold, as in a reply
    for r in results[1:]:  # the passages: titled by their article, described by their start
        assert r["title"] and r["description"] and not r["title"].startswith("Có thể là")
        assert "📰" in message_text(r)
    assert len({r["id"] for r in results}) == len(results)
    assert all("reply_markup" not in r for r in results)
    assert logged_questions(bot_engine) == before  # inline queries are not logged
    assert fake.pending_updates == []
    fake.assert_no_errors()


async def test_inline_refused_outside_allowed_chat_ids(fake, bot_engine, monkeypatch):
    asked: list[str] = []
    real_ask = handlers.ask
    monkeypatch.setattr(handlers, "ask", lambda st, q: asked.append(q) or real_ask(st, q))
    async with polling(make_app(fake, bot_engine, allowed_chat_ids=[USER])):
        refused = fake.push_inline_query(OTHER, SEED_QUESTION)
        listed = fake.push_inline_query(USER, SEED_QUESTION)
        admin = fake.push_inline_query(ADMIN, SEED_QUESTION)  # admins always, though not listed
        refused_answer = await fake.wait_for_inline_answer(refused)
        listed_answer = await fake.wait_for_inline_answer(listed)
        admin_answer = await fake.wait_for_inline_answer(admin)
    assert refused_answer["results"] == []
    assert refused_answer["button"] == {"text": inline.NOT_ALLOWED, "start_parameter": "start"}
    assert refused_answer["is_personal"] is True
    assert "61 chi bộ đảng" in listed_answer["results"][0]["title"]
    assert "61 chi bộ đảng" in admin_answer["results"][0]["title"]
    assert asked == [SEED_QUESTION, SEED_QUESTION]  # the engine never saw OTHER's query
    assert fake.messages(OTHER) == []  # the guard sent nothing anywhere
    fake.assert_no_errors()


async def test_inline_empty_and_too_long_cost_no_question(fake, bot_engine):
    app = make_app(fake, bot_engine, max_question_chars=40, rate_limit_questions=1)
    async with polling(app):
        empty = fake.push_inline_query(USER, "   ")
        long = fake.push_inline_query(USER, "chi bộ " * 10)
        empty_answer = await fake.wait_for_inline_answer(empty)
        long_answer = await fake.wait_for_inline_answer(long)
        # neither used up the one question of the window
        asked = fake.push_inline_query(USER, SEED_QUESTION)
        asked_answer = await fake.wait_for_inline_answer(asked)
    assert empty_answer["results"] == [] and empty_answer["button"]["text"] == inline.EMPTY_HINT
    assert long_answer["results"] == []
    assert long_answer["button"]["text"] == inline.TOO_LONG.format(limit=40)
    assert "40" in long_answer["button"]["text"]
    assert all(a["is_personal"] is True for a in (empty_answer, long_answer))
    assert "61 chi bộ đảng" in asked_answer["results"][0]["title"]
    fake.assert_no_errors()


async def test_inline_rate_limit(fake, bot_engine):
    async with polling(make_app(fake, bot_engine, rate_limit_questions=2)):
        ids = [fake.push_inline_query(USER, f"{SEED_QUESTION} {'?' * n}") for n in range(3)]
        answers = [await fake.wait_for_inline_answer(i) for i in ids]
    assert [bool(a["results"]) for a in answers] == [True, True, False]
    assert answers[2]["cache_time"] == 0  # an empty page is not cached for later
    assert answers[2]["button"]["text"].startswith("Bạn hỏi nhanh quá")
    fake.assert_no_errors()


async def test_inline_no_match_offers_no_results(fake, bot_engine, monkeypatch):
    monkeypatch.setattr(handlers, "ask", lambda st, q: Answer(question=q))
    async with polling(make_app(fake, bot_engine)):
        query_id = fake.push_inline_query(USER, "xyzzy")
        answer = await fake.wait_for_inline_answer(query_id)
    assert answer["results"] == [] and answer["button"]["text"] == inline.NOT_FOUND
    fake.assert_no_errors()


def test_inline_updates_are_requested(fake, bot_engine):
    assert "inline_query" in polling_kwargs()["allowed_updates"]
    settings = make_settings(fake, bot_engine, webhook_url="https://bot.example.vn/hook")
    assert "inline_query" in webhook_kwargs(settings, "s")["allowed_updates"]
    assert make_settings(fake, bot_engine).inline_cache_seconds == 10
    with pytest.raises(ValueError):
        make_settings(fake, bot_engine, inline_cache_seconds=-1)


# ---------------------------------------------------------------- pure builders


def hit(n: int, text: str, title: str = "Bài viết", url: str | None = "https://example.vn/a") -> PassageHit:
    return PassageHit(
        article_id=f"art-{n}", passage_id=1000 + n, title=title, date="01/02/2024", url=url, text=text, score=1.0
    )


def answered(passages: list[PassageHit]) -> Answer:
    figure = FigureHit(
        value=61, text="61", unit="chi bộ đảng", kind="count", qualifier=None,
        context="quận Long Biên", article_id="art-0", passage_id=1000,
    )
    return Answer(
        question=SEED_QUESTION,
        type="count",
        answer="61 chi bộ đảng",
        figures=[figure],
        passages=passages,
        query_tokens=["chi_bo", "dang", "thanh_lap"],
        confidence=0.97,
        status="answered",
        best="61 chi bộ đảng",
    )


def shown(result: InlineQueryResultArticle) -> tuple[str, str]:
    content = result.input_message_content
    assert isinstance(content, InputTextMessageContent) and content.parse_mode == "HTML"
    return content.message_text, parse_telegram_html(content.message_text)[0]


def test_results_answer_first_ids_unique_and_limited():
    passages = [hit(n, f"Đoạn {n}: đã thành lập {n + 1} chi bộ đảng mới.") for n in range(8)]
    results = inline.build_results(answered(passages))
    assert len(results) == inline.MAX_RESULTS
    assert [r.id for r in results] == ["a", "p0-1000", "p1-1001", "p2-1002", "p3-1003"]
    assert all(1 <= len(r.id.encode()) <= 64 for r in results)
    assert results[0].title == "61 chi bộ đảng"
    html, visible = shown(results[0])
    assert visible.startswith("61 chi bộ đảng — quận Long Biên") and "Đoạn 0" in visible
    assert "<b>chi bộ đảng</b>" in html  # the question's words highlighted
    assert all(r.reply_markup is None for r in results)
    assert inline.build_results(answered(passages), limit=2)[1].id == "p0-1000"


def test_results_html_escaped_and_within_4096():
    evil = "<script>alert('x')</script> & <b>không đậm</b> " + "chi bộ đảng thành lập. " * 800
    long_title = "<i>Tiêu đề</i> & " + "rất dài " * 200
    passages = [hit(0, evil, title=long_title, url="javascript:alert(1)"), hit(1, "🇻🇳" * 3000)]
    for result in inline.build_results(answered(passages)):
        html, visible = shown(result)
        assert utf16_len(visible) <= render.MAX_MESSAGE
        assert "<script>" not in html and "javascript:" not in html
        assert len(result.title) <= inline.MAX_RESULT_TITLE + 1
        assert len(result.description or "") <= inline.MAX_RESULT_DESCRIPTION + 1
    first_passage = inline.build_results(answered(passages))[1]
    html, visible = shown(first_passage)
    assert "&lt;script&gt;" in html and "<script>alert('x')</script>" in visible
    assert first_passage.title.startswith("<i>Tiêu đề</i> &")  # a title is plain text (no parse mode)


def test_results_by_status():
    passages = [hit(0, "Năm 2020 thành lập 12 chi bộ."), hit(1, "Đoạn khác.")]
    unsure = Answer(question="q", passages=passages, status="uncertain", best="12 chi bộ")
    results = inline.build_results(unsure)
    assert results[0].title == "Có thể là: 12 chi bộ"
    assert render.UNCERTAIN in shown(results[0])[1]

    missing = Answer(question="q", passages=passages, status="not_found", missing="quận Hoàn Kiếm")
    results = inline.build_results(missing)
    assert results[0].title.startswith("Không tìm thấy") and "quận Hoàn Kiếm" in results[0].title

    nothing_to_state = Answer(question="q", passages=passages, status="uncertain")  # no candidate at all
    assert [r.id for r in inline.build_results(nothing_to_state)] == ["p0-1000", "p1-1001"]
    assert inline.build_results(Answer(question="q")) == []


def test_user_allowed(fake, bot_engine):
    everyone = make_settings(fake, bot_engine)
    assert inline.user_allowed(everyone, OTHER)
    listed = make_settings(fake, bot_engine, allowed_chat_ids=[USER, -100123])
    assert inline.user_allowed(listed, USER) and inline.user_allowed(listed, ADMIN)
    assert not inline.user_allowed(listed, OTHER) and not inline.user_allowed(listed, None)


# ---------------------------------------------------------------- the fake's answerInlineQuery


def article(result_id: str, text: str = "x", **kw) -> InlineQueryResultArticle:
    return InlineQueryResultArticle(result_id, kw.pop("title", "t"), InputTextMessageContent(text, **kw))


async def test_fake_answer_inline_query_rules(fake):
    query_id = fake.inline_query_update(USER, "câu hỏi")["inline_query"]["id"]
    async with Bot(fake.token, base_url=fake.base_url, base_file_url=fake.base_file_url) as bot:
        bad = {
            "RESULT_ID_DUPLICATE": [article("1"), article("1")],
            "RESULT_ID_INVALID": [article("a" * 65)],
            "RESULTS_TOO_MUCH": [article(str(n)) for n in range(51)],
            "MESSAGE_TOO_LONG": [article("1", "<b>" + "a" * 4097 + "</b>", parse_mode="HTML")],
            "MESSAGE_EMPTY": [article("1", "<b> </b>", parse_mode="HTML")],
            "can't parse entities": [article("1", "<script>", parse_mode="HTML")],
            "ARTICLE_TITLE_EMPTY": [article("1", title=" ")],
        }
        for description, results in bad.items():
            with pytest.raises(BadRequest, match=f"(?i){description}"):
                await bot.answer_inline_query(query_id, results)
        # a refused answer leaves the query open; 50 results, 64-byte ids and 4096 characters are fine
        ok = [article("ệ" * 21 + "a", "<b>" + "ệ" * 4096 + "</b>", parse_mode="HTML")]
        ok += [article(str(n)) for n in range(49)]
        assert await bot.answer_inline_query(query_id, ok, cache_time=0, is_personal=True)
        with pytest.raises(BadRequest, match="(?i)query is too old"):
            await bot.answer_inline_query(query_id, [article("1")])
        with pytest.raises(BadRequest, match="(?i)query is too old"):
            await bot.answer_inline_query("999", [])
    answer = fake.inline_answer(query_id)
    assert answer is not None and len(answer["results"]) == 50 and answer["is_personal"] is True
    assert [c.ok for c in fake.calls("answerInlineQuery")] == [False] * len(bad) + [True, False, False]
    assert len(fake.errors) == len(bad) + 2


async def test_fake_inline_query_update_shape(fake):
    update = fake.inline_query_update(USER, "hỏi gì", chat_type="group", username="an")
    query = update["inline_query"]
    assert query["from"]["id"] == USER and query["query"] == "hỏi gì" and query["offset"] == ""
    assert query["chat_type"] == "group"
    assert fake.inline_query_update(USER, "x")["inline_query"]["id"] != query["id"]
    assert FakeBotAPI().bot_user()["supports_inline_queries"] is True
