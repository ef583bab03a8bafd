"""Load test: 200 simulated users x 5 questions while an admin runs /reload.

The real ``Application`` (as ``hoidap bot`` builds it: flood limiter, concurrent
updates, question log) polls a ``FakeBotAPI`` on 127.0.0.1. Setup, in temporary
folders removed at the end:

- a fresh data folder (or a copy of ``--data-dir``) with the shipped corpus and
  ~300 generated articles ingested;
- ~100 more generated articles written afterwards, so the admin's ``/reload``
  (CORPUS_PATHS = shipped corpus + generated folder) has new articles to tokenize.
  With ``--data-dir`` the folder is copied (never modified) and the corpus paths of
  its earlier ingests are kept in CORPUS_PATHS, so the reload removes nothing.

The run: the admin's ``/reload`` is pushed first, then every simulated user
(user id == private chat id == 1000 + i) starts on a ramp and behaves like a person:
ask, wait for the answer, think a while, ask the next question (``--rate`` sets the
mean think time so that the offered load stays under Telegram's 30 messages/s). The
users are driven from a thread that queues updates at the fake server; the bot's
event loop is left to the bot.

Checks (exit code 1 and a message if any fails): every question got exactly one
answer (sendMessage into that chat; private-chat answers are not quoted, so an answer
belongs to the question the user was waiting on), no answer is an error or
rate-limit text, every chat got exactly ``--questions`` messages, the admin got the
reload summary with the new articles, some questions were answered while the reload
ran, the fake recorded no Bot API rule violation, every update was confirmed, and no
log record at ERROR or above was emitted (and no record contains the token).

The reload's tokenizer pool uses "spawn" inside the bot, which re-imports this
script in each worker: keep everything that runs under ``if __name__ == "__main__"``.

Usage:  python bench/bench_load.py [--data-dir DIR] [--users 200] [--questions 5]
                                   [--shared ../shared] [--timeout 300] [--rate 20]
"""

from __future__ import annotations

import argparse
import asyncio
import heapq
import json
import logging
import random
import shutil
import statistics
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from bench.common import pct  # noqa: E402
from rich.console import Console  # noqa: E402
from rich.table import Table  # noqa: E402

CORPUS = ROOT / "corpus"
ADMIN_ID = 42
FIRST_USER = 1000
SUMMARY_PREFIXES = ("✅", "⚠️", "❌")
FALLBACK_QUESTIONS = [
    "Có bao nhiêu chi bộ đảng được thành lập?",
    "co bao nhieu chi bo dang duoc thanh lap",
    "Ai chủ trì hội nghị?",
    "Hội nghị diễn ra ngày nào?",
    "bao nhieu to chuc cong doan",
]

log = logging.getLogger("bench_load")



# --- synthetic corpus ------------------------------------------------------------------------

_PLACES = ["Hà Nội", "Hải Phòng", "Đà Nẵng", "Cần Thơ", "Huế", "Nghệ An", "Thanh Hóa", "Quảng Ninh",
           "Bắc Ninh", "Lâm Đồng", "Đắk Lắk", "Khánh Hòa", "Bình Định", "An Giang", "Cà Mau", "Lào Cai"]
_ORGS = ["hợp tác xã", "chi bộ đảng", "tổ chức công đoàn", "chi đoàn thanh niên", "chi hội nông dân",
         "hội cựu chiến binh", "tổ hòa giải", "câu lạc bộ khuyến học"]
_LEADERS = ["Nguyễn Văn An", "Trần Thị Bình", "Lê Quang Cường", "Phạm Thu Dung", "Hoàng Minh Đức",
            "Vũ Thị Hạnh", "Đặng Văn Khoa", "Bùi Thị Lan"]


_TEMPLATES = [
    "Năm {year}, phường Tải Thử {i} thuộc {place} đã thành lập {a} {org} mới với {b} thành viên.",
    "Đồng chí {leader}, Bí thư Đảng ủy phường Tải Thử {i}, chủ trì hội nghị ngày {day}-{month}-{year}.",
    "Tỷ lệ hộ gia đình tham gia phong trào đạt {share}%, tăng {small}% so với cùng kỳ năm trước.",
    "Tổng kinh phí huy động được là {money} tỷ đồng, trong đó ngân sách nhà nước chiếm {share2}%.",
    "Đảng bộ phường kết nạp {c} đảng viên mới và công nhận {d} gia đình văn hóa tiêu biểu.",
    "Hội nghị đề ra {small} nhóm giải pháp phát triển kinh tế tập thể giai đoạn {year}-{year5}.",
    "Các {org} của phường tham gia tích cực vào phong trào thi đua yêu nước của {place}.",
    "Trong {small} tháng đầu năm, lực lượng công an phường đã giải quyết {c} vụ việc về an ninh trật tự.",
    "Ủy ban nhân dân phường đã cấp {d} giấy chứng nhận quyền sử dụng đất cho các hộ dân.",
    "Thu nhập bình quân đầu người đạt {money} triệu đồng mỗi năm, cao hơn mức trung bình của tỉnh.",
    "Có {b} học sinh đạt giải trong kỳ thi học sinh giỏi cấp tỉnh, trong đó {small} em đạt giải nhất.",
    "Phường đã làm mới {a} km đường giao thông nông thôn với sự đóng góp của {c} hộ gia đình.",
    "Mặt trận Tổ quốc phường vận động được {money} triệu đồng ủng hộ quỹ Vì người nghèo.",
    "Đến cuối năm {year}, số hộ nghèo giảm còn {small} hộ, chiếm {share3}% tổng số hộ dân.",
]


def write_articles(folder: Path, start: int, n: int, rng: random.Random) -> None:
    """``n`` plain-text news-like articles (title line, blank line, ~8 paragraphs, ~5 KB)
    numbered from ``start``, full of figures for the extractor."""
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(start, start + n):
        place, org = rng.choice(_PLACES), rng.choice(_ORGS)
        year = rng.randint(2015, 2025)
        paragraphs = []
        for _ in range(8):
            values = {
                "i": i, "place": place, "org": rng.choice(_ORGS), "leader": rng.choice(_LEADERS),
                "year": year, "year5": year + 5, "day": rng.randint(1, 28), "month": rng.randint(1, 12),
                "a": rng.randint(3, 900), "b": rng.randint(10, 5000), "c": rng.randint(3, 900),
                "d": rng.randint(3, 900), "share": rng.randint(5, 95), "share2": rng.randint(10, 60),
                "share3": round(rng.uniform(0.5, 9.5), 1), "small": rng.randint(2, 12),
                "money": rng.randint(2, 500),
            }
            sentences = rng.sample(_TEMPLATES, 6)
            paragraphs.append(" ".join(t.format(**values) for t in sentences))
        a = rng.randint(3, 900)
        title = f"Phường Tải Thử {i} ({place}) thành lập {a} {org} trong năm {year}"
        (folder / f"load-{i:05d}.txt").write_text(title + "\n\n" + "\n".join(paragraphs) + "\n", encoding="utf-8")


# --- logging ----------------------------------------------------------------------------------


class Collect(logging.Handler):
    """Keeps every record it sees (the root logger is set to INFO for the run)."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    @staticmethod
    def text(record: logging.LogRecord) -> str:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string still counts as text
            message = f"{record.msg!r} % {record.args!r}"
        return "\n".join(x for x in (message, record.exc_text or "", record.stack_info or "") if x)


# --- the simulated users ------------------------------------------------------------------------


@dataclass
class Question:
    user: int
    k: int
    text: str
    message_id: int
    update_id: int
    pushed: float
    replies: list = field(default_factory=list)  # SentCall objects attributed to it


class Users(threading.Thread):
    """Closed-loop users: ask, wait for the answer (at most ``answer_wait`` s), think, ask again.

    Bounded: stops when everyone asked everything and got (or gave up on) the answers,
    or at ``deadline`` (``time.monotonic()``), whichever comes first.
    """

    def __init__(self, fake, user_ids: list[int], per_user: int, questions: list[str], *,
                 think_mean: float, ramp: float, answer_wait: float, deadline: float, seed: int = 7):
        super().__init__(name="bench-load-users", daemon=True)
        self.fake = fake
        self.user_ids = user_ids
        self.per_user = per_user
        self.questions = questions
        self.think_mean = think_mean
        self.ramp = ramp
        self.answer_wait = answer_wait
        self.deadline = deadline
        self.rng = random.Random(seed)
        self.asked: list[Question] = []
        self.gave_up = 0
        self.timed_out = False
        self.failure: BaseException | None = None
        self.stop_event = threading.Event()

    def think(self) -> float:
        return self.rng.uniform(0.5, 1.5) * self.think_mean

    def run(self) -> None:
        try:
            self._run()
        except BaseException as exc:  # reported by the main thread
            self.failure = exc

    def _push(self, uid: int, k: int) -> Question:
        idx = (uid - FIRST_USER) * self.per_user + k
        text = self.questions[idx % len(self.questions)]
        update = self.fake.message_update(uid, uid, text)
        pushed = time.monotonic()
        update_id = self.fake.push_update(update)
        q = Question(uid, k, text, update["message"]["message_id"], update_id, pushed)
        self.asked.append(q)
        return q

    def _run(self) -> None:
        users = set(self.user_ids)
        t0 = time.monotonic()
        n = len(self.user_ids)
        due: list[tuple[float, int]] = [(t0 + self.ramp * i / max(1, n), uid) for i, uid in enumerate(self.user_ids)]
        heapq.heapify(due)
        asked = dict.fromkeys(self.user_ids, 0)
        outstanding: dict[int, Question] = {}
        cursor = 0
        while not self.stop_event.is_set():
            now = time.monotonic()
            if now >= self.deadline:
                self.timed_out = True
                return
            sent = self.fake.sent  # a live list: appends only, safe to slice
            new, cursor = sent[cursor:], len(sent)
            for call in new:
                if call.method.lower() != "sendmessage" or not call.ok or call.chat_id not in users:
                    continue
                q = outstanding.pop(call.chat_id, None)
                if q is not None and asked[call.chat_id] < self.per_user:
                    heapq.heappush(due, (call.at + self.think(), call.chat_id))
            for uid, q in list(outstanding.items()):
                if now - q.pushed > self.answer_wait:  # lost? move on; the final count decides
                    del outstanding[uid]
                    self.gave_up += 1
                    if asked[uid] < self.per_user:
                        heapq.heappush(due, (now, uid))
            while due and due[0][0] <= now:
                _, uid = heapq.heappop(due)
                outstanding[uid] = self._push(uid, asked[uid])
                asked[uid] += 1
            if not due and not outstanding:
                return
            wake = due[0][0] if due else now + 0.01
            self.stop_event.wait(min(0.01, max(0.0, wake - now)))


# --- setup --------------------------------------------------------------------------------------


def load_questions(shared: Path) -> tuple[list[str], str]:
    path = shared / "eval/dev_questions.jsonl"
    if path.exists():
        qs = [json.loads(line)["question"] for line in path.open(encoding="utf-8") if line.strip()]
        qs = [q for q in qs if q.strip()]
        if qs:
            return qs, f"{len(qs)} dev questions ({path})"
    return list(FALLBACK_QUESTIONS), f"{len(FALLBACK_QUESTIONS)} built-in questions"


def previous_sources(data_dir: Path) -> list[Path]:
    """Corpus paths an existing data folder was ingested from (so /reload keeps them)."""
    from sqlalchemy import text

    from index.store import make_engine, database_url

    db = make_engine(database_url(data_dir))
    found: list[Path] = []
    try:
        with db.connect() as conn:
            for (paths,) in conn.execute(text("SELECT paths FROM ingest_run")):
                for p in json.loads(paths or "[]"):
                    path = Path(p)
                    if path.exists() and "uploads" not in path.parts and path.resolve() not in found:
                        found.append(path.resolve())
    except Exception as exc:  # an older schema: the reload may then remove those articles
        print(f"note: could not read the ingest history of {data_dir}: {exc}")
    finally:
        db.dispose()
    return found


# --- the run ------------------------------------------------------------------------------------


@dataclass
class RunResult:
    questions: list[Question]
    user_calls: list  # ok sendMessage calls into user chats
    reload_pushed: float
    reload_end: float | None
    summary: str | None
    errors: list
    pending: list
    users: Users
    token: str


async def run_load(engine, args, questions: list[str], corpus_paths: list[Path]) -> RunResult:
    from fakes import FakeBotAPI

    from bot.app import build_application, polling_kwargs
    from bot.settings import Settings

    user_ids = [FIRST_USER + i for i in range(args.users)]
    deadline = time.monotonic() + args.timeout
    fake = FakeBotAPI()
    fake.start()
    try:
        settings = Settings(
            _env_file=None,
            telegram_bot_token=fake.token,
            telegram_base_url=fake.url,
            admin_ids=[ADMIN_ID],
            allowed_chat_ids=[],
            data_dir=engine.data_dir,
            database_url=None,
            webhook_url=None,
            corpus_paths=corpus_paths,
            ingest_workers=args.ingest_workers,
            # each user asks --questions times within a minute or so: stay under the per-user limit
            rate_limit_questions=max(10, args.questions),
            rate_limit_window_s=60.0,
        )
        app = build_application(settings, engine)
        think_mean = args.users / args.rate  # mean offered load ~= --rate questions/s
        users = Users(fake, user_ids, args.questions, questions, think_mean=think_mean,
                      ramp=think_mean, answer_wait=args.answer_wait, deadline=deadline)
        async with app:
            await app.start()
            await app.updater.start_polling(poll_interval=0, timeout=1, **polling_kwargs())
            try:
                reload_update = fake.message_update(ADMIN_ID, ADMIN_ID, "/reload")
                reload_pushed = time.monotonic()
                fake.push_update(reload_update)
                users.start()
                while users.is_alive() and time.monotonic() < deadline + 5:
                    await asyncio.sleep(0.05)
                users.stop_event.set()

                def summary_call():
                    return [c for c in fake.calls("editMessageText", chat_id=ADMIN_ID)
                            if c.ok and (c.text or "").startswith(SUMMARY_PREFIXES)]

                try:
                    await fake.wait_for(summary_call, timeout=max(1.0, deadline - time.monotonic()))
                except TimeoutError:
                    pass
                await asyncio.sleep(args.settle)  # a late duplicate would show up here
            finally:
                users.stop_event.set()
                await app.updater.stop()
                await app.stop()
        await asyncio.get_running_loop().run_in_executor(None, users.join, 5.0)
        ends = summary_call()
        reload_end = ends[0].at if ends else None
        first_admin = fake.messages(ADMIN_ID)
        summary = first_admin[0].get("text") if first_admin else None
        user_set = set(user_ids)
        return RunResult(
            questions=list(users.asked),
            user_calls=[c for c in fake.calls("sendMessage") if c.ok and c.chat_id in user_set],
            reload_pushed=reload_pushed,
            reload_end=reload_end,
            summary=summary,
            errors=list(fake.errors),
            pending=fake.pending_updates,
            users=users,
            token=fake.token,
        )
    finally:
        await asyncio.get_running_loop().run_in_executor(None, fake.stop)
        if fake.threads():
            log.warning("the fake left %d threads running", len(fake.threads()))


def reply_target(call) -> int | None:
    """The message id a sendMessage replies to, if it quotes one."""
    rp = call.params.get("reply_parameters")
    if isinstance(rp, str):
        try:
            rp = json.loads(rp)
        except ValueError:
            rp = None
    if isinstance(rp, dict) and isinstance(rp.get("message_id"), int):
        return rp["message_id"]
    rid = call.params.get("reply_to_message_id")
    return rid if isinstance(rid, int) else None


def attribute(result: RunResult) -> tuple[int, int]:
    """Give every user-chat answer to its question; returns (quoted, unattributed)."""
    by_user: dict[int, list[Question]] = {}
    for q in result.questions:
        by_user.setdefault(q.user, []).append(q)
    for qs in by_user.values():
        qs.sort(key=lambda q: q.pushed)
    quoted = unattributed = 0
    for call in sorted(result.user_calls, key=lambda c: c.at):
        qs = by_user.get(call.chat_id, [])
        target = None
        rid = reply_target(call)
        if rid is not None:
            quoted += 1
            target = next((q for q in qs if q.message_id == rid), None)
        else:  # unquoted: the latest question that user asked before it reached the server
            earlier = [q for q in qs if q.pushed <= call.at]
            target = earlier[-1] if earlier else None
        if target is None:
            unattributed += 1
        else:
            target.replies.append(call)
    return quoted, unattributed


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data-dir", type=Path, help="an already-ingested data folder to copy (never modified)")
    ap.add_argument("--users", type=int, default=200)
    ap.add_argument("--questions", type=int, default=5, help="questions per user")
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("--timeout", type=float, default=300.0, help="bound on the whole run (s)")
    ap.add_argument("--rate", type=float, default=20.0, help="mean offered load, questions/s (Telegram allows 30 messages/s)")
    ap.add_argument("--generated", type=int, default=300, help="generated articles ingested before the run")
    ap.add_argument("--new", type=int, default=100, help="generated articles added for the /reload")
    ap.add_argument("--ingest-workers", type=int, default=None, help="INGEST_WORKERS (default: every core)")
    ap.add_argument("--answer-wait", type=float, default=60.0, help="a user gives up waiting after this (s)")
    ap.add_argument("--settle", type=float, default=1.5, help="quiet time after the last answer (s)")
    args = ap.parse_args()
    if args.users < 1 or args.questions < 1 or args.rate <= 0 or args.timeout <= 0:
        ap.error("--users, --questions, --rate and --timeout must be positive")

    con = Console(width=120)
    questions, questions_from = load_questions(args.shared)

    root = logging.getLogger()
    collect = Collect()
    shout = logging.StreamHandler(sys.stderr)
    shout.setLevel(logging.WARNING)
    shout.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(collect)
    root.addHandler(shout)
    root.setLevel(logging.INFO)

    tmp = Path(tempfile.mkdtemp(prefix="hoidap-bench-load-"))
    engine = None
    try:
        from index.engine import Engine

        data_dir = tmp / "data"
        generated = tmp / "generated"
        extra_sources: list[Path] = []
        if args.data_dir:
            if not (args.data_dir / "index").exists() and not any(args.data_dir.glob("*.db")):
                con.print(f"[red]{args.data_dir} does not look like an ingested data folder[/red]")
                return 2
            extra_sources = previous_sources(args.data_dir)
            shutil.copytree(args.data_dir, data_dir)
        rng = random.Random(2026)
        write_articles(generated, 0, args.generated, rng)
        corpus_paths = list({p.resolve(): p for p in [*extra_sources, CORPUS, generated]}.values())
        con.print(f"data folder {data_dir}; ingesting {', '.join(map(str, corpus_paths))} ...")
        engine = Engine(data_dir)
        t = time.perf_counter()
        report = engine.ingest(corpus_paths, workers=args.ingest_workers)
        con.print(f"  +{report.added} articles ({report.unchanged} unchanged, {report.failed} failed) "
                  f"in {time.perf_counter() - t:.1f} s")
        if report.failed:
            con.print("[red]the setup ingest failed on some files[/red]")
            return 2
        articles_before = engine.stats().articles
        write_articles(generated, args.generated, args.new, rng)  # new work for /reload

        # baseline: the engine alone, same questions, same run
        distinct = list(dict.fromkeys(questions))
        for q in distinct:
            engine.ask(q)  # warm up
        ask_ms: list[float] = []
        rounds = max(1, -(-100 // len(distinct)))  # at least ~100 samples
        for _ in range(rounds):
            for q in distinct:
                t = time.perf_counter()
                engine.ask(q)
                ask_ms.append((time.perf_counter() - t) * 1000)

        con.print(f"run: {args.users} users x {args.questions} questions ({questions_from}), "
                  f"~{args.rate:g} questions/s offered, /reload of +{args.new} articles ...")
        collect.records.clear()  # judge the run, not the setup (e.g. a figure refresh warning)
        t_run = time.perf_counter()
        result = asyncio.run(run_load(engine, args, questions, corpus_paths))
        run_s = time.perf_counter() - t_run
        articles_after = engine.stats().articles
    finally:
        root.removeHandler(shout)
        root.removeHandler(collect)
        if engine is not None:
            engine.db.dispose()
        shutil.rmtree(tmp, ignore_errors=True)

    from bot import render

    token = result.token
    quoted, unattributed = attribute(result)
    expected = args.users * args.questions
    qs = result.questions
    answered = [q for q in qs if q.replies]
    lost = [q for q in qs if not q.replies]
    dup = [q for q in qs if len(q.replies) > 1]
    not_asked = expected - len(qs)
    per_chat: dict[int, int] = {}
    for c in result.user_calls:
        per_chat[c.chat_id] = per_chat.get(c.chat_id, 0) + 1
    wrong_count = {FIRST_USER + i: per_chat.get(FIRST_USER + i, 0) for i in range(args.users)
                   if per_chat.get(FIRST_USER + i, 0) != args.questions}
    rate_prefix = render.rate_limited(1).split("🙂")[0]
    bad_text = [q for q in answered if (q.replies[0].text or "") == render.ERROR
                or (q.replies[0].text or "").startswith(rate_prefix)]
    latency = [(q.replies[0].at - q.pushed) * 1000 for q in answered]
    end = result.reload_end
    during = [q for q in answered if end is not None and q.pushed <= end]
    during_ms = [(q.replies[0].at - q.pushed) * 1000 for q in during]
    after_ms = [(q.replies[0].at - q.pushed) * 1000 for q in answered if end is not None and q.pushed > end]
    replies = sorted(c.at for q in answered for c in q.replies[:1])
    span = (replies[-1] - min(q.pushed for q in qs)) if replies else 0.0
    throughput = len(answered) / span if span > 0 else 0.0
    error_records = [r for r in collect.records if r.levelno >= logging.ERROR]
    token_records = [r for r in collect.records if token in Collect.text(r)]
    warnings = [r for r in collect.records if logging.WARNING <= r.levelno < logging.ERROR]

    def ms(values: list[float], q: float) -> str:
        return f"{pct(values, q):,.1f}" if values else "-"

    table = Table(title=f"hoidap bot under load ({articles_before:,} -> {articles_after:,} articles, run {run_s:.1f} s)")
    table.add_column("measure")
    table.add_column("value", justify="right")
    rows = [
        ("questions asked (expected)", f"{len(qs):,} ({expected:,})"),
        ("answered", f"{len(answered):,}"),
        ("lost", f"{len(lost):,}"),
        ("duplicated", f"{len(dup):,}"),
        ("chats with a wrong number of answers", f"{len(wrong_count):,}"),
        ("answers quoting the question / unattributed", f"{quoted:,} / {unattributed:,}"),
        ("reload duration (/reload queued -> summary at server)",
         f"{end - result.reload_pushed:.2f} s" if end is not None else "no summary"),
        ("questions asked (and answered) while the reload ran", f"{len(during):,}"),
        ("latency p50 / p95 / p99 (ms), all", f"{ms(latency, .5)} / {ms(latency, .95)} / {ms(latency, .99)}"),
        ("latency max (ms)", f"{max(latency):,.1f}" if latency else "-"),
        ("latency p50 / p95 (ms), asked during the reload", f"{ms(during_ms, .5)} / {ms(during_ms, .95)}"),
        ("latency p50 / p95 (ms), asked after it", f"{ms(after_ms, .5)} / {ms(after_ms, .95)}"),
        ("offered load", f"{args.users} users, mean think {args.users / args.rate:.1f} s (~{args.rate:g} q/s at full ramp)"),
        ("throughput (answers/s, first question -> last answer)", f"{throughput:.1f}"),
        ("baseline: engine.ask alone p50 / p95 (ms)",
         f"{statistics.median(ask_ms):.2f} / {pct(ask_ms, .95):.2f} (n={len(ask_ms)})"),
        ("Bot API rule violations", f"{len(result.errors)}"),
        ("log records >= ERROR / WARNING / with the token",
         f"{len(error_records)} / {len(warnings)} / {len(token_records)}"),
        ("users that gave up waiting", f"{result.users.gave_up}"),
    ]
    for name, value in rows:
        table.add_row(name, value)
    con.print(table)
    if result.summary:
        con.print("admin's reload summary: " + result.summary.replace("\n", " | "))

    failures: list[str] = []
    if result.users.failure is not None:
        failures.append(f"the user driver crashed: {result.users.failure!r}")
    if result.users.timed_out or not_asked:
        failures.append(f"run not finished within --timeout {args.timeout:g} s ({not_asked} questions never asked)")
    if lost:
        failures.append(f"{len(lost)} questions got no answer, e.g. user {lost[0].user} #{lost[0].k + 1}: {lost[0].text!r}")
    if dup:
        failures.append(f"{len(dup)} questions got more than one answer, e.g. user {dup[0].user} #{dup[0].k + 1}")
    if wrong_count:
        sample = ", ".join(f"{u}: {n}" for u, n in list(wrong_count.items())[:5])
        failures.append(f"{len(wrong_count)} chats did not get exactly {args.questions} messages ({sample})")
    if unattributed:
        failures.append(f"{unattributed} messages reached a user chat before any question")
    if bad_text:
        failures.append(f"{len(bad_text)} answers are an error or rate-limit text, e.g. {bad_text[0].replies[0].text!r}")
    if end is None or not (result.summary or "").startswith("✅"):
        failures.append(f"the admin did not get a successful reload summary (got {result.summary!r})")
    elif f"Thêm mới: {args.new}" not in result.summary:
        failures.append(f"the reload summary does not report {args.new} new articles: {result.summary!r}")
    if articles_after != articles_before + args.new:
        failures.append(f"articles after the reload: {articles_after}, expected {articles_before + args.new}")
    if end is not None and not during:
        failures.append("no question was asked while the reload ran: the run did not test that")
    if result.errors:
        failures.append(f"{len(result.errors)} Bot API rule violations, first: {result.errors[0]}")
    if result.pending:
        failures.append(f"{len(result.pending)} updates never confirmed by the bot")
    if error_records:
        first = error_records[0]
        failures.append(f"{len(error_records)} log records at ERROR or above, first: {first.name}: "
                        + Collect.text(first)[:6000])
    if token_records:
        failures.append(f"{len(token_records)} log records contain the bot token")
    if warnings:
        con.print(f"{len(warnings)} warnings logged, e.g. {warnings[0].name}: {Collect.text(warnings[0])[:200]}")
    if failures:
        con.print("[bold red]FAILED[/bold red]")
        for f in failures:
            con.print(f"  - {f}", markup=False)
        return 1
    con.print("[bold green]passed[/bold green]: every question got exactly one answer, "
              "no Bot API violation, no error logged")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
