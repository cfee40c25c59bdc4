"""``*_command`` secrets: run without a shell, stdout minus the newline, clear errors that never show the output."""

from __future__ import annotations

import shlex
import sys
from pathlib import Path

import pytest

from tui.config.codec import parse_config
from tui.config.credentials import run_secret_command
from tui.config.model import Profile
from tui.core.errors import ValidationError

SK = "SkCommandLeakCanary-5e6f7a8b9c0d1e2f"
PY = sys.executable


def _py(code: str) -> tuple[str, ...]:
    return (PY, "-c", code)


def test_stdout_minus_the_trailing_newline_is_the_secret() -> None:
    assert run_secret_command(_py(f"print({SK!r})"), "sk_command").reveal() == SK
    assert run_secret_command(_py(f"import sys; sys.stdout.write({SK!r} + '\\r\\n')"), "sk").reveal() == SK
    assert run_secret_command(_py(f"import sys; sys.stdout.write({SK!r})"), "sk").reveal() == SK
    assert run_secret_command(_py("print(' padded ')"), "sk").reveal() == " padded ", "only the newline goes"


def test_a_string_is_split_the_posix_way_and_no_shell_runs_it(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    command = f"{shlex.quote(PY)} -c 'import sys; print(sys.argv[1])' 'two words; touch {marker}'"
    assert run_secret_command(command, "sk_command").reveal() == f"two words; touch {marker}"
    assert not marker.exists(), "the ; reached the program as text: no shell was involved"


def test_a_non_zero_exit_names_the_program_and_the_status_never_the_output() -> None:
    code = f"import sys; print({SK!r}); print({SK!r}, file=sys.stderr); sys.exit(3)"
    with pytest.raises(ValidationError) as caught:
        run_secret_command(_py(code), "sk_command")
    message = str(caught.value)
    program = Path(PY).name
    assert message == f"sk_command: {program!r} exited with status 3 (its output is not shown)"
    assert SK not in message and SK not in repr(caught.value)


def test_a_command_that_runs_too_long_is_stopped_with_its_children() -> None:
    # The child starts a grandchild that would keep stdout open: the whole group is killed.
    code = "import subprocess, sys, time; subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)']); time.sleep(60)"
    with pytest.raises(ValidationError) as caught:
        run_secret_command(_py(code), "password_command", timeout=0.5)
    assert (
        str(caught.value)
        == f"password_command: {Path(PY).name!r} did not finish within 0.5 s and was stopped"
    )


@pytest.mark.parametrize(
    ("code", "words"),
    [
        ("pass", "printed nothing"),
        ("print()", "printed nothing"),
        ("print('   ')", "printed nothing"),
        (f"print({SK!r}); print('url: x')", "printed 2 lines; the secret must be one line"),
        ("import sys; sys.stdout.buffer.write(b'\\xff\\xfe')", "not UTF-8 text"),
    ],
)
def test_empty_or_unusable_output_is_a_clear_error(code: str, words: str) -> None:
    with pytest.raises(ValidationError) as caught:
        run_secret_command(_py(code), "token_command")
    assert words in str(caught.value) and SK not in str(caught.value)


@pytest.mark.parametrize(
    ("command", "words"),
    [
        (("/nonexistent/vault-helper", "read"), "cannot run 'vault-helper': no such program"),
        ("'unbalanced", "cannot be split into a command: No closing quotation"),
        ((), "cannot be split into a command: the command is empty"),
    ],
)
def test_a_command_that_cannot_start_says_why(command: str | tuple[str, ...], words: str) -> None:
    with pytest.raises(ValidationError, match="sk_command") as caught:
        run_secret_command(command, "sk_command")
    assert words in str(caught.value)


def test_the_profile_resolves_its_secret_through_the_command_and_env_wins() -> None:
    # Like `pass show`: the command line does not hold the secret (here it prints it reversed).
    profile = Profile(
        name="p", ak="AKCOMMAND00000000001", sk_command=_py(f"print({SK[::-1]!r}[::-1])"), sk_env="P_SK"
    )
    assert profile.validate() == [], "a command counts as the SK's source"
    assert profile.resolved_sk({}).reveal() == SK
    assert profile.resolved_sk({"P_SK": "from-env"}).reveal() == "from-env"
    failing = Profile(name="p", ak="AK", sk_command=_py("raise SystemExit(1)"))
    with pytest.raises(ValidationError, match="^sk_command: .* exited with status 1"):
        failing.resolved_sk({})
    assert "sk_command" in repr(profile) and SK not in repr(profile)


def test_commands_in_the_config_file_as_a_string_or_an_argv_list() -> None:
    config = parse_config(
        '[[profiles]]\nname = "a"\nak = "AK"\nsk_command = "pass show otc/sk"\n'
        '[[profiles]]\nname = "b"\nauth = "token"\ntoken_command = ["vault", "read", "-field=token", "x"]\n'
        '[[profiles]]\nname = "c"\nauth = "password"\ndomain = "d"\nuser = "u"\npassword_command = "op read \'op://x y\'"\n'
    )
    a, b, c = config.profiles
    assert (a.sk_command, b.token_command, c.password_command) == (
        "pass show otc/sk",
        ("vault", "read", "-field=token", "x"),
        "op read 'op://x y'",
    )
    assert [p.validate() for p in config.profiles] == [[], [], []]
    bad = Profile(name="x", ak="AK", sk_command="pass 'open")
    assert [str(e) for e in bad.validate()] == [
        "sk_command: cannot be split into a command: No closing quotation"
    ]


def test_the_readme_command_example_loads_and_validates() -> None:
    import re

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    blocks = [b for b in re.findall(r"```toml\n(.*?)```", readme, re.S) if "sk_command" in b]
    assert len(blocks) == 1
    (profile,) = parse_config(blocks[0], "README.md").profiles
    assert profile.sk_command == "pass show otc/sk" and profile.validate() == []
