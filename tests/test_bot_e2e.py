"""End to end: the real ``Application`` talks HTTP to the fake Bot API server on
127.0.0.1 (``TELEGRAM_BASE_URL``), in polling and in webhook mode."""

from __future__ import annotations

import asyncio
import json
import re
import threading

import pytest

from bot import render
from bot.app import webhook_kwargs
from bot.handlers import STATE

pytest_plugins = ["conftest_bot"]
pytest.register_assert_rewrite("conftest_bot")

from conftest_bot import (  # noqa: E402
    ADMIN,
    CORPUS,
    OTHER,
    SEED_FOLDED,
    SEED_QUESTION,
    USER,
    free_port,
    generated_articles,
    make_app,
    make_settings,
    polling,
)

try:
    from tests.fakes import FakeBotAPI, parse_telegram_html, utf16_len
except ImportError:
    from fakes import FakeBotAPI, parse_telegram_html, utf16_len


def buttons(msg: dict) -> list[str]:
    return [b["callback_data"] for row in msg.get("reply_markup", {}).get("inline_keyboard", []) for b in row]


async def test_polling_question_more_and_source(fake, bot_engine):
    async with polling(make_app(fake, bot_engine)):
        fake.push_message(USER, USER, "/start")
        (hello,) = await fake.wait_for_messages(USER, 1)
        assert "Xin chào" in hello["text"] and render.EXAMPLES[0] in hello["text"]

        fake.push_message(USER, USER, SEED_QUESTION)
        msgs = await fake.wait_for_messages(USER, 2)
        answer = msgs[1]
        assert "61 chi bộ đảng" in answer["text"]

        fake.push_message(USER, USER, SEED_FOLDED)
        msgs = await fake.wait_for_messages(USER, 3)
        assert "61 chi bộ đảng" in msgs[2]["text"]

        more, source = buttons(answer)[0], next(b for b in buttons(answer) if b.startswith("s:"))
        fake.push_callback(USER, USER, answer["message_id"], more)
        await fake.wait_for(lambda: "Đoạn 2/" in fake.message(USER, answer["message_id"])["text"])
        fake.push_callback(USER, USER, answer["message_id"], source)
        msgs = await fake.wait_for_messages(USER, 4)
        assert msgs[3]["text"].startswith("📰") and "61 chi bộ đảng" in msgs[3]["text"]
        await fake.wait_for(lambda: len(fake.calls("answerCallbackQuery")) == 2)
    assert fake.pending_updates == []
    fake.assert_no_errors()


async def test_reload_answers_questions_meanwhile(fake, bot_engine, tmp_path, monkeypatch):
    """/reload of ~300 generated articles, held after the first batch (a progress hook):
    a question asked meanwhile is answered from the old index before the summary."""
    generated = generated_articles(tmp_path / "gen", 300)
    (tmp_path / "gen" / "broken.jsonl").write_text('{"id": "x"}\nnot json\n', encoding="utf-8")
    started, gate = threading.Event(), threading.Event()
    real_ingest = bot_engine.ingest

    def held_ingest(paths, *, progress=None, **kw):
        def hook(done, total):
            if progress:
                progress(done, total)
            started.set()
            gate.wait(10)

        return real_ingest(paths, progress=hook, **kw)

    monkeypatch.setattr(bot_engine, "ingest", held_ingest)
    before = bot_engine.stats().articles
    app = make_app(fake, bot_engine, corpus_paths=[CORPUS, generated])
    app.bot_data[STATE].edit_interval_s = 0.0  # show every progress step in this test
    async with polling(app):
        fake.push_message(ADMIN, ADMIN, "/reload")
        (progress,) = await fake.wait_for_messages(ADMIN, 1)
        await fake.wait_for(started.is_set)
        assert bot_engine.ingesting
        # a second /reload is refused politely, a non-admin's too
        fake.push_message(ADMIN, ADMIN, "/reload")
        fake.push_message(OTHER, OTHER, "/reload")
        await fake.wait_for(lambda: render.RELOAD_BUSY in fake.texts(ADMIN))
        await fake.wait_for(lambda: fake.texts(OTHER) == [render.NOT_ADMIN])
        # questions go on, from the old index (the new articles are not searchable yet)
        fake.push_message(USER, USER, "xã Thử Nghiệm thành lập bao nhiêu hợp tác xã kiểu mới?")
        fake.push_message(USER, USER, SEED_QUESTION)
        await fake.wait_for_messages(USER, 2)
        assert "Thử Nghiệm" not in " ".join(fake.texts(USER))
        assert any("61 chi bộ đảng" in t for t in fake.texts(USER))
        answered_at = max(c.at for c in fake.calls("sendMessage", chat_id=USER))
        assert bot_engine.ingesting
        gate.set()
        summary = await fake.wait_for(
            lambda: (m := fake.message(ADMIN, progress["message_id"])) and m["text"].startswith(("✅", "⚠️")) and m,
            timeout=30,
        )
        summary_at = fake.calls("editMessageText", chat_id=ADMIN)[-1].at
        assert answered_at < summary_at
        text = summary["text"]
        assert "Thêm mới: 300" in text and "Xoá: 0" in text and "Lỗi: 2" in text
        assert "broken.jsonl:1" in text and "broken.jsonl:2" in text
        history = [h["text"] for h in fake.edit_history(ADMIN, progress["message_id"])]
        assert history[0] == render.reload_started() and any(re.search(r"256/\d+ bài", h) for h in history)
        assert bot_engine.stats().articles == before + 300
        # the new index is live
        fake.push_message(USER, USER, "xã Thử Nghiệm 7 thành lập bao nhiêu hợp tác xã kiểu mới?")
        msgs = await fake.wait_for_messages(USER, 3)
        assert "Thử Nghiệm 7 " in msgs[2]["text"]
        # again, nothing changed: nothing added, nothing removed
        fake.push_message(ADMIN, ADMIN, "/reload")
        await fake.wait_for(lambda: fake.texts(ADMIN)[-1].startswith(("✅", "⚠️")), timeout=30)
        assert "Thêm mới: 0" in fake.texts(ADMIN)[-1] and "Xoá: 0" in fake.texts(ADMIN)[-1]
    fake.assert_no_errors()


async def test_document_upload(fake, bot_engine):
    article = {"id": "up-1", "title": "Đảng bộ phường Ngọc Thụy kết nạp đảng viên",
               "text": "Năm 2024, Đảng bộ phường Ngọc Thụy kết nạp 27 đảng viên mới.", "date": "2024-12-01"}
    async with polling(make_app(fake, bot_engine)):
        fake.push_document(ADMIN, ADMIN, "../../ngọc thụy.jsonl", (json.dumps(article, ensure_ascii=False) + "\n").encode(), "application/json")
        await fake.wait_for_messages(ADMIN, 1, timeout=15)
        assert "Đã nạp tệp" in fake.texts(ADMIN)[0] and "Thêm mới: 1" in fake.texts(ADMIN)[0]
        # straight into the database (every worker serves it), not a folder of this worker
        assert not (bot_engine.data_dir / "uploads").exists()

        fake.push_message(USER, USER, "Đảng bộ phường Ngọc Thụy kết nạp bao nhiêu đảng viên?")
        (msg,) = await fake.wait_for_messages(USER, 1)
        assert "27 đảng viên" in msg["text"]

        fake.push_document(ADMIN, ADMIN, "virus.exe", b"MZ", "application/octet-stream")
        fake.push_document(ADMIN, ADMIN, "big.txt", b"x", "text/plain", file_size=50_000_000)
        fake.push_document(ADMIN, ADMIN, "nghi-quyet.doc", b"\xd0\xcf\x11\xe0", "application/msword")
        await fake.wait_for_messages(ADMIN, 4)
        refusals = fake.texts(ADMIN)[1:4]  # handled concurrently: any order
        assert any("chỉ nhận tệp" in t for t in refusals) and any("quá lớn" in t for t in refusals)
        assert any(".docx" in t and "Lưu thành" in t for t in refusals)
        fake.push_message(ADMIN, ADMIN, "/reload")  # uploads are not files of CORPUS_PATHS: not removed
        await fake.wait_for(lambda: fake.texts(ADMIN)[-1].startswith(("✅", "⚠️")), timeout=30)
        assert "Lỗi: 0" in fake.texts(ADMIN)[-1]  # (earlier tests' generated files are removed)
        fake.push_message(USER, USER, "Ngoc Thuy ket nap bao nhieu dang vien?")
        msgs = await fake.wait_for_messages(USER, 2)
        assert "27 đảng viên" in msgs[1]["text"]
    assert len(fake.calls("getFile")) == 1
    fake.assert_no_errors()


async def test_word_and_pdf_uploads_are_answered_from(fake, tmp_path):
    from index.engine import Engine
    from test_documents import make_docx, make_pdf

    engine = Engine(tmp_path / "data")
    docx = make_docx(title="Nghị quyết Đảng bộ xã Tân Lập", paragraphs=[
        "Năm 2025, Đảng bộ xã Tân Lập kết nạp 19 đảng viên mới.",
        "Toàn Đảng bộ có 12 chi bộ trực thuộc."])
    pdf = make_pdf(["Báo cáo của Đảng ủy phường Hòa Bình.", "Năm 2025, Đảng bộ phường Hòa Bình kết nạp 23 đảng viên mới."],
                   title="Báo cáo phường Hòa Bình")
    async with polling(make_app(fake, engine)):
        fake.push_document(ADMIN, ADMIN, "nghi quyet tan lap.docx", docx, "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
        await fake.wait_for_messages(ADMIN, 1, timeout=20)
        fake.push_document(ADMIN, ADMIN, "bao-cao.pdf", pdf, "application/pdf")
        await fake.wait_for_messages(ADMIN, 2, timeout=20)
        fake.push_document(ADMIN, ADMIN, "scan.pdf", make_pdf(None), "application/pdf")
        await fake.wait_for_messages(ADMIN, 3, timeout=20)
        texts = fake.texts(ADMIN)
        assert "Thêm mới: 1" in texts[0]
        assert any("Thêm mới: 1" in t and "bao-cao.pdf" in t for t in texts[1:])
        assert any("scan.pdf" in t and "Lỗi: 1" in t and "OCR" in t for t in texts[1:]), texts
        fake.push_message(USER, USER, "Đảng bộ xã Tân Lập kết nạp bao nhiêu đảng viên mới?")
        fake.push_message(USER, USER, "Đảng bộ phường Hòa Bình kết nạp bao nhiêu đảng viên mới?")
        msgs = await fake.wait_for_messages(USER, 2, timeout=20)
        assert any("19 đảng viên" in m["text"] for m in msgs) and any("23 đảng viên" in m["text"] for m in msgs)
    assert engine.stats().articles == 2
    fake.assert_no_errors()


async def test_long_paragraph_source_is_split(fake, bot_engine, tmp_path):
    sentence = "Ban Tuyên giáo huyện Sóc Sơn tổ chức tuyên truyền về <chuyển đổi số> & cải cách hành chính"
    paragraph = ". ".join(f"{sentence} đợt {i}" for i in range(110)) + "."
    path = tmp_path / "soc-son.txt"
    path.write_text(f"Sóc Sơn đẩy mạnh tuyên truyền chuyển đổi số\n\n{paragraph}\nKết thúc.", encoding="utf-8")
    assert bot_engine.ingest([path], workers=1).added == 1
    async with polling(make_app(fake, bot_engine)):
        fake.push_message(USER, USER, "Sóc Sơn tuyên truyền chuyển đổi số như thế nào?")
        (msg,) = await fake.wait_for_messages(USER, 1)
        assert "<chuyển đổi số> &" in msg["text"]
        fake.push_callback(USER, USER, msg["message_id"], next(b for b in buttons(msg) if b.startswith("s:")))
        await fake.wait_for(lambda: len(fake.messages(USER)) >= 4 and fake.calls("answerCallbackQuery"))
        await asyncio.sleep(0.2)
    parts = fake.calls("sendMessage", chat_id=USER)[1:]
    assert len(parts) >= 3 and all(c.ok for c in parts)
    shown = []
    for call in parts:
        text, _ = parse_telegram_html(call.text)  # each part is valid HTML on its own
        assert utf16_len(text) <= 4096
        shown.append(text)
    joined = " ".join(shown)
    assert "đợt 0." in joined and "đợt 109." in joined and "xem tiếp" not in joined
    fake.assert_no_errors()


async def test_rate_limit_end_to_end(fake, bot_engine):
    async with polling(make_app(fake, bot_engine, rate_limit_questions=3)):
        for i in range(5):
            fake.push_message(USER, USER, f"{SEED_FOLDED} {i}")
        await fake.wait_for(lambda: len(fake.messages(USER)) == 4)
        await asyncio.sleep(0.2)
    texts = fake.texts(USER)
    assert len(texts) == 4 and sum("hỏi nhanh quá" in t for t in texts) == 1
    fake.assert_no_errors()


async def test_webhook_mode_checks_the_secret(bot_engine):
    pytest.importorskip("tornado")
    with FakeBotAPI(deliver_webhooks=True) as fake:
        port = free_port()
        settings = make_settings(
            fake, bot_engine, webhook_url=f"http://127.0.0.1:{port}/tg/hook", webhook_port=port, webhook_secret="s3cret-Token_1"
        )
        from bot.app import build_application

        app = build_application(settings, bot_engine)
        hook = settings.webhook_url
        async with app:
            await app.start()
            await app.updater.start_webhook(**webhook_kwargs(settings, "s3cret-Token_1"))
            try:
                assert (fake.webhook_url, fake.webhook_secret) == (hook, "s3cret-Token_1")
                update = fake.message_update(USER, USER, SEED_QUESTION)
                assert await asyncio.to_thread(fake.post_webhook, hook, update, "wrong") == 403
                assert await asyncio.to_thread(fake.post_webhook, hook, update, None) == 403
                await asyncio.sleep(0.2)
                assert fake.messages(USER) == []  # nothing was processed
                assert await asyncio.to_thread(fake.post_webhook, hook, update, "s3cret-Token_1") == 200
                (msg,) = await fake.wait_for_messages(USER, 1)
                assert "61 chi bộ đảng" in msg["text"]
                fake.push_message(USER, USER, SEED_FOLDED)  # delivered by the fake, like Telegram
                await fake.wait_for_messages(USER, 2)
                assert "61 chi bộ đảng" in fake.texts(USER)[1]
            finally:
                await app.updater.stop()
                await app.stop()
        fake.assert_no_errors()
    assert fake.threads() == []
