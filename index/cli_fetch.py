"""``hoidap sources add|list|remove`` and ``hoidap fetch``: articles from news sites.

Registered on the ``hoidap`` app by ``index.cli``. ``SOURCES`` (environment) seeds
the list before either command runs (entries not there yet, by URL).
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer
from dotenv import dotenv_values
from rich.console import Console
from rich.table import Table

from index import sources as sources_mod
from index.cli_options import DataDir, DbUrl
from index.crawl import FetchReport, fetch_sources
from index.engine import BusyError, Engine
from index.fetch import FetchPolicy

out = Console()
err = Console(stderr=True)

sources_app = typer.Typer(help="News sites, feeds and sitemaps that `hoidap fetch` reads.", no_args_is_help=True)


def _engine(data_dir: Path, database_url: str | None) -> Engine:
    from index.cli import open_engine  # index.cli registers these commands: imported late

    engine = open_engine(data_dir, database_url)
    seed = os.environ.get("SOURCES")
    if seed is None:  # as the bot reads it: the environment first, then ./.env
        seed = dotenv_values(".env").get("SOURCES") or ""
    if seed.strip():
        _added, problems = sources_mod.seed_sources(engine.db, seed)
        for problem in problems:
            err.print(f"[yellow]{problem}[/yellow]", highlight=False)
    return engine


@sources_app.command("add")
def sources_add(
    url: Annotated[str, typer.Argument(help="A feed (RSS/Atom), a sitemap (or sitemap index), or a page.")],
    kind: Annotated[str, typer.Option(help="auto | feed | sitemap | page (auto: decided from what the URL serves).")] = "auto",
    name: Annotated[Optional[str], typer.Option(help="Short name (default: the host name).", show_default=False)] = None,
    data_dir: DataDir = Path("data"),
    database_url: DbUrl = None,
) -> None:
    """Add a source; `hoidap fetch` and the bot's /reload then read it."""
    engine = _engine(data_dir, database_url)
    try:
        src = sources_mod.add_source(engine.db, url, kind=kind, name=name)
    except sources_mod.SourceError as exc:
        err.print(f"[red]Không thêm được nguồn:[/red] {exc}", highlight=False)
        raise typer.Exit(2) from None
    out.print(f"Đã thêm nguồn {src.name} ({src.kind}): {src.url}", highlight=False)


@sources_app.command("remove")
def sources_remove(
    name: Annotated[str, typer.Argument(help="The source's name (see `hoidap sources list`).")],
    data_dir: DataDir = Path("data"),
    database_url: DbUrl = None,
) -> None:
    """Remove a source; the articles already fetched from it stay."""
    engine = _engine(data_dir, database_url)
    try:
        src = sources_mod.remove_source(engine.db, name)
    except sources_mod.SourceError as exc:
        err.print(f"[red]{exc}[/red]", highlight=False)
        raise typer.Exit(2) from None
    out.print(f"Đã xóa nguồn {src.name} ({src.articles} bài đã lấy vẫn được giữ).", highlight=False)


@sources_app.command("list")
def sources_list(
    data_dir: DataDir = Path("data"),
    database_url: DbUrl = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the list as JSON.")] = False,
) -> None:
    """Every source with its last fetch, status, articles and errors."""
    engine = _engine(data_dir, database_url)
    items = sources_mod.list_sources(engine.db)
    if as_json:
        print(json.dumps([s.to_json() for s in items], ensure_ascii=False))
        return
    if not items:
        out.print("Chưa có nguồn nào. Thêm: hoidap sources add URL")
        return
    t = Table(title="Sources")
    for col in ("name", "kind", "url", "last fetch", "status", "found", "new", "unchanged", "failed", "articles"):
        t.add_column(col)
    for s in items:
        when = s.last_fetch_at.strftime("%Y-%m-%d %H:%M") if s.last_fetch_at else "-"
        t.add_row(s.name, s.kind, s.url, when, s.last_status or "-", str(s.last_found), str(s.last_new),
                  str(s.last_unchanged), str(s.last_failed), str(s.articles))
    out.print(t)
    for s in items:
        for url, reason in s.last_errors:
            out.print(f"[red]{s.name}[/red] {url}: {reason}", highlight=False)


def print_fetch_report(report: FetchReport, console: Console) -> None:
    t = Table(title="Fetch summary")
    for col in ("source", "status", "found", "new", "unchanged", "failed", "skipped"):
        t.add_column(col)
    for r in report.runs:
        t.add_row(r.source.name, r.status, str(r.found), str(r.new), str(r.unchanged), str(r.failed), str(r.skipped))
    console.print(t)
    ing = report.ingest
    if ing is not None:
        console.print(
            f"articles: {ing.added} added, {ing.updated} updated, {ing.unchanged} unchanged, {ing.failed} failed; "
            f"{report.requests} requests ({report.conditional} conditional); {report.elapsed_s:.1f} s",
            highlight=False,
        )
    for r in report.runs:
        for url, reason in r.errors:
            console.print(f"[red]failed[/red] {r.source.name} {url}: {reason}", highlight=False)


def fetch_cmd(
    source: Annotated[Optional[list[str]], typer.Option("--source", help="Only this source (repeatable).", show_default=False)] = None,
    max_pages: Annotated[Optional[int], typer.Option("--max", min=1, help="At most N article pages per source (newest first).", show_default=False)] = None,
    timeout: Annotated[float, typer.Option(help="Seconds to wait for one page.")] = FetchPolicy.timeout_s,
    delay: Annotated[float, typer.Option(help="Seconds between two requests to one host.")] = FetchPolicy.host_delay_s,
    data_dir: DataDir = Path("data"),
    database_url: DbUrl = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
) -> None:
    """Fetch new and changed articles from the sources, and ingest them."""
    engine = _engine(data_dir, database_url)
    if not sources_mod.list_sources(engine.db):
        err.print("Chưa có nguồn nào (no sources). Thêm: hoidap sources add URL")
        raise typer.Exit(2)
    policy = FetchPolicy(timeout_s=timeout, host_delay_s=delay)

    def progress(rep: FetchReport) -> None:
        if not as_json and rep.current:
            err.print(f"\r{rep.current}: {rep.new} mới, {rep.unchanged} không đổi, {rep.failed} lỗi", end="", highlight=False)

    try:
        report = fetch_sources(engine, source, max_pages=max_pages, policy=policy, progress=progress)
    except sources_mod.SourceError as exc:
        err.print(f"[red]{exc}[/red]", highlight=False)
        raise typer.Exit(2) from None
    except BusyError:
        print(
            "Đang có một lượt nạp dữ liệu khác chạy trên cơ sở dữ liệu này; thử lại sau khi nó xong "
            "(another ingest is running on this database; nothing was changed).",
            file=sys.stderr,
        )
        raise typer.Exit(3) from None
    if as_json:
        print(json.dumps(report.to_json(), ensure_ascii=False))
    else:
        err.print()
        print_fetch_report(report, err)
    raise typer.Exit(1 if report.failed else 0)


def register(app: typer.Typer) -> None:
    app.add_typer(sources_app, name="sources")
    app.command("fetch")(fetch_cmd)
