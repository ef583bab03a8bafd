"""``hoidap bot`` as a real process (polling and webhook, SIGTERM/SIGINT, no token
in its output), its refusal to start without a token, and ``hoidap querylog clear``."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

pytest_plugins = ["conftest_bot"]
pytest.register_assert_rewrite("conftest_bot")

from conftest import db_env, pg_mode  # noqa: E402
from conftest_bot import ADMIN, ROOT, SEED_QUESTION, USER, free_port  # noqa: E402

pytestmark = pytest.mark.slow  # subprocesses, kills, servers: `pytest -m "not slow"` skips them

SETTINGS = (
    "TELEGRAM_BOT_TOKEN", "TELEGRAM_BASE_URL", "ADMIN_IDS", "ALLOWED_CHAT_IDS", "HOIDAP_DATA_DIR", "DATA_DIR",
    "DATABASE_URL", "CORPUS_PATHS", "WEBHOOK_URL", "WEBHOOK_LISTEN", "WEBHOOK_PORT", "WEBHOOK_PATH",
    "WEBHOOK_SECRET", "LOG_LEVEL", "INGEST_WORKERS",
)


def clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k.upper() not in SETTINGS}
    env["PYTHONPATH"] = str(ROOT)
    env.update(extra)
    return env


def hoidap(*args: str) -> list[str]:
    return [sys.executable, "-m", "bot.cli", *args]


def test_missing_token_exits_2_with_one_line(tmp_path):
    proc = subprocess.run(hoidap("bot"), cwd=tmp_path, env=clean_env(), capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "TELEGRAM_BOT_TOKEN" in lines[0] and "Thiếu" in lines[0]
    assert "Traceback" not in proc.stderr and proc.stdout == ""


def test_invalid_setting_exits_2_without_echoing_the_token(tmp_path):
    (tmp_path / ".env").write_text("TELEGRAM_BOT_TOKEN=42:dotenv-secret\nADMIN_IDS=an,binh\n", encoding="utf-8")
    proc = subprocess.run(hoidap("bot"), cwd=tmp_path, env=clean_env(), capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2
    assert len(proc.stderr.strip().splitlines()) == 1 and "ADMIN_IDS" in proc.stderr
    assert "dotenv-secret" not in proc.stderr + proc.stdout


def secrets_of(token: str) -> list[str]:
    return [token, token.split(":", 1)[1], token.replace(":", "%3A")]


def stop(proc: subprocess.Popen, sig: int) -> tuple[int, str]:
    proc.send_signal(sig)
    try:
        _, err = proc.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        _, err = proc.communicate()
        pytest.fail("the bot did not stop on " + signal.Signals(sig).name + ":\n" + err[-3000:])
    return proc.returncode, err


def test_bot_process_polling_stops_on_sigterm_and_never_logs_the_token(fake, bot_engine, tmp_path):
    env = clean_env(
        TELEGRAM_BOT_TOKEN=fake.token,
        TELEGRAM_BASE_URL=fake.url,
        HOIDAP_DATA_DIR=str(bot_engine.data_dir),
        **db_env(bot_engine.data_dir),
        ADMIN_IDS=str(ADMIN),
        LOG_LEVEL="DEBUG",
        INGEST_WORKERS="1",
    )
    proc = subprocess.Popen(hoidap("bot"), cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        fake.push_message(USER, USER, "/start")
        fake.push_message(USER, USER, SEED_QUESTION)
        fake.push_document(ADMIN, ADMIN, "tin-moi.txt", "Tin mới về chi bộ\n\nChi bộ thôn Đông họp.".encode(), "text/plain")
        fake.wait_for_sync(lambda: len(fake.texts(USER)) == 2 and fake.texts(ADMIN), timeout=45)
    finally:
        code, err = stop(proc, signal.SIGTERM)
    assert code == 0, err[-3000:]
    assert "Xin chào" in fake.texts(USER)[0] and "61 chi bộ đảng" in fake.texts(USER)[1]
    assert "Đã nạp tệp" in fake.texts(ADMIN)[0]
    assert fake.commands  # the command menu was set at start
    assert "polling mode" in err and "getUpdates" in err  # DEBUG logs were on...
    for secret in secrets_of(fake.token):
        assert secret not in err  # ...and never showed the token
    fake.assert_no_errors()


def test_bot_process_webhook_mode(fake, bot_engine, tmp_path):
    pytest.importorskip("tornado")
    port = free_port()
    hook = f"http://127.0.0.1:{port}/tg/hook"
    env = clean_env(
        TELEGRAM_BOT_TOKEN=fake.token,
        TELEGRAM_BASE_URL=fake.url,
        HOIDAP_DATA_DIR=str(bot_engine.data_dir),
        **db_env(bot_engine.data_dir),
        WEBHOOK_URL=hook,
        WEBHOOK_PORT=str(port),
        WEBHOOK_SECRET="hook-secret_42",
    )
    proc = subprocess.Popen(hoidap("bot"), cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        fake.wait_for_sync(lambda: fake.webhook_url == hook, timeout=45)
        deadline = time.monotonic() + 10
        update = fake.message_update(USER, USER, SEED_QUESTION)
        while True:  # setWebhook comes right after the server starts listening
            try:
                status = fake.post_webhook(hook, update, "wrong-secret")
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        assert status == 403
        assert fake.post_webhook(hook, update, "hook-secret_42") == 200
        fake.wait_for_sync(lambda: fake.texts(USER), timeout=10)
    finally:
        code, err = stop(proc, signal.SIGINT)
    assert code == 0, err[-3000:]
    assert fake.webhook_secret == "hook-secret_42"
    assert len(fake.texts(USER)) == 1 and "61 chi bộ đảng" in fake.texts(USER)[0]
    for secret in secrets_of(fake.token) + ["hook-secret_42"]:
        assert secret not in err
    fake.assert_no_errors()


def test_querylog_clear(tmp_path):
    from bot.cli import app
    from index.engine import Engine
    from index.querylog import log_question, question_stats

    engine = Engine(tmp_path / "d")
    for q in ("một", "hai"):
        log_question(engine.db, question=q, answer_type="other", answered=False, latency_ms=1.0, chat_id=1, user_id=1)
    assert question_stats(engine.db).today == 2
    result = CliRunner().invoke(app, ["querylog", "clear", "--data-dir", str(tmp_path / "d")], input="n\n")
    assert result.exit_code != 0 and question_stats(engine.db).today == 2  # declined
    result = CliRunner().invoke(app, ["querylog", "clear", "--data-dir", str(tmp_path / "d"), "--yes"])
    assert result.exit_code == 0, result.output
    assert question_stats(engine.db).today == 0
    if not pg_mode():
        assert Path(tmp_path / "d" / "hoidap.db").exists()
