"""index.fetch against a real loopback HTTP portal (tests/portal.py)."""

from __future__ import annotations

import gzip
import time

import httpx
import pytest
from portal import portal  # noqa: F401

from index.fetch import (
    USER_AGENT,
    Fetcher,
    FetchPolicy,
    Validators,
)

pytestmark = pytest.mark.slow  # a real HTTP server, timeouts: not in the fast loop

PAGE = "<html><head><title>Tin tức</title></head><body><p>Hội nghị Ban Chấp hành.</p></body></html>"
MB = 1024 * 1024


class FakeTime:
    """A clock that only moves when slept on; records the sleeps asked for."""

    def __init__(self):
        self.now = 1000.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def fetcher(robots_memory=None, **policy) -> Fetcher:
    """A fetcher that never really sleeps between requests (host delay 0 unless given)."""
    policy.setdefault("host_delay_s", 0.0)
    return Fetcher(FetchPolicy(**policy), sleep=lambda s: None, robots_memory=robots_memory)


# -- plain answers --------------------------------------------------------------------


def test_ok_page(portal):
    url = portal.add("/tin-tuc/1.html", PAGE)
    with fetcher() as f:
        r = f.get(url)
    assert r.ok and r.status == "ok"
    assert r.http_status == 200
    assert r.body == PAGE.encode()
    assert r.content_type == "text/html; charset=utf-8"
    assert r.url == r.final_url == url
    assert r.etag and r.last_modified
    assert r.reason is None
    assert r.elapsed_s >= 0


@pytest.mark.parametrize(
    "status, reason",
    [(404, "HTTP 404 (not found)"), (500, "HTTP 500 (internal server error)"), (403, "HTTP 403 (forbidden)")],
)
def test_http_errors_have_reasons(portal, status, reason):
    url = portal.add("/x", "oops", status=status)
    with fetcher() as f:
        r = f.get(url)
    assert r.status == "error" and not r.ok
    assert r.http_status == status
    assert r.reason == reason
    assert r.body == b""


def test_unknown_path_is_404(portal):
    with fetcher() as f:
        r = f.get(portal.url("/khong-co"))
    assert (r.status, r.reason) == ("error", "HTTP 404 (not found)")


def test_non_html_content_type_passed_through(portal):
    pdf = b"%PDF-1.4\n% fake pdf\n"
    url = portal.add("/van-ban/nghi-quyet.pdf", pdf, content_type="application/pdf")
    with fetcher() as f:
        r = f.get(url)
    assert r.ok
    assert r.content_type == "application/pdf"
    assert r.body == pdf


def test_connection_refused_is_an_error_not_an_exception(portal):
    port = portal.port
    portal.stop()
    with fetcher(obey_robots=False) as f:
        r = f.get(f"http://127.0.0.1:{port}/tin.html")
    assert r.status == "error"
    assert "connection refused" in r.reason
    assert r.http_status is None


def test_unreachable_robots_disallows_the_host(portal):
    port = portal.port
    portal.stop()
    with fetcher() as f:
        r = f.get(f"http://127.0.0.1:{port}/tin.html")
    assert r.status == "disallowed"
    assert "robots.txt unreachable" in r.reason and "connection refused" in r.reason


@pytest.mark.parametrize(
    "url, expected",
    [
        ("ftp://example.org/a.txt", "unsupported URL scheme: ftp"),
        ("tin-tuc/1.html", "unsupported URL scheme: none"),
        ("http:///no-host", "URL without a host"),
        ("http://example.org:99999/", "invalid URL"),
    ],
)
def test_bad_urls(url, expected):
    with fetcher() as f:
        r = f.get(url)
    assert r.status == "error"
    assert expected in r.reason
    assert f.requests_made == []


def test_dns_failure_is_an_error():
    with fetcher(obey_robots=False, timeout_s=5) as f:
        r = f.get("http://no-such-host.invalid/tin.html")
    assert r.status == "error"
    assert r.reason  # "không tìm thấy tên miền (DNS lookup failed: ...)" or similar


# -- redirects ------------------------------------------------------------------------


def test_redirect_with_relative_location(portal):
    portal.add("/tin-tuc/moi.html", PAGE)
    portal.redirect("/tin-tuc/cu.html", "moi.html")  # relative to /tin-tuc/
    with fetcher() as f:
        r = f.get(portal.url("/tin-tuc/cu.html"))
        made = [u for _, u, _ in f.requests_made]
    assert r.ok
    assert r.url == portal.url("/tin-tuc/cu.html")
    assert r.final_url == portal.url("/tin-tuc/moi.html")
    assert made == [portal.url("/robots.txt"), portal.url("/tin-tuc/cu.html"), portal.url("/tin-tuc/moi.html")]


def test_redirect_loop(portal):
    portal.redirect("/a", "/b", status=302)
    portal.redirect("/b", "/a", status=307)
    with fetcher() as f:
        r = f.get(portal.url("/a"))
    assert r.status == "error"
    assert r.reason == "vòng lặp chuyển hướng (redirect loop)"
    assert portal.paths().count("/a") == 1 and portal.paths().count("/b") == 1


def test_too_many_redirects(portal):
    for i in range(7):
        portal.redirect(f"/r{i}", f"/r{i + 1}")
    portal.add("/r7", PAGE)
    with fetcher() as f:
        r = f.get(portal.url("/r0"))
        assert r.status == "error"
        assert r.reason == "quá 5 lần chuyển hướng (too many redirects)"
        assert "/r6" not in portal.paths()  # stopped after the 6th hop was announced
        # five hops are fine
        ok = f.get(portal.url("/r2"))
    assert ok.ok and ok.final_url == portal.url("/r7")


def test_redirect_without_location(portal):
    portal.add("/weird", "", status=302)
    with fetcher() as f:
        r = f.get(portal.url("/weird"))
    assert r.status == "error" and "without Location" in r.reason


# -- time and size limits -------------------------------------------------------------


def test_slow_page_times_out(portal):
    url = portal.add("/slow", PAGE, delay_s=3.0)
    with fetcher(timeout_s=0.5) as f:
        t0 = time.monotonic()
        r = f.get(url)
        took = time.monotonic() - t0
    assert r.status == "error"
    assert r.reason == "hết thời gian chờ (timeout after 0.5 s)"
    assert took < 0.5 + 0.4


def test_trickling_page_is_cut_at_the_deadline(portal):
    # every piece comes well within the read timeout, but the whole would take 10 s
    url = portal.add("/drip", "x" * 1600, trickle=True, trickle_bytes=16, delay_s=0.1)
    with fetcher(timeout_s=0.5) as f:
        t0 = time.monotonic()
        r = f.get(url)
        took = time.monotonic() - t0
    assert r.status == "error"
    assert r.reason == "hết thời gian chờ (timeout after 0.5 s)"
    assert took < 0.5 + 0.4


def test_read_gap_just_under_the_timeout_is_still_cut_at_the_deadline(portal):
    url = portal.add("/drip", "x" * 64, trickle=True, trickle_bytes=8, delay_s=0.4)
    with fetcher(timeout_s=0.5) as f:
        t0 = time.monotonic()
        r = f.get(url)
        took = time.monotonic() - t0
    assert r.reason == "hết thời gian chờ (timeout after 0.5 s)"
    assert took < 0.5 + 0.25  # the watchdog, not the next piece, ends it


@pytest.mark.parametrize("content_length", [True, False])
def test_huge_page_refused_and_reading_stops_early(portal, content_length):
    size = 30 * MB
    url = portal.add_huge("/big", size, content_length=content_length)
    with fetcher() as f:
        r = f.get(url)
    assert r.status == "error"
    assert r.reason == "trang quá lớn (larger than 10 MB)"
    assert r.body == b""
    assert portal.wait_idle(5)
    assert portal.sent("/big") < size  # the server was cut off
    if content_length:
        assert portal.sent("/big") < 10 * MB  # refused on the header, before the cap


def test_size_cap_follows_the_policy(portal):
    url = portal.add("/page", "x" * 3000)
    with fetcher(max_bytes=2048) as f:
        r = f.get(url)
    assert r.reason == "trang quá lớn (larger than 0.00195312 MB)"
    portal.add_huge("/ok", 2048, content_length=False)
    with fetcher(max_bytes=2048) as f:
        assert f.get(portal.url("/ok")).ok  # exactly the cap is fine


def test_gzip_encoded_bomb_is_cut_at_the_cap(portal):
    bomb = gzip.compress(b"\0" * (20 * MB), compresslevel=1)
    assert len(bomb) < MB
    url = portal.add("/bomb", bomb, headers={"Content-Encoding": "gzip"})
    with fetcher() as f:
        r = f.get(url)
    assert r.status == "error" and r.reason == "trang quá lớn (larger than 10 MB)"


# -- robots.txt -----------------------------------------------------------------------


def test_robots_disallowed_path_is_never_requested(portal):
    portal.add("/robots.txt", "User-agent: *\nDisallow: /private/\n", "text/plain")
    portal.add("/private/secret.html", PAGE)
    portal.add("/public.html", PAGE)
    with fetcher() as f:
        r = f.get(portal.url("/private/secret.html"))
        assert r.status == "disallowed"
        assert r.reason == "robots.txt không cho phép (disallowed by robots.txt)"
        assert f.get(portal.url("/public.html")).ok
    assert portal.paths() == ["/robots.txt", "/public.html"]  # robots.txt read once


def test_robots_remembered_is_asked_conditionally_and_reused_on_304(portal):
    portal.add("/robots.txt", "User-agent: *\nDisallow: /private/\n", "text/plain")
    portal.add("/private/secret.html", PAGE)
    memory: dict = {}
    with fetcher(robots_memory=memory) as f:
        assert f.get(portal.url("/private/secret.html")).status == "disallowed"
    (origin,) = memory
    etag, _modified, text = memory[origin]
    assert etag and "Disallow: /private/" in text
    portal.clear_requests()
    with fetcher(robots_memory=memory) as f:  # a later run: robots.txt unchanged -> 304
        assert f.get(portal.url("/private/secret.html")).status == "disallowed"
    ((_, path, headers),) = portal.requests
    assert path == "/robots.txt" and headers.get("if-none-match") == etag
    portal.add("/robots.txt", "User-agent: *\nAllow: /\n", "text/plain")  # changed: 200, the new rules
    with fetcher(robots_memory=memory) as f:
        assert f.get(portal.url("/private/secret.html")).ok
    assert "Allow: /" in memory[origin][2]


def test_robots_for_our_agent(portal):
    portal.add(
        "/robots.txt",
        "User-agent: hoidap\nDisallow: /\n\nUser-agent: *\nAllow: /\n",
        "text/plain",
    )
    portal.add("/a.html", PAGE)
    with fetcher() as f:
        assert f.get(portal.url("/a.html")).status == "disallowed"
    with fetcher(user_agent="otherbot/1.0") as f:
        assert f.get(portal.url("/a.html")).ok


def test_redirect_into_a_disallowed_path_is_not_followed(portal):
    portal.add("/robots.txt", "User-agent: *\nDisallow: /private/\n", "text/plain")
    portal.redirect("/go", "/private/x.html")
    portal.add("/private/x.html", PAGE)
    with fetcher() as f:
        r = f.get(portal.url("/go"))
    assert r.status == "disallowed"
    assert r.final_url == portal.url("/private/x.html")
    assert "/private/x.html" not in portal.paths()


def test_robots_404_allows_everything(portal):
    portal.add("/private/x.html", PAGE)
    with fetcher() as f:
        assert f.get(portal.url("/private/x.html")).ok
    assert portal.paths() == ["/robots.txt", "/private/x.html"]


def test_robots_403_disallows_everything(portal):
    portal.add("/robots.txt", "no", status=403)
    portal.add("/a.html", PAGE)
    with fetcher() as f:
        r = f.get(portal.url("/a.html"))
    assert r.status == "disallowed" and "403" in r.reason
    assert "/a.html" not in portal.paths()


def test_robots_5xx_disallows_the_host_for_the_run(portal):
    portal.add("/robots.txt", "down", status=503)
    portal.add("/a.html", PAGE)
    with fetcher() as f:
        r1 = f.get(portal.url("/a.html"))
        r2 = f.get(portal.url("/a.html"))
    for r in (r1, r2):
        assert r.status == "disallowed"
        assert r.reason == (
            "robots.txt không truy cập được (robots.txt unreachable: HTTP 503 (service unavailable))"
        )
    assert portal.paths() == ["/robots.txt"]  # cached: asked once


def test_robots_redirect_followed(portal):
    portal.redirect("/robots.txt", "/static/robots.txt")
    portal.add("/static/robots.txt", "User-agent: *\nDisallow: /private/\n", "text/plain")
    with fetcher() as f:
        assert f.get(portal.url("/private/a.html")).status == "disallowed"


def test_obey_robots_false_skips_robots(portal):
    portal.add("/robots.txt", "User-agent: *\nDisallow: /\n", "text/plain")
    portal.add("/a.html", PAGE)
    with fetcher(obey_robots=False) as f:
        assert f.get(portal.url("/a.html")).ok
    assert portal.paths() == ["/a.html"]


def test_user_agent_on_every_request(portal):
    portal.add("/robots.txt", "User-agent: *\nAllow: /\n", "text/plain")
    portal.redirect("/old", "/new")
    portal.add("/new", PAGE)
    with fetcher() as f:
        f.get(portal.url("/old"))
        f.get(portal.url("/missing"))
    seen = portal.requests
    assert [p for _, p, _ in seen] == ["/robots.txt", "/old", "/new", "/missing"]
    assert all(h.get("user-agent") == USER_AGENT for _, _, h in seen)
    assert USER_AGENT.startswith("hoidap/") and "+https://" in USER_AGENT


# -- per-host delay -------------------------------------------------------------------


def test_host_delay_uses_the_injected_sleep(portal):
    portal.add("/a", PAGE)
    portal.add("/b", PAGE)
    t = FakeTime()
    with Fetcher(FetchPolicy(host_delay_s=1.5), sleep=t.sleep, clock=t.clock) as f:
        f.get(portal.url("/a"))  # robots.txt, then /a 1.5 s after it
        f.get(portal.url("/b"))
        t.now += 10  # long enough since: no wait
        f.get(portal.url("/a"))
    assert t.sleeps == [1.5, 1.5]


def test_crawl_delay_honoured_when_larger(portal):
    portal.add("/robots.txt", "User-agent: *\nCrawl-delay: 4\n", "text/plain")
    portal.add("/a", PAGE)
    t = FakeTime()
    with Fetcher(FetchPolicy(host_delay_s=1.0), sleep=t.sleep, clock=t.clock) as f:
        f.get(portal.url("/a"))
        f.get(portal.url("/a"))
    assert t.sleeps == [4.0, 4.0]


def test_fractional_crawl_delay_rounded_up(portal):
    portal.add("/robots.txt", "User-agent: *\nCrawl-delay: 1.5\n", "text/plain")
    portal.add("/a", PAGE)
    t = FakeTime()
    with Fetcher(FetchPolicy(host_delay_s=1.0), sleep=t.sleep, clock=t.clock) as f:
        f.get(portal.url("/a"))
    assert t.sleeps == [2.0]


def test_crawl_delay_smaller_than_policy_is_ignored(portal):
    portal.add("/robots.txt", "User-agent: *\nCrawl-delay: 0\n", "text/plain")
    portal.add("/a", PAGE)
    t = FakeTime()
    with Fetcher(FetchPolicy(host_delay_s=1.0), sleep=t.sleep, clock=t.clock) as f:
        f.get(portal.url("/a"))
    assert t.sleeps == [1.0]


def test_delay_is_per_host():
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        if request.url.path == "/robots.txt":
            return httpx.Response(404)
        return httpx.Response(200, text="ok", headers={"Content-Type": "text/plain"})

    t = FakeTime()
    policy = FetchPolicy(host_delay_s=2.0)
    with Fetcher(policy, transport=httpx.MockTransport(handler), sleep=t.sleep, clock=t.clock) as f:
        assert f.get("https://a.example/1").ok  # robots.txt of a, then 2 s
        assert f.get("https://b.example/1").ok  # b's robots.txt at once: a's delay is not b's
        assert f.get("https://a.example/2").ok  # 2 s passed since a/1 ended: no wait
        t.now += 0.5
        assert f.get("https://b.example/2").ok  # 0.5 s since b/1 ended: 1.5 s more
    assert t.sleeps == [2.0, 2.0, 1.5]
    assert seen == [
        "https://a.example/robots.txt",
        "https://a.example/1",
        "https://b.example/robots.txt",
        "https://b.example/1",
        "https://a.example/2",
        "https://b.example/2",
    ]


# -- conditional GET ------------------------------------------------------------------


def test_conditional_get_not_modified(portal):
    url = portal.add("/tin.html", PAGE)
    with fetcher() as f:
        first = f.get(url)
        second = f.get(url, first.validators)
        made = f.requests_made
    assert first.ok and first.etag
    assert second.status == "not_modified" and not second.ok
    assert second.http_status == 304
    assert second.body == b""
    assert second.etag == first.etag and second.last_modified == first.last_modified
    _, _, headers = portal.requests[-1]
    assert headers["if-none-match"] == first.etag
    assert headers["if-modified-since"] == first.last_modified
    assert made[-1] == (
        "GET",
        url,
        {"If-None-Match": first.etag, "If-Modified-Since": first.last_modified},
    )
    assert made[1] == ("GET", url, {})


def test_conditional_get_changed_page(portal):
    url = portal.add("/tin.html", PAGE)
    with fetcher() as f:
        first = f.get(url)
        portal.add("/tin.html", PAGE.replace("Hội nghị", "Đại hội"), last_modified="Tue, 02 Jan 2024 00:00:00 GMT")
        second = f.get(url, first.validators)
    assert second.ok and "Đại hội" in second.body.decode()
    assert second.etag != first.etag


def test_if_modified_since_alone(portal):
    url = portal.add("/tin.html", PAGE, etag=False)
    with fetcher() as f:
        first = f.get(url)
        assert first.etag is None and first.last_modified
        second = f.get(url, Validators(last_modified=first.last_modified))
    assert second.status == "not_modified"
    assert "if-none-match" not in portal.requests[-1][2]


def test_conditional_headers_follow_redirects(portal):
    url = portal.add("/moi.html", PAGE)
    portal.redirect("/cu.html", "/moi.html")
    with fetcher() as f:
        first = f.get(portal.url("/cu.html"))
        second = f.get(portal.url("/cu.html"), first.validators)
    assert first.final_url == url
    assert second.status == "not_modified" and second.final_url == url
