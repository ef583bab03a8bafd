"""index/sources.py: the source list in the database (add, list, remove, SOURCES seed)."""

import pytest

from index import sources
from index.sources import SourceError


def test_add_list_remove(engine):
    db = engine.db
    a = sources.add_source(db, "https://www.longbien.hanoi.gov.vn/rss/tin-tuc", kind="feed")
    b = sources.add_source(db, "http://127.0.0.1:8080/sitemap.xml", kind="sitemap", name="portal")
    assert (a.name, a.kind) == ("longbien.hanoi.gov.vn", "feed")
    assert [s.name for s in sources.list_sources(db)] == ["longbien.hanoi.gov.vn", "portal"]
    assert sources.list_sources(db, ["portal"])[0].url == b.url
    assert sources.list_sources(db)[0].last_fetch_at is None and sources.list_sources(db)[0].articles == 0
    gone = sources.remove_source(db, "portal")
    assert gone.url == b.url and [s.name for s in sources.list_sources(db)] == ["longbien.hanoi.gov.vn"]


def test_a_second_source_on_the_same_host_gets_a_free_name(engine):
    first = sources.add_source(engine.db, "https://dangcongsan.vn/rss/home.rss")
    second = sources.add_source(engine.db, "https://dangcongsan.vn/sitemap.xml")
    assert (first.name, second.name) == ("dangcongsan.vn", "dangcongsan.vn-2")


@pytest.mark.parametrize(
    "url, kind, name, says",
    [
        ("ftp://example.vn/feed", "auto", None, "địa chỉ không hợp lệ"),
        ("longbien.hanoi.gov.vn/rss", "auto", None, "địa chỉ không hợp lệ"),
        ("https://a.vn/x y", "auto", None, "địa chỉ không hợp lệ"),
        ("https://a.vn/rss", "atom", None, "loại nguồn không hợp lệ"),
        ("https://a.vn/rss", "auto", "hai từ", "tên nguồn không hợp lệ"),
        ("https://a.vn/rss", "auto", "x" * 101, "tên nguồn không hợp lệ"),
    ],
)
def test_bad_sources_are_refused_and_change_nothing(engine, url, kind, name, says):
    with pytest.raises(SourceError, match=says):
        sources.add_source(engine.db, url, kind=kind, name=name)
    assert sources.list_sources(engine.db) == []


def test_duplicates_are_refused(engine):
    sources.add_source(engine.db, "https://a.vn/rss", name="a")
    with pytest.raises(SourceError, match="đã có"):
        sources.add_source(engine.db, "https://a.vn/rss", name="b")
    with pytest.raises(SourceError, match="đã dùng"):
        sources.add_source(engine.db, "https://b.vn/rss", name="a")
    assert len(sources.list_sources(engine.db)) == 1


def test_unknown_names(engine):
    with pytest.raises(SourceError, match="không có nguồn"):
        sources.remove_source(engine.db, "nope")
    with pytest.raises(SourceError, match="'nope'"):
        sources.list_sources(engine.db, ["nope"])


def test_sources_setting_seeds_once(engine):
    value = "longbien=https://longbien.hanoi.gov.vn/rss feed,\nhttps://dangcongsan.vn/sitemap.xml sitemap"
    assert sources.parse_sources_setting(value) == ([
        ("longbien", "https://longbien.hanoi.gov.vn/rss", "feed"),
        (None, "https://dangcongsan.vn/sitemap.xml", "sitemap"),
    ], [])
    added, problems = sources.seed_sources(engine.db, value)
    assert [s.name for s in added] == ["longbien", "dangcongsan.vn"] and problems == []
    assert sources.seed_sources(engine.db, value) == ([], [])  # already there: nothing added
    assert len(sources.list_sources(engine.db)) == 2


def test_bad_sources_entries_are_skipped_and_said_the_rest_added(engine):
    sources.add_source(engine.db, "https://a.vn/rss", name="a")
    value = "a=https://b.vn/rss, c=https://c.vn/rss feed extra, d=ftp://d.vn/x, e=https://e.vn/rss"
    added, problems = sources.seed_sources(engine.db, value)
    assert [s.name for s in added] == ["e"]
    assert len(problems) == 3 and any("đã dùng" in p for p in problems) and any("dạng" in p for p in problems)


def test_record_fetch_keeps_the_errors_and_counts_articles(engine):
    from index.models import Article

    src = sources.add_source(engine.db, "https://a.vn/rss", name="a")
    engine.ingest([], articles=[Article(id="https://a.vn/1", title="Tin", text="Đảng bộ kết nạp 5 đảng viên.", source="a")])
    errors = [(f"https://a.vn/{i}", "HTTP 404 (not found)") for i in range(60)]
    sources.record_fetch(engine.db, src.id, status="partial", found=61, new=1, unchanged=0, failed=60, errors=errors)
    (s,) = sources.list_sources(engine.db)
    assert (s.last_status, s.last_found, s.last_new, s.last_failed, s.articles) == ("partial", 61, 1, 60, 1)
    assert len(s.last_errors) == sources.MAX_ERRORS_KEPT and s.last_errors[0] == ("https://a.vn/0", "HTTP 404 (not found)")
    assert s.to_json()["last_errors"][0]["reason"] == "HTTP 404 (not found)"
