"""The managed block in ~/.ssh/config: nothing outside the markers moves, no second copy, 0600, atomic."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tui.core.errors import ConfigError
from tui.service.ssh_config import BEGIN, END, check_proxy_jump, managed_block, write_managed

USER_TEXT = (
    "# my own settings\nHost bastion\n    HostName 192.0.2.1\n    User me\n\nHost *\n    AddKeysToAgent yes"
)
BLOCK = "Host modelarts-lab-cv\n    HostName 10.0.0.5\n    Port 30022\n"


def test_the_first_write_appends_the_block_and_keeps_every_user_line(tmp_path: Path) -> None:
    path = tmp_path / ".ssh" / "config"
    path.parent.mkdir()
    path.write_text(USER_TEXT)
    assert write_managed(path, {"lab": managed_block("lab", [BLOCK])}) is True
    text = path.read_text()
    assert text.startswith(USER_TEXT + "\n\n")
    assert (
        text[len(USER_TEXT) + 2 :] == f"{BEGIN.format(profile='lab')}\n{BLOCK}{END.format(profile='lab')}\n"
    )
    assert os.stat(path).st_mode & 0o777 == 0o600


def test_a_second_write_changes_nothing_and_a_new_block_replaces_the_old_in_place(tmp_path: Path) -> None:
    path = tmp_path / "config"
    path.write_text(USER_TEXT + "\n")
    write_managed(path, {"lab": managed_block("lab", [BLOCK])})
    path.write_text(path.read_text() + "\nHost after\n    User later\n")  # the user adds lines after ours
    before = path.read_text()
    assert write_managed(path, {"lab": managed_block("lab", [BLOCK])}) is False
    assert path.read_text() == before
    moved = BLOCK.replace("30022", "31022")
    assert write_managed(path, {"lab": managed_block("lab", [moved])}) is True
    after = path.read_text()
    assert after == before.replace("Port 30022", "Port 31022")
    assert after.count(BEGIN.format(profile="lab")) == 1


def test_blocks_of_other_profiles_are_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "config"
    write_managed(
        path,
        {
            "a": managed_block("a", ["Host modelarts-a-x\n"]),
            "b": managed_block("b", ["Host modelarts-b-y\n"]),
        },
    )
    write_managed(path, {"a": managed_block("a", ["Host modelarts-a-z\n"])})
    text = path.read_text()
    assert "modelarts-a-x" not in text and "modelarts-a-z" in text and "modelarts-b-y" in text


def test_a_file_with_unpaired_markers_is_refused_and_left_as_it_is(tmp_path: Path) -> None:
    path = tmp_path / "config"
    broken = f"Host x\n{BEGIN.format(profile='lab')}\nHost modelarts-lab-cv\n"
    path.write_text(broken)
    with pytest.raises(ConfigError) as caught:
        write_managed(path, {"lab": managed_block("lab", [BLOCK])})
    assert str(caught.value) == f"{path}:2: the begin marker for profile lab has no end marker"
    assert path.read_text() == broken


def test_a_symlinked_config_is_written_through_to_its_target(tmp_path: Path) -> None:
    target = tmp_path / "dotfiles" / "ssh_config"
    target.parent.mkdir()
    target.write_text("Host x\n")
    link = tmp_path / "config"
    link.symlink_to(target)
    write_managed(link, {"lab": managed_block("lab", [BLOCK])})
    assert link.is_symlink() and "modelarts-lab-cv" in target.read_text()


def test_no_temporary_file_is_left_behind(tmp_path: Path) -> None:
    path = tmp_path / "config"
    write_managed(path, {"lab": managed_block("lab", [BLOCK])})
    assert sorted(p.name for p in tmp_path.iterdir()) == ["config"]


@pytest.mark.parametrize("value", ["jump", "me@jump.example:2222", "a@h1,b@h2:22", "[2001:db8::1]:22"])
def test_proxy_jump_values(value: str) -> None:
    assert check_proxy_jump(value) == value


@pytest.mark.parametrize("value", ["", "-oProxyCommand=x", "jump host", "jump\nHost *", 'j"x'])
def test_proxy_jump_values_that_could_inject_are_refused(value: str) -> None:
    with pytest.raises(ConfigError) as caught:
        check_proxy_jump(value)
    assert str(caught.value) == (
        f"--proxy-jump {value!r} is not [user@]host[:port] (a list separated by commas, no spaces)"
    )
