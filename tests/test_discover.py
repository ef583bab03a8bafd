"""index.discover: feeds, sitemaps and pages, parsed and discovered over a loopback portal."""

from __future__ import annotations

import gzip
from datetime import datetime
from pathlib import Path

import pytest
from portal import portal  # noqa: F401

import index.discover as discover_mod
from index.discover import Discovered, discover, parse_listing
from index.fetch import Fetcher, FetchPolicy

FEEDS = Path(__file__).resolve().parent / "fixtures" / "feeds"
SM = "http://www.sitemaps.org/schemas/sitemap/0.9"
NEWS = "http://www.google.com/schemas/sitemap-news/0.9"


def fetcher(**policy) -> Fetcher:
    policy.setdefault("host_delay_s", 0.0)
    return Fetcher(FetchPolicy(**policy), sleep=lambda s: None)


def urlset(*items: tuple[str, str | None]) -> str:
    body = "".join(
        f"<url><loc>{loc}</loc>" + (f"<lastmod>{mod}</lastmod>" if mod else "") + "</url>"
        for loc, mod in items
    )
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="{SM}">{body}</urlset>'


def sitemapindex(*locs: str, lastmods: list[str] | None = None) -> str:
    body = "".join(
        f"<sitemap><loc>{loc}</loc>"
        + (f"<lastmod>{lastmods[i]}</lastmod>" if lastmods else "")
        + "</sitemap>"
        for i, loc in enumerate(locs)
    )
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="{SM}">{body}</sitemapindex>'


def html_page(feed_href: str | None = None, feed_type: str = "application/rss+xml") -> str:
    link = f'<link rel="alternate" type="{feed_type}" title="Tin mới" href="{feed_href}">' if feed_href else ""
    return (
        "<!DOCTYPE html>\n<html lang='vi'><head><meta charset='utf-8'><title>Trang chủ</title>"
        f"{link}</head><body><h1>Đảng bộ quận</h1></body></html>"
    )


# -- parse_listing: feeds -------------------------------------------------------------


def test_rss_feed_fixture():
    body = (FEEDS / "rss.xml").read_bytes()
    listing = parse_listing(body, "http://127.0.0.1:8080/rss/tin-tuc.rss", "application/rss+xml")
    assert listing.kind == "feed"
    assert listing.sitemaps == [] and listing.feeds == []
    urls = [e.url for e in listing.entries]
    assert urls == [
        "http://127.0.0.1:8080/tin-tuc/hoi-nghi-ban-chap-hanh-lan-thu-12.html",
        "http://127.0.0.1:8080/tin-tuc/ket-nap-dang-vien-moi.html?utm_source=rss&utm_medium=feed",
        "http://127.0.0.1:8080/tin-tuc/thanh-lap-chi-bo.html#binh-luan",
    ]
    first = listing.entries[0]
    assert first.title == "Hội nghị Ban Chấp hành Đảng bộ quận lần thứ 12"
    assert first.lastmod == datetime(2024, 5, 6, 9, 30)  # +07:00 kept as Vietnam time
    assert listing.entries[1].lastmod == datetime(2024, 4, 30, 8, 0)  # GMT -> UTC+7


def test_atom_feed_fixture():
    body = (FEEDS / "atom.xml").read_bytes()
    listing = parse_listing(body, "http://10.0.0.5/atom.xml", "application/atom+xml")
    assert listing.kind == "feed"
    assert [(e.url, e.title) for e in listing.entries] == [
        ("http://10.0.0.5/bai-viet/so-ket-chi-thi-05.html", "Sơ kết 6 tháng thực hiện Chỉ thị 05-CT/TW"),
        (
            "https://dangbo.example.vn/bai-viet/trao-huy-hieu-50-nam.html",
            "Trao Huy hiệu 50 năm tuổi Đảng cho đảng viên lão thành",
        ),
    ]
    assert listing.entries[0].lastmod == datetime(2024, 5, 8, 8, 0)  # updated first: an edit is news
    assert listing.entries[1].lastmod == datetime(2024, 5, 2, 17, 0)  # updated, Z -> +7


def test_feed_served_as_text_html_is_still_a_feed():
    body = (FEEDS / "rss.xml").read_bytes()
    assert parse_listing(body, "http://127.0.0.1/rss", "text/html; charset=utf-8").kind == "feed"


# -- parse_listing: sitemaps ----------------------------------------------------------


def test_urlset_with_lastmod_and_relative_loc():
    body = urlset(
        ("https://dangcongsan.vn/a.html", "2024-05-01"),
        ("/b.html", "2024-05-02T10:00:00+07:00"),
        ("https://dangcongsan.vn/c.html", None),
        ("mailto:x@y.vn", None),
    )
    listing = parse_listing(body.encode(), "https://dangcongsan.vn/sitemap.xml", "application/xml")
    assert listing.kind == "sitemap"
    assert [(e.url, e.lastmod) for e in listing.entries] == [
        ("https://dangcongsan.vn/a.html", datetime(2024, 5, 1, 23, 59, 59)),  # a date: the whole day
        ("https://dangcongsan.vn/b.html", datetime(2024, 5, 2, 10, 0)),
        ("https://dangcongsan.vn/c.html", None),
    ]


def test_sitemap_index_lists_children():
    body = sitemapindex("https://x.vn/s1.xml", "https://x.vn/s2.xml.gz", lastmods=["2024-01-01", "2024-02-01"])
    listing = parse_listing(body.encode(), "https://x.vn/sitemap_index.xml")
    assert listing.kind == "sitemap_index"
    assert listing.sitemaps == ["https://x.vn/s2.xml.gz", "https://x.vn/s1.xml"]  # newest first
    assert listing.entries == []


def test_news_sitemap_fields():
    body = f"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="{SM}" xmlns:news="{NEWS}">
  <url>
    <loc>https://dangcongsan.vn/thoi-su/dai-hoi-dang-bo.html</loc>
    <news:news>
      <news:publication><news:name>Báo Điện tử Đảng Cộng sản Việt Nam</news:name>
        <news:language>vi</news:language></news:publication>
      <news:publication_date>2024-05-09T07:45:00+07:00</news:publication_date>
      <news:title>Đại hội Đảng bộ thành phố nhiệm kỳ 2025-2030</news:title>
    </news:news>
  </url>
</urlset>"""
    listing = parse_listing(body.encode(), "https://dangcongsan.vn/news-sitemap.xml")
    assert listing.entries == [
        Discovered(
            "https://dangcongsan.vn/thoi-su/dai-hoi-dang-bo.html",
            datetime(2024, 5, 9, 7, 45),
            "Đại hội Đảng bộ thành phố nhiệm kỳ 2025-2030",
        )
    ]


def test_gzipped_sitemap_by_magic_bytes():
    body = gzip.compress(urlset(("https://x.vn/a.html", None)).encode())
    listing = parse_listing(body, "https://x.vn/sitemap.xml.gz", "application/octet-stream")
    assert [e.url for e in listing.entries] == ["https://x.vn/a.html"]


def test_gzip_bomb_is_refused():
    bomb = gzip.compress(b" " * (51 * 1024 * 1024), compresslevel=1)
    with pytest.raises(ValueError, match=r"decompressed size over 50 MB"):
        parse_listing(bomb, "https://x.vn/sitemap.xml.gz")


def test_gzip_cap_is_configurable_and_corrupt_gzip(monkeypatch):
    monkeypatch.setattr(discover_mod, "MAX_DECOMPRESSED_BYTES", 1000)
    with pytest.raises(ValueError, match=r"tệp gzip giải nén quá lớn"):
        parse_listing(gzip.compress(urlset(*[(f"https://x.vn/{i}", None) for i in range(50)]).encode()), "u")
    with pytest.raises(ValueError, match=r"tệp gzip"):
        parse_listing(b"\x1f\x8b\x08\x00garbage", "https://x.vn/s.xml.gz")


def test_broken_xml_sitemap_is_a_value_error():
    with pytest.raises(ValueError, match=r"^XML hỏng \(malformed XML: "):
        parse_listing(f'<urlset xmlns="{SM}"><url><loc>https://x.vn/a</loc></urlset>'.encode(), "https://x.vn/s.xml")


def test_entities_are_not_resolved(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP SECRET")
    body = f"""<?xml version="1.0"?>
<!DOCTYPE urlset [<!ENTITY xxe SYSTEM "file://{secret}">]>
<urlset xmlns="{SM}"><url><loc>https://x.vn/&xxe;</loc></url></urlset>"""
    try:
        listing = parse_listing(body.encode(), "https://x.vn/s.xml")
    except ValueError:
        return  # refusing is fine too
    assert all("SECRET" not in e.url for e in listing.entries)


def test_plain_text_sitemap():
    body = b"https://x.vn/a.html\nhttps://x.vn/b.html\n"
    listing = parse_listing(body, "https://x.vn/sitemap.txt", "text/plain")
    assert listing.kind == "sitemap"
    assert [e.url for e in listing.entries] == ["https://x.vn/a.html", "https://x.vn/b.html"]


@pytest.mark.parametrize(
    "body, content_type",
    [(b'{"a": 1}', "application/json"), (b"", "text/html"), (b"<foo><bar/></foo>", "application/xml")],
)
def test_not_a_listing(body, content_type):
    with pytest.raises(ValueError):
        parse_listing(body, "https://x.vn/x", content_type)


# -- parse_listing: pages -------------------------------------------------------------


def test_html_page_advertises_feeds():
    body = (
        "<html><head><base href='https://x.vn/tin/'>"
        "<link rel='alternate' type='application/rss+xml' href='rss.xml'>"
        "<link rel='alternate' type='application/atom+xml; charset=utf-8' href='/atom.xml'>"
        "<link rel='alternate' hreflang='en' href='/en/'>"
        "<link rel='stylesheet' type='text/css' href='/s.css'>"
        "</head><body>x</body></html>"
    )
    listing = parse_listing(body.encode(), "https://x.vn/", "text/html")
    assert listing.kind == "page"
    assert listing.entries == [] and listing.sitemaps == []
    assert listing.feeds == ["https://x.vn/tin/rss.xml", "https://x.vn/atom.xml"]


def test_html_page_without_feed():
    listing = parse_listing(html_page().encode(), "https://x.vn/tin/1.html", None)
    assert (listing.kind, listing.feeds) == ("page", [])


# -- discover over the portal ---------------------------------------------------------


def test_discover_feed(portal):
    portal.add("/rss/tin-tuc.rss", (FEEDS / "rss.xml").read_bytes(), "application/rss+xml")
    with fetcher() as f:
        res = discover(f, portal.url("/rss/tin-tuc.rss"))
    assert res.kind == "feed" and res.errors == []
    # canonical: utm_ parameters and fragments dropped; newest first
    assert [d.url for d in res.urls] == [
        portal.url("/tin-tuc/thanh-lap-chi-bo.html"),
        portal.url("/tin-tuc/hoi-nghi-ban-chap-hanh-lan-thu-12.html"),
        portal.url("/tin-tuc/ket-nap-dang-vien-moi.html"),
    ]
    assert res.urls[0].title == "Thành lập chi bộ đảng tại doanh nghiệp ngoài nhà nước"


def test_discover_sitemap_index_with_a_gzipped_child(portal):
    portal.add(
        "/sitemap-1.xml",
        urlset((portal.url("/a.html"), "2024-05-01"), (portal.url("/b.html"), "2024-05-03")),
        "application/xml",
    )
    portal.add(
        "/sitemap-2.xml.gz",
        gzip.compress(urlset((portal.url("/c.html"), "2024-05-02"), (portal.url("/d.html"), None)).encode()),
        "application/x-gzip",
    )
    portal.add(
        "/sitemap_index.xml",
        sitemapindex(portal.url("/sitemap-1.xml"), portal.url("/sitemap-2.xml.gz")),
        "application/xml",
    )
    with fetcher() as f:
        res = discover(f, portal.url("/sitemap_index.xml"))
    assert res.kind == "sitemap_index" and res.errors == []
    assert [d.url for d in res.urls] == [portal.url(p) for p in ("/b.html", "/c.html", "/a.html", "/d.html")]


def test_broken_child_sitemap_is_an_error_and_the_rest_goes_on(portal):
    portal.add("/good.xml", urlset((portal.url("/a.html"), None)), "application/xml")
    portal.add("/broken.xml", "<urlset><url><loc>oops</url>", "application/xml")
    portal.add(
        "/index.xml",
        sitemapindex(portal.url("/broken.xml"), portal.url("/missing.xml"), portal.url("/good.xml")),
        "application/xml",
    )
    with fetcher() as f:
        res = discover(f, portal.url("/index.xml"))
    assert [d.url for d in res.urls] == [portal.url("/a.html")]
    errors = dict(res.errors)
    assert set(errors) == {portal.url("/broken.xml"), portal.url("/missing.xml")}
    assert errors[portal.url("/broken.xml")].startswith("XML hỏng (malformed XML")
    assert errors[portal.url("/missing.xml")] == "HTTP 404 (not found)"


def test_gzip_bomb_child_is_an_error(portal, monkeypatch):
    monkeypatch.setattr(discover_mod, "MAX_DECOMPRESSED_BYTES", 10_000)
    portal.add("/bomb.xml.gz", gzip.compress(b" " * 100_000), "application/x-gzip")
    portal.add("/ok.xml", urlset((portal.url("/a.html"), None)), "application/xml")
    portal.add("/index.xml", sitemapindex(portal.url("/bomb.xml.gz"), portal.url("/ok.xml")), "application/xml")
    with fetcher() as f:
        res = discover(f, portal.url("/index.xml"))
    assert [d.url for d in res.urls] == [portal.url("/a.html")]
    assert len(res.errors) == 1 and "decompressed size over" in res.errors[0][1]


def test_sitemap_cycle_and_limit(portal):
    # the index lists itself and a nested index that lists the first one again
    portal.add(
        "/index.xml",
        sitemapindex(portal.url("/index.xml"), portal.url("/nested.xml"), portal.url("/s1.xml")),
        "application/xml",
    )
    portal.add("/nested.xml", sitemapindex(portal.url("/index.xml"), portal.url("/s2.xml")), "application/xml")
    portal.add("/s1.xml", urlset((portal.url("/a.html"), None)), "application/xml")
    portal.add("/s2.xml", urlset((portal.url("/b.html"), None)), "application/xml")
    with fetcher() as f:
        res = discover(f, portal.url("/index.xml"))
    assert sorted(d.url for d in res.urls) == [portal.url("/a.html"), portal.url("/b.html")]
    assert res.errors == []
    assert portal.paths().count("/index.xml") == 1
    portal.clear_requests()
    with fetcher() as f:
        res = discover(f, portal.url("/index.xml"), max_sitemaps=2)  # the index + one child
    assert len(res.errors) == 1 and "sitemap limit reached, 2 skipped" in res.errors[0][1]
    assert portal.paths() == ["/robots.txt", "/index.xml", "/nested.xml"]


def test_children_fetched_newest_first_under_the_limit(portal):
    portal.add("/old.xml", urlset((portal.url("/old.html"), None)), "application/xml")
    portal.add("/new.xml", urlset((portal.url("/new.html"), None)), "application/xml")
    portal.add(
        "/index.xml",
        sitemapindex(portal.url("/old.xml"), portal.url("/new.xml"), lastmods=["2020-01-01", "2024-05-01"]),
        "application/xml",
    )
    with fetcher() as f:
        res = discover(f, portal.url("/index.xml"), max_sitemaps=2)
    assert [d.url for d in res.urls] == [portal.url("/new.html")]


def test_auto_discovery_from_an_html_page(portal):
    portal.add("/", html_page("/rss/tin-moi.rss"))
    portal.add("/rss/tin-moi.rss", (FEEDS / "rss.xml").read_bytes(), "application/rss+xml")
    with fetcher() as f:
        res = discover(f, portal.base_url + "/")
    assert res.kind == "feed" and res.errors == []
    assert len(res.urls) == 3
    assert portal.paths() == ["/robots.txt", "/", "/rss/tin-moi.rss"]


def test_html_page_without_feed_is_the_one_url(portal):
    portal.add("/tin/1.html", html_page())
    portal.redirect("/tin/1", "/tin/1.html")
    with fetcher() as f:
        res = discover(f, portal.url("/tin/1?utm_source=zalo"))
    assert res.kind == "page"
    assert [d.url for d in res.urls] == [portal.url("/tin/1.html")]


def test_advertised_feed_failing_falls_back_to_the_page(portal):
    portal.add("/", html_page("/missing.rss"))
    with fetcher() as f:
        res = discover(f, portal.url("/"))
    assert res.kind == "page"
    assert [d.url for d in res.urls] == [portal.url("/")]
    assert res.errors == [(portal.url("/missing.rss"), "HTTP 404 (not found)")]


def test_dedupe_by_canonical_url(portal):
    base = portal.base_url
    rss = f"""<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Tin</title>
<item><title>Bài một</title><link>{base}/tin/1.html?utm_source=fb&amp;utm_campaign=x</link></item>
<item><title>Bài một (lặp)</title><link>{base}/tin/1.html#top</link>
  <pubDate>Mon, 06 May 2024 09:30:00 +0700</pubDate></item>
<item><title>Bài hai</title><link>{base}/tin/2.html?id=5&amp;fbclid=abc</link></item>
<item><title>Bài một nữa</title><link>{base}/tin/1.html</link></item>
</channel></rss>"""
    portal.add("/rss.xml", rss, "application/rss+xml")
    with fetcher() as f:
        res = discover(f, portal.url("/rss.xml"))
    assert [(d.url, d.title, d.lastmod) for d in res.urls] == [
        (portal.url("/tin/1.html"), "Bài một", datetime(2024, 5, 6, 9, 30)),
        (portal.url("/tin/2.html?id=5"), "Bài hai", None),
    ]


def test_max_urls_keeps_the_newest(portal):
    items = [(portal.url(f"/tin/{i}.html"), f"2024-05-{i:02d}") for i in range(1, 11)]
    portal.add("/sitemap.xml", urlset(*items), "application/xml")
    with fetcher() as f:
        res = discover(f, portal.url("/sitemap.xml"), max_urls=3)
    assert [d.url for d in res.urls] == [portal.url(f"/tin/{i}.html") for i in (10, 9, 8)]


def test_explicit_kinds(portal):
    portal.add("/sitemap.xml", urlset((portal.url("/a.html"), None)), "application/xml")
    portal.add("/rss.xml", (FEEDS / "rss.xml").read_bytes(), "application/rss+xml")
    with fetcher() as f:
        wrong_feed = discover(f, portal.url("/sitemap.xml"), "feed")
        wrong_sitemap = discover(f, portal.url("/rss.xml"), "sitemap")
        ok = discover(f, portal.url("/sitemap.xml"), "sitemap")
        n = len(f.requests_made)
        page = discover(f, portal.url("/tin/9.html#x"), "page")
        assert len(f.requests_made) == n  # a page is not fetched to be listed
    assert wrong_feed.urls == [] and "not a feed" in wrong_feed.errors[0][1]
    assert wrong_sitemap.urls == [] and "not a sitemap" in wrong_sitemap.errors[0][1]
    assert [d.url for d in ok.urls] == [portal.url("/a.html")]
    assert [d.url for d in page.urls] == [portal.url("/tin/9.html")]


def test_fetch_failure_of_the_source(portal):
    portal.add("/robots.txt", "User-agent: *\nDisallow: /\n", "text/plain")
    with fetcher() as f:
        res = discover(f, portal.url("/rss.xml"))
    assert res.kind == "unknown" and res.urls == []
    assert res.errors == [(portal.url("/rss.xml"), "robots.txt không cho phép (disallowed by robots.txt)")]


def test_dates_no_news_page_has_and_broken_locs_are_left_out_not_fatal():
    body = f"""<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="{SM}">
<url><loc>https://x.vn/a.html</loc><lastmod>0001-01-01</lastmod></url>
<url><loc>https://x.vn/b.html</loc><lastmod>0001-01-01T00:00:00+07:00</lastmod></url>
<url><loc>http://[::1/c</loc></url>
<url><loc>https://x.vn/d.html</loc><lastmod>9999-12-31T23:59:59Z</lastmod></url></urlset>"""
    listing = parse_listing(body.encode(), "https://x.vn/sitemap.xml")
    assert [(e.url, e.lastmod) for e in listing.entries] == [
        ("https://x.vn/a.html", None), ("https://x.vn/b.html", None), ("https://x.vn/d.html", None)]
