"""``hoidap`` command line: ingest, ask, stats (and the bot, through ``bot``).

Settings come from options or the environment: ``--data-dir`` / ``HOIDAP_DATA_DIR``
(default ``./data``) and ``DATABASE_URL`` (overrides the SQLite file).
"""

from __future__ import annotations

import json
import logging
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from index.cli_options import DataDir, DbUrl
from index.engine import DEFAULT_K, BusyError, Engine, _redact
from index.ingest import IngestReport
from index.cli_fetch import register as register_fetch_commands

app = typer.Typer(
    help="hoidap: hỏi đáp over Vietnamese party news (BM25 over underthesea tokens).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
out = Console()
err = Console(stderr=True)



def shipped_corpus() -> Path:
    """The ``corpus/`` folder shipped with the project."""
    here = Path(__file__).resolve().parent.parent / "corpus"
    return here if here.is_dir() else Path("corpus")


def open_engine(data_dir: Path, database_url: str | None) -> Engine:
    from index.store import database_url as resolve

    with _database_errors(resolve(data_dir, database_url)):
        return Engine(data_dir, database_url)


@contextmanager
def _database_errors(url: str) -> Iterator[None]:
    """An unreachable or unusable database: one line on stderr, exit code 2, no traceback."""
    from sqlalchemy.exc import ArgumentError, DBAPIError

    from index.migrations import MigrationError

    try:
        yield
    except (DBAPIError, ArgumentError, MigrationError) as exc:
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()
        reason_line = reason[0] if reason else type(exc).__name__
        password = _password(url)
        if password:
            reason_line = reason_line.replace(password, "***")
        print(
            f"Không dùng được cơ sở dữ liệu {_redact(url)} (cannot use the database): {reason_line}",
            file=sys.stderr,
        )
        raise typer.Exit(2) from None


def _password(url: str) -> str | None:
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).password or None
    except Exception:
        return None


def _ingest_with_progress(engine: Engine, paths: list[Path], *, quiet: bool = False, remove_missing: bool = False) -> IngestReport:
    with Progress(
        TextColumn("[bold]ingest"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("articles"),
        TimeElapsedColumn(),
        console=err,
        disable=quiet,
        transient=False,
    ) as bar:
        task = bar.add_task("ingest", total=None)

        def progress(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        try:
            return engine.ingest(paths, progress=progress, remove_missing=remove_missing)
        except BusyError:
            bar.stop()
            print(
                "Đang có một lượt nạp dữ liệu khác chạy trên cơ sở dữ liệu này; thử lại sau khi nó xong "
                "(another ingest is running on this database; nothing was changed).",
                file=sys.stderr,
            )
            raise typer.Exit(3) from None


def _print_report(r: IngestReport, console: Console) -> None:
    t = Table(title="Ingest summary", show_header=False)
    for name in ("added", "updated", "unchanged", "duplicate", "removed", "failed", "passages", "chars"):
        t.add_row(name, f"{getattr(r, name):,}")
    t.add_row("tokenized chars", f"{r.tokenized_chars:,}")
    t.add_row("elapsed", f"{r.elapsed_s:.2f} s")
    if r.elapsed_s > 0 and r.chars:
        t.add_row("speed", f"{r.chars / r.elapsed_s:,.0f} chars/s")
    console.print(t)
    for e in r.errors:
        console.print(f"[red]failed[/red] {e.where}: {e.reason}", highlight=False)


@app.command("ingest")
def ingest_cmd(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders of articles (.txt, .md, .jsonl).")],
    data_dir: DataDir = Path("data"),
    database_url: DbUrl = None,
    remove_missing: Annotated[bool, typer.Option(help="Delete articles whose files are no longer under PATHS.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
) -> None:
    """Add or update articles; a second run on the same input changes nothing."""
    engine = open_engine(data_dir, database_url)
    report = _ingest_with_progress(engine, paths, quiet=as_json, remove_missing=remove_missing)
    if as_json:
        print(json.dumps(report.to_json(), ensure_ascii=False))
    else:
        _print_report(report, err)
    raise typer.Exit(1 if report.failed else 0)


def _ensure_corpus(engine: Engine) -> None:
    if engine.is_empty():
        corpus = shipped_corpus()
        err.print(f"Dữ liệu trống: nạp kho bài có sẵn {corpus} trước (empty data directory; ingesting the shipped corpus).")
        report = _ingest_with_progress(engine, [corpus], quiet=True)
        err.print(f"  {report.added} bài, {report.passages} đoạn, {report.elapsed_s:.1f} s")


UNCERTAIN_NOTE = "chưa chắc chắn, xin xem đoạn trích bên dưới"


def answer_head(ans) -> list[str]:
    """The first lines of an answer, in its three forms (the bot's are in bot/render.py)."""
    if ans.status == "answered" and ans.answer:
        return [f"[bold]{escape(ans.answer)}[/bold]"]
    if ans.status == "uncertain" and ans.best:
        why = f"; {ans.caveat}" if ans.caveat else ""  # a confident answer held back: why
        return [f"Có thể là: {escape(ans.best)}", f"[italic]({UNCERTAIN_NOTE}; độ tin cậy {ans.confidence:.0%}{escape(why)})[/italic]"]
    if ans.status == "not_found" and ans.missing:
        lines = [f"Không tìm thấy số liệu về {escape(ans.missing)} trong các bài đã nạp."]
        if ans.passages:
            lines.append("Các đoạn gần nhất:")
        return lines
    return []


def _render(ans, console: Console) -> None:
    if ans.followup_of:
        console.print(f"[dim]Hiểu là: {escape(ans.question_used or ans.question)}[/dim]", highlight=False)
    for line in answer_head(ans):
        console.print(line, highlight=False)
    if not ans.passages:
        console.print("Không tìm thấy đoạn nào phù hợp. Hãy thử diễn đạt lại câu hỏi.", highlight=False)
    for i, p in enumerate(ans.passages, 1):
        meta = " · ".join(x for x in (p.date, p.url) if x)
        console.print(f"\n[bold cyan]{i}. {escape(p.title or p.article_id)}[/bold cyan]  [dim]({p.article_id}, đoạn {p.position + 1}, điểm {p.score:.2f}{', ' + escape(meta) if meta else ''})[/dim]", highlight=False)
        console.print(p.text, highlight=False, markup=False)
    console.print(f"\n[dim]{ans.elapsed_ms:.1f} ms[/dim]")


@app.command("ask")
def ask_cmd(
    question: Annotated[str, typer.Argument(help="The question, or - to read one question per line from stdin.")],
    k: Annotated[int, typer.Option("-k", help="How many passages.", min=1, max=50)] = DEFAULT_K,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per answer.")] = False,
    previous: Annotated[
        str | None,
        typer.Option("--previous", help="The question asked just before: a follow-up ('còn chi hội phụ nữ?') is completed from it."),
    ] = None,
    data_dir: DataDir = Path("data"),
    database_url: DbUrl = None,
) -> None:
    """Answer a question from the indexed articles (offline)."""
    engine = open_engine(data_dir, database_url)
    _ensure_corpus(engine)
    questions = (line.strip() for line in sys.stdin) if question == "-" else iter([question])
    for q in questions:
        if not q.strip():
            if question != "-":
                err.print("Câu hỏi trống (empty question).")
                raise typer.Exit(2)
            continue
        ans = engine.ask(q, k=k, previous=previous)
        if as_json:
            print(json.dumps(ans.to_json(), ensure_ascii=False), flush=True)
        else:
            _render(ans, out)


@app.command("chat")
def chat_cmd(
    k: Annotated[int, typer.Option("-k", help="How many passages.", min=1, max=50)] = 3,
    followup_minutes: Annotated[
        float,
        typer.Option("--followup-minutes", envvar="FOLLOWUP_MINUTES", min=0, help="A message this soon after the last one may be a follow-up."),
    ] = 10.0,
    data_dir: DataDir = Path("data"),
    database_url: DbUrl = None,
) -> None:
    """An interactive prompt with the bot's conversation rules: a short follow-up
    ("còn chi hội phụ nữ?", "năm 2019?") borrows from the question before it."""
    engine = open_engine(data_dir, database_url)
    _ensure_corpus(engine)
    err.print("Gõ câu hỏi (Enter trống hoặc Ctrl-D để thoát). Câu hỏi ngắn như «còn chi hội phụ nữ?» được hiểu theo câu trước.")
    previous: str | None = None
    last = 0.0
    while True:
        try:
            q = input("? ").strip()
        except (EOFError, KeyboardInterrupt):
            break
        if not q:
            break
        recent = previous if previous and time.monotonic() - last <= followup_minutes * 60 else None
        ans = engine.ask(q, k=k, previous=recent)
        _render(ans, out)
        previous, last = ans.question_used or q, time.monotonic()


@app.command("stats")
def stats_cmd(
    data_dir: DataDir = Path("data"),
    database_url: DbUrl = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Articles, passages, tokens, index size, last ingest."""
    st = open_engine(data_dir, database_url).stats()
    if as_json:
        print(json.dumps(st.to_json(), ensure_ascii=False))
        return
    t = Table(title="hoidap stats", show_header=False)
    t.add_row("database", st.database)
    t.add_row("articles", f"{st.articles:,}")
    t.add_row("passages", f"{st.passages:,}")
    t.add_row("figures", f"{st.figures:,}")
    t.add_row("tokens", f"{st.tokens:,}")
    t.add_row("terms", f"{st.terms:,}")
    t.add_row("index size", f"{st.index_bytes / 1e6:.1f} MB")
    if st.index_build_seconds is not None:
        t.add_row("index build", f"{st.index_build_seconds:.2f} s")
    if st.last_ingest:
        li = st.last_ingest
        t.add_row("last ingest", f"{li['finished_at']}: +{li['added']} ~{li['updated']} ={li['unchanged']} dup {li['duplicate']} -{li['removed']} failed {li['failed']}")
    out.print(t)


@app.command("eval")
def eval_cmd(
    questions: Annotated[
        Optional[list[Path]], typer.Argument(help="Questions JSONL (dev_questions.jsonl format); several files are pooled.")
    ] = None,
    xquad: Annotated[Optional[Path], typer.Option("--xquad", help="XQuAD-vi folder (passages.jsonl, qa.jsonl).")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
    show_failures: Annotated[int, typer.Option("--failures", help="How many failures to list.")] = 50,
    plot: Annotated[Optional[Path], typer.Option("--plot", help="Folder for PNG charts: precision–coverage curve, reliability diagram.")] = None,
    articles: Annotated[Optional[list[str]], typer.Option("--article", help="Only the questions about this article id (repeatable).")] = None,
    scorer_file: Annotated[Optional[Path], typer.Option("--scorer", help="A scorer file, or 'hand' for the hand weights (default: the shipped scorer).")] = None,
    min_confidence: Annotated[Optional[float], typer.Option("--min-confidence", min=0.0, max=1.0, help="Threshold of stated answers (default: the scorer's).")] = None,
    data_dir: DataDir = Path("data"),
    database_url: DbUrl = None,
) -> None:
    """Trust (coverage, precision, abstention, calibration), hit@k, MRR and accuracy on a
    question set (several files are pooled into one), or XQuAD-vi beside a naive baseline."""
    from index import evaluate

    if not questions and xquad is None:
        err.print("Cần tệp câu hỏi hoặc --xquad FOLDER (give QUESTIONS.jsonl or --xquad).")
        raise typer.Exit(2)
    result: dict = {}
    if questions:
        for path in questions:
            if not path.is_file():
                err.print(f"Không tìm thấy {path} (not found).")
                raise typer.Exit(2)
        engine = open_engine(data_dir, database_url)
        if scorer_file is not None:
            from index import scorer as scoring

            engine.scorer = scoring.load(scorer_file)
        if min_confidence is not None:
            engine.min_confidence = min_confidence
        _ensure_corpus(engine)
        qs = [q for path in questions for q in evaluate.load_jsonl(path)]
        ids = [q["id"] for q in qs if q.get("id")]
        if len(ids) != len(set(ids)):
            err.print("Các tệp có câu hỏi trùng id (the files share question ids); each question must appear once.")
            raise typer.Exit(2)
        unlabelled = [q for q in qs if "answerable" in q and q["answerable"] is None]
        if unlabelled:  # `hoidap querylog export`: questions nobody has judged yet
            err.print(f"{len(unlabelled)} câu hỏi chưa có nhãn (answerable: null) được bỏ qua (skipped unlabelled questions).")
            qs = [q for q in qs if not ("answerable" in q and q["answerable"] is None)]
            if not qs:
                err.print("Không còn câu hỏi nào có nhãn (no labelled question left).")
                raise typer.Exit(2)
        if articles:
            qs = [q for q in qs if q.get("article_id") in set(articles)]
            if not qs:
                err.print(f"Không có câu hỏi nào về {', '.join(articles)} (no question about these articles).")
                raise typer.Exit(2)
        missing = _missing_articles(engine, {q["article_id"] for q in qs if q.get("article_id")})
        if missing:
            err.print(f"[yellow]{len(missing)} gold articles are not indexed[/yellow] (e.g. {sorted(missing)[:3]}); ingest them first.")
        rep = evaluate.evaluate_dev(engine, qs)
        result["dev"] = rep.to_json()
        if not as_json:
            _print_trust_table(f"Trust ({rep.trust.answerable} answerable, {rep.trust.unanswerable} unanswerable questions)", {engine.scorer.name: rep.trust.to_json()})
            _print_dev(rep, show_failures)
        if plot is not None:
            from index.plots import plot_trust

            for path in plot_trust(rep.trust, plot, title=" + ".join(p.name for p in questions)):
                err.print(f"wrote {path}")
    if xquad is not None:
        if not (xquad / "qa.jsonl").is_file():
            err.print(f"Không tìm thấy {xquad}/qa.jsonl (not an XQuAD folder).")
            raise typer.Exit(2)
        res = evaluate.evaluate_xquad(xquad)
        result["xquad"] = res
        if not as_json:
            _print_xquad(res)
    if as_json:
        print(json.dumps(result, ensure_ascii=False))


def _missing_articles(engine: Engine, ids: set[str]) -> set[str]:
    from sqlmodel import select

    from index.store import ArticleRow, session

    with session(engine.db) as s:
        have = set(s.scalars(select(ArticleRow.id).where(ArticleRow.id.in_(list(ids)))))
    return ids - have


def _print_dev(rep, show_failures: int) -> None:
    t = Table(title=f"Evaluation ({rep.n} questions)")
    t.add_column("metric")
    t.add_column("value", justify="right")
    for k, v in rep.hit.items():
        t.add_row(f"hit@{k}", f"{v:.3f}")
    t.add_row("MRR", f"{rep.mrr:.3f}")
    t.add_row("answer accuracy", f"{rep.accuracy:.3f}")
    if rep.figure_accuracy is not None:
        t.add_row("figure accuracy (count/percent/money)", f"{rep.figure_accuracy:.3f}")
    for name, (acc, n) in rep.by_type.items():
        t.add_row(f"  type {name}", f"{acc:.3f} (n={n})")
    for name, (acc, n) in rep.by_variant.items():
        t.add_row(f"  variant {name}", f"{acc:.3f} (n={n})")
    if pair := rep.extra.get("diacritics_removed"):
        t.add_row(
            f"  same {pair['n']} questions, diacritics removed",
            f"{pair['accuracy_without_diacritics']:.3f} (as written {pair['accuracy_as_written']:.3f})",
        )
    out.print(t)
    if rep.failures and show_failures:
        out.print(f"[bold]Failures[/bold] (wrong answer or gold article not first), {len(rep.failures)}:")
        for o in rep.failures[:show_failures]:
            out.print(f"  {o.id} [{o.type}/{o.variant}] rank={o.rank} ok={o.correct} gold={o.gold!r} got={o.got[:60]!r}  {o.question}", highlight=False, markup=False, soft_wrap=True)


def _print_xquad(res: dict) -> None:
    t = Table(title=f"XQuAD-vi ({res['questions']} questions, {res['passages']} passages; {res['digit_questions']} with a digit in the answer)")
    t.add_column("metric")
    t.add_column("hoidap", justify="right")
    t.add_column("naive baseline", justify="right")
    for key in res["hoidap"]:
        a, b = res["hoidap"][key], res["baseline"][key]
        t.add_row(key, "-" if a is None else f"{a:.3f}", "-" if b is None else f"{b:.3f}")
    out.print(t)
    out.print("baseline: whitespace tokens, no normalization, rank_bm25.BM25Okapi over the same passages")


@app.command("train")
def train_cmd(
    questions: Annotated[list[Path], typer.Argument(help="Question sets (JSONL, eval format) to fit on.")],
    out_path: Annotated[Path, typer.Option("--out", help="Where to write the scorer (default: the shipped one).")] = Path(__file__).resolve().parent / "data" / "scorer.json",
    folds: Annotated[int, typer.Option("--folds", min=2, help="Folds, split by article.")] = 5,
    target: Annotated[float, typer.Option("--target-precision", min=0.5, max=1.0, help="Precision of stated answers the threshold is chosen for.")] = 0.92,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
    signed: Annotated[
        bool,
        typer.Option("--signed-calibrator", help="Hold the calibrator's weights to their expected sign (evidence up, absence down); not the shipped scorer's fit."),
    ] = False,
    rescale_on: Annotated[
        list[Path] | None,
        typer.Option("--rescale-on", help="Held-out question sets (never fitted on) whose answers, with the out-of-fold ones, rescale the confidence; repeatable."),
    ] = None,
    held_out_precision: Annotated[
        float | None,
        typer.Option(
            "--held-out-precision",
            min=0.5,
            max=1.0,
            help="Raise the threshold to the lowest confidence at which the --rescale-on sets' stated answers are right this often.",
        ),
    ] = None,
    held_out_decides: Annotated[
        bool,
        typer.Option("--held-out-decides", help="With --held-out-precision: set the threshold there even below the out-of-fold one."),
    ] = False,
    typed: Annotated[
        bool,
        typer.Option("--typed-ranker", help="Give the ranker one weight of each feature per answer type too (scorer.TYPED_FEATURES)."),
    ] = False,
    data_dir: DataDir = Path("data"),
    database_url: DbUrl = None,
) -> None:
    """Fit the answer scorer on question sets: k-fold by article, beside the hand weights."""
    from index import evaluate, train

    train.need_sklearn()
    if held_out_precision is not None and not rescale_on:
        err.print("--held-out-precision reads the answers to the --rescale-on sets: give at least one.")
        raise typer.Exit(2)
    if held_out_decides and held_out_precision is None:
        err.print("--held-out-decides sets the threshold by --held-out-precision: give it.")
        raise typer.Exit(2)
    qs, held = _question_files(questions, evaluate), _question_files(rescale_on or [], evaluate)
    both = {q["question"] for q in qs} & {q["question"] for q in held}
    if both:
        err.print(f"{len(both)} questions are both fitted on and in --rescale-on (e.g. {sorted(both)[0]!r}): a held-out set must be unseen.")
        raise typer.Exit(2)
    engine = open_engine(data_dir, database_url)
    missing = _missing_articles(engine, {q["article_id"] for q in qs + held if q.get("article_id")})
    if missing:
        err.print(f"[yellow]{len(missing)} gold articles are not indexed[/yellow] (e.g. {sorted(missing)[:3]}); ingest them first.")
    items = train.collect(engine, qs)
    scorer, rep = train.train(items, folds, target, train.twins(engine, items), signed, train.collect(engine, held), held_out_precision, held_out_decides, typed)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    scorer.save(out_path)
    if as_json:
        print(json.dumps(rep, ensure_ascii=False))
        return
    _print_trust_table(f"k-fold by article ({rep['folds']} folds, {rep['questions']} questions, {rep['articles']} articles)", {"fitted": rep["fitted"], "hand weights": rep["hand"]})
    if "diacritics_removed" in rep:
        w, wo = rep["diacritics_removed"]["as_written"], rep["diacritics_removed"]["without"]
        out.print(f"  {w['n']} questions written with diacritics, asked without them (best right / coverage / precision): "
                  f"as written {w['best_right']} / {w['coverage']} / {w['precision']}, without {wo['best_right']} / {wo['coverage']} / {wo['precision']}", highlight=False)
    inside = rep["answer_in_candidates"]
    out.print(f"  the right answer among the candidates (a perfect ranker's reach): figures {inside['figures']}, spans {inside['spans']}", highlight=False)
    for src, t in rep["fitted"]["by_source"].items():
        out.print(f"  {src}: coverage {t['coverage']:.3f}, precision {t['precision']:.3f}, abstention {t['abstention_unanswerable']:.3f} (fitted)", highlight=False)
    if "rescaled" in rep:
        r = rep["rescaled"]
        out.print(f"  confidence rescaled (slope {r['slope']}, offset {r['offset']}; fitted on {r['fitted_on']['out_of_fold']} out-of-fold and "
                  f"{r['fitted_on']['held_out']} held-out answers): ECE out of fold {r['ece_out_of_fold']['before']} -> {r['ece_out_of_fold']['after']}, "
                  f"held out {r['ece_held_out']['before']} -> {r['ece_held_out']['after']}", highlight=False)
    if "held_out_threshold" in rep:
        h = rep["held_out_threshold"]
        out.print(f"  threshold for held-out precision >= {h['precision_asked']}: {h['min_confidence']} ({h['stated']} stated, {h['right']} right, "
                  f"precision {h['precision']}); out of fold {h['from_out_of_fold']}, shipped {h['shipped']}", highlight=False)
        err.print(f"min_confidence {scorer.min_confidence:.4f} (held-out precision >= {h['precision_asked']}, never below the out-of-fold cut); written to {out_path}")
        return
    err.print(f"min_confidence {scorer.min_confidence:.4f} (pooled out-of-fold precision >= {target} + {rep['margin']}); written to {out_path}")


def _question_files(paths: list[Path], evaluate) -> list[dict]:
    """The questions of JSONL files, each marked with its file's name; exit 2 on a missing file."""
    qs: list[dict] = []
    for path in paths:
        if not path.is_file():
            err.print(f"Không tìm thấy {path} (not found).")
            raise typer.Exit(2)
        qs += [{**q, "_source": path.name} for q in evaluate.load_jsonl(path)]
    return qs


def _print_trust_table(title: str, columns: dict[str, dict]) -> None:
    t = Table(title=title)
    t.add_column("metric")
    for name in columns:
        t.add_column(name, justify="right")

    def row(label: str, get) -> None:
        t.add_row(label, *[get(c) for c in columns.values()])

    fmt = lambda v: "-" if v is None else f"{v:.3f}"  # noqa: E731
    row("coverage (stated / answerable)", lambda c: fmt(c["coverage"]))
    row("precision (right / stated)", lambda c: fmt(c["precision"]))
    row("abstention on unanswerable", lambda c: fmt(c["abstention_unanswerable"]))
    row("best candidate right: count/percent/money", lambda c: fmt(c["best_candidate_accuracy"]["figures"]["accuracy"]))
    row("best candidate right: date/person/place", lambda c: fmt(c["best_candidate_accuracy"]["spans"]["accuracy"]))
    row("expected calibration error", lambda c: fmt(c["ece"]))
    row("  ... of a perfectly calibrated scorer here", lambda c: "{:.3f} (90%: {:.3f})".format(*c["ece_if_calibrated"].values()) if "ece_if_calibrated" in c else "-")
    row("answered / uncertain / not found", lambda c: " / ".join(str(c["status"].get(s, 0)) for s in ("answered", "uncertain", "not_found")))
    out.print(t)


db_app = typer.Typer(help="The database schema (Alembic migrations).", no_args_is_help=True)
app.add_typer(db_app, name="db")


def _db_url(data_dir: Path, database_url: str | None) -> str:
    from index.store import database_url as resolve

    if not database_url:
        data_dir.mkdir(parents=True, exist_ok=True)
    return resolve(data_dir, database_url)


@db_app.command("upgrade")
def db_upgrade_cmd(data_dir: DataDir = Path("data"), database_url: DbUrl = None) -> None:
    """Apply the schema migrations (new tables, columns); prints the revision before and after."""
    from index import migrations
    from index.store import make_engine

    url = _db_url(data_dir, database_url)
    with _database_errors(url):
        db = make_engine(url, migrate=False)
        before, after = migrations.upgrade(db)
    db.dispose()
    if before == after:
        print(f"{_redact(url)}: already at revision {after} (head)")
    else:
        print(f"{_redact(url)}: upgraded from revision {before or '(none)'} to {after}")


@db_app.command("current")
def db_current_cmd(data_dir: DataDir = Path("data"), database_url: DbUrl = None) -> None:
    """The database's schema revision and this program's newest (head); exit code 1 if behind."""
    from index import migrations
    from index.store import make_engine

    url = _db_url(data_dir, database_url)
    with _database_errors(url):
        db = make_engine(url, migrate=False)
        rev = migrations.current(db)
        head = migrations.head()
    db.dispose()
    state = "head" if rev == head else f"behind head {head}: run hoidap db upgrade"
    print(f"{_redact(url)}: revision {rev or '(none)'} ({state})")
    raise typer.Exit(0 if rev == head else 1)


register_fetch_commands(app)  # hoidap sources …, hoidap fetch


def main() -> None:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    app()


if __name__ == "__main__":
    main()
