"""Fetch benchmark: a news portal on loopback, fetched, extracted and ingested.

The first ``--pages`` VNTC articles (empty ones skipped) are rendered into two
Vietnamese portal templates, alternating (A: a modern div layout with og/article meta
tags; B: an old table layout, no meta tags, its own class names): logo and menu,
breadcrumbs, a "Tin mới" sidebar of 10 links, title, the date line ("Thứ Hai,
12/03/2020 08:30"), the lead (the article's first paragraph), the other paragraphs, an
author line (class="author"), tags, share buttons, "Tin liên quan", a comment form and
a footer. They are served by ``tests/portal.py``'s ``Portal`` in a child process (so
the server does not share the GIL with the crawler) behind a sitemap index of two
sitemaps (the second gzipped) and an RSS feed of the newest 50.

Measured, each over ``--rounds`` fresh databases (medians):

1. full fetch: ``fetch_sources`` of the sitemap source (host delay 0) → pages/s end to
   end, and the share of wall time inside ``Fetcher.get`` (network), inside
   ``extract_article`` (extraction) and the rest (ingest: discovery parsing,
   tokenizing, SQLite, the index build; the tokenizer pool works on one batch while
   the main process fetches the next, so this is wall time, not CPU time);
2. unchanged re-fetch: ``fetch_sources`` again on the same database → seconds,
   requests, the share sent conditionally, 304 answers; then the same after every
   sitemap was regenerated with a newer ``lastmod`` for every page (the pages
   unchanged: each is asked conditionally); then the RSS source (its 50 pages known
   from the sitemap);
3. baseline, same run: ``Engine.ingest([jsonl])`` of the same articles (same ids'
   texts, titles and dates) into a fresh database → pages/s.

Extraction quality (round 1's fetch): per page, whether the text ``extract_article``
returned equals the source article's text after the same normalization
(``article_from_json``: ``normalize`` + the paragraph join), the title equals, the date
equals; beside it ``trafilatura.extract(html)`` with default options, normalized the
same way. A third of VNTC has no title: when its first line is a headline (<= 120
chars, no final period) it becomes the title and the text is the rest (53 of the first
2,000), else the title is the first sentence's first 12 words (613).

Usage:  python bench/bench_fetch.py [--articles PATH] [--pages 2000] [--rounds 3]
                                    [--data-dir DIR] [--workers N]
        python bench/bench_fetch.py --pages 200 --rounds 1      # a quick check
Without the articles file the script prints a message and exits 0. Nothing is
written into the repository (the JSONL of the baseline goes to the data folder).
"""

from __future__ import annotations

import argparse
import difflib
import gzip
import html
import json
import os
import platform
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT_ARTICLES = ROOT.parent / "shared" / "data" / "vntc-chinhtri-xahoi" / "articles.jsonl"

SITE_NAME = "Báo điện tử Tiếng nói Cơ sở"
NEWEST = datetime(2020, 3, 12, 8, 30)  # page 0's date; each next page 5 hours older
WEEKDAYS = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ Nhật")
AUTHORS = ("Minh Anh", "Thu Hà", "Quang Huy", "Ngọc Lan", "Đức Thắng", "Hồng Nhung")
TAGS = ("xây dựng Đảng", "chính quyền", "an sinh xã hội", "giao thông", "y tế", "giáo dục", "nông thôn mới")
MENU = ("Trang chủ", "Thời sự", "Chính trị", "Xã hội", "Kinh tế", "Pháp luật", "Văn hóa", "Thế giới", "Liên hệ")
FEED_ITEMS = 50


# --- the site ---------------------------------------------------------------------------


@dataclass
class Page:
    i: int
    path: str
    template: str  # "A" or "B"
    title: str
    title_from: str  # "source"; the article had none: "first line" (its headline) or "first words"
    date: datetime
    lines: list[str]  # the article's paragraphs as served (raw, stripped)
    expected: str  # the article's text as ``article_from_json`` gives it
    html: str = ""


def _words(text: str, n: int) -> str:
    return " ".join(text.split()[:n])


def _headline(line: str) -> bool:
    """A first line that is the article's headline: short, no final period."""
    return len(line) <= 120 and not line.rstrip().endswith((".", "…", ":", ";", ","))


def load_articles(path: Path, n: int) -> list[Page]:
    from index.corpus import article_from_json

    pages: list[Page] = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if len(pages) >= n:
                break
            obj = json.loads(line)
            text = obj.get("text") or ""
            if not text.strip():
                continue
            lines = [x.strip() for x in text.split("\n") if x.strip()]
            title = " ".join((obj.get("title") or "").split())
            title_from = "source"
            if not title and len(lines) > 1 and _headline(lines[0]):
                # a third of VNTC has no title; many of those start with their headline
                title, lines, title_from = lines[0], lines[1:], "first line"
            elif not title:  # else a headline of the first words of its first sentence
                sentence = lines[0].split(". ")[0]
                title, title_from = _words(sentence if len(sentence.split()) >= 4 else lines[0], 12), "first words"
            i = len(pages)
            expected = article_from_json({"id": "x", "text": "\n".join(lines)}).text
            pages.append(
                Page(
                    i=i,
                    path=f"/tin-tuc/{'chinh-tri' if i % 2 == 0 else 'xa-hoi'}/bai-{i + 1}.html",
                    template="AB"[i % 2],
                    title=title,
                    title_from=title_from,
                    date=NEWEST - timedelta(hours=5 * i),
                    lines=lines,
                    expected=expected,
                )
            )
    for page in pages:
        page.html = render(page, pages)
    return pages


def _date_line(d: datetime) -> str:
    return f"{WEEKDAYS[d.weekday()]}, {d:%d/%m/%Y %H:%M}"


def _links(page: Page, pages: list[Page], start: int, count: int) -> list[tuple[str, str]]:
    n = len(pages)
    others = [pages[(page.i + k) % n] for k in range(start, start + count) if (page.i + k) % n != page.i]
    return [(p.path, p.title) for p in others]


def render(page: Page, pages: list[Page]) -> str:
    return (_template_a if page.template == "A" else _template_b)(page, pages)


def _template_a(page: Page, pages: list[Page]) -> str:
    e = html.escape
    lead, body = (page.lines[0], page.lines[1:]) if len(page.lines) > 1 else (None, page.lines)
    menu = "".join(f'<li><a href="/{k}">{e(m)}</a></li>' for k, m in enumerate(MENU))
    latest = "".join(f'<li><a href="{u}">{e(t)}</a></li>' for u, t in _links(page, pages, 1, 10))
    related = "".join(f'<li><a href="{u}">{e(t)}</a></li>' for u, t in _links(page, pages, 11, 5))
    tags = " ".join(f'<a href="/tag/{k}">{e(t)}</a>' for k, t in enumerate(TAGS[page.i % 3 : page.i % 3 + 3]))
    paras = "\n".join(f"<p>{e(x)}</p>" for x in body)
    return f"""<!DOCTYPE html>
<html lang="vi"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{e(page.title)} - {SITE_NAME}</title>
<meta property="og:title" content="{e(page.title)}">
<meta property="og:type" content="article">
<meta property="article:published_time" content="{page.date:%Y-%m-%dT%H:%M:%S}+07:00">
<link rel="canonical" href="{page.path}">
<link rel="alternate" type="application/rss+xml" href="/rss/tin-moi.rss">
<link rel="stylesheet" href="/static/site.css"><script src="/static/app.js"></script>
</head><body>
<div class="top-bar"><span>Hôm nay: {_date_line(NEWEST)[:-6]}</span> <a href="/dang-nhap">Đăng nhập</a></div>
<header class="site-header"><a class="logo" href="/"><img src="/static/logo.png" alt="{SITE_NAME}"></a>
<form class="search" action="/tim-kiem"><input name="q" placeholder="Tìm kiếm..."><button>Tìm</button></form>
<nav class="main-menu"><ul>{menu}</ul></nav></header>
<div class="container"><div class="row">
<main class="col-main">
<ol class="breadcrumb"><li><a href="/">Trang chủ</a></li><li><a href="/thoi-su">Thời sự</a></li><li>Chính trị - Xã hội</li></ol>
<article class="article-detail">
<h1 class="article-title">{e(page.title)}</h1>
<div class="article-meta"><span class="date">{_date_line(page.date)}</span> <span class="views">Lượt xem: {1000 + 37 * page.i:,}</span></div>
{f'<div class="article-sapo"><p>{e(lead)}</p></div>' if lead else ''}
<div class="article-body">
{paras}
<p class="author"><strong>{AUTHORS[page.i % len(AUTHORS)]}</strong></p>
</div>
<div class="article-tags"><span>Từ khóa:</span> {tags}</div>
<div class="share-buttons"><span>Chia sẻ:</span> <a href="https://www.facebook.com/sharer.php">Facebook</a> <a href="https://zalo.me/share">Zalo</a> <a href="#" onclick="window.print()">In bài</a></div>
<section class="related-news"><h3>Tin liên quan</h3><ul>{related}</ul></section>
<div class="comment-box"><h3>Ý kiến bạn đọc</h3>
<form action="/binh-luan" method="post"><input name="ten" placeholder="Họ tên"><input name="email" placeholder="Email">
<textarea name="noi-dung" placeholder="Nội dung ý kiến"></textarea><button type="submit">Gửi ý kiến</button></form>
<p class="note">Ý kiến của bạn sẽ được biên tập trước khi đăng.</p></div>
</article>
</main>
<aside class="col-side"><div class="box-news"><h3 class="box-title">Tin mới</h3><ul>{latest}</ul></div>
<div class="box-ads"><a href="/quang-cao"><img src="/static/banner.jpg" alt="Quảng cáo"></a></div></aside>
</div></div>
<footer class="site-footer"><p>{SITE_NAME} - Cơ quan chủ quản: Ban Tuyên giáo.</p>
<p>Địa chỉ: 12 Lê Lợi, quận 1. Điện thoại: 028 3822 0000. Giấy phép số 123/GP-BTTTT.</p>
<p>© 2020 Bản quyền thuộc về {SITE_NAME}.</p></footer>
</body></html>
"""


def _template_b(page: Page, pages: list[Page]) -> str:
    e = html.escape
    lead, body = (page.lines[0], page.lines[1:]) if len(page.lines) > 1 else (None, page.lines)
    menu = "".join(f'<td class="muc"><a href="/m{k}.aspx">{e(m)}</a></td>' for k, m in enumerate(MENU))
    left = "".join(f'<div class="dong"><a href="/m{k}.aspx">» {e(m)}</a></div>' for k, m in enumerate(MENU))
    latest = "".join(
        f'<tr><td class="dong-tin"><img src="/i/dot.gif"> <a href="{u}">{e(t)}</a></td></tr>'
        for u, t in _links(page, pages, 1, 10)
    )
    related = "".join(f'<li class="dong-tin"><a href="{u}">{e(t)}</a></li>' for u, t in _links(page, pages, 11, 5))
    tags = ", ".join(f'<a href="/tim.aspx?tk={k}">{e(t)}</a>' for k, t in enumerate(TAGS[page.i % 4 : page.i % 4 + 3]))
    paras = "\n".join(f'<p align="justify"><span style="font-size:13px">{e(x)}</span></p>' for x in body)
    lead_row = f'<tr><td class="mo-dau"><b>{e(lead)}</b></td></tr>' if lead else ""
    return f"""<html><head>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<title>{e(page.title)}</title>
<link rel="canonical" href="{page.path}">
<link href="/css/style.css" rel="stylesheet" type="text/css">
</head><body bgcolor="#ffffff">
<table width="1000" align="center" cellpadding="0" cellspacing="0" class="khung">
<tr><td colspan="3" class="dau-trang"><a href="/"><img src="/i/banner-logo.jpg" alt="{SITE_NAME}"></a>
<table class="thanh-menu" width="100%"><tr>{menu}</tr></table></td></tr>
<tr>
<td width="180" valign="top" class="cot-trai">{left}
<div class="lien-ket"><b>Liên kết website</b><br><a href="http://chinhphu.vn">Chính phủ</a><br><a href="http://dangcongsan.vn">Đảng Cộng sản</a></div></td>
<td valign="top" class="cot-giua">
<div class="duong-dan"><a href="/">Trang chủ</a> » <a href="/m1.aspx">Thời sự</a> » Chính trị - Xã hội</div>
<table width="100%" class="chi-tiet">
<tr><td class="tieu-de"><div class="tieu-de-bai">{e(page.title)}</div></td></tr>
<tr><td class="ngay-dang">{_date_line(page.date)} (GMT+7)</td></tr>
{lead_row}
<tr><td class="noi-dung">
{paras}
</td></tr>
<tr><td class="author" align="right"><b>{AUTHORS[page.i % len(AUTHORS)]}</b></td></tr>
<tr><td class="tu-khoa-bai"><i>Từ khóa:</i> {tags}</td></tr>
<tr><td class="mxh">Chia sẻ: <a href="https://www.facebook.com/sharer.php"><img src="/i/fb.gif"> Facebook</a> <a href="https://zalo.me/share">Zalo</a> <a href="javascript:window.print()">In trang</a> <a href="/gui-email.aspx">Gửi email</a></td></tr>
<tr><td class="cac-tin"><b>Tin liên quan</b><ul>{related}</ul></td></tr>
<tr><td class="gop-y"><b>Gửi ý kiến</b>
<form action="/gop-y.aspx" method="post"><table><tr><td>Họ tên:</td><td><input name="ht"></td></tr>
<tr><td>Nội dung:</td><td><textarea name="nd"></textarea></td></tr><tr><td></td><td><input type="submit" value="Gửi"></td></tr></table></form></td></tr>
</table></td>
<td width="220" valign="top" class="cot-phai"><table class="hop-tin" width="100%">
<tr><td class="tieu-de-hop">Tin mới</td></tr>{latest}</table>
<div class="qc"><img src="/i/qc1.jpg"></div></td>
</tr>
<tr><td colspan="3" class="chan-trang" align="center">{SITE_NAME}<br>Địa chỉ: 12 Lê Lợi, quận 1 - Điện thoại: 028 3822 0000<br>
Ghi rõ nguồn "{SITE_NAME}" khi phát hành lại thông tin từ website này.</td></tr>
</table></body></html>
"""


def listings(pages: list[Page], base: str, stamp: int = 0) -> dict[str, tuple[bytes, str]]:
    """robots.txt, the sitemap index, its two sitemaps (the second gzipped), the feed.

    ``stamp`` > 0: every listing's bytes change (so do their ETags) and every sitemap
    ``lastmod`` becomes a minute from now, as when a CMS regenerates its sitemaps:
    the pages themselves are unchanged."""
    half = (len(pages) + 1) // 2
    mark = f"<!-- {stamp} -->" if stamp else ""
    redated = (datetime.now(timezone.utc) + timedelta(hours=7, minutes=1)).replace(tzinfo=None) if stamp else None

    def urlset(part: list[Page]) -> bytes:
        body = "".join(
            f"<url><loc>{base}{p.path}</loc><lastmod>{(redated or p.date):%Y-%m-%dT%H:%M:%S}+07:00</lastmod></url>"
            for p in part
        )
        return (
            '<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            f"{body}</urlset>{mark}"
        ).encode()

    index = (
        '<?xml version="1.0" encoding="UTF-8"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"<sitemap><loc>{base}/sitemaps/tin-1.xml</loc></sitemap>"
        f"<sitemap><loc>{base}/sitemaps/tin-2.xml.gz</loc></sitemap></sitemapindex>{mark}"
    ).encode()
    items = "".join(
        f"<item><title>{html.escape(p.title)}</title><link>{base}{p.path}</link>"
        f"<pubDate>{p.date:%a, %d %b %Y %H:%M:%S} +0700</pubDate></item>"
        for p in sorted(pages, key=lambda p: p.date, reverse=True)[:FEED_ITEMS]
    )
    feed = (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
        f"<title>{SITE_NAME}</title><link>{base}/</link><description>Tin mới</description>{items}</channel></rss>{mark}"
    ).encode()
    return {
        "/robots.txt": (b"User-agent: *\nDisallow: /quan-tri/\n", "text/plain"),
        "/sitemap.xml": (index, "application/xml"),
        "/sitemaps/tin-1.xml": (urlset(pages[:half]), "application/xml"),
        "/sitemaps/tin-2.xml.gz": (gzip.compress(urlset(pages[half:])), "application/x-gzip"),
        "/rss/tin-moi.rss": (feed, "application/rss+xml; charset=utf-8"),
    }


def serve(args: argparse.Namespace) -> int:
    """Child process: the portal. Prints its port, then answers commands on stdin
    ("requests": what it received since the last "clear"; "clear"; "touch": change
    every listing); EOF stops it."""
    sys.path.insert(0, str(ROOT / "tests"))
    from portal import Portal

    pages = load_articles(args.articles, args.pages)
    stamp = 0
    with Portal() as portal:
        for p in pages:
            portal.add(p.path, p.html)
        for path, (body, ctype) in listings(pages, portal.base_url).items():
            portal.add(path, body, ctype)
        print(f"PORT {portal.port}", flush=True)
        for line in sys.stdin:
            cmd = line.strip()
            if cmd == "requests":
                reqs = portal.requests
                conditional = sum(1 for _, _, h in reqs if "if-none-match" in h or "if-modified-since" in h)
                print(json.dumps({"requests": len(reqs), "conditional": conditional}), flush=True)
            elif cmd == "clear":
                portal.clear_requests()
                print("{}", flush=True)
            elif cmd == "touch":
                stamp += 1
                for path, (body, ctype) in listings(pages, portal.base_url, stamp).items():
                    portal.add(path, body, ctype)
                print("{}", flush=True)
    return 0


class PortalProcess:
    def __init__(self, args: argparse.Namespace):
        cmd = [sys.executable, __file__, "--serve", "--articles", str(args.articles), "--pages", str(args.pages)]
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline()
        if not line.startswith("PORT "):
            raise RuntimeError(f"portal did not start: {line!r}")
        self.base = f"http://127.0.0.1:{int(line.split()[1])}"

    def ask(self, cmd: str) -> dict:
        self.proc.stdin.write(cmd + "\n")
        self.proc.stdin.flush()
        return json.loads(self.proc.stdout.readline())

    def close(self) -> None:
        self.proc.stdin.close()
        self.proc.wait(timeout=10)


# --- instrumentation --------------------------------------------------------------------


class Timers:
    """Wraps ``Fetcher.get``, ``index.crawl.extract_article`` and ``Engine.rebuild_index``
    (class / module attributes, this process only) with timers; no library code changes."""

    def __init__(self):
        import index.crawl as crawl
        from index.engine import Engine
        from index.fetch import Fetcher

        self.reset()
        self.extracted: dict[str, object] = {}  # final url -> Article
        timers = self
        get, extract, rebuild = Fetcher.get, crawl.extract_article, Engine.rebuild_index

        def timed_get(fetcher, url, validators=None, **kw):
            t = time.perf_counter()
            try:
                result = get(fetcher, url, validators, **kw)
            finally:
                timers.fetch_s += time.perf_counter() - t
            timers.statuses[result.status] += 1
            timers.http[result.http_status] += 1
            return result

        def timed_extract(body, url, content_type=None, *, source=None):
            t = time.perf_counter()
            try:
                article = extract(body, url, content_type, source=source)
            finally:
                timers.extract_s += time.perf_counter() - t
                timers.extract_n += 1
            timers.extracted[url] = article
            return article

        def timed_rebuild(engine, *a, **kw):
            t = time.perf_counter()
            try:
                return rebuild(engine, *a, **kw)
            finally:
                timers.build_s += time.perf_counter() - t

        Fetcher.get = timed_get
        crawl.extract_article = timed_extract
        Engine.rebuild_index = timed_rebuild

    def reset(self) -> None:
        self.fetch_s = self.extract_s = self.build_s = 0.0
        self.extract_n = 0
        self.statuses: Counter = Counter()
        self.http: Counter = Counter()


# --- quality ----------------------------------------------------------------------------


def normalized(text: str) -> str:
    """The same normalization as a JSONL article's text (``article_from_json``)."""
    from index.corpus import article_from_json

    return article_from_json({"id": "x", "text": text}).text if text and text.strip() else ""


def diff_summary(expected: str, got: str) -> str:
    a, b = expected.split("\n"), got.split("\n")
    missing, extra = [], []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op in ("delete", "replace"):
            missing += a[i1:i2]
        if op in ("insert", "replace"):
            extra += b[j1:j2]
    first = next((k for k, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))

    def cut(s: str) -> str:
        return repr(s if len(s) <= 70 else s[:67] + "...")

    parts = [f"{len(a)} lines expected, {len(b)} got; first difference at line {first + 1}"]
    if missing:
        parts.append(f"missing {len(missing)} (first {cut(missing[0])})")
    if extra:
        parts.append(f"extra {len(extra)} (first {cut(extra[0])})")
    return "; ".join(parts)


def line_match(expected: str, got: str) -> tuple[int, int, int]:
    """(lines of the source found in order, source lines, lines extracted)."""
    a, b = expected.split("\n"), [x for x in got.split("\n") if x]
    same = sum(m.size for m in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_matching_blocks())
    return same, len(a), len(b)


def quality(pages: list[Page], extracted: dict[str, object], base: str) -> dict:
    """Shares of pages whose text / title / date equal the source, overall and per template."""
    out: dict = {"text": 0, "title": 0, "date": 0, "missing": 0, "by_template": Counter(), "n_template": Counter(), "diffs": [], "lines": Counter()}
    for p in pages:
        out["n_template"][p.template] += 1
        art = extracted.get(base + p.path)
        same, want, got = line_match(p.expected, normalized(art.text) if art is not None else "")
        out["lines"].update(same=same, want=want, got=got)
        if art is None:
            out["missing"] += 1
            out["diffs"].append((p, "not extracted"))
            continue
        text_ok = normalized(art.text) == p.expected
        out["text"] += text_ok
        out["by_template"][p.template] += text_ok
        out["title"] += art.title == normalized(p.title)
        out["date"] += art.date == p.date
        if not text_ok:
            out["diffs"].append((p, diff_summary(p.expected, normalized(art.text))))
    return out


def extract_alone(pages: list[Page], limit: int, base: str) -> float:
    """Seconds per page of ``extract_article`` alone (no fetch, no ingest beside it) over
    the first ``limit`` pages, to compare with trafilatura.extract on an idle process."""
    from index.webpage import extract_article

    chosen = pages[:limit]
    t = time.perf_counter()
    for p in chosen:
        try:
            extract_article(p.html.encode("utf-8"), base + p.path, "text/html; charset=utf-8")
        except ValueError:
            pass
    return (time.perf_counter() - t) / max(1, len(chosen))


def trafilatura_quality(pages: list[Page]) -> tuple[int, Counter, float, list, Counter]:
    import trafilatura

    equal, by_template, diffs, lines = 0, Counter(), [], Counter()
    t = time.perf_counter()
    outs = [trafilatura.extract(p.html) or "" for p in pages]
    elapsed = time.perf_counter() - t
    for p, got in zip(pages, outs):
        ok = normalized(got) == p.expected
        same, want, n_got = line_match(p.expected, normalized(got))
        lines.update(same=same, want=want, got=n_got)
        equal += ok
        by_template[p.template] += ok
        if not ok:
            diffs.append((p, diff_summary(p.expected, normalized(got))))
    return equal, by_template, elapsed, diffs, lines


# --- the runs ---------------------------------------------------------------------------


def write_jsonl(pages: list[Page], path: Path, base: str) -> None:
    with open(path, "w", encoding="utf-8") as fh:
        for p in pages:
            obj = {"id": base + p.path, "title": p.title, "text": "\n".join(p.lines), "date": f"{p.date:%Y-%m-%dT%H:%M:%S}"}
            fh.write(json.dumps(obj, ensure_ascii=False) + "\n")


def run_fetch(args, portal: PortalProcess, timers: Timers, data_dir: Path) -> dict:
    from index.crawl import fetch_sources
    from index.engine import Engine
    from index.fetch import FetchPolicy
    from index.sources import add_source

    policy = FetchPolicy(host_delay_s=0, timeout_s=10)
    engine = Engine(data_dir)
    add_source(engine.db, portal.base + "/sitemap.xml", kind="sitemap", name="bench-sitemap")
    add_source(engine.db, portal.base + "/rss/tin-moi.rss", kind="feed", name="bench-rss")
    out: dict = {}

    portal.ask("clear")
    timers.reset()
    timers.extracted.clear()
    rep = fetch_sources(engine, ["bench-sitemap"], policy=policy, workers=args.workers)
    out["first_s"] = rep.elapsed_s
    out["first_fetch_s"], out["first_extract_s"], out["first_build_s"] = timers.fetch_s, timers.extract_s, timers.build_s
    out["first_extract_n"] = timers.extract_n
    out["first_new"], out["first_failed"] = rep.new, rep.failed
    out["first_added"] = rep.ingest.added if rep.ingest else 0
    out["first_requests"] = rep.requests
    out["first_server"] = portal.ask("requests")["requests"]
    out["errors"] = [e for r in rep.runs for e in r.errors][:5]
    out["extracted"] = dict(timers.extracted)

    portal.ask("clear")
    timers.reset()
    rep2 = fetch_sources(engine, ["bench-sitemap"], policy=policy, workers=args.workers)
    out["again_s"] = rep2.elapsed_s
    out["again_requests"], out["again_conditional"] = rep2.requests, rep2.conditional
    out["again_304"] = timers.statuses["not_modified"]
    out["again_new"] = rep2.new
    out["again_server"] = portal.ask("requests")["requests"]

    portal.ask("touch")  # every listing changed, every lastmod newer, no page changed
    portal.ask("clear")
    timers.reset()
    rep4 = fetch_sources(engine, ["bench-sitemap"], policy=policy, workers=args.workers)
    out["touched_s"] = rep4.elapsed_s
    out["touched_requests"], out["touched_conditional"] = rep4.requests, rep4.conditional
    out["touched_304"], out["touched_new"] = timers.statuses["not_modified"], rep4.new

    portal.ask("clear")
    timers.reset()
    rep3 = fetch_sources(engine, ["bench-rss"], policy=policy, workers=args.workers)
    out["feed_s"], out["feed_requests"], out["feed_304"] = rep3.elapsed_s, rep3.requests, timers.statuses["not_modified"]
    out["feed_found"] = sum(r.found for r in rep3.runs)
    out["feed_new"] = rep3.new
    engine.db.dispose()
    return out


def run_jsonl(args, jsonl: Path, data_dir: Path) -> dict:
    from index.engine import Engine

    engine = Engine(data_dir)
    t = time.perf_counter()
    rep = engine.ingest([jsonl], workers=args.workers)
    elapsed = time.perf_counter() - t
    engine.db.dispose()
    return {"s": elapsed, "added": rep.added}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=Path, default=DEFAULT_ARTICLES, help="VNTC articles.jsonl")
    ap.add_argument("--pages", type=int, default=2000)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--data-dir", type=Path, default=None, help="scratch folder (default: a temporary one)")
    ap.add_argument("--workers", type=int, default=None, help="tokenizer processes (default: the engine's)")
    ap.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if not args.articles.exists():
        print(f"skipped: articles not found at {args.articles} (pass --articles PATH)")
        return 0
    if args.serve:
        return serve(args)

    from rich.console import Console
    from rich.table import Table

    import logging

    logging.getLogger("index.crawl").setLevel(logging.ERROR)  # failed pages are in the table
    con = Console(width=170)
    scratch = args.data_dir or Path(tempfile.mkdtemp(prefix="hoidap-bench-fetch-"))
    scratch.mkdir(parents=True, exist_ok=True)
    pages = load_articles(args.articles, args.pages)
    n = len(pages)
    page_bytes = sum(len(p.html.encode()) for p in pages)
    con.print(f"{n} pages ({page_bytes / 2**20:.1f} MiB of HTML), {sum(len(p.expected) for p in pages):,} chars of text; scratch {scratch}")

    portal = PortalProcess(args)
    timers = Timers()
    jsonl = scratch / "articles.jsonl"
    write_jsonl(pages, jsonl, portal.base)
    runs, bases = [], []
    try:
        for r in range(args.rounds):
            order = ("fetch", "jsonl") if r % 2 == 0 else ("jsonl", "fetch")
            for what in order:
                d = scratch / f"round{r + 1}-{what}"
                shutil.rmtree(d, ignore_errors=True)
                if what == "fetch":
                    runs.append(run_fetch(args, portal, timers, d))
                    f = runs[-1]
                    con.print(
                        f"round {r + 1} fetch: {f['first_s']:.1f} s, {f['first_new']} new, {f['first_failed']} failed; "
                        f"again {f['again_s']:.2f} s"
                    )
                else:
                    bases.append(run_jsonl(args, jsonl, d))
                    con.print(f"round {r + 1} jsonl: {bases[-1]['s']:.1f} s, {bases[-1]['added']} added")
                shutil.rmtree(d, ignore_errors=True)
    finally:
        portal.close()
        if args.data_dir is None:
            shutil.rmtree(scratch, ignore_errors=True)
        else:
            jsonl.unlink(missing_ok=True)

    med = lambda key, xs=runs: statistics.median(x[key] for x in xs)  # noqa: E731
    first_s, base_s = med("first_s"), med("s", bases)
    fetch_s, extract_s, build_s = med("first_fetch_s"), med("first_extract_s"), med("first_build_s")
    ingest_s = max(0.0, first_s - fetch_s - extract_s)
    again_s = med("again_s")
    q = quality(pages, runs[0]["extracted"], portal.base)
    t_equal, t_by, t_elapsed, t_diffs, t_lines = trafilatura_quality(pages)
    alone_ms = 1000 * extract_alone(pages, min(n, 500), portal.base)
    ql = q["lines"]
    extract_ms = 1000 * extract_s / max(1, med("first_extract_n"))
    traf_ms = 1000 * t_elapsed / n
    nA, nB = q["n_template"]["A"], q["n_template"]["B"]
    titles = Counter(p.title_from for p in pages)

    rows = [
        ("pages (articles) / failed", f"{runs[0]['first_new']} fetched, {runs[0]['first_added']} added / {runs[0]['first_failed']}", f"{bases[0]['added']} added", ""),
        ("full fetch, pages/s (end to end)", f"{n / first_s:,.1f} ({first_s:.1f} s)", f"{n / base_s:,.1f} ({base_s:.1f} s) JSONL ingest", f"{first_s / base_s:.2f}x the time"),
        ("  network (in Fetcher.get)", f"{100 * fetch_s / first_s:.0f}% ({fetch_s:.1f} s, {1000 * fetch_s / max(1, runs[0]['first_requests']):.2f} ms/request)", "", ""),
        ("  extraction (extract_article)", f"{100 * extract_s / first_s:.0f}% ({extract_s:.1f} s, {extract_ms:.1f} ms/page)", "", ""),
        ("  extraction alone, ms/page", f"{alone_ms:.1f} (first {min(n, 500)} pages)", f"{traf_ms:.1f} trafilatura.extract (all pages)", f"{alone_ms / traf_ms:.2f}x"),
        ("  ingest (the rest of the wall time)", f"{100 * ingest_s / first_s:.0f}% ({ingest_s:.1f} s; index build {build_s:.1f} s)", f"{base_s:.1f} s (whole JSONL ingest)", ""),
        ("  requests (client / server)", f"{runs[0]['first_requests']} / {runs[0]['first_server']}", "", ""),
        ("unchanged re-fetch", f"{again_s:.2f} s", f"{first_s:.1f} s (first fetch)", f"{first_s / again_s:.0f}x faster"),
        ("  requests / conditional / 304", f"{runs[0]['again_requests']} / {runs[0]['again_conditional'] / max(1, runs[0]['again_requests']):.1%} / {runs[0]['again_304']}", f"{runs[0]['again_new']} new", ""),
        ("re-fetch, sitemaps re-dated, pages unchanged", f"{med('touched_s'):.2f} s", f"{first_s:.1f} s (first fetch)", f"{first_s / med('touched_s'):.0f}x faster"),
        ("  requests / conditional / 304", f"{runs[0]['touched_requests']} / {runs[0]['touched_conditional'] / max(1, runs[0]['touched_requests']):.1%} / {runs[0]['touched_304']}", f"{runs[0]['touched_new']} new", ""),
        ("RSS source then (50 pages known)", f"{med('feed_s'):.2f} s, {runs[0]['feed_requests']} request(s), {runs[0]['feed_304']} x 304", f"{runs[0]['feed_new']} new", ""),
        ("text equal to the source", f"{q['text'] / n:.3f} ({q['text']}/{n})", f"{t_equal / n:.3f} ({t_equal}/{n}) trafilatura.extract", ""),
        ("  template A (div) / B (table)", f"{q['by_template']['A'] / max(1, nA):.3f} / {q['by_template']['B'] / max(1, nB):.3f}", f"{t_by['A'] / max(1, nA):.3f} / {t_by['B'] / max(1, nB):.3f}", ""),
        ("  source lines found / extracted lines that are source", f"{ql['same'] / ql['want']:.3f} / {ql['same'] / max(1, ql['got']):.3f}", f"{t_lines['same'] / t_lines['want']:.3f} / {t_lines['same'] / max(1, t_lines['got']):.3f}", ""),
        ("title / date equal", f"{q['title'] / n:.3f} / {q['date'] / n:.3f} (of pages extracted: {q['title'] / max(1, n - q['missing']):.3f} / {q['date'] / max(1, n - q['missing']):.3f})", "-", ""),
        ("  titles made for VNTC articles without one", f"{titles['first line']} its first line, {titles['first words']} its first words", "", ""),
    ]
    table = Table(title=f"hoidap fetch benchmark ({os.cpu_count()} cores, {n} pages, medians of {args.rounds} rounds)")
    for col in ("measure", "hoidap", "baseline", "ratio"):
        table.add_column(col)
    for row in rows:
        table.add_row(*row)
    con.print(table)
    con.print(f"machine: {os.cpu_count()} cores, {platform.python_implementation()} {platform.python_version()}, {platform.platform()}")
    con.print("command: " + shlex.join([Path(sys.executable).name, *sys.argv]))
    con.print(
        "baseline: Engine.ingest of the same articles from a JSONL file into a fresh database (same text, titles, dates); "
        "shares are of the fetch's wall time (the tokenizer pool runs beside the main process)"
    )
    if runs[0]["errors"]:
        con.print("first errors:", runs[0]["errors"])
    if q["diffs"]:
        con.print(f"extract_article: {len(q['diffs'])} pages differ; the first 5:")
        for p, why in q["diffs"][:5]:
            con.print(f"  page {p.i + 1} ({p.template}, {p.path}): {why}", markup=False)
    if t_diffs:
        con.print(f"trafilatura.extract: {len(t_diffs)} pages differ; the first 5:")
        for p, why in t_diffs[:5]:
            con.print(f"  page {p.i + 1} ({p.template}): {why}", markup=False)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
