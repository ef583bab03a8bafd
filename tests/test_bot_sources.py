"""The bot and news sites: /reload fetches the sources, /sources lists them, SOURCES
seeds them, FETCH_INTERVAL_MINUTES fetches on a schedule — against the fake Bot API
and a real HTTP portal, both on loopback."""

from __future__ import annotations

import pytest

from bot import render_sources
from bot.app import stop_index_poller
from bot.handlers import STATE
from index import sources
from index.engine import Engine
from portal import portal  # noqa: F401
from portal_site import build_site

pytestmark = pytest.mark.slow  # the fake Bot API and an HTTP portal: not in the fast loop

pytest_plugins = ["conftest_bot"]
pytest.register_assert_rewrite("conftest_bot")

from conftest_bot import ADMIN, USER, make_app, polling  # noqa: E402

FAST = dict(fetch_timeout_s=2.0, fetch_host_delay_s=0.0)  # the slow page takes 6 s


@pytest.fixture
def fresh_engine(tmp_path):
    return Engine(tmp_path / "data")


def _done(text: str) -> bool:
    return text.startswith(("✅", "⚠️", "❌"))


async def test_reload_fetches_every_source_and_reports_each_failure(fake, portal, fresh_engine):
    site = build_site(portal)
    sources.add_source(fresh_engine.db, site.feed_url, name="tin-tuc")
    sources.add_source(fresh_engine.db, site.sitemap_url, name="sitemap")
    async with polling(make_app(fake, fresh_engine, **FAST)):
        fake.push_message(ADMIN, ADMIN, "/reload")
        await fake.wait_for(lambda: fake.texts(ADMIN) and _done(fake.texts(ADMIN)[-1]), timeout=60)
        summary = fake.texts(ADMIN)[-1]
        assert summary.startswith("⚠️ Đã lấy tin")
        assert "tin-tuc: tìm thấy 11, mới 3" in summary and "sitemap: tìm thấy 2, mới 2" in summary
        assert "Thêm mới: 6" in summary  # five pages + the seed article of CORPUS_PATHS
        assert "da-go.html" in summary and "HTTP 404" in summary and "robots.txt" in summary

        fake.push_message(USER, USER, "Đảng bộ phường Thạch Lâm kết nạp bao nhiêu đảng viên mới?")
        (msg,) = await fake.wait_for_messages(USER, 1)
        assert "45" in msg["text"]
        links = [e.get("url") for e in msg.get("entities", []) if e.get("type") == "text_link"]
        assert site.articles["a1-ket-nap-dang-vien"]["url"] in links  # «Xem bài gốc»

        fake.push_message(ADMIN, ADMIN, "/sources")
        fake.push_message(USER, USER, "/sources")
        await fake.wait_for(lambda: len(fake.texts(USER)) >= 2)
        await fake.wait_for(lambda: fake.texts(ADMIN)[-1].startswith("🌐"))
        listing = fake.texts(ADMIN)[-1]
        assert "tin-tuc" in listing and "một phần lỗi" in listing and "bài: 3" in listing
        assert "sitemap" in listing and "bài: 2" in listing
        assert "Chỉ quản trị viên" in fake.texts(USER)[-1]

        portal.clear_requests()
        fake.push_message(ADMIN, ADMIN, "/reload")  # nothing new: nothing changes
        await fake.wait_for(lambda: _done(fake.texts(ADMIN)[-1]) and fake.texts(ADMIN)[-1] != summary, timeout=60)
        again = fake.texts(ADMIN)[-1]
        assert "Thêm mới: 0" in again and "Cập nhật: 0" in again and "Xoá: 0" in again
    fake.assert_no_errors()


async def test_sources_setting_seeds_the_list_and_the_schedule_fetches(fake, portal, fresh_engine):
    site = build_site(portal, failures=False)
    settings = dict(FAST, sources=f"tin-tuc={site.feed_url} feed", fetch_interval_minutes=0.005)  # 0.3 s
    app = make_app(fake, fresh_engine, **settings)
    async with polling(app):
        await app.post_init(app)  # run_polling() / run_webhook() call it; the test harness does not
        await fake.wait_for(lambda: app.bot_data[STATE].last_fetch is not None, timeout=30)
        (src,) = sources.list_sources(fresh_engine.db)
        assert (src.name, src.kind, src.last_status, src.articles) == ("tin-tuc", "feed", "ok", 3)
        fake.push_message(USER, USER, "Đảng bộ phường Thạch Lâm kết nạp bao nhiêu đảng viên mới?")
        (msg,) = await fake.wait_for_messages(USER, 1)
        assert "45" in msg["text"]
        fake.push_message(ADMIN, ADMIN, "/stats")
        await fake.wait_for(lambda: any("Lấy tin tự động" in t for t in fake.texts(ADMIN)))
        await stop_index_poller(app)  # post_init started it
    fake.assert_no_errors()


URL = "https://longbien.hanoi.gov.vn/tin-tuc-su-kien/hoat-dong-cua-dang-bo/bai-viet-ve-cong-tac-xay-dung-dang-o-co-so-123456.html"
REASON = "robots.txt không truy cập được (robots.txt unreachable: lỗi mạng (network error: server disconnected without sending a response))"


async def test_sources_with_many_failing_sources_fits_one_message(fake, fresh_engine):
    for i in range(6):
        s = sources.add_source(fresh_engine.db, f"https://phuong-{i}.hanoi.gov.vn/rss.xml", name=f"phuong-{i}")
        sources.record_fetch(fresh_engine.db, s.id, status="partial", found=30, new=1, unchanged=20, failed=9,
                             errors=[(URL.replace("123456", str(j)), REASON) for j in range(9)])
    async with polling(make_app(fake, fresh_engine)):
        fake.push_message(ADMIN, ADMIN, "/sources")
        await fake.wait_for(lambda: fake.texts(ADMIN), timeout=10)
        assert fake.texts(ADMIN)[-1].startswith("🌐"), fake.texts(ADMIN)[-1]


async def test_reload_summary_with_many_sources_fits_one_message(fake, fresh_engine):
    import socket
    s = socket.socket(); s.bind(("127.0.0.1", 0)); port = s.getsockname()[1]; s.close()
    for i in range(25):
        sources.add_source(fresh_engine.db, f"http://127.0.0.1:{port}/tin-tuc-su-kien/hoat-dong-cua-dang-bo-phuong-{i}/rss.xml",
                           name=f"dang-bo-phuong-so-{i}.hanoi.gov.vn")
    async with polling(make_app(fake, fresh_engine, fetch_timeout_s=2.0, fetch_host_delay_s=0.0)):
        fake.push_message(ADMIN, ADMIN, "/reload")
        await fake.wait_for(lambda: fake.texts(ADMIN) and not fake.texts(ADMIN)[-1].startswith("⏳"), timeout=60)
        assert fake.texts(ADMIN)[-1].startswith(("✅", "⚠️")), fake.texts(ADMIN)
    fake.assert_no_errors()


async def test_sources_empty_and_texts():
    assert "hoidap sources add" in render_sources.sources_text([])


def test_a_worker_skips_its_scheduled_turn_when_another_fetched_lately():
    from datetime import timedelta

    from bot.loading import _fetched_lately
    from index.sources import Source
    from index.store import utcnow

    def src(minutes_ago):
        at = None if minutes_ago is None else utcnow() - timedelta(minutes=minutes_ago)
        return Source(id=1, name="a", url="https://a.vn/rss", kind="auto", added_at=utcnow(), last_fetch_at=at)

    assert _fetched_lately([src(2), src(None)], minutes=10)
    assert not _fetched_lately([src(9)], minutes=10)
    assert not _fetched_lately([src(None)], minutes=10)
