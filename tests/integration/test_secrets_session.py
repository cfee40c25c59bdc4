"""A whole session with distinctive secrets, then a search for them everywhere they must not be.

Secrets: an SK, a security token (temporary AK/SK), an IAM password, a pre-issued token, the tokens
the emulator's IAM issues during the session and the notebooks' own access tokens; an SK and a
password that only ``sk_command``/``password_command`` print (never written to the config file),
and what a failing command prints before it exits non-zero. The session:
settings saved, connection tests, lists, start, stop, failures (wrong SK, wrong token, wrong
password, 429, an HTML page, a refused signature that echoes the canonical request), the CLI with
``-v``, and the app itself writing its log panel and log file. Then none of the secrets may appear
in call records, error texts and reprs, the log panel, the log file, stdout/stderr, the UI snapshots
and screenshots, or any file in the test's folders but the config file itself (which stays 0600).
"""

from __future__ import annotations

import asyncio
import html
import os
import re
import stat
import sys
import uuid
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from tui.cli import main
from tui.config.model import Config, Profile
from tui.config.store import check_permissions, load_config, save_config
from tui.core.errors import ModelArtsError
from tui.core.models import ApiCall
from tui.core.secret import Secret
from tui.emulator import DEMO_PASSWORD, DEMO_SK, DEMO_TOKEN, Emulator, EmulatorConfig
from tui.service import InstanceService, row_key
from tui.ui.app import make_app
from tui.ui.messages import ActionRequested
from tui.ui.widgets.header import ContextHeader
from tui.ui.widgets.log_panel import LogPanel

ROOT = Path(__file__).resolve().parents[2]
PID = "0123456789abcdef0123456789abcdef"
AK = "AKSESSIONCANARY00001"
SK = "SkSessionLeakCanary-4f1e2d3c5b6a7988"
SECURITY_TOKEN = "StSessionLeakCanary-1122334455667788"
PASSWORD = "PwSessionLeakCanary-9a8b7c6d5e4f"
TOKEN = "TokSessionLeakCanary-0f1e2d3c4b5a69788796a5b4"
WRONG_SK = "SkWrongLeakCanary-77665544332211"
WRONG_TOKEN = "TokWrongLeakCanary-aabbccddeeff0011"
WRONG_PASSWORD = "PwWrongLeakCanary-13579bdf"
CMD_PASSWORD = "PwCommandLeakCanary-24680ace13579bdf"
CMD_OUTPUT = "OutCommandLeakCanary-112358132134"
CONFIGURED = (
    SK,
    SECURITY_TOKEN,
    PASSWORD,
    TOKEN,
    WRONG_SK,
    WRONG_TOKEN,
    WRONG_PASSWORD,
    CMD_PASSWORD,
    CMD_OUTPUT,
)
DOMAIN, USER, CMD_USER = "canary-domain", "canary-user", "command-user"


def _printing(secret: str, *, exit_code: int = 0) -> tuple[str, ...]:
    """A command that prints ``secret`` (to stdout and stderr) without holding it: like `pass show`."""
    code = (
        f"import sys; s = {secret[::-1]!r}[::-1]; print(s); print(s, file=sys.stderr); sys.exit({exit_code})"
    )
    return (sys.executable, "-c", code)


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (
        "HTTP_PROXY",
        "HTTPS_PROXY",
        "ALL_PROXY",
        "http_proxy",
        "https_proxy",
        "all_proxy",
        "HUAWEICLOUD_SDK_AK",
        "HUAWEICLOUD_SDK_SK",
    ):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def emulator_config() -> EmulatorConfig:
    """Real clock (the CLI signs with it), the canary credentials, quick transitions."""
    return EmulatorConfig(
        project_id=PID,
        ak=AK,
        sk=SK,
        token=TOKEN,
        iam_users={(DOMAIN, USER): PASSWORD, (DOMAIN, CMD_USER): CMD_PASSWORD},
        instances=8,
        transition_seconds=0.2,
    )


@pytest.fixture
def folders(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Path]]:
    paths = {
        "config": tmp_path / "cfg" / "config.toml",
        "logs": tmp_path / "logs",
        "state": tmp_path / "state",
    }
    monkeypatch.setenv("MODELARTS_TUI_CONFIG", str(paths["config"]))
    monkeypatch.setenv("MODELARTS_TUI_STATE_DIR", str(paths["state"]))
    yield paths


def profiles(emu: Emulator) -> tuple[Profile, ...]:
    common: dict[str, Any] = {"project_id": PID, "endpoint": emu.url, "iam_endpoint": emu.url}
    return (
        Profile(
            name="aksk", auth="aksk", ak=AK, sk=Secret(SK), security_token=Secret(SECURITY_TOKEN), **common
        ),
        Profile(name="iam", auth="password", domain=DOMAIN, user=USER, password=Secret(PASSWORD), **common),
        Profile(name="tok", auth="token", token=Secret(TOKEN), api="notebooks", **common),
        # A refused signature echoes the canonical request, X-Security-Token included.
        Profile(
            name="bad-sk",
            auth="aksk",
            ak=AK,
            sk=Secret(WRONG_SK),
            security_token=Secret(SECURITY_TOKEN),
            enabled=False,
            **common,
        ),
        Profile(name="bad-tok", auth="token", token=Secret(WRONG_TOKEN), enabled=False, **common),
        Profile(name="cmd-sk", auth="aksk", ak=AK, sk_command=_printing(SK), api="notebooks", **common),
        Profile(
            name="cmd-pw",
            auth="password",
            domain=DOMAIN,
            user=CMD_USER,
            password_command=_printing(CMD_PASSWORD),
            **common,
        ),
        Profile(
            name="bad-cmd",
            auth="aksk",
            ak=AK,
            sk_command=_printing(CMD_OUTPUT, exit_code=1),
            enabled=False,
            **common,
        ),
        Profile(
            name="bad-pw",
            auth="password",
            domain=DOMAIN,
            user=USER,
            password=Secret(WRONG_PASSWORD),
            enabled=False,
            **common,
        ),
    )


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _texts_of(error: BaseException | None) -> list[str]:
    if error is None:
        return []
    out = [str(error), repr(error)]
    if isinstance(error, ModelArtsError):
        out += [error.message, error.meaning, error.hint, error.endpoint, str(getattr(error, "detail", ""))]
    return out


def _all_secrets(emu: Emulator) -> list[str]:
    """The configured canaries, every token the emulator saw in use, and the notebooks' own tokens."""
    issued = {r.headers["x-auth-token"] for r in emu.requests if "x-auth-token" in r.headers}
    notebook_tokens = {rec.token for rec in emu.store.all() if rec.token}
    notebook_tokens |= {str(uuid.UUID(hex=t)) for t in notebook_tokens}  # the form the notebooks API sends
    found = [*CONFIGURED, *issued, *notebook_tokens]
    return [s for s in found if len(s) >= 8]


def _leaks(text: str, secrets: list[str]) -> list[str]:
    return [s for s in secrets if s in text or quote(s, safe="") in text]


async def test_no_secret_leaves_the_config_file_in_a_whole_session(
    emulator: Emulator,
    folders: dict[str, Path],
    capfd: pytest.CaptureFixture[str],
    no_sleep: Callable[[float], Awaitable[None]],
) -> None:
    cfg = folders["config"]
    texts: list[str] = []
    calls: list[ApiCall] = []
    config = Config(profiles=profiles(emulator), default_profile="aksk")

    # 1. Settings saved (twice, as the settings screen does after each change), always 0600.
    save_config(config, cfg)
    assert _mode(cfg) == 0o600
    config = config.with_profile(replace(config.profile("aksk"), notify_minutes=5))
    save_config(config, cfg)
    assert _mode(cfg) == 0o600 and load_config(cfg) == config
    texts += [repr(config), str(config), *(repr(p) for p in config.profiles)]

    # 2. The service: connection tests, lists, start, stop, and every kind of failure.
    svc = InstanceService(config.profiles, on_call=calls.append, sleep=no_sleep)
    try:
        for p in config.profiles:
            outcome = await svc.test_connection(p)
            texts += [outcome.message, repr(outcome), *_texts_of(outcome.error)]
        result = await svc.refresh()
        texts += [repr(result)]
        stopped = next(
            k for k, r in svc.rows.items() if r.profile == "aksk" and r.instance.status == "STOPPED"
        )
        running = next(
            k for k, r in svc.rows.items() if r.profile == "tok" and r.instance.status == "RUNNING"
        )
        outcomes = [*await svc.start([stopped]), *await svc.stop([running])]
        emulator.faults.throttle_next, emulator.faults.retry_after_s = 1, 2
        outcomes += await svc.start([stopped])  # still STARTING here: refused locally, nothing sent
        assert outcomes[-1].skipped, outcomes[-1]
        emulator.faults.garbage_next = 4
        result_garbage = await svc.refresh()
        emulator.faults.throttle_next = 8
        result_throttled = await svc.refresh()
        for o in outcomes:
            texts += [o.message, repr(o), *_texts_of(o.error)]
        for r in (result_garbage, result_throttled):
            texts += [repr(r), *(t for s in r.profiles for t in _texts_of(s.error))]
        with pytest.raises(ModelArtsError) as caught:
            await svc.details(row_key("aksk", "DE-00000000-0000-4000-8000-000000000000"))
        texts += _texts_of(caught.value)
    finally:
        await svc.aclose()
    kinds = {(c.status, c.error_code) for c in calls}
    assert {(401, "APIGW.0301"), (429, "APIGW.0308")} <= kinds, kinds
    unreadable = [c.status for c in calls if c.unreadable]
    assert unreadable == [200] * 4, "the four garbage answers (seeded): pages that are not JSON, sent as 200"
    assert any(c.status == 401 and c.path.startswith("/v3/auth/tokens") for c in calls), (
        "wrong password tried"
    )

    # 3. The CLI with -v, good and bad.
    stopped_id = stopped.split("/", 1)[1]
    running_id = next(r.id for r in emulator.store.all() if r.family == "devenv-v1" and r.status == "RUNNING")
    argvs = [
        ["list", "-v"],
        ["list", "-v", "--json", "--profile", "tok"],
        ["show", "-v", "--json", stopped_id],
        ["show", "-v", "--json", "--profile", "tok", stopped_id.removeprefix("DE-")],  # raw notebook JSON
        ["stop", "-v", "--yes", running_id],
        ["list", "-v", "--profile", "bad-sk"],
        ["list", "-v", "--profile", "bad-tok"],
        ["list", "-v", "--profile", "bad-pw"],
        ["list", "-v", "--json", "--profile", "cmd-sk"],
        ["list", "-v", "--profile", "cmd-pw"],
        ["list", "-v", "--profile", "bad-cmd"],
        ["config", "show"],
        ["config", "check"],
    ]
    codes = [await asyncio.to_thread(main, argv) for argv in argvs]  # the CLI runs its own event loop
    assert codes[:5] == [0, 0, 0, 0, 0] and codes[5:8] == [1, 1, 1] and codes[8:11] == [0, 0, 2], codes
    captured_cli = capfd.readouterr()
    assert (
        "sk_command: 'python" in captured_cli.err
        and "exited with status 1 (its output is not shown)" in captured_cli.err
    )
    assert "APIGW.0301" in captured_cli.err and "GET /v1/" in captured_cli.err  # -v printed the records

    # 4. The app, headless, with its log panel and log file.
    app_config = Config(profiles=tuple(replace(p, enabled=True) for p in config.profiles))
    app = make_app(app_config, cfg, log_dir=folders["logs"])
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        key = next(
            k for k, r in app.service.rows.items() if r.profile == "iam" and r.instance.status == "STOPPED"
        )
        app.main_screen.post_message(ActionRequested("start", [key]))
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.press("r")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        panel_text = "\n".join(strip.text for strip in app.main_screen.query_one(LogPanel).lines)
        status_text = app.main_screen.query_one(ContextHeader).text
    assert "APIGW.0301" in panel_text, "the refusals reached the log panel"
    log_files = sorted(folders["logs"].glob("*.log*"))
    assert log_files, "the app wrote its log file"
    log_text = "\n".join(p.read_text(encoding="utf-8") for p in log_files)
    assert "APIGW.0301" in log_text and "/v3/auth/tokens" in log_text
    assert all(_mode(p) == 0o600 for p in log_files)

    # 5. Search.
    secrets = _all_secrets(emulator)
    assert len(secrets) > len(CONFIGURED), "tokens issued by IAM are searched for too"
    captured_rest = capfd.readouterr()
    places = {
        "call records": repr(calls) + "\n".join(f"{c.path} {c.message}" for c in calls),
        "errors and outcomes": "\n".join(texts),
        "log panel": panel_text,
        "status bar": status_text,
        "log file": log_text,
        "stdout": captured_cli.out + captured_rest.out,
        "stderr": captured_cli.err + captured_rest.err,
    }
    for folder in (folders["logs"], folders["state"], cfg.parent):
        for path in folder.rglob("*"):
            if path.is_file() and path != cfg:
                places[f"file {path.name}"] = path.read_bytes().decode("utf-8", "replace")
    leaks = {where: _leaks(text, secrets) for where, text in places.items()}
    assert not any(leaks.values()), {k: v for k, v in leaks.items() if v}

    # The config file is the one place they live, private.
    on_disk = cfg.read_text(encoding="utf-8")
    assert all(s in on_disk for s in (SK, SECURITY_TOKEN, PASSWORD, TOKEN)) and _mode(cfg) == 0o600
    assert CMD_PASSWORD not in on_disk and CMD_OUTPUT not in on_disk, (
        "a command's secret never touches the file"
    )
    assert sorted(p.name for p in cfg.parent.iterdir()) == ["config.toml"], "no temporary file left"


def test_no_secret_in_ui_snapshots_or_screenshots() -> None:
    """The committed SVGs: neither these canaries nor the emulator's demo credentials."""
    svgs = [*ROOT.glob("tests/ui/__snapshots__/**/*.svg"), *ROOT.glob("screenshots/*.svg")]
    assert svgs
    secrets = [*CONFIGURED, DEMO_SK, DEMO_PASSWORD, DEMO_TOKEN]
    for svg in svgs:
        raw = svg.read_text(encoding="utf-8")
        text = html.unescape(re.sub(r"<[^>]+>", "", raw)).replace("\xa0", " ")  # spans of a line joined
        assert not _leaks(raw, secrets) and not _leaks(text, secrets), svg.name


def test_a_config_readable_by_others_is_reported_with_the_fix(
    emulator: Emulator, folders: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    cfg = folders["config"]
    save_config(Config(profiles=profiles(emulator)[:1]), cfg)
    assert check_permissions(cfg) is None
    assert main(["config", "check"]) == 0 and "chmod" not in capsys.readouterr().err
    for bits in (0o640, 0o604, 0o666):
        os.chmod(cfg, bits)
        warning = check_permissions(cfg)
        assert warning is not None and f"chmod 600 {cfg}" in warning and f"{bits:04o}" in warning
        main(["config", "check"])
        assert f"chmod 600 {cfg}" in capsys.readouterr().err
    save_config(Config(profiles=profiles(emulator)[:2]), cfg)  # a save makes it private again
    assert _mode(cfg) == 0o600 and check_permissions(cfg) is None
