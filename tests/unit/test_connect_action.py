"""The JupyterLab URL a user may see and copy: no token, nothing that is not an http(s) link."""

from __future__ import annotations

import pytest

from tui.api.parse import parse_notebook, parse_v1_instance
from tui.api.redact import scrub
from tui.core.models import Instance
from tui.service.connect_action import MAX_URL_CHARS, jupyter_url


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
        ("https://ma-user:s3cr3t@nb.example/lab", "https://nb.example/lab"),
        ("https://s3cr3t@nb.example:8443/lab", "https://nb.example:8443/lab"),
        ("https://nb.example/lab?a=1;token=s3cr3t", "https://nb.example/lab?a=1"),
        ("", ""),
    ],
)
def test_jupyter_url_leaves_out_tokens_and_what_is_not_a_web_link(url: str, shown: str) -> None:
    assert jupyter_url(Instance("i", "n", "RUNNING", url=url)) == shown


def test_a_jupyter_url_longer_than_max_url_chars_is_not_offered() -> None:
    """The URL goes out in every repaint's OSC 8 link and in the OSC 52 copy: its size is bounded."""
    fits = "https://nb.example/" + "a" * (MAX_URL_CHARS - 19)
    assert jupyter_url(Instance("i", "n", "RUNNING", url=fits)) == fits
    assert jupyter_url(Instance("i", "n", "RUNNING", url=fits + "a")) == ""


@pytest.mark.parametrize(
    ("url", "masked"),
    [
        ("https://nb.example/lab", "https://nb.example/lab"),
        ("https://nb.example/lab?token=s3cr3t&a=1", "https://nb.example/lab?token=********&a=1"),
        ("https://ma-user:s3cr3t@nb.example/lab", "https://ma-user:********@nb.example/lab"),
        ("https://nb.example/lab#token=s3cr3t", "https://nb.example/lab#token=********"),
    ],
)
def test_urls_in_answers_lose_their_secrets_where_they_are_parsed(url: str, masked: str) -> None:
    """The raw JSON (details, show) and Instance.url never carry a notebook token or a password."""
    answer = {"id": "i", "status": "RUNNING", "url": url, "spec": {"annotations": {"url": url}}}
    assert scrub(answer)["url"] == masked
    assert scrub(answer)["spec"]["annotations"]["url"] == masked
    assert parse_notebook(answer).url == masked
    assert parse_v1_instance(answer).url == masked
