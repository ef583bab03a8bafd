"""index.discover: feeds, sitemaps and pages parsed (the crawl tests fetch them over a loopback portal)."""

from __future__ import annotations

import gzip
from datetime import datetime
from pathlib import Path

import pytest

import index.discover as discover_mod
from index.discover import Discovered, parse_listing

FEEDS = Path(__file__).resolve().parent / "fixtures" / "feeds"
SM = "http://www.sitemaps.org/schemas/sitemap/0.9"
NEWS = "http://www.google.com/schemas/sitemap-news/0.9"


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


def test_dates_no_news_page_has_and_broken_locs_are_left_out_not_fatal():
    body = f"""<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="{SM}">
<url><loc>https://x.vn/a.html</loc><lastmod>0001-01-01</lastmod></url>
<url><loc>https://x.vn/b.html</loc><lastmod>0001-01-01T00:00:00+07:00</lastmod></url>
<url><loc>http://[::1/c</loc></url>
<url><loc>https://x.vn/d.html</loc><lastmod>9999-12-31T23:59:59Z</lastmod></url></urlset>"""
    listing = parse_listing(body.encode(), "https://x.vn/sitemap.xml")
    assert [(e.url, e.lastmod) for e in listing.entries] == [
        ("https://x.vn/a.html", None), ("https://x.vn/b.html", None), ("https://x.vn/d.html", None)]
