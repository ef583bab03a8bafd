"""The ``hoidap`` console script: the engine's commands plus ``hoidap bot`` and
``hoidap querylog clear``."""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer

from index.cli import DataDir, DbUrl, _database_errors, app
from index.cli import main as _engine_main

MISSING_TOKEN = (
    "Thiếu TELEGRAM_BOT_TOKEN: đặt biến môi trường hoặc ghi vào tệp .env "
    "(missing TELEGRAM_BOT_TOKEN: set it in the environment or in .env)."
)


def _fail(line: str, code: int) -> None:
    print(line, file=sys.stderr)
    raise typer.Exit(code)


@app.command("bot")
def bot_cmd(
    env_file: Annotated[
        Path | None, typer.Option("--env-file", help="Settings file (default: .env in the current folder).")
    ] = None,
) -> None:
    """Run the Telegram bot (settings: environment and .env; see .env.example)."""
    from pydantic import ValidationError

    from bot.settings import Settings

    try:
        settings = Settings(_env_file=env_file or ".env")
    except ValidationError as exc:
        # name and reason only: pydantic's message would echo the value
        problems = "; ".join(
            f"{'.'.join(map(str, e['loc'])).upper() or 'settings'}: {e['msg']}" for e in exc.errors()
        )
        _fail(f"Cấu hình không hợp lệ (invalid settings): {problems}", 2)
    if not settings.token:
        _fail(MISSING_TOKEN, 2)

    from telegram.error import InvalidToken

    from bot import redact
    from bot.app import run

    try:
        run(settings)
    except InvalidToken:
        _fail("Telegram từ chối TELEGRAM_BOT_TOKEN (the token was rejected); kiểm tra lại với @BotFather.", 1)
    except Exception as exc:  # one redacted line, not a traceback holding the token
        _fail(redact.redact(f"Bot dừng vì lỗi (the bot stopped on an error): {type(exc).__name__}: {exc}"), 1)


querylog_app = typer.Typer(help="The bot's question log.", no_args_is_help=True)
app.add_typer(querylog_app, name="querylog")


@querylog_app.command("clear")
def querylog_clear(
    data_dir: DataDir = Path("data"),
    database_url: DbUrl = None,
    before: Annotated[
        datetime | None,
        typer.Option("--before", formats=["%Y-%m-%d"], help="Only questions asked before this day (UTC)."),
    ] = None,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
) -> None:
    """Delete logged questions (all of them, or those asked before --before)."""
    from index import querylog
    from index.store import database_url as make_url
    from index.store import make_engine

    what = f"các câu hỏi trước {before:%d/%m/%Y}" if before else "toàn bộ nhật ký câu hỏi"
    if not yes:
        typer.confirm(f"Xoá {what}? (delete the logged questions?)", abort=True)
    if not database_url:
        data_dir.mkdir(parents=True, exist_ok=True)
    url = make_url(data_dir, database_url)
    with _database_errors(url):
        n = querylog.clear(make_engine(url), before=before)
    print(f"Đã xoá {n} câu hỏi (deleted {n} logged questions).", file=sys.stderr)


@querylog_app.command("export")
def querylog_export(
    fmt: Annotated[str, typer.Option("--format", help="Only 'eval': the question-set format `hoidap eval` reads.")] = "eval",
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Write here (default: standard output).")] = None,
    days: Annotated[int | None, typer.Option("--days", min=1, help="Only questions of the last N days.")] = None,
    data_dir: DataDir = Path("data"),
    database_url: DbUrl = None,
) -> None:
    """Logged questions as an eval set: a correction sent after 👎 is the gold answer, a 👍
    on a stated answer confirms it; others are written unlabelled ("answerable": null)."""
    import json

    from index import querylog
    from index.store import database_url as make_url
    from index.store import make_engine

    if fmt != "eval":
        _fail(f"Định dạng không hỗ trợ: {fmt!r} (unsupported format; use --format eval).", 2)
    if not database_url:
        data_dir.mkdir(parents=True, exist_ok=True)
    url = make_url(data_dir, database_url)
    with _database_errors(url):
        rows = list(querylog.export_eval(make_engine(url), days=days))
    lines = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
    if out is None:
        sys.stdout.write(lines)
    else:
        part = out.with_name(f".{out.name}.part")
        part.write_text(lines, encoding="utf-8")
        part.replace(out)
    labelled = sum(1 for r in rows if r["answerable"] is not None)
    print(f"Đã xuất {len(rows)} câu hỏi, {labelled} có nhãn (exported {len(rows)} questions, {labelled} labelled).", file=sys.stderr)


def main() -> None:
    _engine_main()


if __name__ == "__main__":
    main()
