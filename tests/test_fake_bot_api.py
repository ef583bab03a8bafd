"""The fake Telegram Bot API server works with the real python-telegram-bot."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest
from telegram import Bot, BotCommand, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest, InvalidToken, RetryAfter
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

try:
    from tests.fakes import FakeBotAPI, HtmlParseError, parse_telegram_html
except ImportError:  # tests/ is not a package: pytest put tests/ itself on sys.path
    from fakes import FakeBotAPI, HtmlParseError, parse_telegram_html

CHAT = 4242
USER = 4242


@pytest.fixture
def fake():
    with FakeBotAPI() as server:
        yield server
    assert server.threads() == [], "the fake left threads running"


def make_app(fake: FakeBotAPI) -> Application:
    return (
        ApplicationBuilder()
        .token(fake.token)
        .base_url(f"{fake.url}/bot")
        .base_file_url(f"{fake.url}/file/bot")
        .build()
    )


def make_bot(fake: FakeBotAPI, token: str | None = None) -> Bot:
    return Bot(token or fake.token, base_url=fake.base_url, base_file_url=fake.base_file_url)


@contextlib.asynccontextmanager
async def polling(app: Application):
    async with app:
        await app.start()
        await app.updater.start_polling(poll_interval=0, timeout=1)
        try:
            yield app
        finally:
            await app.updater.stop()
            await app.stop()


# ---------------------------------------------------------------- end to end


@pytest.mark.asyncio
async def test_polling_start_and_echo(fake):
    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await update.message.reply_text("<b>Xin chào</b> &amp; chào mừng!", parse_mode="HTML")

    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await update.message.reply_text(update.message.text)

    app = make_app(fake)
    app.add_handler(CommandHandler("start", start))
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, echo))

    async with polling(app):
        assert app.bot.username == "hoidap_test_bot"
        fake.push_message(CHAT, USER, "/start")
        fake.push_message(CHAT, USER, "Có bao nhiêu chi bộ đảng?")
        msgs = await fake.wait_for_messages(CHAT, 2, timeout=5)

    assert [m["text"] for m in msgs] == ["Xin chào & chào mừng!", "Có bao nhiêu chi bộ đảng?"]
    assert msgs[0]["entities"] == [{"type": "bold", "offset": 0, "length": 8}]
    assert msgs[0]["from"]["is_bot"] is True
    assert fake.calls("sendMessage", chat_id=CHAT)[0].params["parse_mode"] == "HTML"
    assert {"getMe", "deleteWebhook"} <= {c.method for c in fake.sent}
    assert fake.pending_updates == []  # the final getUpdates confirmed everything
    assert fake.errors == []


@pytest.mark.asyncio
async def test_callback_query_answer_and_edit(fake):
    async def menu(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Một", callback_data="pick:1")]])
        await update.message.reply_text("Chọn:", reply_markup=keyboard)

    async def pick(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        await query.answer("OK")
        await query.edit_message_text(f"Đã chọn {query.data.split(':')[1]}")

    app = make_app(fake)
    app.add_handler(CommandHandler("menu", menu))
    app.add_handler(CallbackQueryHandler(pick))

    async with polling(app):
        fake.push_message(CHAT, USER, "/menu")
        (msg,) = await fake.wait_for_messages(CHAT, 1)
        assert msg["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "pick:1"
        fake.push_callback(CHAT, USER, msg["message_id"], "pick:1")
        await fake.wait_for(lambda: fake.texts(CHAT) == ["Đã chọn 1"])

    (edited,) = fake.messages(CHAT)
    assert "reply_markup" not in edited  # editing without reply_markup drops the keyboard
    assert "edit_date" in edited
    assert [h["text"] for h in fake.edit_history(CHAT, msg["message_id"])] == ["Chọn:"]
    assert fake.calls("answerCallbackQuery")[0].params["text"] == "OK"
    assert fake.errors == []


@pytest.mark.asyncio
async def test_group_command_with_mention_and_quoted_reply(fake):
    group = -100123

    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await update.message.reply_text("chào nhóm")  # PTB quotes by default in groups

    app = make_app(fake)
    app.add_handler(CommandHandler("start", start))
    async with polling(app):
        fake.push_message(
            group, USER, "/start@hoidap_test_bot", chat_type="supergroup", username="an"
        )
        (msg,) = await fake.wait_for_messages(group, 1)
        with pytest.raises(BadRequest, match=r"(?i)message to be replied not found"):
            await app.bot.send_message(group, "x", reply_to_message_id=9999)

    assert msg["chat"]["type"] == "supergroup"
    assert msg["reply_to_message"]["text"] == "/start@hoidap_test_bot"
    assert [e.description for e in fake.errors] == ["Bad Request: message to be replied not found"]


@pytest.mark.asyncio
async def test_document_get_file_and_download(fake):
    content = bytes(range(256)) + b"\r\n--boundary\r\n\x00" + "Nghị quyết".encode()

    async def on_document(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        document = update.message.document
        tg_file = await document.get_file()
        data = bytes(await tg_file.download_as_bytearray())
        digest = hashlib.sha256(data).hexdigest()
        await update.message.reply_text(
            f"{document.file_name} {document.mime_type} {len(data)} {digest}"
        )

    app = make_app(fake)
    app.add_handler(MessageHandler(filters.Document.ALL, on_document))
    async with polling(app):
        fake.push_document(CHAT, USER, "nghi-quyet.txt", content, "text/plain")
        (msg,) = await fake.wait_for_messages(CHAT, 1)

    digest = hashlib.sha256(content).hexdigest()
    assert msg["text"] == f"nghi-quyet.txt text/plain {len(content)} {digest}"
    get_file = fake.calls("getFile")[0]
    assert get_file.result["file_path"].startswith("documents/")
    assert fake.errors == []


@pytest.mark.asyncio
async def test_send_document_multipart_upload(fake):
    content = b"\x00\xff\r\n\r\n--x\r\n" * 100
    async with make_bot(fake) as bot:
        msg = await bot.send_document(
            CHAT,
            document=content,
            filename="báo-cáo.bin",
            caption="<i>Báo cáo</i>",
            parse_mode="HTML",
        )
        assert msg.caption == "Báo cáo"
        assert fake.uploaded(msg.document.file_id) == content
        assert msg.document.file_name == "báo-cáo.bin"
        # ... and the uploaded file can be fetched back
        tg_file = await bot.get_file(msg.document.file_id)
        assert bytes(await tg_file.download_as_bytearray()) == content
    assert fake.errors == []


def tiny_png(width: int, height: int) -> bytes:
    """A valid grey PNG of ``width`` x ``height`` pixels."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


@pytest.mark.asyncio
async def test_send_photo_multipart_upload(fake):
    png = tiny_png(40, 30)
    async with make_bot(fake) as bot:
        msg = await bot.send_photo(CHAT, photo=png, caption="<b>Biểu đồ</b> câu hỏi", parse_mode="HTML")
        assert msg.caption == "Biểu đồ câu hỏi" and msg.caption_entities[0].type == "bold"
        (size,) = msg.photo
        assert (size.width, size.height) == (40, 30)
        assert fake.uploaded(size.file_id) == png
        again = await bot.send_photo(CHAT, photo=size.file_id)  # a file_id is sent again as is
        assert again.photo[0].file_id == size.file_id and again.caption is None
        with pytest.raises(BadRequest, match=r"(?i)IMAGE_PROCESS_FAILED"):
            await bot.send_photo(CHAT, photo=b"GIF89a" + b"\x00" * 100)
        with pytest.raises(BadRequest, match=r"(?i)PHOTO_INVALID_DIMENSIONS"):
            await bot.send_photo(CHAT, photo=tiny_png(500, 10))
        with pytest.raises(BadRequest, match=r"(?i)caption is too long"):
            await bot.send_photo(CHAT, photo=png, caption="a" * 1025)
    stored = fake.messages(CHAT)
    assert [m["photo"][0]["width"] for m in stored] == [40, 40]
    assert stored[0]["from"]["is_bot"] is True and stored[0]["caption"] == "Biểu đồ câu hỏi"
    assert fake.texts(CHAT) == ["Biểu đồ câu hỏi", ""]
    assert [e.description for e in fake.errors] == [
        "Bad Request: IMAGE_PROCESS_FAILED",
        "Bad Request: PHOTO_INVALID_DIMENSIONS",
        "Bad Request: message caption is too long",
    ]


# ---------------------------------------------------------------- Telegram rules


@pytest.mark.asyncio
async def test_message_length_limit(fake):
    async with make_bot(fake) as bot:
        await bot.send_message(CHAT, "a" * 4096)
        # the limit applies to the visible text, not the HTML source
        await bot.send_message(CHAT, "<b>" + "ệ" * 4096 + "</b>", parse_mode="HTML")
        with pytest.raises(BadRequest, match=r"(?i)message is too long"):
            await bot.send_message(CHAT, "a" * 5000)
        with pytest.raises(BadRequest, match=r"(?i)message is too long"):
            await bot.send_message(CHAT, "<b>" + "a" * 4097 + "</b>", parse_mode="HTML")
        with pytest.raises(BadRequest, match=r"(?i)message text is empty"):
            await bot.send_message(CHAT, "  \n ")
    assert [(e.method, e.error_code) for e in fake.errors] == [("sendMessage", 400)] * 3
    assert fake.errors[0].description == "Bad Request: message is too long"
    assert len(fake.messages(CHAT)) == 2


@pytest.mark.asyncio
async def test_callback_data_limit_is_64_bytes(fake):
    def markup(data: str) -> InlineKeyboardMarkup:
        return InlineKeyboardMarkup([[InlineKeyboardButton("x", callback_data=data)]])

    async with make_bot(fake) as bot:
        await bot.send_message(CHAT, "ok", reply_markup=markup("a" * 64))
        with pytest.raises(BadRequest, match=r"(?i)BUTTON_DATA_INVALID"):
            await bot.send_message(CHAT, "too long", reply_markup=markup("a" * 65))
        with pytest.raises(BadRequest, match=r"(?i)BUTTON_DATA_INVALID"):
            await bot.send_message(CHAT, "22 chars, 66 bytes", reply_markup=markup("ệ" * 22))
    assert len(fake.errors) == 2
    assert all(e.description == "Bad Request: BUTTON_DATA_INVALID" for e in fake.errors)


@pytest.mark.asyncio
async def test_html_must_be_valid(fake):
    async with make_bot(fake) as bot:
        msg = await bot.send_message(
            CHAT, "1 &lt; 2 &amp;&amp; <b>AT&amp;T</b> &#8364;", parse_mode="HTML"
        )
        assert msg.text == "1 < 2 && AT&T €"
        for bad in [
            "1 < 2",
            "AT&T",
            "<b>unclosed",
            "<br>",
            "<i><b>x</i></b>",
            '<span class="x">s</span>',
        ]:
            with pytest.raises(BadRequest, match=r"(?i)can.t parse entities"):
                await bot.send_message(CHAT, bad, parse_mode="HTML")
        # without parse_mode the same text is plain and fine
        await bot.send_message(CHAT, "1 < 2 & AT&T")
    assert len(fake.errors) == 6
    assert all("can't parse entities" in e.description for e in fake.errors)
    assert fake.texts(CHAT) == ["1 < 2 && AT&T €", "1 < 2 & AT&T"]


def test_html_parser_units():
    text, entities = parse_telegram_html(
        '<a href="https://x.vn/?a=1&amp;b=2">😀 link</a> <code>c</code>'
    )
    assert text == "😀 link c"
    assert entities == [
        {"type": "text_link", "offset": 0, "length": 7, "url": "https://x.vn/?a=1&b=2"},
        {"type": "code", "offset": 8, "length": 1},
    ]
    with pytest.raises(HtmlParseError, match='Unsupported start tag "p"'):
        parse_telegram_html("<p>x</p>")
    assert parse_telegram_html("a & b", strict_entities=False) == ("a & b", [])


@pytest.mark.asyncio
async def test_edit_message_text(fake):
    async with make_bot(fake) as bot:
        sent = await bot.send_message(CHAT, "v1")
        edited = await bot.edit_message_text(
            "<b>v2</b>", chat_id=CHAT, message_id=sent.message_id, parse_mode="HTML"
        )
        assert edited.text == "v2"
        assert fake.messages(CHAT)[0]["text"] == "v2"
        with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
            await bot.edit_message_text(
                "<b>v2</b>", chat_id=CHAT, message_id=sent.message_id, parse_mode="HTML"
            )
        with pytest.raises(BadRequest, match=r"(?i)message to edit not found"):
            await bot.edit_message_text("v3", chat_id=CHAT, message_id=9999)
        assert await bot.delete_message(CHAT, sent.message_id)
        with pytest.raises(BadRequest, match=r"(?i)message to delete not found"):
            await bot.delete_message(CHAT, sent.message_id)
    assert fake.messages(CHAT) == []
    assert len(fake.errors) == 3


@pytest.mark.asyncio
async def test_wrong_token_is_401(fake):
    with pytest.raises(InvalidToken):
        async with make_bot(fake, token="42:WRONG") as bot:
            await bot.get_me()
    assert fake.errors[0].error_code == 401
    with pytest.raises(urllib.error.HTTPError) as info:
        await asyncio.to_thread(urllib.request.urlopen, f"{fake.url}/bot42:WRONG/getMe", timeout=5)
    assert info.value.code == 401
    assert json.loads(info.value.read()) == {
        "ok": False,
        "error_code": 401,
        "description": "Unauthorized",
    }


@pytest.mark.asyncio
@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # PTB: RetryAfter.retry_after type
async def test_retry_after_injection(fake):
    fake.fail_next("sendMessage", retry_after=1)
    async with make_bot(fake) as bot:
        with pytest.raises(RetryAfter):
            await bot.send_message(CHAT, "first")
        await bot.send_message(CHAT, "second")
    assert fake.texts(CHAT) == ["second"]
    assert fake.errors == []  # injected failures are not violations


@pytest.mark.asyncio
async def test_commands_round_trip(fake):
    async with make_bot(fake) as bot:
        await bot.set_my_commands([BotCommand("start", "Bắt đầu"), BotCommand("help", "Trợ giúp")])
        assert [c.command for c in await bot.get_my_commands()] == ["start", "help"]
        with pytest.raises(BadRequest, match=r"(?i)BOT_COMMAND_INVALID"):
            await bot.set_my_commands([BotCommand("Start", "x")])
        await bot.send_chat_action(CHAT, "typing")


# ---------------------------------------------------------------- getUpdates


@pytest.mark.asyncio
async def test_long_poll_returns_promptly_and_offset_confirms(fake):
    async with make_bot(fake) as bot:
        poll = asyncio.create_task(bot.get_updates(timeout=5))
        await asyncio.sleep(0.3)
        assert not poll.done()  # it is really waiting
        pushed_at = time.monotonic()
        update_id = fake.push_message(CHAT, USER, "xin chào")
        updates = await asyncio.wait_for(poll, 2)
        assert time.monotonic() - pushed_at < 1.0
        assert [u.update_id for u in updates] == [update_id]
        assert updates[0].message.text == "xin chào"
        assert updates[0].message.from_user.id == USER

        # not confirmed yet: offset=0 returns it again
        assert [u.update_id for u in await bot.get_updates(timeout=0)] == [update_id]
        for text in ("a", "b", "c"):
            fake.push_message(CHAT, USER, text)
        batch = await bot.get_updates(offset=update_id + 1, limit=2, timeout=0)
        assert [u.message.text for u in batch] == ["a", "b"]
        # /cmd gets a bot_command entity
        fake.push_message(CHAT, USER, "/start payload")
        rest = await bot.get_updates(offset=batch[-1].update_id + 1, timeout=0)
        assert [u.message.text for u in rest] == ["c", "/start payload"]
        assert rest[1].message.entities[0].type == "bot_command"
        assert rest[1].message.entities[0].length == len("/start")
        await bot.get_updates(offset=rest[-1].update_id + 1, timeout=0)
    assert fake.pending_updates == []
    assert fake.errors == []


# ---------------------------------------------------------------- webhook mode


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.asyncio
async def test_webhook_mode_with_secret():
    pytest.importorskip("tornado")

    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await update.message.reply_text("echo: " + update.message.text)

    with FakeBotAPI(deliver_webhooks=True) as fake:
        app = make_app(fake)
        app.add_handler(MessageHandler(filters.TEXT, echo))
        port = free_port()
        hook = f"http://127.0.0.1:{port}/hook"
        async with app:
            await app.start()
            await app.updater.start_webhook(
                listen="127.0.0.1",
                port=port,
                url_path="hook",
                webhook_url=hook,
                secret_token="s3cret",
            )
            try:
                assert (fake.webhook_url, fake.webhook_secret) == (hook, "s3cret")
                # the test posts an update itself (blocking helper -> run it off the loop)
                update = fake.message_update(CHAT, USER, "một")
                assert await asyncio.to_thread(fake.post_webhook, hook, update, "wrong") == 403
                assert await asyncio.to_thread(fake.post_webhook, hook, update, "s3cret") == 200
                await fake.wait_for(lambda: fake.texts(CHAT) == ["echo: một"])
                # ... or lets the fake deliver queued updates like Telegram does
                fake.push_message(CHAT, USER, "hai")
                await fake.wait_for(lambda: fake.texts(CHAT)[-1:] == ["echo: hai"])
            finally:
                await app.updater.stop()
                await app.stop()
        assert fake.webhook_deliveries[-1][1] == 200
        assert fake.errors == []
    assert fake.threads() == []


# ---------------------------------------------------------------- out of process


def test_bot_in_subprocess(fake):
    script = (
        "import asyncio, os\n"
        "from telegram import Bot\n"
        "async def main():\n"
        "    async with Bot(os.environ['TOKEN'], base_url=os.environ['BASE'] + '/bot',\n"
        "                   base_file_url=os.environ['BASE'] + '/file/bot') as bot:\n"
        "        (u,) = await bot.get_updates(timeout=5)\n"
        "        await bot.send_message(u.message.chat_id, 'pong: ' + u.message.text)\n"
        "        await bot.get_updates(offset=u.update_id + 1, timeout=0)\n"
        "asyncio.run(main())\n"
    )
    fake.push_message(CHAT, USER, "ping")
    env = {**os.environ, "TOKEN": fake.token, "BASE": fake.url}
    proc = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, timeout=30, check=False
    )
    assert proc.returncode == 0, proc.stderr.decode()
    fake.wait_for_sync(lambda: fake.texts(CHAT) == ["pong: ping"], timeout=2)
    assert fake.pending_updates == []
    assert fake.errors == []
