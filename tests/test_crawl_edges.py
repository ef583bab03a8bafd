"""index/crawl.py on what real sites do: unchanged indexes over changed sitemaps, failed
and HTML children, duplicates, shared canonical links, non-ASCII validators, dates no
news page has, big indexes and sitemaps, --max over several runs. Each test was first
written against the code it now guards (a review of the fetch change), failing there."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from index import sources
from index.crawl import fetch_sources
from index.fetch import FetchPolicy
from index.store import ArticleRow, session
from portal import portal  # noqa: F401
from portal_site import rss, urlset

POLICY = FetchPolicy(timeout_s=5.0, host_delay_s=0.0)
CONDITIONAL = ("if-none-match", "if-modified-since")


pytestmark = pytest.mark.slow  # a real HTTP server on loopback


def articles(engine):
    with session(engine.db) as s:
        return {a.id: a for a in s.exec(select(ArticleRow)).scalars()}


def page(title, n=0, canonical=None):
    head = f'<link rel="canonical" href="{canonical}">' if canonical else ""
    paras = "".join(
        f"<p>Đoạn {i} bài {n}: năm 2024 Đảng bộ phường số {n} kết nạp {10+n} đảng viên mới, "
        "nâng tổng số đảng viên lên nhiều đồng chí, hoàn thành chỉ tiêu nghị quyết đề ra.</p>"
        for i in range(4)
    )
    return f"<html><head><title>{title}</title>{head}</head><body><article><h1>{title}</h1>{paras}</article></body></html>"


def index_xml(portal, children):
    body = "".join(f"<sitemap><loc>{portal.url(c)}</loc></sitemap>" for c in children)
    return ('<?xml version="1.0" encoding="UTF-8"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            f"{body}</sitemapindex>")


def test_an_unchanged_index_still_has_its_changed_child_sitemap_read(engine, portal):
    portal.add("/robots.txt", "User-agent: *\n", "text/plain")
    a1 = portal.add("/tin/1.html", page("Bài một", 1))
    portal.add("/sitemap-news.xml", urlset([(a1, "2024-01-01")]), "application/xml")
    portal.add("/sitemap.xml", index_xml(portal, ["/sitemap-news.xml"]), "application/xml")
    sources.add_source(engine.db, portal.url("/sitemap.xml"), name="sm")
    assert fetch_sources(engine, policy=POLICY, workers=1).ingest.added == 1
    # a new article is published: the child sitemap changes, the index (no lastmod) does not
    a2 = portal.add("/tin/2.html", page("Bài hai", 2))
    portal.add("/sitemap-news.xml", urlset([(a2, "2024-01-02"), (a1, "2024-01-01")]), "application/xml")
    portal.clear_requests()
    fetch_sources(engine, policy=POLICY, workers=1)
    asked = [p for _, p, _ in portal.requests]
    assert "/sitemap-news.xml" in asked, f"child sitemap never asked; requests={asked}"
    assert a2 in articles(engine)


def test_an_unchanged_home_page_still_has_its_feed_read(engine, portal):
    portal.add("/robots.txt", "User-agent: *\n", "text/plain")
    a1 = portal.add("/tin/1.html", page("Bài một", 1))
    portal.add("/", '<html><head><title>Cổng</title><link rel="alternate" type="application/rss+xml" href="/rss.xml"></head>'
               "<body><p>Trang chủ</p></body></html>")
    portal.add("/rss.xml", rss([(a1, "Bài một")]), "application/rss+xml")
    sources.add_source(engine.db, portal.url("/"), name="home")  # kind auto
    assert fetch_sources(engine, policy=POLICY, workers=1).ingest.added == 1
    a2 = portal.add("/tin/2.html", page("Bài hai", 2))
    portal.add("/rss.xml", rss([(a2, "Bài hai"), (a1, "Bài một")]), "application/rss+xml")
    portal.clear_requests()
    fetch_sources(engine, policy=POLICY, workers=1)
    asked = [p for _, p, _ in portal.requests]
    assert "/rss.xml" in asked, f"feed never asked; requests={asked}"


def test_an_html_child_sitemap_is_a_failure_and_the_others_are_read(engine, portal):
    portal.add("/robots.txt", "User-agent: *\n", "text/plain")
    a1 = portal.add("/tin/1.html", page("Bài một", 1))
    portal.add("/sitemap-1.xml", urlset([(a1, "2024-01-01")]), "application/xml")
    # a soft-404 / maintenance page with 200 at the second child
    portal.add("/sitemap-2.xml", page("Trang không tồn tại - trang báo lỗi của cổng", 99))
    portal.add("/sitemap.xml", index_xml(portal, ["/sitemap-1.xml", "/sitemap-2.xml"]), "application/xml")
    sources.add_source(engine.db, portal.url("/sitemap.xml"), name="sm")
    rep = fetch_sources(engine, policy=POLICY, workers=1)
    stored = articles(engine)
    assert a1 in stored, "the article of sitemap-1 was lost"
    assert portal.url("/sitemap-2.xml") not in stored and portal.url("/sitemap.xml") not in stored


def test_a_page_with_another_articles_text_is_not_downloaded_again(engine, portal):
    portal.add("/robots.txt", "User-agent: *\n", "text/plain")
    body = page("Bài một", 1)
    a1 = portal.add("/tin/1.html", body)
    a1b = portal.add("/chuyen-muc/tin/1.html", body)  # same article under a second section, no canonical
    portal.add("/rss.xml", rss([(a1, "x"), (a1b, "x")]), "application/rss+xml")
    sources.add_source(engine.db, portal.url("/rss.xml"), name="rss")
    fetch_sources(engine, policy=POLICY, workers=1)
    fetch_sources(engine, policy=POLICY, workers=1)
    portal.clear_requests()
    rep = fetch_sources(engine, policy=POLICY, workers=1)  # third run, nothing changed
    full = [p for _, p, h in portal.requests if not any(k in h for k in CONDITIONAL)]
    assert full == [], f"unconditional requests on an unchanged site: {full}; report.new={rep.new}"


def test_the_same_url_in_two_sources_is_downloaded_once(engine, portal):
    portal.add("/robots.txt", "User-agent: *\n", "text/plain")
    a1 = portal.add("/tin/1.html", page("Bài một", 1))
    portal.add("/rss.xml", rss([(a1, "x")]), "application/rss+xml")
    portal.add("/sitemap.xml", urlset([(a1, "2024-01-01")]), "application/xml")
    sources.add_source(engine.db, portal.url("/rss.xml"), name="rss")
    sources.add_source(engine.db, portal.url("/sitemap.xml"), name="sm")
    rep = fetch_sources(engine, policy=POLICY, workers=1)
    gets = [p for _, p, _ in portal.requests if p == "/tin/1.html"]
    assert len(gets) == 1, f"/tin/1.html downloaded {len(gets)} times in one run"
    assert rep.new == rep.ingest.added


def test_repeated_max_reaches_the_older_pages(engine, portal):
    portal.add("/robots.txt", "User-agent: *\n", "text/plain")
    urls = [portal.add(f"/tin/{i}.html", page(f"Bài số {i}", i)) for i in range(3)]
    portal.add("/sitemap.xml", urlset([(u, f"2024-01-0{i+1}") for i, u in enumerate(urls)]), "application/xml")
    sources.add_source(engine.db, portal.url("/sitemap.xml"), name="sm")
    for _ in range(4):
        rep = fetch_sources(engine, policy=POLICY, workers=1, max_pages=1)
    assert len(articles(engine)) == 3, f"after 4 runs with --max 1, {len(articles(engine))} of 3 articles"


def test_a_canonical_link_to_the_home_page_is_ignored(engine, portal):
    portal.add("/robots.txt", "User-agent: *\n", "text/plain")
    home = portal.url("/")
    u = [portal.add(f"/tin/{i}.html", page(f"Bài số {i}", i, canonical=home)) for i in range(3)]
    portal.add("/rss.xml", rss([(x, "x") for x in u]), "application/rss+xml")
    sources.add_source(engine.db, portal.url("/rss.xml"), name="rss")
    rep = fetch_sources(engine, policy=POLICY, workers=1)
    rep2 = fetch_sources(engine, policy=POLICY, workers=1)
    assert len(articles(engine)) == 3


def test_a_non_ascii_etag_on_robots_txt_does_not_block_the_host(engine, portal):
    portal.add("/robots.txt", "User-agent: *\n", "text/plain", etag='"r\u00e9v1"')
    a1 = portal.add("/tin/1.html", page("Bài một", 1))
    portal.add("/rss.xml", rss([(a1, "x")]), "application/rss+xml")
    sources.add_source(engine.db, portal.url("/rss.xml"), name="rss")
    r1 = fetch_sources(engine, policy=POLICY, workers=1)
    r2 = fetch_sources(engine, policy=POLICY, workers=1)
    r3 = fetch_sources(engine, policy=POLICY, workers=1)
    assert not r2.failed and not r3.failed


def test_a_non_ascii_etag_on_a_page_is_not_sent_back(engine, portal):
    portal.add("/robots.txt", "User-agent: *\n", "text/plain")
    a1 = portal.add("/tin/1.html", page("Bài một", 1), etag='"\u00e9"')
    portal.add("/rss.xml", rss([(a1, "x")]), "application/rss+xml")
    sources.add_source(engine.db, portal.url("/rss.xml"), name="rss")
    fails = [fetch_sources(engine, policy=POLICY, workers=1).runs[0].errors for _ in range(3)]
    assert not any(fails)


def test_a_non_ascii_etag_on_a_page_when_the_feed_changes(engine, portal):
    portal.add("/robots.txt", "User-agent: *\n", "text/plain")
    a1 = portal.add("/tin/1.html", page("Bài một", 1), etag='"\u00e9"')
    sources.add_source(engine.db, portal.url("/rss.xml"), name="rss")
    out = []
    for i in range(3):
        portal.add("/rss.xml", rss([(a1, f"x{i}")]), "application/rss+xml")  # the feed changes every run
        out.append(fetch_sources(engine, policy=POLICY, workers=1).runs[0].errors)
    assert not any(out)


def test_a_feed_that_recovers_from_a_500_is_read_as_a_feed(engine, portal):
    portal.add("/robots.txt", "User-agent: *\n", "text/plain")
    a1 = portal.add("/tin/1.html", page("Bài một", 1))
    portal.add("/rss.xml", "oops", status=503)
    sources.add_source(engine.db, portal.url("/rss.xml"), name="rss")
    r1 = fetch_sources(engine, policy=POLICY, workers=1)
    portal.add("/rss.xml", rss([(a1, "x")]), "application/rss+xml")
    portal.clear_requests()
    r2 = fetch_sources(engine, policy=POLICY, workers=1)
    assert r2.failed == 0


def test_a_duplicate_page_is_not_counted_new_again_when_the_feed_changes(engine, portal):
    portal.add("/robots.txt", "User-agent: *\n", "text/plain")
    body = page("Bài một", 1)
    a1 = portal.add("/tin/1.html", body)
    a1b = portal.add("/chuyen-muc/tin/1.html", body)  # same article under a second section, no canonical
    sources.add_source(engine.db, portal.url("/rss.xml"), name="rss")
    items = [(a1, "x"), (a1b, "x")]
    out = []
    for i in range(3):
        new = portal.add(f"/tin/new{i}.html", page(f"Bài mới {i}", 50 + i))
        items.insert(0, (new, "n"))
        portal.add("/rss.xml", rss(items), "application/rss+xml")
        portal.clear_requests()
        rep = fetch_sources(engine, policy=POLICY, workers=1)
        full = [p for _, p, h in portal.requests if not any(k in h for k in CONDITIONAL) and p != "/rss.xml"]
        out.append((full, rep.new, rep.ingest.added, rep.ingest.duplicate))
    assert all("/chuyen-muc/tin/1.html" not in f for f, *_ in out[1:])


def test_a_dotnet_min_date_in_a_sitemap_does_not_abort_the_fetch(engine, portal):
    portal.add("/robots.txt", "User-agent: *\n", "text/plain")
    a1 = portal.add("/tin/1.html", page("Bài một", 1))
    good = portal.add("/rss.xml", rss([(a1, "x")]), "application/rss+xml")
    sm = '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>/tin/1.html</loc><lastmod>0001-01-01T00:00:00+07:00</lastmod></url></urlset>'
    portal.add("/sitemap.xml", sm, "application/xml")
    sources.add_source(engine.db, good, name="rss")
    sources.add_source(engine.db, portal.url("/sitemap.xml"), name="sm")
    fetch_sources(engine, policy=POLICY, workers=1)  # must report, not raise


def test_an_out_of_range_meta_date_does_not_abort_the_fetch(engine, portal):
    portal.add("/robots.txt", "User-agent: *\n", "text/plain")
    html = page("Bài một", 1).replace("</head>", '<meta property="article:published_time" content="9999-12-31T23:59:59-01:00"></head>')
    a1 = portal.add("/tin/1.html", html)
    portal.add("/rss.xml", rss([(a1, "x")]), "application/rss+xml")
    sources.add_source(engine.db, portal.url("/rss.xml"), name="rss")
    fetch_sources(engine, policy=POLICY, workers=1)


@pytest.mark.parametrize("lastmod", ["0001-01-01T00:00:00", "0001-01-01"])
def test_dotnet_min_lastmods_sort_without_error(engine, portal, lastmod):
    portal.add("/robots.txt", "User-agent: *\n", "text/plain")
    a1 = portal.add("/tin/1.html", page("Bài một", 1))
    a2 = portal.add("/tin/2.html", page("Bài hai", 2))
    portal.add("/sitemap.xml", urlset([(a1, lastmod), (a2, "2024-01-02")]), "application/xml")
    sources.add_source(engine.db, portal.url("/sitemap.xml"), name="sm")
    rep = fetch_sources(engine, policy=POLICY, workers=1)
    assert rep.ingest.added == 2


def test_an_index_over_50_children_reads_the_newest_and_reports_the_rest(engine, portal):
    portal.add("/robots.txt", "User-agent: *\n", "text/plain")
    children = []
    for m in range(60):  # monthly sitemaps, oldest first, as many portals list them
        path = f"/sitemap-{m:03d}.xml"
        portal.add(path, urlset([]) if m < 59 else urlset([(portal.url("/tin/moi.html"), "2026-11-30")]), "application/xml")
        children.append((path, f"20{21 + m // 12:02d}-{m % 12 + 1:02d}-28"))
    portal.add("/tin/moi.html", page("Bài mới nhất", 7))
    body = "".join(f"<sitemap><loc>{portal.url(p)}</loc><lastmod>{d}</lastmod></sitemap>" for p, d in children)
    portal.add("/sitemap.xml", '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">' + body + "</sitemapindex>",
               "application/xml")
    sources.add_source(engine.db, portal.url("/sitemap.xml"), name="sm")
    rep = fetch_sources(engine, policy=POLICY, workers=1)
    assert portal.url("/tin/moi.html") in articles(engine) or rep.runs[0].errors, "newest article silently never fetched"


def test_one_new_url_in_a_big_sitemap_costs_one_request(engine, portal):
    portal.add("/robots.txt", "User-agent: *\n", "text/plain")
    urls = [portal.add(f"/tin/{i}.html", page(f"Bài số {i}", i)) for i in range(200)]
    portal.add("/sitemap.xml", urlset([(u, "2024-01-01") for u in urls]), "application/xml")
    sources.add_source(engine.db, portal.url("/sitemap.xml"), name="sm")
    fetch_sources(engine, policy=POLICY, workers=1)
    new = portal.add("/tin/new.html", page("Bài mới", 999))
    portal.add("/sitemap.xml", urlset([(new, "2024-02-01")] + [(u, "2024-01-01") for u in urls]), "application/xml")
    portal.clear_requests()
    rep = fetch_sources(engine, policy=POLICY, workers=1)
    assert rep.requests < 10


def test_a_child_sitemap_that_failed_once_is_read_again_as_a_sitemap(engine, portal):
    portal.add("/robots.txt", "User-agent: *\n", "text/plain")
    a1 = portal.add("/tin/1.html", page("Bài một", 1))
    a2 = portal.add("/tin/2.html", page("Bài hai", 2))
    portal.add("/sitemap-1.xml", urlset([(a1, "2024-01-01")]), "application/xml")
    portal.add("/sitemap-2.xml", "busy", status=503)
    portal.add("/sitemap.xml", index_xml(portal, ["/sitemap-1.xml", "/sitemap-2.xml"]), "application/xml")
    sources.add_source(engine.db, portal.url("/sitemap.xml"), name="sm")
    fetch_sources(engine, policy=POLICY, workers=1)
    portal.add("/sitemap-2.xml", urlset([(a2, "2024-01-02")]), "application/xml")  # recovered
    out = []
    for _ in range(2):
        rep = fetch_sources(engine, policy=POLICY, workers=1)
        out.append(rep.runs[0].errors)
    assert a2 in articles(engine), "sitemap-2's article never fetched"


def test_with_max_a_second_run_asks_only_for_the_pages_left_over(engine, portal):
    portal.add("/robots.txt", "User-agent: *\n", "text/plain")
    urls = [portal.add(f"/tin/{i}.html", page(f"Bài số {i}", i)) for i in range(3)]
    portal.add("/sitemap.xml", urlset([(u, f"2024-01-0{i+1}") for i, u in enumerate(urls)]), "application/xml")
    sources.add_source(engine.db, portal.url("/sitemap.xml"), name="sm")
    fetch_sources(engine, policy=POLICY, workers=1, max_pages=1)
    portal.clear_requests()
    fetch_sources(engine, policy=POLICY, workers=1, max_pages=1)  # nothing changed on the site
    full = [p for _, p, h in portal.requests if not any(k in h for k in CONDITIONAL)]
    assert full == ["/tin/1.html"]  # the next newest page left over; the sitemap was a 304
