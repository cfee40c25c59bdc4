"""``key_dir`` and ``[[profiles.connect]]`` in the config file: round trip, and refusals with file and line."""

from __future__ import annotations

from dataclasses import replace

import pytest

from tui.config.connect import ConnectOverride, override_for
from tui.config.store import dump_config, parse_config
from tui.core.errors import ConfigError

TEXT = """\
[[profiles]]
name = "nb"
api = "notebooks"
key_dir = "~/keys"

[[profiles.connect]]
instance = "cv-lab"
identity_file = "~/keys/cv.pem"
ssh_options = ["ForwardAgent=yes", "LocalForward 8888 localhost:8888"]
alias = "cv"

[[profiles.connect]]
instance = "6e4a7b1c-0000-4000-8000-000000000001"
ssh_options = ["Compression=yes"]
"""


def test_connection_settings_are_read_and_written_back_the_same() -> None:
    config = parse_config(TEXT, "c.toml")
    profile = config.profile("nb")
    assert profile.key_dir == "~/keys"
    assert profile.connect == (
        ConnectOverride(
            "cv-lab",
            identity_file="~/keys/cv.pem",
            ssh_options=("ForwardAgent=yes", "LocalForward 8888 localhost:8888"),
            alias="cv",
        ),
        ConnectOverride("6e4a7b1c-0000-4000-8000-000000000001", ssh_options=("Compression=yes",)),
    )
    assert parse_config(dump_config(config)) == config
    assert override_for(profile.connect, "any-id", "cv-lab") is profile.connect[0]
    assert (
        override_for(profile.connect, "6e4a7b1c-0000-4000-8000-000000000001", "cv-lab") is profile.connect[1]
    )
    assert override_for(profile.connect, "other", "other") is None
    assert [e for e in profile.validate() if e.field.startswith("connect")] == []
    bad = replace(profile, connect=(ConnectOverride("cv-lab", ssh_options=("Port=2",), alias="a b"),))
    assert [str(e) for e in bad.validate() if e.field.startswith("connect")] == [
        "connect[0].ssh_options[0]: Port cannot be an extra option (the endpoint decides it)",
        "connect[0].alias: 'a b' may hold only letters, digits, '.', '_' and '-'",
    ]


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        (
            'ssh_options = ["ForwardAgent=yes\\nHost *"]',
            "ssh_options[0]: 'ForwardAgent=yes\\nHost *' holds a control character",
        ),
        (
            'ssh_options = ["-oProxyCommand=x"]',
            "ssh_options[0]: '-oProxyCommand=x' is not an ssh option of the form Keyword=value",
        ),
        (
            'ssh_options = ["HostName=evil"]',
            "ssh_options[0]: HostName cannot be an extra option (the endpoint decides it)",
        ),
        ('alias = "cv lab"', "alias: 'cv lab' may hold only letters, digits, '.', '_' and '-'"),
        ('ssh_options = "ForwardAgent=yes"', "'ssh_options' must be an array of strings, not a string"),
        ('aliass = "cv"', "unknown key 'aliass' in connect entry #1 of profile 'nb'; did you mean 'alias'?"),
    ],
)
def test_a_bad_connect_entry_is_refused_with_its_line(entry: str, message: str) -> None:
    text = f'[[profiles]]\nname = "nb"\n\n[[profiles.connect]]\ninstance = "cv-lab"\n{entry}\n'
    with pytest.raises(ConfigError) as caught:
        parse_config(text, "c.toml")
    assert caught.value.line == 6
    assert message in str(caught.value)


def test_a_connect_entry_needs_an_instance() -> None:
    with pytest.raises(ConfigError) as caught:
        parse_config('[[profiles]]\nname = "nb"\n[[profiles.connect]]\nalias = "cv"\n', "c.toml")
    assert str(caught.value) == (
        "c.toml:3: connect entry #1 of profile 'nb' has no 'instance' (the instance's name or id)"
    )
