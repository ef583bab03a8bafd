"""Bot latency benchmark: from an update reaching the bot to its sendMessage reaching
the (fake) Bot API server, over the dev questions, with VNTC indexed.

The real ``Application`` (as ``hoidap bot`` builds it: flood limiter, concurrent
updates, question log) polls a ``FakeBotAPI`` on 127.0.0.1. For each question:

- *in bot*: the update is dispatched (a first handler stamps it) -> the fake server
  records the sendMessage;
- *end to end*: the test queues the update -> sendMessage recorded (adds the long
  poll hand-over);
- *engine.ask*: the engine alone, same questions, same run.

Usage:  python bench/bench_bot.py [--data-dir DIR] [--shared ../shared] [--rounds 3]
Without --data-dir, VNTC + corpus/ are ingested into a temporary folder first
(about 2 minutes). Questions the benchmark logs are deleted again at the end.
Target: p95 *in bot* under 50 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from bench.common import pct  # noqa: E402
from rich.console import Console  # noqa: E402
from rich.table import Table  # noqa: E402

TARGET_P95_MS = 50.0



def open_engine(args, con: Console):
    from index.engine import Engine

    if args.data_dir:
        engine = Engine(args.data_dir)
        if engine.is_empty():
            raise SystemExit(f"{args.data_dir} holds no articles: ingest first or drop --data-dir")
        return engine
    tmp = Path(tempfile.mkdtemp(prefix="hoidap-bench-bot-"))
    con.print(f"ingesting VNTC + corpus/ into {tmp} (pass --data-dir to reuse one) ...")
    engine = Engine(tmp)
    t = time.perf_counter()
    report = engine.ingest([args.shared / "data/vntc-chinhtri-xahoi/articles.jsonl", ROOT / "corpus"])
    con.print(f"  {report.added:,} articles in {time.perf_counter() - t:.0f} s")
    return engine


async def bench_bot(engine, questions: list[str], rounds: int, pace_s: float) -> tuple[list[float], list[float], int]:
    from fakes import FakeBotAPI  # TCP_NODELAY on: it measures the bot, not loopback ACK delays
    from telegram import Update
    from telegram.ext import TypeHandler

    from bot.app import build_application
    from bot.settings import Settings

    in_bot: list[float] = []
    end_to_end: list[float] = []
    with FakeBotAPI() as fake:
        settings = Settings(
            _env_file=None,
            telegram_bot_token=fake.token,
            telegram_base_url=fake.url,
            data_dir=engine.data_dir,
            rate_limit_questions=10**6,  # one "user" asks everything: no per-user limit here
        )
        app = build_application(settings, engine)
        arrived: dict[int, float] = {}

        async def stamp(update: Update, _context) -> None:
            arrived[update.update_id] = time.monotonic()

        app.add_handler(TypeHandler(Update, stamp), group=-100)
        async with app:
            await app.start()
            await app.updater.start_polling(poll_interval=0, timeout=5)
            try:
                chat = 500_000
                for r in range(rounds + 1):  # round 0 warms up
                    for q in questions:
                        chat += 1
                        pushed = time.monotonic()
                        update_id = fake.push_message(chat, chat, q)
                        call = await fake.wait_for_call("sendMessage", timeout=10, chat_id=chat)
                        if r:
                            in_bot.append((call.at - arrived[update_id]) * 1000)
                            end_to_end.append((call.at - pushed) * 1000)
                        await asyncio.sleep(pace_s)  # stay under Telegram's 30 messages/s
            finally:
                await app.updater.stop()
                await app.stop()
        errors = len(fake.errors)
    return in_bot, end_to_end, errors


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("--data-dir", type=Path, help="an already-ingested data folder (skips the ingest)")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--pace-ms", type=float, default=40.0, help="pause between questions")
    args = ap.parse_args()
    questions_file = args.shared / "eval/dev_questions.jsonl"
    if not questions_file.exists() or (not args.data_dir and not (args.shared / "data/vntc-chinhtri-xahoi").exists()):
        print(f"skipped: shared data not found under {args.shared}")
        return 0
    con = Console(width=120)
    questions = [json.loads(line)["question"] for line in questions_file.open(encoding="utf-8") if line.strip()]
    engine = open_engine(args, con)
    from sqlalchemy import text

    with engine.db.connect() as conn:
        first_log_id = conn.execute(text("SELECT COALESCE(MAX(id), 0) FROM question_log")).scalar() or 0

    for q in questions:  # warm up the engine (index load, caches)
        engine.ask(q)
    ask_ms: list[float] = []
    for _ in range(args.rounds):
        for q in questions:
            t = time.perf_counter()
            engine.ask(q)
            ask_ms.append((time.perf_counter() - t) * 1000)

    in_bot, e2e, errors = asyncio.run(bench_bot(engine, questions, args.rounds, args.pace_ms / 1000))

    with engine.db.begin() as conn:
        conn.execute(text("DELETE FROM question_log WHERE id > :first"), {"first": first_log_id})

    st = engine.stats()
    table = Table(title=f"hoidap bot latency ({st.articles:,} articles, {len(questions)} dev questions x{args.rounds})")
    for col in ("measure", "p50 (ms)", "p95 (ms)", "max (ms)", "n"):
        table.add_column(col, justify="right" if col != "measure" else "left")
    for name, values in (
        ("engine.ask alone", ask_ms),
        ("bot: update dispatched -> sendMessage at server", in_bot),
        ("end to end: update queued -> sendMessage at server", e2e),
    ):
        table.add_row(name, f"{statistics.median(values):.2f}", f"{pct(values, 0.95):.2f}", f"{max(values):.2f}", str(len(values)))
    con.print(table)
    p95 = pct(in_bot, 0.95)
    verdict = "met" if p95 < TARGET_P95_MS else "NOT met"
    con.print(f"target p95 < {TARGET_P95_MS:.0f} ms in bot: {verdict} ({p95:.1f} ms); Bot API violations: {errors}")
    return 0 if errors == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
