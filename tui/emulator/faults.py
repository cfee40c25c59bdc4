"""Fault knobs read on every request, and the injector that rolls the dice.

    latency_ms                  added to every answer (plus latency_spike_ms at latency_spike_rate)
    throttle_rps                more requests per second than this -> 429 APIGW.0308 + Retry-After
    fail_rate                   5xx before the request is handled (nothing changes on the server)
    garbage_rate                an HTML page or truncated JSON instead of the answer (after handling)
    drop_rate                   the socket closes mid-answer (after handling: the action did happen)
    *_next                      the next N requests get that fault for sure (deterministic tests)
    fail_message                when set, the injected 5xx carries this error message (hostile-text tests)

Throttling and latency use real time (they are about how fast requests arrive); everything
else the emulator does runs on its own clock.
"""

from __future__ import annotations

import math
import random
import threading
import time
from dataclasses import dataclass

from tui.emulator.wire import Response, gateway_error, nb_error

_FAILURES = (
    (500, "ModelArts.6102", "An internal error occurred. Please try again later.", False),
    (502, "APIGW.0201", "Backend unavailable", True),
    (503, "APIGW.0201", "Service unavailable", True),
    (504, "APIGW.0203", "Backend timeout", True),
)
_GARBAGE = (
    (
        200,
        "text/html; charset=utf-8",
        b"<!DOCTYPE html><html><head><title>Sign in</title></head>"
        b'<body><form action="/login">Please sign in to continue.</form></body></html>',
    ),
    (
        502,
        "text/html",
        b"<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway"
        b"</h1></center><hr><center>nginx</center></body></html>",
    ),
    (200, "application/json;charset=UTF-8", b'{"instances": [{"id": "DE-7d558ef8-c73d-11ea-964c-02'),
)


@dataclass
class Faults:
    """Mutable fault settings; change them at any time, the next request reads them."""

    latency_ms: float = 0.0
    latency_spike_ms: float = 0.0
    latency_spike_rate: float = 0.0
    fail_rate: float = 0.0
    throttle_rps: float = 0.0
    drop_rate: float = 0.0
    garbage_rate: float = 0.0
    retry_after_s: int | None = None
    fail_next: int = 0
    throttle_next: int = 0
    drop_next: int = 0
    garbage_next: int = 0
    fail_message: str = ""

    def clear(self) -> None:
        """Back to a healthy service."""
        for name, value in Faults().__dict__.items():
            setattr(self, name, value)


class FaultInjector:
    """Decides, per request, which fault (if any) to apply; thread-safe and seeded."""

    def __init__(self, faults: Faults, seed: int) -> None:
        self.faults = faults
        self._rng = random.Random(seed * 7919 + 17)
        self._lock = threading.Lock()
        self._bucket_rps = 0.0
        self._tokens = 0.0
        self._stamp = 0.0

    def _roll(self, rate: float, counter: str) -> bool:
        with self._lock:
            left = getattr(self.faults, counter)
            if left > 0:
                setattr(self.faults, counter, left - 1)
                return True
            return rate > 0 and self._rng.random() < rate

    def delay_s(self) -> float:
        """Seconds to wait before answering."""
        f = self.faults
        delay = max(0.0, f.latency_ms)
        if f.latency_spike_rate > 0 and f.latency_spike_ms > 0:
            with self._lock:
                if self._rng.random() < f.latency_spike_rate:
                    delay += f.latency_spike_ms
        return delay / 1000

    def throttle(self, request_id: str) -> Response | None:
        """429 APIGW.0308 when the token bucket is empty (or ``throttle_next`` says so)."""
        f = self.faults
        if self._roll(0.0, "throttle_next"):
            return self._throttled(request_id, f.retry_after_s or 1, f.throttle_rps)
        rps = f.throttle_rps
        if rps <= 0:
            return None
        now = time.monotonic()
        with self._lock:
            if rps != self._bucket_rps:
                self._bucket_rps, self._tokens, self._stamp = rps, max(1.0, rps), now
            self._tokens = min(max(1.0, rps), self._tokens + (now - self._stamp) * rps)
            self._stamp = now
            if self._tokens >= 1.0:
                self._tokens -= 1.0
                return None
            wait = (1.0 - self._tokens) / rps
        return self._throttled(request_id, f.retry_after_s or max(1, math.ceil(wait)), rps)

    @staticmethod
    def _throttled(request_id: str, retry_after: int, rps: float) -> Response:
        limit = f"{rps:g}" if rps > 0 else "1"
        response = gateway_error(
            429,
            "APIGW.0308",
            f"The throttling threshold has been reached: policy user over ratelimit,limit:{limit},time:1 second",
            request_id,
        )
        response.headers.append(("Retry-After", str(retry_after)))
        return response

    def failure(self, request_id: str) -> Response | None:
        """A 5xx answer instead of handling the request, or None."""
        if not self._roll(self.faults.fail_rate, "fail_next"):
            return None
        with self._lock:
            status, code, message, gateway = self._rng.choice(_FAILURES)
        message = self.faults.fail_message or message
        return (
            gateway_error(status, code, message, request_id) if gateway else nb_error(code, message, status)
        )

    def garbage(self) -> Response | None:
        """An answer that is not the documented JSON, or None."""
        if not self._roll(self.faults.garbage_rate, "garbage_next"):
            return None
        with self._lock:
            status, content_type, body = self._rng.choice(_GARBAGE)
        return Response(status, body, content_type)

    def drop(self) -> bool:
        """True when this answer should be cut off mid-body."""
        return self._roll(self.faults.drop_rate, "drop_next")
