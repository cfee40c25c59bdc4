"""What one request may cost, as settings: the decoded body's size and the whole request's time.

The values live in each profile (``max_answer_mb``, ``request_deadline``); ``tui.api.limits``
enforces them on the wire.
"""

from __future__ import annotations

import math

from tui.core.errors import ValidationError

MIB = 1024 * 1024
DEFAULT_MAX_BODY_BYTES = 256 * MIB
"""Holds 50,000 v1 instances (about 1.9 KB each in one answer) with room to spare."""
DEFAULT_DEADLINE_S = 60.0
"""Connect, send and the whole answer; a 100 MB list needs some 14 Mbit/s to arrive in it."""
MAX_DEADLINE_S = 3600.0
MAX_ANSWER_MB = 16_384


def limit_problems(deadline_s: float, max_answer_mb: int) -> list[ValidationError]:
    """What is wrong with a profile's ``request_deadline`` and ``max_answer_mb``."""
    errors = []
    if not (math.isfinite(deadline_s) and 0 < deadline_s <= MAX_DEADLINE_S):
        errors.append(
            ValidationError("request_deadline", f"must be more than 0 and at most {MAX_DEADLINE_S:g} seconds")
        )
    if not 1 <= max_answer_mb <= MAX_ANSWER_MB:
        errors.append(ValidationError("max_answer_mb", f"must be 1 to {MAX_ANSWER_MB} MB"))
    return errors
