"""The config file on disk: first run, broken files, atomic 0600 saves that never destroy a file, env credentials."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from tui.config.model import Config, InstanceRef, Profile, UiSettings
from tui.config.paths import config_path
from tui.config.store import check_permissions, env_profile, load_config, save_config
from tui.core.errors import ConfigError
from tui.core.secret import Secret

PID = "0123456789abcdef0123456789abcdef"
SK = "sk-wJalrXUtnFEMI-K7MDENG"

pytestmark = pytest.mark.skipif(os.name == "nt", reason="POSIX modes")


def sample() -> Config:
    return Config(
        profiles=(
            Profile(
                "otc-prod",
                project_id=PID,
                ak="AKIDEXAMPLE42",
                sk=Secret(SK),
                instances=(InstanceRef("DE-11111111", "box"),),
            ),
            Profile(
                "hw", cloud="huawei", region="cn-north-4", auth="token", token_env="HW_TOKEN", read_only=True
            ),
        ),
        default_profile="otc-prod",
        ui=UiSettings(poll_interval_s=15.0, keys={"start": "S"}),
    )


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def cfg(tmp_path: Path) -> Path:
    return tmp_path / "conf" / "config.toml"


# --- load --------------------------------------------------------------------------------------


def test_a_missing_file_is_a_first_run(cfg: Path) -> None:
    assert load_config(cfg) == Config()
    assert not cfg.parent.exists()


def test_a_bad_file_names_path_and_line(cfg: Path) -> None:
    cfg.parent.mkdir()
    cfg.write_text('[[profiles]]\nname = "a"\nregoin = "x"\n')
    with pytest.raises(ConfigError) as caught:
        load_config(cfg)
    assert (caught.value.path, caught.value.line) == (str(cfg), 3)
    assert str(caught.value).startswith(f"{cfg}:3: unknown key 'regoin'")


def test_a_folder_or_non_utf8_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="folder"):
        load_config(tmp_path)
    bad = tmp_path / "latin1.toml"
    bad.write_bytes(b'[ui]\ntheme = "caf\xe9"\n')
    with pytest.raises(ConfigError, match="UTF-8") as caught:
        load_config(bad)
    assert caught.value.line == 2


def test_a_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "bom.toml"
    path.write_bytes(b'\xef\xbb\xbf[ui]\ntheme = "x"\n')
    assert load_config(path).ui.theme == "x"


# --- save --------------------------------------------------------------------------------------


def test_save_then_load_round_trips_with_mode_0600(cfg: Path) -> None:
    save_config(sample(), cfg)
    assert load_config(cfg) == sample()
    assert mode(cfg) == 0o600
    assert mode(cfg.parent) == 0o700
    assert SK in cfg.read_text()  # the file is where the secret lives


def test_save_tightens_an_existing_0644_file(cfg: Path) -> None:
    cfg.parent.mkdir()
    cfg.write_text("")
    cfg.chmod(0o644)
    save_config(sample(), cfg)
    assert mode(cfg) == 0o600
    assert check_permissions(cfg) is None


def test_save_is_0600_whatever_the_umask(cfg: Path) -> None:
    old = os.umask(0)
    try:
        save_config(sample(), cfg)
    finally:
        os.umask(old)
    assert mode(cfg) == 0o600


def test_save_leaves_no_temporary_file(cfg: Path) -> None:
    save_config(sample(), cfg)
    save_config(Config(), cfg)
    assert os.listdir(cfg.parent) == ["config.toml"]


def test_save_follows_a_symlink_and_keeps_it(tmp_path: Path) -> None:
    real = tmp_path / "dotfiles" / "modelarts.toml"
    real.parent.mkdir()
    real.write_text("")
    link = tmp_path / "config.toml"
    link.symlink_to(real)
    save_config(sample(), link)
    assert link.is_symlink()
    assert load_config(real) == sample()


def snapshot(path: Path) -> tuple[bytes, int, int]:
    info = path.stat()
    return path.read_bytes(), info.st_mtime_ns, stat.S_IMODE(info.st_mode)


@pytest.mark.parametrize(
    "broken",
    [
        '[[profiles]]\nname = "a"\nsk = "kept-secret"\nregion = \n',
        '[[profiles]]\nname = "a"\nsk = "kept-secret"\nregoin = "eu-de"\n',
        '[[profiles]]\nname = "a"\n[[profiles]]\nname = "a"\n',
        '[ui]\npoll_interval = "often"\n',
    ],
)
def test_a_file_that_does_not_parse_is_never_written_over(cfg: Path, broken: str) -> None:
    cfg.parent.mkdir()
    cfg.write_text(broken)
    cfg.chmod(0o640)
    os.utime(cfg, ns=(1_000_000_000_000_000_000, 1_000_000_000_000_000_000))
    before = snapshot(cfg)
    with pytest.raises(ConfigError) as caught:
        save_config(sample(), cfg)
    assert "does not load" in str(caught.value)
    assert caught.value.line is not None
    assert snapshot(cfg) == before
    assert os.listdir(cfg.parent) == ["config.toml"]


def test_a_non_utf8_file_is_never_written_over(cfg: Path) -> None:
    cfg.parent.mkdir()
    cfg.write_bytes(b"\xff\xfe garbage")
    before = snapshot(cfg)
    with pytest.raises(ConfigError, match="does not load"):
        save_config(sample(), cfg)
    assert snapshot(cfg) == before


def test_a_config_that_would_not_load_back_is_not_written(cfg: Path) -> None:
    save_config(sample(), cfg)
    before = snapshot(cfg)
    twins = Config(profiles=(Profile("a"), Profile("a")))
    with pytest.raises(ConfigError, match="used twice"):
        save_config(twins, cfg)
    with pytest.raises(ConfigError, match="names no profile"):
        save_config(Config(default_profile="ghost"), cfg)
    assert snapshot(cfg) == before


@pytest.mark.parametrize("failing", ["replace", "fsync"])
def test_a_failing_write_keeps_the_old_file(cfg: Path, monkeypatch: pytest.MonkeyPatch, failing: str) -> None:
    save_config(sample(), cfg)
    before = snapshot(cfg)

    def broken(*args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, failing, broken)
    with pytest.raises(ConfigError, match="No space left on device") as caught:
        save_config(Config(), cfg)
    assert caught.value.path == str(cfg)
    monkeypatch.undo()
    assert snapshot(cfg) == before
    assert os.listdir(cfg.parent) == ["config.toml"]


def test_an_interrupt_during_write_keeps_the_old_file(cfg: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    save_config(sample(), cfg)
    before = snapshot(cfg)

    def interrupted(*args: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        save_config(Config(), cfg)
    monkeypatch.undo()
    assert snapshot(cfg) == before
    assert os.listdir(cfg.parent) == ["config.toml"]


def test_the_env_var_seam_moves_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MODELARTS_TUI_CONFIG", str(tmp_path / "seam" / "c.toml"))
    save_config(sample(), config_path())
    assert (tmp_path / "seam" / "c.toml").exists()
    assert load_config(config_path()) == sample()


# --- permissions -------------------------------------------------------------------------------


@pytest.mark.parametrize("bits", [0o644, 0o640, 0o660, 0o602, 0o604])
def test_check_permissions_names_the_fix(tmp_path: Path, bits: int) -> None:
    path = tmp_path / "my config.toml"
    path.write_text("")
    path.chmod(bits)
    warning = check_permissions(path)
    assert warning is not None
    assert f"chmod 600 '{path}'" in warning
    assert f"{bits:04o}" in warning


def test_check_permissions_is_quiet_for_private_or_missing_files(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    assert check_permissions(path) is None
    path.write_text("")
    path.chmod(0o600)
    assert check_permissions(path) is None
    path.chmod(0o400)
    assert check_permissions(path) is None


# --- credentials from the environment ----------------------------------------------------------


def test_env_profile_needs_ak_and_sk() -> None:
    assert env_profile(environ={}) is None
    assert env_profile(environ={"HUAWEICLOUD_SDK_AK": "AK"}) is None
    assert env_profile(environ={"HUAWEICLOUD_SDK_SK": "SK"}) is None


def test_env_profile_reads_the_sdk_variables() -> None:
    env = {
        "HUAWEICLOUD_SDK_AK": "AKIDEXAMPLE42",
        "HUAWEICLOUD_SDK_SK": SK,
        "HUAWEICLOUD_SDK_PROJECT_ID": PID,
        "HUAWEICLOUD_SDK_SECURITY_TOKEN": "sts-token",
    }
    p = env_profile(environ=env)
    assert p is not None
    assert (p.name, p.cloud, p.region, p.auth, p.project_id) == ("env", "otc", "eu-de", "aksk", PID)
    assert (p.resolved_ak({}), p.resolved_sk({}), p.security_token) == (
        "AKIDEXAMPLE42",
        Secret(SK),
        Secret("sts-token"),
    )
    assert p.validate() == []
    assert SK not in repr(p) and "sts-token" not in repr(p)


def test_env_profile_arguments_win_and_the_endpoint_tells_cloud_and_region() -> None:
    env = {"HUAWEICLOUD_SDK_AK": "AK", "HUAWEICLOUD_SDK_SK": "SK", "HUAWEICLOUD_SDK_PROJECT_ID": "f" * 32}
    p = env_profile(endpoint="https://modelarts.cn-north-4.myhuaweicloud.com", project_id=PID, environ=env)
    assert p is not None
    assert (p.cloud, p.region, p.project_id) == ("huawei", "cn-north-4", PID)
    assert p.modelarts_url == "https://modelarts.cn-north-4.myhuaweicloud.com"
    local = env_profile(endpoint="http://127.0.0.1:8123", environ=env)
    assert local is not None
    assert (local.cloud, local.region, local.endpoint) == ("otc", "eu-de", "http://127.0.0.1:8123")
    assert local.validate() == []


def test_env_profile_reads_the_process_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HUAWEICLOUD_SDK_AK", "AK-PROC")
    monkeypatch.setenv("HUAWEICLOUD_SDK_SK", "SK-PROC")
    monkeypatch.setenv("HUAWEICLOUD_SDK_IAM_ENDPOINT", "https://iam.example")
    p = env_profile()
    assert p is not None
    assert p.ak == "AK-PROC"
    assert p.iam_url == "https://iam.example"
