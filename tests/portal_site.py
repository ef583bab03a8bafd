"""A small party-news portal on the loopback ``Portal``: the article pages of
``tests/fixtures/portal`` behind an RSS feed and a sitemap index (two sitemaps, one
gzipped), plus every way a page can fail. Used by the crawl, CLI and bot tests.

    site = build_site(portal)
    site.feed_url, site.sitemap_url     # the two sources
    site.articles["a1-…"]               # {"url", "title", "body"} of each good page
    site.failures                       # {url: a word its reason must contain}
"""

from __future__ import annotations

import gzip
import json
from dataclasses import dataclass, field
from pathlib import Path

from conftest import FIXTURES

PAGES = FIXTURES / "portal"
IN_FEED = ("a1-ket-nap-dang-vien", "a2-so-ket-nghi-quyet", "c1-cp1258-dai-hoi-chi-bo", "d1-tcvn3-refused")
IN_SITEMAPS = ("b1-hoi-nghi-bch-dang-bo-tinh", "b2-dan-van-kheo")


@dataclass
class Site:
    feed_url: str
    sitemap_url: str
    articles: dict[str, dict] = field(default_factory=dict)  # fixture name -> url, title, body
    failures: dict[str, str] = field(default_factory=dict)  # url -> a word of its reason
    transient: set[str] = field(default_factory=set)  # failures worth retrying (5xx, timeouts)


def _page(portal, name: str) -> tuple[str, dict]:
    meta = json.loads((PAGES / f"{name}.meta.json").read_text(encoding="utf-8"))
    charset = meta.get("charset", "utf-8")
    url = portal.add(meta["path"], (PAGES / f"{name}.html").read_bytes(), f"text/html; charset={charset}")
    return url, meta


def rss(items: list[tuple[str, str]]) -> str:
    entries = "".join(f"<item><title>{t}</title><link>{u}</link></item>" for u, t in items)
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
        f"<title>Tin tức</title><link>/</link><description>Tin</description>{entries}</channel></rss>"
    )


def urlset(urls: list[tuple[str, str]]) -> str:
    """A sitemap of (url, lastmod) pairs."""
    body = "".join(f"<url><loc>{u}</loc><lastmod>{d}</lastmod></url>" for u, d in urls)
    return f'<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{body}</urlset>'


def build_site(portal, *, failures: bool = True) -> Site:
    portal.add("/robots.txt", "User-agent: *\nDisallow: /noi-bo/\n", "text/plain")
    items: list[tuple[str, str]] = []
    site = Site(feed_url=portal.url("/rss/tin-tuc.rss"), sitemap_url=portal.url("/sitemap.xml"))
    for name in IN_FEED + IN_SITEMAPS:
        if name.startswith("d1") and not failures:
            continue
        url, meta = _page(portal, name)
        if name.startswith("d1"):
            site.failures[url] = "TCVN3"
        else:
            body = (PAGES / f"{name}.body.txt").read_text(encoding="utf-8").strip()
            site.articles[name] = {"url": url, "title": meta["title"], "body": body}
        if name in IN_FEED:
            items.append((url, meta.get("title", name)))
    if failures:
        bad = {
            portal.url("/tin-tuc/da-go.html"): "404",
            portal.add("/tin-tuc/loi-may-chu.html", "lỗi", status=500): "500",
            portal.redirect("/tin-tuc/vong-lap-1.html", "/tin-tuc/vong-lap-2.html"): "chuyển hướng",
            portal.add("/tin-tuc/cham.html", "<html>muộn</html>", delay_s=6.0): "thời gian",
            portal.add_huge("/tin-tuc/rat-lon.html", 30 * 2**20, content_length=False): "quá lớn",
            portal.add("/tai-lieu/bao-cao.zip", b"PK\x03\x04" + b"\0" * 64, "application/zip"): "HTML",
            portal.url("/noi-bo/chi-dao.html"): "robots",
        }
        portal.redirect("/tin-tuc/vong-lap-2.html", "/tin-tuc/vong-lap-1.html")
        portal.add("/noi-bo/chi-dao.html", "<html><body><p>Nội bộ</p></body></html>")
        site.failures.update(bad)
        site.transient = {portal.url("/tin-tuc/loi-may-chu.html"), portal.url("/tin-tuc/cham.html")}
        items += [(u, "Tin") for u in bad]
    portal.add("/rss/tin-tuc.rss", rss(items), "application/rss+xml; charset=utf-8")
    b1, b2 = (site.articles[n]["url"] for n in IN_SITEMAPS)
    portal.add("/sitemap-1.xml", urlset([(b1, "2024-01-01")]), "application/xml")
    portal.add("/sitemap-2.xml.gz", gzip.compress(urlset([(b2, "2024-01-02")]).encode()), "application/x-gzip")
    index = (
        '<?xml version="1.0" encoding="UTF-8"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"<sitemap><loc>{portal.url('/sitemap-1.xml')}</loc></sitemap>"
        f"<sitemap><loc>{portal.url('/sitemap-2.xml.gz')}</loc></sitemap></sitemapindex>"
    )
    portal.add("/sitemap.xml", index, "application/xml")
    return site


def fixture_path(name: str) -> Path:
    return PAGES / name
