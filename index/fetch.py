"""Polite HTTP fetching of news pages, feeds and sitemaps.

``Fetcher.get(url)`` returns a ``FetchResult`` and never raises for network or HTTP
problems: those become ``status="error"`` with a reason for the admin (Vietnamese
first, English in parentheses), e.g. ``"HTTP 404 (not found)"``.

What every request gets:

* an honest ``User-Agent`` naming the project (robots.txt requests too);
* robots.txt, fetched once per scheme+host+port and cached for the ``Fetcher``'s life,
  read with ``urllib.robotparser``:

  - 2xx: its rules (only the first 512 KiB are read, as RFC 9309 allows);
  - 404, 410 and other 4xx: no robots.txt, everything allowed (RFC 9309 2.3.1.3);
  - 401 and 403: everything disallowed.  RFC 9309 itself would treat these as
    "unavailable" (allow); we keep the older convention that ``urllib.robotparser``
    and many crawlers follow: a site that refuses us its robots.txt is not crawled;
  - 429, 5xx, network errors, a redirect loop: robots.txt is *unreachable*, and
    RFC 9309 2.3.1.4 says to assume a complete disallow, so every URL of that host is
    ``"disallowed"`` for the rest of this ``Fetcher`` with the reason given;
  - a ``Crawl-delay`` (fractions rounded up) larger than ``FetchPolicy.host_delay_s`` is
    honoured, capped at ``MAX_CRAWL_DELAY_S``;

* a per-host delay: before a request to a host, sleep until ``host_delay_s`` (or the
  crawl delay) has passed since the previous request to that host ended (hosts are
  compared by host name, so http/https and ports of one server share the delay);
* redirects followed by hand, at most ``max_redirects``; every hop is checked against
  robots.txt, waits for its host's delay and is recorded; a relative ``Location`` is
  resolved against the current URL; asking for the same URL again with the same cookies
  is a loop;
* timeouts: connect and each read wait at most ``timeout_s``; reading the body has an
  overall deadline of ``timeout_s`` from the start of the request, so a server that
  trickles bytes cannot hold us much longer (checked between chunks and, on a real
  socket, enforced by a watchdog that shuts the socket down). Response *headers* are
  only bounded by the per-read timeout;
* a size cap: a ``Content-Length`` over ``max_bytes`` is refused without reading the
  body, and streaming stops as soon as ``max_bytes`` is passed (decoded bytes, so a
  gzip-encoded bomb is stopped too);
* conditional GET: ``If-None-Match`` / ``If-Modified-Since`` from ``Validators``; a
  304 answer gives ``status="not_modified"`` with an empty body.

Every request made (robots.txt and redirect hops included) is appended to
``Fetcher.requests_made`` as ``(method, url, conditional headers sent)``.
"""

from __future__ import annotations

import math
import re
import socket
import threading
import time
import urllib.robotparser
from collections.abc import Callable, MutableMapping
from dataclasses import dataclass
from importlib import metadata
from typing import Literal
from urllib.parse import urljoin, urlsplit

import httpx


def _version() -> str:
    try:
        return metadata.version("hoidap")
    except metadata.PackageNotFoundError:  # running from a source tree
        return "0.1.0"


USER_AGENT = (
    f"hoidap/{_version()} (+https://github.com/hoidap/hoidap; "
    "Vietnamese party-news question answering bot)"
)
DEFAULT_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
ROBOTS_MAX_BYTES = 512 * 1024  # RFC 9309: parse at least the first 500 KiB
MAX_CRAWL_DELAY_S = 60.0  # a larger Crawl-delay is honoured only up to this
REDIRECT_CODES = frozenset({301, 302, 303, 307, 308})

DISALLOWED_REASON = "robots.txt không cho phép (disallowed by robots.txt)"


@dataclass(frozen=True)
class FetchPolicy:
    timeout_s: float = 10.0
    max_bytes: int = 10 * 1024 * 1024
    max_redirects: int = 5
    host_delay_s: float = 1.0
    user_agent: str = USER_AGENT
    obey_robots: bool = True


@dataclass(frozen=True)
class Validators:
    """Cache validators of an earlier fetch, sent back for a conditional GET."""

    etag: str | None = None
    last_modified: str | None = None


@dataclass(frozen=True)
class FetchResult:
    url: str  # as asked for
    final_url: str  # after redirects (the last URL tried when it failed)
    status: Literal["ok", "not_modified", "error", "disallowed"]
    http_status: int | None
    content_type: str | None
    body: bytes
    etag: str | None
    last_modified: str | None
    reason: str | None  # for "error" and "disallowed"
    elapsed_s: float

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    @property
    def validators(self) -> Validators:
        """What to pass to the next ``get`` of this URL for a conditional GET."""
        return Validators(etag=self.etag, last_modified=self.last_modified)


# -- reasons --------------------------------------------------------------------------


def _mb(n: int) -> str:
    return f"{n / (1024 * 1024):g}"


def too_large_reason(max_bytes: int) -> str:
    return f"trang quá lớn (larger than {_mb(max_bytes)} MB)"


def timeout_reason(timeout_s: float) -> str:
    return f"hết thời gian chờ (timeout after {timeout_s:g} s)"


def http_reason(code: int) -> str:
    phrase = httpx.codes.get_reason_phrase(code).lower()
    return f"HTTP {code} ({phrase})" if phrase else f"HTTP {code}"


def _network_reason(exc: BaseException) -> str:
    msg = str(exc) or type(exc).__name__
    low = msg.lower()
    if isinstance(exc, httpx.TimeoutException):
        return "hết thời gian chờ (timeout)"
    if "ssl" in low or "certificate" in low or "tls" in low:
        return f"lỗi TLS/SSL (TLS error: {msg})"
    if any(
        s in low
        for s in (
            "name or service not known",
            "nodename nor servname",
            "temporary failure in name resolution",
            "getaddrinfo",
            "no address associated",
            "name resolution",
        )
    ):
        return f"không tìm thấy tên miền (DNS lookup failed: {msg})"
    if "refused" in low:
        return "máy chủ từ chối kết nối (connection refused)"
    if isinstance(exc, (httpx.UnsupportedProtocol, httpx.InvalidURL)):
        return f"địa chỉ không hợp lệ (invalid URL: {msg})"
    if isinstance(exc, httpx.ConnectError):
        return f"không kết nối được (connection failed: {msg})"
    if isinstance(exc, httpx.RemoteProtocolError):
        return f"máy chủ trả lời sai giao thức (protocol error: {msg})"
    if isinstance(exc, httpx.DecodingError):
        return f"không giải nén được nội dung (decoding error: {msg})"
    return f"lỗi mạng (network error: {msg})"


def _check_url(url: str) -> str | None:
    """A reason when ``url`` cannot be fetched at all, else None."""
    try:
        parts = urlsplit(url)
        host = parts.hostname
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError as exc:
        return f"địa chỉ không hợp lệ (invalid URL: {exc})"
    if parts.scheme.lower() not in ("http", "https"):
        scheme = parts.scheme or "none"
        return f"chỉ hỗ trợ http và https (unsupported URL scheme: {scheme})"
    if not host:
        return f"địa chỉ không có tên máy chủ (URL without a host: {url})"
    return None


_FRACTIONAL_DELAY = re.compile(r"(?im)^(\s*crawl-delay\s*:\s*)(\d*\.\d+)")


def _round_up_crawl_delays(text: str) -> str:
    """``Crawl-delay: 1.5`` -> ``2``: urllib.robotparser only reads whole seconds."""
    return _FRACTIONAL_DELAY.sub(lambda m: m.group(1) + str(math.ceil(float(m.group(2)))), text)


def _origin(url: str) -> str:
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    port = parts.port
    default = {"http": 80, "https": 443}.get(scheme)
    return f"{scheme}://{host}" + (f":{port}" if port and port != default else "")


def _host(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


# -- internals ------------------------------------------------------------------------

RobotsMemo = tuple[str | None, str | None, str]  # etag, last_modified, text


def _conditional(validators: tuple) -> dict[str, str]:
    """If-None-Match / If-Modified-Since from (etag, last_modified, ...)."""
    etag, modified = validators[0], validators[1]
    headers = {}
    if etag and etag.isascii():  # an HTTP header is ASCII: a stray validator is not sent
        headers["If-None-Match"] = etag
    if modified and modified.isascii():
        headers["If-Modified-Since"] = modified
    return headers


def _validators_of(headers: httpx.Headers | None) -> tuple[str | None, str | None]:
    h = headers if headers is not None else httpx.Headers()
    return h.get("etag"), h.get("last-modified")


@dataclass
class _Hop:
    """One HTTP exchange."""

    url: str
    status: int | None = None
    headers: httpx.Headers | None = None
    body: bytes = b""
    error: str | None = None  # network problem, timeout, too large


@dataclass
class _Robots:
    parser: urllib.robotparser.RobotFileParser
    blocked: str | None = None  # reason every URL of the origin is refused
    crawl_delay: float | None = None


class _Watchdog:
    """Shuts a socket down at a deadline so a blocked read returns."""

    def __init__(self, sock: socket.socket | None, seconds: float):
        self.fired = False
        self._sock = sock
        self._timer: threading.Timer | None = None
        if sock is not None:
            self._timer = threading.Timer(max(seconds, 0.0), self._fire)
            self._timer.daemon = True
            self._timer.start()

    def _fire(self) -> None:
        self.fired = True
        try:
            self._sock.shutdown(socket.SHUT_RDWR)  # type: ignore[union-attr]
        except OSError:
            pass

    def cancel(self) -> None:
        if self._timer is not None:
            self._timer.cancel()


def _socket_of(response: httpx.Response) -> socket.socket | None:
    stream = response.extensions.get("network_stream")
    if stream is None:
        return None
    try:
        sock = stream.get_extra_info("socket")
    except Exception:  # noqa: BLE001 - any backend without it: no watchdog
        return None
    return sock if isinstance(sock, socket.socket) else None


class Fetcher:
    """HTTP GET with robots.txt, per-host delays, redirects, timeouts and a size cap.

    A context manager; not thread-safe. ``sleep`` and ``clock`` are injectable so tests
    can check the per-host delays without waiting.
    """

    def __init__(
        self,
        policy: FetchPolicy = FetchPolicy(),
        *,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        robots_memory: MutableMapping[str, RobotsMemo] | None = None,
    ):
        self.policy = policy
        # origin -> (etag, last_modified, text) of its robots.txt from an earlier run: asked
        # for conditionally, and on a 304 the remembered text is used (``index.crawl``
        # keeps it in the database); a fresh 200 with a validator is written back
        self.robots_memory: MutableMapping[str, RobotsMemo] = {} if robots_memory is None else robots_memory
        self._sleep = sleep
        self._clock = clock
        self._client = httpx.Client(
            follow_redirects=False,
            timeout=httpx.Timeout(policy.timeout_s),
            headers={"User-Agent": policy.user_agent},
            transport=transport,
        )
        self._robots: dict[str, _Robots] = {}
        self._last_end: dict[str, float] = {}  # host -> clock() when its last request ended
        self.requests_made: list[tuple[str, str, dict]] = []

    # context manager
    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self._client.close()

    # -- public -----------------------------------------------------------------------

    def get(
        self, url: str, validators: Validators | None = None, *, accept: str | None = None
    ) -> FetchResult:
        start = self._clock()
        headers = {"Accept": accept or DEFAULT_ACCEPT}
        conditional = _conditional((validators.etag, validators.last_modified)) if validators is not None else {}
        headers.update(conditional)

        def result(status, current, *, hop=None, reason=None, body=b""):
            h = hop.headers if hop is not None and hop.headers is not None else httpx.Headers()
            etag = h.get("etag")
            last_modified = h.get("last-modified")
            if status == "not_modified" and validators is not None:
                etag = etag or validators.etag
                last_modified = last_modified or validators.last_modified
            return FetchResult(
                url=url,
                final_url=current,
                status=status,
                http_status=hop.status if hop is not None else None,
                content_type=h.get("content-type"),
                body=body,
                etag=etag,
                last_modified=last_modified,
                reason=reason,
                elapsed_s=self._clock() - start,
            )

        current = url
        seen: set[tuple] = set()
        redirects = 0
        while True:
            bad = _check_url(current)
            if bad:
                return result("error", current, reason=bad)
            seen.add(self._loop_key(current))
            if self.policy.obey_robots:
                refused = self._robots_refusal(current)
                if refused:
                    return result("disallowed", current, reason=refused)
            hop = self._exchange(current, headers, conditional, read_body=lambda c: 200 <= c < 300)
            if hop.error:
                return result("error", current, hop=hop, reason=hop.error)
            code = hop.status or 0
            if code in REDIRECT_CODES:
                location = (hop.headers or httpx.Headers()).get("location", "").strip()
                if not location:
                    return result(
                        "error",
                        current,
                        hop=hop,
                        reason=f"chuyển hướng không có Location (HTTP {code} without Location)",
                    )
                target = urljoin(current, location)
                bad = _check_url(target)
                if bad:
                    return result("error", current, hop=hop, reason=f"chuyển hướng tới {target}: {bad}")
                if self._loop_key(target) in seen:
                    return result(
                        "error", current, hop=hop, reason="vòng lặp chuyển hướng (redirect loop)"
                    )
                redirects += 1
                if redirects > self.policy.max_redirects:
                    return result(
                        "error",
                        current,
                        hop=hop,
                        reason=(
                            f"quá {self.policy.max_redirects} lần chuyển hướng "
                            "(too many redirects)"
                        ),
                    )
                current = target
                continue
            if code == 304:
                return result("not_modified", current, hop=hop)
            if 200 <= code < 300:
                return result("ok", current, hop=hop, body=hop.body)
            return result("error", current, hop=hop, reason=http_reason(code))

    # -- robots.txt -------------------------------------------------------------------

    def _robots_refusal(self, url: str) -> str | None:
        origin = _origin(url)
        robots = self._robots.get(origin)
        if robots is None:
            robots = self._robots[origin] = self._load_robots(origin)
        if robots.blocked:
            return robots.blocked
        if not robots.parser.can_fetch(self.policy.user_agent, url):
            return DISALLOWED_REASON
        return None

    def _load_robots(self, origin: str) -> _Robots:
        parser = urllib.robotparser.RobotFileParser(origin + "/robots.txt")
        current = origin + "/robots.txt"
        seen = {current}
        headers = {"Accept": "text/plain,*/*;q=0.5"}

        def unreachable(why: str) -> _Robots:
            parser.disallow_all = True
            return _Robots(
                parser,
                blocked=f"robots.txt không truy cập được (robots.txt unreachable: {why})",
            )

        memo = self.robots_memory.get(origin)
        for _ in range(max(self.policy.max_redirects, 5) + 1):
            conditional = _conditional(memo) if memo is not None and current == origin + "/robots.txt" else {}
            hop = self._exchange(
                current, {**headers, **conditional}, conditional, read_body=lambda c: 200 <= c < 300, truncate=True
            )
            if hop.error:
                return unreachable(hop.error)
            code = hop.status or 0
            if code in REDIRECT_CODES:
                location = (hop.headers or httpx.Headers()).get("location", "").strip()
                target = urljoin(current, location) if location else ""
                if not location or _check_url(target) or target in seen:
                    return unreachable(f"HTTP {code} redirect to {location or 'nowhere'}")
                seen.add(target)
                current = target
                continue
            if code == 304 and conditional and memo is not None:
                hop.body = memo[2].encode("utf-8")
                code = 200
            elif 200 <= code < 300 and current == origin + "/robots.txt":
                etag, modified = _validators_of(hop.headers)
                if etag or modified:
                    self.robots_memory[origin] = (etag, modified, hop.body.decode("utf-8", errors="replace"))
            if 200 <= code < 300:
                text = hop.body.decode("utf-8", errors="replace").lstrip("\ufeff")
                parser.parse(_round_up_crawl_delays(text).splitlines())
                delay = parser.crawl_delay(self.policy.user_agent)
                return _Robots(parser, crawl_delay=float(delay) if delay is not None else None)
            if code in (401, 403):
                parser.disallow_all = True
                return _Robots(
                    parser,
                    blocked=(
                        "robots.txt bị từ chối, không tải trang nào của máy chủ này "
                        f"(robots.txt answered {http_reason(code)}: everything disallowed)"
                    ),
                )
            if code == 429 or code >= 500:
                return unreachable(http_reason(code))
            # 404, 410 and other 4xx (or an odd 1xx/3xx): no robots.txt, all allowed
            parser.allow_all = True
            return _Robots(parser)
        return unreachable("quá nhiều lần chuyển hướng (too many redirects)")

    # -- one exchange -----------------------------------------------------------------

    def _delay_for(self, url: str) -> float:
        delay = self.policy.host_delay_s
        robots = self._robots.get(_origin(url))
        if robots is not None and robots.crawl_delay:
            delay = max(delay, min(robots.crawl_delay, MAX_CRAWL_DELAY_S))
        return delay

    def _wait_for_host(self, url: str) -> None:
        last = self._last_end.get(_host(url))
        if last is None:
            return
        wait = self._delay_for(url) - (self._clock() - last)
        if wait > 0:
            self._sleep(wait)

    def _loop_key(self, url: str) -> tuple:
        cookies = tuple(
            sorted((c.domain, c.path, c.name, c.value or "") for c in self._client.cookies.jar)
        )
        return (url.split("#", 1)[0], cookies)

    def _exchange(
        self,
        url: str,
        headers: dict[str, str],
        conditional: dict[str, str],
        *,
        read_body: Callable[[int], bool],
        truncate: bool = False,
    ) -> _Hop:
        """One GET; the body is read (under the cap and deadline) when ``read_body(code)``."""
        self._wait_for_host(url)
        self.requests_made.append(("GET", url, dict(conditional)))
        timeout = self.policy.timeout_s
        cap = ROBOTS_MAX_BYTES if truncate else self.policy.max_bytes
        hop = _Hop(url)
        deadline = time.monotonic() + timeout
        watchdog: _Watchdog | None = None
        try:
            with self._client.stream("GET", url, headers=headers) as resp:
                hop.status = resp.status_code
                hop.headers = resp.headers
                if not read_body(resp.status_code):
                    return hop
                length = resp.headers.get("content-length", "")
                if not truncate and length.strip().isdigit() and int(length) > cap:
                    hop.error = too_large_reason(cap)
                    return hop
                watchdog = _Watchdog(_socket_of(resp), deadline - time.monotonic())
                chunks: list[bytes] = []
                size = 0
                for chunk in resp.iter_bytes():
                    if size + len(chunk) > cap:
                        if truncate:
                            chunks.append(chunk[: cap - size])
                            break
                        hop.error = too_large_reason(cap)
                        return hop
                    size += len(chunk)
                    chunks.append(chunk)
                    if time.monotonic() > deadline:
                        hop.error = timeout_reason(timeout)
                        return hop
                hop.body = b"".join(chunks)
                return hop
        except httpx.TimeoutException:
            hop.error = timeout_reason(timeout)
        except (httpx.HTTPError, httpx.InvalidURL, OSError, ValueError, UnicodeError) as exc:
            if (watchdog is not None and watchdog.fired) or time.monotonic() > deadline:
                hop.error = timeout_reason(timeout)
            else:
                hop.error = _network_reason(exc)
        finally:
            if watchdog is not None:
                watchdog.cancel()
            self._last_end[_host(url)] = self._clock()
        return hop
