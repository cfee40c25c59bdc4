"""The JupyterLab URL a user may see and copy: no token, nothing that is not an http(s) link."""

from __future__ import annotations

import pytest

from tui.core.models import Instance
from tui.service.connect_action import jupyter_url


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
