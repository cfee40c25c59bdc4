"""Terminal escapes in what the notebooks API added this session: tags (keys and values), the
owner, ``action_progress`` step texts, the SSH endpoint, the JupyterLab URL (OSC 8 link and ``o``).

A raw socket server answers the notebooks list and one notebook with those fields full of OSC 0,
OSC 52, OSC 8 (its ``ESC \\`` terminator inside the URL), CSI, C1 CSI, BEL and CR. The TUI's table,
details and flash line, and the CLI's ``list``/``show`` (text, ``--json``, ``-v``) must never emit
ESC, BEL, CR or another control character; each is shown visibly instead.
"""

from __future__ import annotations

import dataclasses
import json
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.hostile.rawserver import RawRequest, RawServer, http_answer
from tests.hostile.test_hostile_text import (
    C1_CSI,
    CLEAR,
    CR,
    OSC_CLIPBOARD,
    OSC_LINK,
    OSC_TITLE,
    _profile,
    _screen_text,
    _settle,
    assert_inert,
)
from tui.cli import main
from tui.config.model import Config, UiSettings
from tui.emulator import DEMO_AK, DEMO_PROJECT_ID, DEMO_SK
from tui.ui.app import make_app
from tui.ui.screens.details import DetailsScreen

NB_ID = "7d558ef8-c73d-11ea-964c-0255ac1001a1"


def _notebook() -> dict[str, Any]:
    return {
        "id": NB_ID,
        "name": "nb-hostile",
        "status": "STARTING",
        "flavor": f"modelarts.vm.gpu.t4{C1_CSI}",
        "image": {"name": f"img{OSC_TITLE}", "tag": CLEAR},
        "url": f"https://nb.example/lab{OSC_LINK}\x1b\\\x07",
        "tags": [{"key": f"team{OSC_TITLE}", "value": f"cv{CLEAR}{CR}"}, {"key": "k\x07", "value": C1_CSI}],
        "user": {"id": "u1", "name": f"alice{OSC_CLIPBOARD}"},
        "action_progress": [
            {"step": 1, "status": "COMPLETED", "description": "storage"},
            {"step": 2, "status": "PROCESSING", "description": f"pulling{OSC_TITLE}{CR}"},
        ],
        "endpoints": [
            {
                "service": "SSH",
                "uri": f"ssh://ma-user@host{CLEAR}:2222",
                "key_pair_names": [f"kp{OSC_TITLE}", "KeyPair-ok"],
                "allowed_access_ips": [f"1.2.3.4{CR}"],
            }
        ],
    }


def _answer(request: RawRequest, sock: socket.socket) -> None:
    path = request.path.split("?")[0]
    if path.endswith("/notebooks"):
        body = {"current": 0, "data": [_notebook()], "pages": 1, "size": 1, "total": 1}
    elif path.endswith(f"/notebooks/{NB_ID}"):
        body = _notebook()
    else:
        sock.sendall(http_answer(404, json.dumps({"error_code": "X.404", "error_msg": "no"}).encode()))
        return
    sock.sendall(http_answer(200, json.dumps(body).encode()))


@pytest.fixture(scope="module")
def raw() -> Iterator[RawServer]:
    with RawServer(_answer) as server:
        yield server


async def test_tags_owner_steps_endpoint_and_link_reach_the_screen_inert(
    raw: RawServer, tmp_path: Path
) -> None:
    profile = dataclasses.replace(_profile("raw", raw.url), api="notebooks")
    config = Config(profiles=(profile,), ui=UiSettings(theme="textual-dark"))
    app = make_app(config, tmp_path / "config.toml", log_dir=tmp_path / "logs", stable_log=True)
    async with app.run_test(size=(220, 50)) as pilot:
        await _settle(pilot)
        text = _screen_text(app)
        assert_inert(text, "the table")
        assert "k\\x07=\\x9b2J team" in text, "the TAGS column shows the escapes"
        assert "◐ 2/2 pulling\\x1b]0;pwned\\x07" in text, "the status column shows the step"
        await pilot.press("o")
        await _settle(pilot)
        assert_inert(_screen_text(app), "the flash line after o")
        await pilot.press("enter")
        await _settle(pilot)
        assert isinstance(app.screen, DetailsScreen)
        shown = _screen_text(app)
        assert_inert(shown, "the details")
        assert "alice\\x1b]52;c;" in shown
        head = app.screen.query_one("#details-head")
        strips = head.render_lines(head.region.reset_offset)
        links = [seg.style.link for strip in strips for seg in strip if seg.style and seg.style.link]
        assert links, "the JupyterLab URL is a link"
        for link in links:
            assert link is not None
            assert_inert(link, "the OSC 8 link's URL")
    log_file = (tmp_path / "logs" / "modelarts-tui.log").read_bytes()
    assert_inert(log_file, "the log file")


def test_cli_list_and_show_of_a_hostile_notebook(
    raw: RawServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "config.toml"
    config.write_text(
        f'[[profiles]]\nname = "raw"\napi = "notebooks"\nendpoint = "{raw.url}"\n'
        f'iam_endpoint = "{raw.url}"\nproject_id = "{DEMO_PROJECT_ID}"\nak = "{DEMO_AK}"\nsk = "{DEMO_SK}"\n'
    )
    config.chmod(0o600)
    for args in (["list", "-v"], ["list", "--json"], ["show", NB_ID, "-v"], ["show", NB_ID, "--json"]):
        assert main(["--config", str(config), *args]) == 0
        out = capsys.readouterr()
        assert_inert(out.out, " ".join(args))
        assert_inert(out.err, f"{' '.join(args)} stderr")
    assert main(["--config", str(config), "show", NB_ID]) == 0
    shown = capsys.readouterr().out
    assert "alice\\x1b]52;c;" in shown and "team\\x1b]0;pwned\\x07=cv" in shown
