"""Per-user question rate limit (sliding window), and Telegram's flood limits.

``UserRateLimit`` counts the questions of each user over the last ``window_s``
seconds. It lives on the event loop (no locks needed). Telegram's own flood
limits are handled by PTB's ``AIORateLimiter`` (see ``bot.app``).
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class Verdict:
    allowed: bool
    retry_after: float = 0.0  # seconds until the oldest question leaves the window
    notify: bool = False  # first refusal in this window: tell the user (once)


class UserRateLimit:
    def __init__(self, limit: int, window_s: float, clock: Callable[[], float] = time.monotonic):
        self.limit = limit
        self.window_s = window_s
        self.clock = clock
        self._hits: dict[int, deque[float]] = {}
        self._notified_until: dict[int, float] = {}
        self._checks = 0

    def check(self, user_id: int) -> Verdict:
        now = self.clock()
        self._checks += 1
        if self._checks % 1000 == 0:
            self._forget_idle(now)
        hits = self._hits.setdefault(user_id, deque())
        while hits and hits[0] <= now - self.window_s:
            hits.popleft()
        if len(hits) < self.limit:
            hits.append(now)
            return Verdict(True)
        retry = hits[0] + self.window_s - now
        notify = self._notified_until.get(user_id, 0.0) <= now
        if notify:  # one polite reply per window, not one per message (that would flood)
            self._notified_until[user_id] = hits[0] + self.window_s
        return Verdict(False, retry, notify)

    def _forget_idle(self, now: float) -> None:
        for uid in [u for u, h in self._hits.items() if not h or h[-1] <= now - self.window_s]:
            del self._hits[uid]
            self._notified_until.pop(uid, None)
