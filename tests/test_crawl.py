"""index/crawl.py against a real HTTP portal on loopback: discover, download, extract,
ingest; failures reported with URL and reason; a second fetch only asks conditionally."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from index import sources
from index.crawl import fetch_sources
from index.fetch import FetchPolicy
from index.store import ArticleRow, session
from index.text import normalize
from portal import portal  # noqa: F401
from portal_site import build_site, rss

pytestmark = pytest.mark.slow  # a real HTTP server, timeouts: not in the fast loop

POLICY = FetchPolicy(timeout_s=2.0, host_delay_s=0.0)  # the slow page takes 6 s; loaded CI machines are slow too
CONDITIONAL = ("if-none-match", "if-modified-since")


def _articles(engine) -> dict[str, ArticleRow]:
    with session(engine.db) as s:
        return {a.id: a for a in s.exec(select(ArticleRow)).scalars()}


def _add_both(engine, site) -> None:
    sources.add_source(engine.db, site.feed_url, name="rss")
    sources.add_source(engine.db, site.sitemap_url, name="sitemap")


def test_first_fetch_stores_every_good_page_and_reports_every_failure(engine, portal):
    site = build_site(portal)
    _add_both(engine, site)
    report = fetch_sources(engine, policy=POLICY, workers=1)

    stored = _articles(engine)
    assert report.ingest.added == len(site.articles) == len(stored)
    for art in site.articles.values():
        row = stored[art["url"]]  # the id is the canonical URL, kept as the «Nguồn» link
        assert row.url == art["url"] and row.title == art["title"]
        assert row.text == "\n".join(l for l in normalize(art["body"]).split("\n") if l)
        assert row.origin is None  # never removed by a /reload of files
    assert {a.source for a in stored.values()} == {"rss", "sitemap"}

    errors = {url: reason for run in report.runs for url, reason in run.errors}
    assert set(errors) == set(site.failures)
    for url, word in site.failures.items():
        assert word.lower() in errors[url].lower(), (url, errors[url])
    by_name = {s.name: s for s in sources.list_sources(engine.db)}
    assert by_name["rss"].last_status == "partial" and by_name["sitemap"].last_status == "ok"
    assert by_name["rss"].articles == 3 and by_name["sitemap"].articles == 2
    assert dict(by_name["rss"].last_errors) == errors
    assert not any(path.startswith("/noi-bo/") for _, path, _ in portal.requests)  # robots.txt obeyed
    assert all("hoidap" in h.get("user-agent", "") for _, _, h in portal.requests)
    assert portal.sent("/tin-tuc/rat-lon.html") < 24 * 2**20  # stopped reading early (of 30 MB)

    ans = engine.ask("Đảng bộ phường Thạch Lâm kết nạp bao nhiêu đảng viên mới?")
    assert "45" in (ans.answer or "") or any("45" in f.text for f in ans.figures)
    assert ans.passages[0].url == site.articles["a1-ket-nap-dang-vien"]["url"]


def test_a_second_fetch_with_nothing_new_changes_nothing_and_asks_conditionally(engine, portal):
    site = build_site(portal)
    _add_both(engine, site)
    fetch_sources(engine, policy=POLICY, workers=1)
    generation = engine.generation()
    portal.clear_requests()

    report = fetch_sources(engine, policy=POLICY, workers=1)
    assert (report.ingest.added, report.ingest.updated, report.ingest.removed) == (0, 0, 0)
    assert engine.generation() == generation
    unconditional = [path for _, path, h in portal.requests if not any(k in h for k in CONDITIONAL)]
    retried = {portal.url(p) for p in unconditional}
    assert retried <= site.transient  # only failures worth retrying are asked again in full
    assert report.new == 0 and report.conditional >= 2


def test_a_healthy_portal_refetched_costs_only_304s(engine, portal):
    site = build_site(portal, failures=False)
    _add_both(engine, site)
    fetch_sources(engine, policy=POLICY, workers=1)
    portal.clear_requests()
    report = fetch_sources(engine, policy=POLICY, workers=1)
    asked = [(path, h) for _, path, h in portal.requests]
    assert "/robots.txt" in [p for p, _ in asked]  # asked again, conditionally: it may have changed
    assert all(any(k in h for k in CONDITIONAL) for _, h in asked)
    assert report.failed == 0 and report.ingest.added == 0


def test_a_new_item_in_the_feed_is_the_only_page_downloaded(engine, portal):
    site = build_site(portal, failures=False)
    sources.add_source(engine.db, site.feed_url, name="rss")
    fetch_sources(engine, policy=POLICY, workers=1)
    body = "<html><head><title>Tin mới</title></head><body><article><h1>Chi bộ khu dân cư số 3 kết nạp đảng viên</h1>" + "".join(
        f"<p>Đoạn {i}: năm 2024, Chi bộ khu dân cư số 3 phường Thạch Lâm kết nạp 12 đảng viên mới, "
        "nâng tổng số đảng viên của chi bộ lên 58 đồng chí.</p>" for i in range(4)) + "</article></body></html>"
    new_url = portal.add("/tin-tuc/chi-bo-so-3.html", body)
    old = [(a["url"], a["title"]) for n, a in site.articles.items() if not n.startswith("b")]
    portal.add("/rss/tin-tuc.rss", rss([(new_url, "Tin mới")] + old), "application/rss+xml")
    portal.clear_requests()
    report = fetch_sources(engine, policy=POLICY, workers=1)
    assert report.ingest.added == 1 and new_url in _articles(engine)
    full = [path for _, path, h in portal.requests if not any(k in h for k in CONDITIONAL)]
    assert full == ["/tin-tuc/chi-bo-so-3.html"]  # the feed was asked conditionally, and had changed
    assert report.new == 1 and report.unchanged == len(old)  # 304s


def test_max_pages_takes_the_newest_and_leaves_the_rest_for_next_time(engine, portal):
    site = build_site(portal, failures=False)
    sources.add_source(engine.db, site.sitemap_url, name="sitemap")
    first = fetch_sources(engine, policy=POLICY, max_pages=1, workers=1)
    assert (first.runs[0].found, first.runs[0].skipped, first.ingest.added) == (2, 1, 1)
    assert site.articles["b2-dan-van-kheo"]["url"] in _articles(engine)  # lastmod 2024-01-02: newer
    second = fetch_sources(engine, policy=POLICY, workers=1)
    assert second.ingest.added == 1 and len(_articles(engine)) == 2


def test_an_unknown_source_name_is_refused(engine, portal):
    with pytest.raises(sources.SourceError):
        fetch_sources(engine, ["nope"], policy=POLICY)


def test_an_unreachable_source_is_a_failure_not_an_exception(engine):
    import socket

    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()  # nothing listens there now
    sources.add_source(engine.db, f"http://127.0.0.1:{port}/rss.xml", name="dead")
    report = fetch_sources(engine, policy=POLICY, workers=1)
    (run,) = report.runs
    assert run.status == "failed" and run.failed >= 1 and run.errors
    assert sources.list_sources(engine.db)[0].last_status == "failed"


def test_junk_links_in_a_feed_are_left_out(engine, portal):
    site = build_site(portal, failures=False)
    good = site.articles["a1-ket-nap-dang-vien"]
    portal.add("/rss/junk.rss", rss([("mailto:toasoan@example.vn", "Thư"), ("javascript:void(0)", "x"), (good["url"], "Tin")]),
               "application/rss+xml")
    sources.add_source(engine.db, portal.url("/rss/junk.rss"), name="junk")
    report = fetch_sources(engine, policy=POLICY, workers=1)
    (run,) = report.runs
    assert report.ingest.added == 1 and good["url"] in _articles(engine)
    assert run.found == 1 and run.errors == []  # not pages: discovery leaves them out
