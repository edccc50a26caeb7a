"""A small in-process rate limiter for login and registration (per client address and bucket).

Fixed one-minute windows are enough to stop password guessing from one address; a deployment with
several worker processes would put this in a shared store instead.
"""

from __future__ import annotations

import threading
import time

from catalogue.errors import TooManyRequests


class RateLimiter:
    def __init__(self, per_minute: dict[str, int]) -> None:
        self.per_minute = per_minute
        self._hits: dict[tuple[str, str, int], int] = {}
        self._lock = threading.Lock()

    def hit(self, bucket: str, client: str) -> None:
        """Count one attempt; raises TooManyRequests (with Retry-After) once the window is full."""
        limit = self.per_minute[bucket]
        now = time.time()
        window = int(now // 60)
        with self._lock:
            if len(self._hits) > 10_000:  # forget old windows
                self._hits = {k: v for k, v in self._hits.items() if k[2] == window}
            key = (bucket, client, window)
            self._hits[key] = self._hits.get(key, 0) + 1
            if self._hits[key] > limit:
                retry = max(1, int(60 - now % 60))
                raise TooManyRequests(
                    f"尝试次数过多，请 {retry} 秒后再试 (too many attempts; retry in {retry} s)",
                    headers={"Retry-After": str(retry)},
                )
