"""index/crawl.py across runs, as sites change: what a source's URL is (feed, page),
pages that vanish, move or share a canonical link, edits announced by date, --max
backlogs, outages, sources removed mid-run. Each test was first written (by a second
review of the fetch change) against code it failed on."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone  # noqa: F401

import pytest
from sqlalchemy import select, delete
from index import sources
from index.crawl import fetch_sources
from index.fetch import FetchPolicy
from index.store import ArticleRow, FetchedPageRow, SourceRow, session
from portal import Portal, portal  # noqa: F401
from portal_site import build_site, rss, urlset  # noqa: F401

POLICY = FetchPolicy(timeout_s=5.0, host_delay_s=0.0)
COND = ("if-none-match", "if-modified-since")

pytestmark = pytest.mark.slow  # a real HTTP server on loopback


def arts(engine):
    with session(engine.db) as s:
        return {a.id: a for a in s.exec(select(ArticleRow)).scalars()}


def rows(engine):
    with session(engine.db) as s:
        return {r.url: (r.role, r.status, r.reason, r.failures, r.source_id, r.article_id)
                for r in s.exec(select(FetchedPageRow)).scalars()}


def page(title, n=0, canonical=None, extra=""):
    head = f'<link rel="canonical" href="{canonical}">' if canonical else ""
    paras = "".join(
        f"<p>Đoạn {i} bài {n}: năm 2024 Đảng bộ phường số {n} kết nạp {10+n} đảng viên mới, "
        f"nâng tổng số đảng viên lên nhiều đồng chí, hoàn thành chỉ tiêu nghị quyết đề ra {extra}.</p>"
        for i in range(4)
    )
    return f"<html><head><title>{title}</title>{head}</head><body><article><h1>{title}</h1>{paras}</article></body></html>"


def fetch(engine, **kw):
    kw.setdefault("policy", POLICY)
    kw.setdefault("workers", 1)
    return fetch_sources(engine, **kw)


def full(portal, skip=()):
    return [p for _, p, h in portal.requests if not any(k in h for k in COND) and p not in skip]

HOME_FEED = ('<html><head><title>Cổng</title><link rel="alternate" type="application/rss+xml" href="/rss.xml"></head>'
             "<body><p>Trang chủ</p></body></html>")


def test_a_home_page_in_a_sitemap_stays_its_own_sources_listing(engine, portal):
    """Source 'home' (auto, the portal's home page advertising its feed, as README
    suggests) and source 'sm' (the sitemap, which like most sitemaps lists the home page).
    `hoidap fetch --source sm` rewrites the home page's fetched_page row as role 'page';
    from then on 'home' is taken for a one-article source and its feed is never read."""
    portal.add("/robots.txt", "User-agent: *\n", "text/plain")
    a1 = portal.add("/tin/1.html", page("Bài một", 1))
    portal.add("/", HOME_FEED)
    portal.add("/rss.xml", rss([(a1, "x")]), "application/rss+xml")
    portal.add("/sitemap.xml", urlset([(portal.url("/"), "2024-01-01"), (a1, "2024-01-01")]), "application/xml")
    sources.add_source(engine.db, portal.url("/"), name="home")
    sources.add_source(engine.db, portal.url("/sitemap.xml"), name="sm")
    fetch(engine)
    a0 = portal.add("/tin/0.html", page("Bài không", 0))
    portal.add("/sitemap.xml", urlset([(portal.url("/"), "2024-01-01"), (a1, "2024-01-01"), (a0, "2024-01-02")]), "application/xml")
    fetch(engine, names=["sm"])          # README: `hoidap fetch --source NAME`
    a2 = portal.add("/tin/2.html", page("Bài hai", 2))
    portal.add("/rss.xml", rss([(a2, "y"), (a1, "x")]), "application/rss+xml")
    portal.clear_requests()
    rep = fetch(engine, names=["home"])
    assert a2 in arts(engine), "the home page's feed was never read again"


def test_a_home_page_that_later_advertises_a_feed_is_read_through_it(engine, portal):
    portal.add("/robots.txt", "User-agent: *\n", "text/plain")
    portal.add("/", "<html><head><title>Cổng</title></head><body><p>Trang chủ đang xây dựng</p></body></html>")
    sources.add_source(engine.db, portal.url("/"), name="home")
    r1 = fetch(engine)
    a1 = portal.add("/tin/1.html", page("Bài một", 1))
    portal.add("/", HOME_FEED)           # the portal now advertises its feed
    portal.add("/rss.xml", rss([(a1, "x")]), "application/rss+xml")
    r2 = fetch(engine)
    assert a1 in arts(engine)


def test_a_feed_whose_first_answer_was_an_html_page_is_read_as_a_feed_later(engine, portal):
    """kind auto (the default): the first answer of the feed URL is an HTML challenge /
    maintenance page with status 200; the source is then taken for one article page,
    and stays so: the real RSS served later is refused as 'not HTML' every run."""
    portal.add("/robots.txt", "User-agent: *\n", "text/plain")
    portal.add("/rss.xml", "<html><head><title>Bảo trì</title></head><body><p>Hệ thống đang bảo trì, vui lòng quay lại sau.</p></body></html>")
    sources.add_source(engine.db, portal.url("/rss.xml"), name="rss")
    r1 = fetch(engine)
    a1 = portal.add("/tin/1.html", page("Bài một", 1))
    portal.add("/rss.xml", rss([(a1, "x")]), "application/rss+xml")
    r2 = fetch(engine); r3 = fetch(engine)
    assert a1 in arts(engine)

def test_an_article_gone_from_the_database_is_downloaded_again(engine, portal):
    """_known() says 'its article is gone: fetch it again', but page() then sends the
    old validators, gets a 304 and counts it unchanged: the article never comes back."""
    portal.add("/robots.txt", "User-agent: *\n", "text/plain")
    a1 = portal.add("/tin/1.html", page("Bài một", 1))
    portal.add("/rss.xml", rss([(a1, "x")]), "application/rss+xml")
    sources.add_source(engine.db, portal.url("/rss.xml"), name="rss")
    fetch(engine)
    assert a1 in arts(engine)
    with session(engine.db) as s:   # the article disappears (overwritten / deleted)
        from index.store import PassageRow, FigureRow
        s.exec(delete(FigureRow)); s.exec(delete(PassageRow)); s.exec(delete(ArticleRow))
    portal.add("/rss.xml", rss([(a1, "x2")]), "application/rss+xml")  # feed changes
    portal.clear_requests()
    rep = fetch(engine)
    assert a1 in arts(engine), f"article not restored; run={rep.runs[0].to_json()}"


def test_pages_sharing_a_category_canonical_keep_their_own_articles(engine, portal):
    """Two articles whose CMS sets <link rel=canonical> to the category page. Fetched in
    two runs (a scheduled fetch sees one new article at a time), the second replaces the
    first: article 1 is silently lost, its page row stays 'ok' and is never asked again."""
    portal.add("/robots.txt", "User-agent: *\n", "text/plain")
    cat = portal.url("/tin-tuc/")
    a1 = portal.add("/tin-tuc/1.html", page("Bài một", 1, canonical=cat))
    portal.add("/rss.xml", rss([(a1, "x")]), "application/rss+xml")
    sources.add_source(engine.db, portal.url("/rss.xml"), name="rss")
    r1 = fetch(engine)
    t1 = arts(engine)[cat].text
    a2 = portal.add("/tin-tuc/2.html", page("Bài hai", 2, canonical=cat))
    portal.add("/rss.xml", rss([(a2, "y"), (a1, "x")]), "application/rss+xml")
    r2 = fetch(engine)
    r3 = fetch(engine)
    texts = [a.text for a in arts(engine).values()]
    print("sources", [s.to_json() for s in sources.list_sources(engine.db)])
    assert any("bài 1" in t for t in texts), f"article 1 lost; stored={list(arts(engine))}; r2 errors={r2.runs[0].errors}"


def test_a_same_day_edit_under_a_date_only_lastmod_is_read(engine, portal):
    """A sitemap with date-only lastmod (today, VN): the page edited later the same day
    keeps the same lastmod, which is <= fetched_at + 7h: never asked again."""
    portal.add("/robots.txt", "User-agent: *\n", "text/plain")
    today = (datetime.now(timezone.utc) + timedelta(hours=7)).date().isoformat()
    a1 = portal.add("/tin/1.html", page("Bài một", 1))
    portal.add("/sitemap.xml", urlset([(a1, today)]), "application/xml")
    sources.add_source(engine.db, portal.url("/sitemap.xml"), name="sm")
    fetch(engine)
    portal.add("/tin/1.html", page("Bài một", 1, extra="ĐÍNH CHÍNH"), last_modified="Tue, 01 Dec 2099 00:00:00 GMT")
    portal.add("/sitemap.xml", urlset([(a1, today)]) + " ", "application/xml")  # regenerated
    portal.clear_requests()
    rep = fetch(engine)
    assert "ĐÍNH CHÍNH" in arts(engine)[a1].text, f"same-day edit never fetched; asked={[p for _,p,_ in portal.requests]}"


def test_an_atom_updated_date_announces_an_edit(engine, portal):
    """An Atom entry gives <published> and a newer <updated>: discovery keeps published,
    so an edited article announced by its feed is never read again."""
    portal.add("/robots.txt", "User-agent: *\n", "text/plain")
    a1 = portal.add("/tin/1.html", page("Bài một", 1))
    def atom(updated):
        return ('<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>t</title>'
                '<id>urn:x</id><updated>%s</updated><entry><title>Bài một</title><id>urn:1</id>'
                '<link href="%s"/><published>2024-01-01T08:00:00+07:00</published><updated>%s</updated></entry></feed>'
                % (updated, a1, updated))
    portal.add("/atom.xml", atom("2024-01-01T08:00:00+07:00"), "application/atom+xml")
    sources.add_source(engine.db, portal.url("/atom.xml"), name="atom")
    fetch(engine)
    later = (datetime.now(timezone.utc) + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    portal.add("/tin/1.html", page("Bài một", 1, extra="ĐÍNH CHÍNH"), last_modified="Tue, 01 Dec 2099 00:00:00 GMT")
    portal.add("/atom.xml", atom(later), "application/atom+xml")
    portal.clear_requests()
    fetch(engine)
    assert "ĐÍNH CHÍNH" in arts(engine)[a1].text, f"asked={[p for _,p,_ in portal.requests]}"

def test_pages_left_by_max_come_first_next_time(engine, portal):
    """README: 'the rest are remembered and come first next time'. They are sorted with
    the new pages by lastmod, so a site that publishes >= N pages between runs starves
    the backlog for ever."""
    portal.add("/robots.txt", "User-agent: *\n", "text/plain")
    urls = [portal.add(f"/tin/{i}.html", page(f"Bài số {i}", i)) for i in range(3)]
    entries = [(u, f"2024-01-0{i+1}") for i, u in enumerate(urls)]
    portal.add("/sitemap.xml", urlset(entries), "application/xml")
    sources.add_source(engine.db, portal.url("/sitemap.xml"), name="sm")
    fetch(engine, max_pages=1)          # takes /tin/2 (newest); 0 and 1 pending
    for day in range(3):                # one new article a day, one page per run
        u = portal.add(f"/tin/new{day}.html", page(f"Bài mới {day}", 20 + day))
        entries.append((u, f"2024-02-0{day+1}"))
        portal.add("/sitemap.xml", urlset(entries), "application/xml")
        fetch(engine, max_pages=1)
    have = set(arts(engine))
    assert urls[1] in have, "the page left over by --max never came first"

def test_a_source_removed_mid_run_leaves_nothing_to_a_new_source(engine, portal):
    portal.add("/robots.txt", "User-agent: *\n", "text/plain")
    urls = [portal.add(f"/tin/{i}.html", page(f"Bài số {i}", i)) for i in range(3)]
    portal.add("/tin/9.html", "down", status=503)
    urls.append(portal.url("/tin/9.html"))
    portal.add("/rss.xml", rss([(u, "x") for u in urls]), "application/rss+xml")
    old = sources.add_source(engine.db, portal.url("/rss.xml"), name="old")
    done = []

    def progress(rep):
        if rep.new == 1 and not done:
            done.append(sources.remove_source(engine.db, "old"))   # the admin removes it meanwhile
    rep = fetch(engine, progress=progress)
    # the admin adds another, unrelated site
    other = Portal()
    try:
        other.add("/robots.txt", "User-agent: *\n", "text/plain")
        o1 = other.add("/bai/1.html", page("Khác", 77))
        other.add("/feed.xml", rss([(o1, "o")]), "application/rss+xml")
        new = sources.add_source(engine.db, other.url("/feed.xml"), name="new")
        portal.add("/tin/9.html", page("Bài số 9", 9))
        portal.clear_requests()
        rep2 = fetch(engine)
        print("asked of the removed site", [p for _, p, _ in portal.requests])
        assert not [p for _, p, _ in portal.requests if p.startswith("/tin/")], "the new source fetched the removed source's pages"
    finally:
        other.stop()

def test_five_failed_runs_do_not_give_a_page_up(engine, portal):
    """A new page that answers 503 for five runs (a site outage between scheduled fetches)
    becomes 'refused' and is never asked again once the site is back."""
    portal.add("/robots.txt", "User-agent: *\n", "text/plain")
    a1 = portal.add("/tin/1.html", "bảo trì", status=503)
    portal.add("/rss.xml", rss([(a1, "x")]), "application/rss+xml")
    sources.add_source(engine.db, portal.url("/rss.xml"), name="rss")
    for _ in range(5):
        fetch(engine)
    portal.add("/tin/1.html", page("Bài một", 1))  # the site is back
    portal.clear_requests()
    reps = [fetch(engine) for _ in range(2)]
    print("source", sources.list_sources(engine.db)[0].to_json())
    assert a1 in arts(engine), f"recovered page never fetched again: asked={[p for _,p,_ in portal.requests]}"


def test_a_site_down_keeps_its_pending_backlog(engine, portal):
    """--max leaves pages pending; while the whole host is down (robots.txt 503 ->
    'unreachable', transient) the pending pages tried each run count failures; after 5
    runs they are refused for good."""
    portal.add("/robots.txt", "User-agent: *\n", "text/plain")
    urls = [portal.add(f"/tin/{i}.html", page(f"Bài số {i}", i)) for i in range(3)]
    portal.add("/sitemap.xml", urlset([(u, f"2024-01-0{i+1}") for i, u in enumerate(urls)]), "application/xml")
    sources.add_source(engine.db, portal.url("/sitemap.xml"), name="sm")
    fetch(engine, max_pages=1)
    portal.add("/robots.txt", "down", status=503)
    for _ in range(5):
        r = fetch(engine, max_pages=1)
    portal.add("/robots.txt", "User-agent: *\n", "text/plain")
    for _ in range(4):
        r = fetch(engine, max_pages=1)
    assert len(arts(engine)) == 3, f"{len(arts(engine))} of 3 after the outage"


def test_a_feed_cannot_make_the_bot_fetch_an_intranet_page(engine, portal):
    portal.add("/robots.txt", "User-agent: *\n", "text/plain")
    own = portal.add("/tin/1.html", page("Bài một", 1))
    inside = Portal()  # an intranet page: another private address than the source's site
    try:
        secret = inside.add("/admin/bao-cao-noi-bo.html", page("Báo cáo nội bộ", 42))
        with_creds = secret.replace("http://", "http://admin:matkhau@")
        portal.add("/rss.xml", rss([(with_creds, "x"), (own, "y")]), "application/rss+xml")
        sources.add_source(engine.db, portal.url("/rss.xml"), name="rss")
        rep = fetch(engine)
        assert list(arts(engine)) == [own]  # the source's own site is read
        assert inside.requests == []
        ((url, reason),) = rep.runs[0].errors
        assert "matkhau" not in url and "nội bộ" in reason
    finally:
        inside.stop()
