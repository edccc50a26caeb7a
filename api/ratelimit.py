"""A small in-process rate limiter for login and registration (per client address and bucket).

A sliding one-minute window: fixed clock-minute windows would let a client make twice the limit
across a minute boundary. A deployment with several worker processes would put this in a shared
store instead.
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque

from catalogue.errors import TooManyRequests

WINDOW_SECONDS = 60.0


class RateLimiter:
    def __init__(self, per_minute: dict[str, int]) -> None:
        self.per_minute = per_minute
        self._hits: dict[tuple[str, str], deque[float]] = {}
        self._lock = threading.Lock()

    def hit(self, bucket: str, client: str) -> None:
        """Count one attempt; raises TooManyRequests (with Retry-After) once the last minute is full."""
        limit = self.per_minute[bucket]
        now = time.monotonic()
        with self._lock:
            if len(self._hits) > 10_000:  # forget clients with no attempt in the last minute
                self._hits = {k: v for k, v in self._hits.items() if v and v[-1] > now - WINDOW_SECONDS}
            recent = self._hits.setdefault((bucket, client), deque())
            while recent and recent[0] <= now - WINDOW_SECONDS:
                recent.popleft()
            if len(recent) >= limit:
                retry = max(1, math.ceil(recent[0] + WINDOW_SECONDS - now))
                raise TooManyRequests(
                    f"尝试次数过多，请 {retry} 秒后再试 (too many attempts; retry in {retry} s)",
                    headers={"Retry-After": str(retry)},
                )
            recent.append(now)
