"""The JupyterLab URL a user may see and copy (no token), and the start step a row shows."""

from __future__ import annotations

from typing import Any

import pytest

from tui.core.models import Instance
from tui.service.connect_action import jupyter_url, progress_text


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("https://nb.example/lab", "https://nb.example/lab"),
        ("https://nb.example/lab?token=s3cr3t", "https://nb.example/lab"),
        ("https://nb.example/lab?a=1&token=s3cr3t&auth_token=x#frag", "https://nb.example/lab?a=1"),
        ("  https://nb.example/lab  ", "https://nb.example/lab"),
        ("javascript:alert(1)", ""),
        ("file:///etc/passwd", ""),
        ("https://nb.example/\x1b]52;c;eA==\x07", ""),
        ("", ""),
    ],
)
def test_jupyter_url_leaves_out_tokens_and_what_is_not_a_web_link(url: str, shown: str) -> None:
    assert jupyter_url(Instance("i", "n", "RUNNING", url=url)) == shown


def _with(progress: Any) -> Instance:
    return Instance("i", "n", "STARTING", raw={"action_progress": progress})


def test_progress_text_names_the_step_under_way() -> None:
    steps = [
        {"step": 1, "status": "COMPLETED", "step_description": "Allocating storage"},
        {"step": 2, "status": "PROCESSING", "step_description": "Pulling\x1b[2J the image"},
        {"step": 3, "status": "WAITING", "description": "Starting"},
    ]
    assert progress_text(_with(steps)) == (2, 3, "Pulling[2J the image")
    assert progress_text(_with([{**s, "status": "COMPLETED"} for s in steps])) is None
    assert progress_text(_with("not a list")) is None
    assert progress_text(_with([{"step": 99, "status": "PROCESSING"}, "junk"])) == (1, 1, "")
