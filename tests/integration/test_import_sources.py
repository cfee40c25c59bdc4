"""Import sources on real files in a temporary HOME: each format, good and broken.

A broken file is a problem naming its path and line and gives no candidate; an entry that
cannot be a profile is skipped with the reason; secrets are masked in what is shown and, where
the source allows, referenced instead of copied.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tui.config.codec import dump_config
from tui.config.model import Config
from tui.config.sources import Place, Scan, scan_all
from tui.core.errors import ConfigError, ValidationError
from tui.core.secret import Secret

AK = "AKIMPORTTEST00000001"
SK = "SkImportLeakCanary-0a1b2c3d4e5f60718293"
TOKEN = "StImportLeakCanary-ffeeddccbbaa99887766"
PID = "0123456789abcdef0123456789abcdef"


@pytest.fixture
def place(tmp_path: Path) -> Place:
    for name in ("home", "work", "etc"):
        (tmp_path / name).mkdir()
    return Place(environ={}, home=tmp_path / "home", cwd=tmp_path / "work", etc=tmp_path / "etc")


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _shown_text(scan: Scan) -> str:
    parts = [repr(scan)]
    for c in scan.candidates:
        parts += [c.where, *c.notes, *(f"{k}={v}" for k, v in c.shown), repr(c.profile)]
    parts += [f"{s.where} {s.reason}" for s in scan.skipped]
    parts += [str(p) for p in scan.problems]
    return "\n".join(parts)


def _problem(scan: Scan) -> ConfigError:
    assert not scan.candidates and len(scan.problems) == 1, scan
    return scan.problems[0]


# --- the official SDK's credentials file ---------------------------------------------------


def test_sdk_file_basic_and_global_are_offered_and_reference_the_file(place: Place) -> None:
    path = _write(
        place.home / ".huaweicloud" / "credentials",
        f"# written by hand\n[basic]\nak = {AK}\nsk = {SK}\nproject_id = {PID}\n"
        f"iam_endpoint = https://iam.cn-north-4.myhuaweicloud.com\n\n"
        f"[global]\nak = {AK}\nsk = {SK}\nsecurity_token = {TOKEN}\ndomain_id = d0m41n\n",
    )
    scan = scan_all(place, "sdk-file")
    assert [c.profile.name for c in scan.candidates] == ["sdk-basic", "sdk-global"]
    basic, glob = (c.profile for c in scan.candidates)
    assert (basic.cloud, basic.region, basic.project_id) == ("huawei", "cn-north-4", PID)
    assert (basic.credentials_file, basic.credentials_section, basic.ak, basic.sk) == (
        str(path),
        "basic",
        "",
        Secret(""),
    )
    assert glob.credentials_section == "global" and glob.security_token == Secret("")
    assert scan.candidates[0].where == "~/.huaweicloud/credentials [basic] (line 2)"
    assert ("sk", "********") in scan.candidates[0].shown and ("ak", "AKIM…") in scan.candidates[0].shown
    # Referenced, not copied: the profile reads the file at sign-in, and the config file holds no secret.
    assert (basic.resolved_ak(), basic.resolved_sk().reveal()) == (AK, SK)
    assert glob.resolved_security_token().reveal() == TOKEN
    dumped = dump_config(Config(profiles=(basic, glob)))
    assert SK not in dumped and TOKEN not in dumped and AK not in dumped
    assert SK not in _shown_text(scan) and TOKEN not in _shown_text(scan)
    assert basic.validate() == []


def test_sdk_file_follows_its_variable_and_reports_a_missing_file(place: Place, tmp_path: Path) -> None:
    moved = _write(tmp_path / "elsewhere.ini", f"[basic]\nak = {AK}\nsk = {SK}\n")
    env = Place({"HUAWEICLOUD_SDK_CREDENTIALS_FILE": str(moved)}, place.home, place.cwd, place.etc)
    scan = scan_all(env, "sdk-file")
    assert [c.profile.credentials_file for c in scan.candidates] == [str(moved)]
    assert any("region guessed" in n for n in scan.candidates[0].notes)
    gone = Place(
        {"HUAWEICLOUD_SDK_CREDENTIALS_FILE": str(tmp_path / "nope")}, place.home, place.cwd, place.etc
    )
    problem = _problem(scan_all(gone, "sdk-file"))
    assert problem.path == str(tmp_path / "nope") and "HUAWEICLOUD_SDK_CREDENTIALS_FILE" in str(problem)
    assert scan_all(place, "sdk-file") == Scan()  # no file at the default place: nothing, no problem


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("ak = x\n[basic]\n", 1, "before any [section]"),
        (f"[basic]\nak = {AK}\nthis line is not ini\nsk = {SK}\n", 3, "not an INI line"),
        (f"[basic]\nak = {AK}\n[basic]\nsk = {SK}\n", 3, "given twice"),
        (f"[basic]\nak = {AK}\nak = other\nsk = {SK}\n", 3, "given twice"),
    ],
)
def test_a_broken_sdk_file_names_path_and_line_and_offers_nothing(
    place: Place, text: str, line: int, words: str
) -> None:
    path = _write(place.home / ".huaweicloud" / "credentials", text)
    problem = _problem(scan_all(place, "sdk-file"))
    assert (problem.path, problem.line) == (str(path), line) and words in str(problem)
    assert f"{path}:{line}: " in str(problem) and SK not in str(problem)


def test_sdk_file_sections_without_keys_or_unknown_are_skipped_with_the_reason(place: Place) -> None:
    _write(
        place.home / ".huaweicloud" / "credentials",
        f"[basic]\nidp_id = x\nid_token_file = /t\n[other]\nak = {AK}\nsk = {SK}\n",
    )
    scan = scan_all(place, "sdk-file")
    assert not scan.candidates and not scan.problems
    assert [(s.where, s.reason) for s in scan.skipped] == [
        (
            "~/.huaweicloud/credentials [basic] (line 1)",
            "no ak and sk (federated idp_id sign-in is not supported)",
        ),
        ("~/.huaweicloud/credentials [other] (line 4)", "the SDK reads only [basic] and [global]"),
    ]


def test_a_broken_sdk_file_at_sign_in_is_a_profile_error_with_path_and_line(place: Place) -> None:
    path = _write(place.home / ".huaweicloud" / "credentials", f"[basic]\nak = {AK}\nsk = {SK}\n")
    profile = scan_all(place, "sdk-file").candidates[0].profile
    path.write_text(f"[basic]\nak = {AK}\n= no key\n", encoding="utf-8")
    with pytest.raises(ValidationError) as caught:
        profile.resolved_sk()
    assert caught.value.field == "credentials_file"
    assert f"{path}:3: not an INI line" in str(caught.value) and SK not in str(caught.value)
    path.write_text(f"[basic]\nak = {AK}\n", encoding="utf-8")
    with pytest.raises(
        ValidationError, match="^" + re.escape(f"credentials_file: {path} [basic] has no sk") + "$"
    ):
        profile.resolved_sk()


# --- the environment -------------------------------------------------------------------------


def test_env_profile_names_the_variables_and_copies_no_secret(place: Place) -> None:
    env = {
        "HUAWEICLOUD_SDK_AK": AK,
        "HUAWEICLOUD_SDK_SK": SK,
        "HUAWEICLOUD_SDK_SECURITY_TOKEN": TOKEN,
        "HUAWEICLOUD_SDK_PROJECT_ID": PID,
        "HUAWEICLOUD_SDK_IAM_ENDPOINT": "https://iam.eu-de.otc.t-systems.com/v3",
    }
    scan = scan_all(Place(env, place.home, place.cwd, place.etc), "env")
    (candidate,) = scan.candidates
    p = candidate.profile
    assert (p.name, p.cloud, p.region, p.project_id) == ("env", "otc", "eu-de", PID)
    assert (p.ak_env, p.sk_env, p.security_token_env) == (
        "HUAWEICLOUD_SDK_AK",
        "HUAWEICLOUD_SDK_SK",
        "HUAWEICLOUD_SDK_SECURITY_TOKEN",
    )
    assert not p.ak and not p.sk and not p.security_token
    assert (p.resolved_ak(env), p.resolved_sk(env).reveal(), p.resolved_security_token(env).reveal()) == (
        AK,
        SK,
        TOKEN,
    )
    assert ("sk", "$HUAWEICLOUD_SDK_SK = ********") in candidate.shown
    assert (
        SK not in _shown_text(scan) and TOKEN not in _shown_text(scan) and SK not in dump_config(Config((p,)))
    )


def test_env_with_only_one_key_is_skipped_with_the_missing_variable(place: Place) -> None:
    scan = scan_all(Place({"HUAWEICLOUD_SDK_AK": AK}, place.home, place.cwd, place.etc), "env")
    assert not scan.candidates and [s.reason for s in scan.skipped] == ["HUAWEICLOUD_SDK_SK is not set"]
    assert scan_all(place, "env") == Scan()


# --- KooCLI ----------------------------------------------------------------------------------


def _koocli(place: Place, data: object) -> Path:
    return _write(place.home / ".hcloud" / "config.json", json.dumps(data, indent=2))


def test_koocli_profiles_are_offered_and_encrypted_ones_named_and_skipped(place: Place) -> None:
    _koocli(
        place,
        {
            "current": "work",
            "profiles": [
                {
                    "name": "work",
                    "mode": "AKSK",
                    "accessKeyId": AK,
                    "secretAccessKey": SK,
                    "securityToken": TOKEN,
                    "region": "cn-north-4",
                    "projectId": PID,
                },
                {
                    "name": "locked",
                    "mode": "AKSK",
                    "accessKeyId": "c1ph3r",
                    "secretAccessKey": "c1ph3r",
                    "authEncrypt": True,
                },
                {"name": "sso", "mode": "SSO", "region": "eu-de"},
                {"name": "otc", "accessKeyId": AK, "secretAccessKey": SK, "region": "eu-de"},
            ],
        },
    )
    scan = scan_all(place, "koocli")
    assert [c.profile.name for c in scan.candidates] == ["koocli-work", "koocli-otc"]
    work, otc = (c.profile for c in scan.candidates)
    assert (work.cloud, work.region, work.project_id, work.ak) == ("huawei", "cn-north-4", PID, AK)
    assert work.sk == Secret(SK) and work.security_token == Secret(TOKEN)
    assert work.imported_from == "koocli ~/.hcloud/config.json profile work"
    assert (otc.cloud, otc.region) == ("otc", "eu-de")
    reasons = {s.where.split(" (line")[0]: s.reason for s in scan.skipped}
    assert "authEncrypt" in reasons["~/.hcloud/config.json profile 'locked'"]
    assert reasons["~/.hcloud/config.json profile 'sso'"] == "mode 'SSO' is not supported (only AKSK)"
    assert SK not in _shown_text(scan) and TOKEN not in _shown_text(scan)


def test_koocli_encrypted_at_the_top_skips_every_profile(place: Place) -> None:
    _koocli(
        place, {"authEncrypt": True, "profiles": [{"name": "a", "accessKeyId": "x", "secretAccessKey": "y"}]}
    )
    scan = scan_all(place, "koocli")
    assert not scan.candidates and [s.where for s in scan.skipped] == [
        "~/.hcloud/config.json profile 'a' (line 5)"
    ]


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ('{\n  "profiles": [\n    {"name": "a",}\n  ]\n}\n', 3, "not valid JSON"),
        ('{\n  "current": "a",\n  "profiles": {"name": "a"}\n}\n', 3, 'no "profiles" list'),
        ("[1, 2]\n", 1, "not a JSON object"),
    ],
)
def test_a_broken_koocli_file_names_path_and_line(place: Place, text: str, line: int, words: str) -> None:
    path = _write(place.home / ".hcloud" / "config.json", text)
    problem = _problem(scan_all(place, "koocli"))
    assert (problem.path, problem.line) == (str(path), line) and words in str(problem)


# --- clouds.yaml -------------------------------------------------------------------------------

CLOUDS = f"""\
# OTC, as otcextensions documents it
clouds:
  otc-pw:
    profile: otc
    auth:
      auth_url: https://iam.eu-de.otc.t-systems.com:443/v3
      username: alice
      password: 0123
      project_name: eu-de_team
      user_domain_name: OTC00000000001000000001
    region_name: eu-de
  otc-keys:
    auth:
      auth_url: https://iam.eu-de.otc.t-systems.com/v3
      project_id: {PID}
    ak: {AK}
    sk: {SK}
  app-cred:
    auth_type: v3applicationcredential
    auth:
      application_credential_id: x
"""


def test_clouds_yaml_password_and_aksk_entries(place: Place) -> None:
    _write(place.home / ".config" / "openstack" / "clouds.yaml", CLOUDS)
    scan = scan_all(place, "clouds-yaml")
    assert [c.profile.name for c in scan.candidates] == ["otc-pw", "otc-keys"]
    pw, keys = (c.profile for c in scan.candidates)
    assert (pw.auth, pw.cloud, pw.region, pw.user, pw.domain) == (
        "password",
        "otc",
        "eu-de",
        "alice",
        "OTC00000000001000000001",
    )
    assert pw.password == Secret("0123"), "the text as written, not the YAML 1.1 octal 83"
    assert pw.iam_endpoint == "https://iam.eu-de.otc.t-systems.com:443/v3" and pw.validate() == []
    assert (keys.auth, keys.ak, keys.sk, keys.project_id, keys.region) == (
        "aksk",
        AK,
        Secret(SK),
        PID,
        "eu-de",
    )
    assert [(s.where, s.reason) for s in scan.skipped] == [
        (
            "~/.config/openstack/clouds.yaml cloud 'app-cred' (line 18)",
            "auth_type 'v3applicationcredential' is not supported (only password or ak/sk)",
        )
    ]
    assert scan.candidates[0].where == "~/.config/openstack/clouds.yaml cloud 'otc-pw' (line 3)"
    assert SK not in _shown_text(scan) and "0123" not in _shown_text(scan).replace(PID, "")


def test_clouds_yaml_locations_in_openstack_order_and_shadowed_names(place: Place, tmp_path: Path) -> None:
    entry = "clouds:\n  {name}:\n    auth: {{username: u, password: p, user_domain_name: d}}\n    region_name: eu-de\n"
    named = _write(tmp_path / "named.yaml", entry.format(name="first"))
    _write(
        place.cwd / "clouds.yaml", entry.format(name="here") + entry.format(name="first").split("\n", 1)[1]
    )
    _write(place.home / ".config" / "openstack" / "clouds.yaml", entry.format(name="here"))
    _write(place.etc / "openstack" / "clouds.yaml", entry.format(name="system"))
    env = Place({"OS_CLIENT_CONFIG_FILE": str(named)}, place.home, place.cwd, place.etc)
    scan = scan_all(env, "clouds-yaml")
    assert [c.profile.name for c in scan.candidates] == ["first", "here", "system"]
    assert scan.candidates[0].where.startswith(str(named))
    assert scan.candidates[2].where.startswith(str(place.etc / "openstack" / "clouds.yaml"))
    assert sorted(s.reason for s in scan.skipped) == [
        f"also in {named}, which openstacksdk reads first",
        "also in ~/.config/openstack/clouds.yaml, which openstacksdk reads first".replace(
            "~/.config/openstack/clouds.yaml", str(place.cwd / "clouds.yaml")
        ),
    ]


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("clouds:\n  a:\n    auth:\n      username: u\n     password: p\n", 5, "not valid YAML"),
        ('clouds:\n  a:\n    auth: {username: "u, password: p}\n', 3, "not valid YAML"),
        ("clouds:\n  a: [1, 2]\n", 2, "must be a mapping"),
        ("clouds:\n  a:\n    auth:\n      password: [x]\n      username: u\n", 4, "must be a plain value"),
        ("profiles:\n  a: {}\n", 1, "no `clouds:` mapping"),
        ("", 1, "the file is empty"),
        ("clouds:\n  a: &x\n    b: *x\n  c: *y\n", 4, "not valid YAML"),
    ],
)
def test_broken_clouds_yaml_names_path_and_line(place: Place, text: str, line: int, words: str) -> None:
    path = _write(place.cwd / "clouds.yaml", text)
    problem = _problem(scan_all(place, "clouds-yaml"))
    assert (problem.path, problem.line) == (str(path), line), problem
    assert words in str(problem)


def test_a_broken_file_does_not_hide_the_good_ones(place: Place) -> None:
    _write(place.cwd / "clouds.yaml", "clouds: [\n")
    _write(place.home / ".config" / "openstack" / "clouds.yaml", CLOUDS)
    _write(place.home / ".hcloud" / "config.json", "{")
    scan = scan_all(place)
    assert [c.profile.name for c in scan.candidates] == ["otc-pw", "otc-keys"]
    assert sorted(Path(p.path).name for p in scan.problems) == ["clouds.yaml", "config.json"]
    assert all(p.line for p in scan.problems)


def test_an_unknown_source_is_a_config_error(place: Place) -> None:
    with pytest.raises(ConfigError, match="unknown import source 'aws'.*sdk-file, env, koocli, clouds-yaml"):
        scan_all(place, "aws")
