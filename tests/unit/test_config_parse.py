"""TOML text -> Config: every refusal names the file and the line, and suggests the likely key."""

from __future__ import annotations

import inspect
import textwrap
import tomllib

import pytest

import tui.config.store
from tui.config.locate import key_lines, line_of
from tui.config.model import Config, InstanceRef, Profile, UiSettings
from tui.config.store import dump_config, parse_config
from tui.core.errors import ConfigError
from tui.core.secret import Secret

PID = "0123456789abcdef0123456789abcdef"


def refused(text: str) -> ConfigError:
    with pytest.raises(ConfigError) as caught:
        parse_config(textwrap.dedent(text).lstrip("\n"), "/cfg/config.toml")
    error = caught.value
    assert error.path == "/cfg/config.toml"
    assert str(error).startswith(f"/cfg/config.toml:{error.line}: ")
    return error


# --- what parses -------------------------------------------------------------------------------


def test_the_documented_example_parses() -> None:
    doc = inspect.getdoc(tui.config.store) or ""
    example = textwrap.dedent(doc.split("::\n", 1)[1].split("\nParsing rules", 1)[0])
    config = parse_config(example)
    assert config.default_profile == "otc-prod"
    assert config.ui.keys == {"start": "s"}
    profile = config.profile("otc-prod")
    assert profile.project_id == PID
    assert profile.instances == (InstanceRef("DE-…", "training box"),)


def test_an_empty_file_is_an_empty_config() -> None:
    assert parse_config("") == Config()
    assert parse_config("# nothing yet\n") == Config()


def test_values_arrive_typed() -> None:
    config = parse_config(
        textwrap.dedent(f"""
        [ui]
        poll_interval = 5
        fast_poll_interval = 0.5
        [[profiles]]
        name = "a"
        project_id = "{PID}"
        sk = "plain"
        prolong_hours = 3
        instances = ["DE-11111111", {{ id = "DE-22222222", alias = "b" }}]
        """)
    )
    assert config.ui == UiSettings(poll_interval_s=5.0, fast_poll_interval_s=0.5)
    assert isinstance(config.ui.poll_interval_s, float)
    p = config.profiles[0]
    assert p.sk == Secret("plain")
    assert p.prolong_hours == 3.0 and isinstance(p.prolong_hours, float)
    assert p.instances == (InstanceRef("DE-11111111"), InstanceRef("DE-22222222", "b"))


def test_an_incomplete_profile_still_loads_for_the_settings_screen() -> None:
    p = parse_config('[[profiles]]\nname = "a"\nregion = "mars-1"\nproject_id = "x"\n').profiles[0]
    assert {e.field for e in p.validate()} == {"region", "project_id", "ak", "sk"}


# --- broken TOML -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ('[[profiles]]\nname = "a"\nregion = \n', 3),
        ('[[profiles]]\nname = "a"\nname = "b"\n', 3),
        ("[ui]\n[ui]\n", 2),
        ('a = "unterminated\n', 1),
        ("x = 1\ny = 2\nz = [1,\n", 3),
    ],
)
def test_broken_toml_names_the_line(text: str, line: int) -> None:
    error = refused(text)
    assert error.line == line
    assert "not valid TOML" in error.detail


def test_absurd_nesting_is_a_config_error() -> None:
    assert "nested too deeply" in refused("a = " + "[" * 100_000 + "]" * 100_000).detail


def test_broken_toml_keeps_the_parser_message_and_column() -> None:
    error = refused("[ui]\npoll_interval = = 3\n")
    assert (error.line, error.detail) == (2, "not valid TOML: Invalid value (column 17)")


# --- unknown keys ------------------------------------------------------------------------------


def test_unknown_profile_key_with_line_and_suggestion() -> None:
    error = refused("""
        default_profile = "a"

        [[profiles]]
        name = "a"

        [[profiles]]
        name = "b"
        # a comment with regoin = 1 in it
        regoin = "eu-de"
        """)
    assert error.line == 9
    assert "unknown key 'regoin' in profile 'b'" in error.detail
    assert "did you mean 'region'?" in error.detail


def test_unknown_top_level_key() -> None:
    error = refused('default_profil = "a"\n')
    assert error.line == 1
    assert "did you mean 'default_profile'?" in error.detail


def test_a_ui_or_profile_key_at_the_top_says_where_it_belongs() -> None:
    assert "belongs in [ui]" in refused("poll_interval = 3\n").detail
    error = refused('region = "eu-de"\n[[profiles]]\nname = "a"\n')
    assert error.line == 1
    assert "belongs in a [[profiles]] table" in error.detail


def test_unknown_ui_key() -> None:
    error = refused("[ui]\ntheme = 'x'\n\npol_interval = 3\n")
    assert error.line == 4
    assert "unknown key 'pol_interval' in [ui]; did you mean 'poll_interval'?" in error.detail


def test_unknown_instance_key() -> None:
    error = refused("""
        [[profiles]]
        name = "a"
        [[profiles.instances]]
        id = "DE-11111111"
        [[profiles.instances]]
        id = "DE-22222222"
        alais = "x"
        """)
    assert error.line == 7
    assert "instance #2 of profile 'a'" in error.detail
    assert "did you mean 'alias'?" in error.detail


def test_a_profile_key_below_its_instances_explains_the_toml_trap() -> None:
    error = refused("""
        [[profiles]]
        name = "a"
        [[profiles.instances]]
        id = "DE-11111111"
        read_only = true
        """)
    assert error.line == 5
    assert "move 'read_only' above" in error.detail


def test_unknown_key_in_an_inline_table_and_in_a_dotted_key() -> None:
    assert refused('x = 1\nprofiles = [\n  {name = "a"},\n  {name = "b", bad = 1},\n]\n').line == 1
    error = refused('profiles = [\n  {name = "a"},\n  {name = "b", bad = 1},\n]\n')
    assert error.line == 3
    assert refused('ui.theme = "x"\nui.bogus = 1\n').line == 2


def test_the_earliest_unknown_key_is_reported() -> None:
    assert "'zzz'" in refused('[[profiles]]\nname = "a"\nzzz = 1\naaa = 2\n').detail


# --- wrong types and values --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        (
            '[[profiles]]\nname = "a"\nread_only = "yes"\n',
            3,
            "'read_only' must be true or false, not a string",
        ),
        ('[[profiles]]\nname = "a"\nprolong_hours = "2"\n', 3, "'prolong_hours' must be a number"),
        (
            '[[profiles]]\nname = "a"\n\nnotify_minutes = 1.5\n',
            4,
            "'notify_minutes' must be a whole number, not a float",
        ),
        ('[[profiles]]\nname = "a"\nnotify_minutes = true\n', 3, "must be a whole number, not a boolean"),
        ("[[profiles]]\nname = 7\n", 2, "'name' must be a string, not an integer"),
        ('[[profiles]]\nname = "a"\ninstances = "DE-1"\n', 3, "'instances' must be an array of tables"),
        ('[[profiles]]\nname = "a"\n[[profiles.instances]]\nid = 5\n', 4, "'id' must be a string"),
        ('[[profiles]]\nname = "a"\nprolong_hours = inf\n', 3, "finite"),
        ('[[profiles]]\nname = "a"\ncreated = 1979-05-27 07:32:00\n', 3, "unknown key 'created'"),
        ('[[profiles]]\nname = "a"\nca_bundle = 1979-05-27 07:32:00\n', 3, "not a date or time"),
        ("default_profile = 1\n", 1, "'default_profile' must be a string"),
        ('profiles = "a"\n', 1, "'profiles' must be an array of tables"),
        ("profiles = [1]\n", 1, "profile #1 must be a table"),
        ("ui = 3\n", 1, "[ui] must be a table"),
        ('[ui]\npoll_interval = "5"\n', 2, "'poll_interval' must be a number, not a string"),
        ("[ui]\nlog_panel = 1\n", 2, "'log_panel' must be true or false"),
        ('[ui]\nkeys = "s"\n', 2, "[ui.keys] must be a table"),
        ('[ui.keys]\nstart = "s"\nstop = 1\n', 3, "'stop' must be a string (a key name), not an integer"),
        ("[ui]\n\npoll_interval = 0\n", 3, "poll_interval: must be a number of seconds above 0"),
        ("[ui]\nbulk_concurrency = 0\n", 2, "bulk_concurrency: must be 1 or more"),
        ('[ui.keys]\nstart = ""\n', 2, "keys.start: the key is empty"),
    ],
)
def test_wrong_type_names_key_type_and_line(text: str, line: int, words: str) -> None:
    error = refused(text)
    assert error.line == line
    assert words in error.detail


@pytest.mark.parametrize(
    ("key", "value", "hint"),
    [("cloud", "otcc", "'otc'"), ("api", "notebook", "'notebooks'"), ("auth", "pasword", "'password'")],
)
def test_closed_sets_are_checked_with_a_suggestion(key: str, value: str, hint: str) -> None:
    error = refused(f'[[profiles]]\nname = "a"\n{key} = "{value}"\n')
    assert error.line == 3
    assert f"did you mean {hint}?" in error.detail


def test_a_mistyped_secret_is_not_echoed() -> None:
    error = refused('[[profiles]]\nname = "a"\nsk = ["hunter2-secret"]\n')
    assert error.line == 3
    assert "hunter2" not in str(error)


# --- names -------------------------------------------------------------------------------------


def test_duplicate_profile_name_names_both_lines() -> None:
    error = refused("""
        [[profiles]]
        name = "otc"

        [[profiles]]
        name = "dev"

        [[profiles]]
        name = "otc"
        """)
    assert error.line == 8
    assert "'otc' is used twice (first at line 2)" in error.detail


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ('[[profiles]]\nregion = "eu-de"\n', 1, "profile #1 has no 'name'"),
        ('[[profiles]]\nname = ""\n', 2, "'name' is empty"),
        (
            '[[profiles]]\nname = "a"\n[[profiles.instances]]\nalias = "x"\n',
            3,
            "instance #1 of profile 'a' has no 'id'",
        ),
        (
            'default_profile = "prod"\n[[profiles]]\nname = "prd"\n',
            1,
            "names no profile (known: prd); did you mean 'prd'?",
        ),
    ],
)
def test_missing_names_and_dangling_default(text: str, line: int, words: str) -> None:
    error = refused(text)
    assert error.line == line
    assert words in error.detail


# --- dump --------------------------------------------------------------------------------------


def test_dump_omits_defaults_but_states_where_a_profile_points() -> None:
    text = dump_config(Config(profiles=(Profile("a"),)))
    body = [line for line in text.splitlines() if line and not line.startswith("#")]
    assert body == [
        "[[profiles]]",
        'name = "a"',
        'cloud = "otc"',
        'region = "eu-de"',
        'api = "devenv-v1"',
        'auth = "aksk"',
    ]
    assert dump_config(Config()).strip().startswith("#")
    assert parse_config(dump_config(Config())) == Config()


def test_dump_writes_instances_as_tables_and_numbers_plainly() -> None:
    config = Config(
        profiles=(Profile("a", prolong_hours=4.0, instances=(InstanceRef("DE-11111111", "x"),)),),
        ui=UiSettings(poll_interval_s=30.0, fast_poll_interval_s=1.5, keys={"start": "S"}),
    )
    text = dump_config(config)
    assert '[[profiles.instances]]\nid = "DE-11111111"\nalias = "x"\n' in text
    assert "prolong_hours = 4\n" in text
    assert "poll_interval = 30\n" in text and "fast_poll_interval = 1.5\n" in text
    assert '[ui.keys]\nstart = "S"\n' in text
    assert parse_config(text) == config


def test_dump_writes_secrets_revealed_or_masked() -> None:
    config = Config(profiles=(Profile("a", sk=Secret("the-sk"), token=Secret("the-token")),))
    assert 'sk = "the-sk"' in dump_config(config)
    masked = dump_config(config, mask_secrets=True)
    assert "the-sk" not in masked and "the-token" not in masked
    assert 'sk = "********"' in masked


# --- the line scanner --------------------------------------------------------------------------


def test_scanner_skips_strings_and_comments_that_look_like_keys() -> None:
    text = textwrap.dedent('''\
        [[profiles]]
        name = "a"  # name = "b"
        sk = """
        region = "x"
        ["not a header"]
        """
        "quoted.key" = 'it"s'
        token = \'\'\'
        [[profiles]]
        \'\'\'
        auth = "token"
        ''')
    assert tomllib.loads(text)["profiles"][0]["auth"] == "token"
    lines = key_lines(text)
    assert lines[("profiles", 0, "sk")] == 3
    assert lines[("profiles", 0, "quoted.key")] == 7
    assert lines[("profiles", 0, "auth")] == 11
    assert ("profiles", 1) not in lines
    assert ("profiles", 0, "region") not in lines


def test_scanner_counts_crlf_lines_and_falls_back_to_the_table() -> None:
    lines = key_lines('[ui]\r\ntheme = "x"\r\n\r\n[ui.keys]\r\nstart = "s"\r\n')
    assert lines[("ui", "keys", "start")] == 5
    assert line_of(lines, ("ui", "keys", "nope")) == 4
    assert line_of(lines, ("nothing",)) is None


def test_scanner_never_raises_on_text_it_cannot_follow() -> None:
    assert key_lines("= = [[[") == {}
    assert key_lines('a = "open') == {("a",): 1}
