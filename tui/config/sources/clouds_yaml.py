"""OpenStack ``clouds.yaml`` entries for OTC (or Huawei Cloud), password or AK/SK auth.

Files, in the order openstacksdk reads them: ``$OS_CLIENT_CONFIG_FILE``, ``./clouds.yaml``,
``~/.config/openstack/clouds.yaml``, ``/etc/openstack/clouds.yaml``. Every file that exists is
read (so a broken one is reported); a cloud name already found in an earlier file is skipped, as
openstacksdk would never see it. Per cloud: ``auth.{auth_url, username, password, project_name,
project_id, user_domain_name}``, ``region_name``, and ``ak``/``sk`` in ``auth`` or beside it
(otcextensions). ``modelarts_endpoint_override`` sets the ModelArts endpoint.

Parsed with PyYAML's composer, not its constructor: values are taken as the text written, so a
password such as ``0123`` or ``no`` stays that text (YAML 1.1 would make them a number and a
boolean), and every node keeps its line for error messages. Secrets are copied into the config
file (0600); the profile records the file and cloud they came from.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from tui.config.credentials import read_text
from tui.config.model import AUTH_AKSK, AUTH_PASSWORD, Profile
from tui.config.paths import expand_user
from tui.config.sources.common import (
    SOURCE_CLOUDS_YAML,
    Candidate,
    Place,
    Scan,
    Skipped,
    cloud_and_region_of_url,
    cloud_of_region,
    mask_ak,
    masked,
    profile_name,
)
from tui.core.domain import CLOUD_HUAWEI, CLOUD_OTC
from tui.core.errors import ConfigError
from tui.core.secret import Secret

FILE_ENV = "OS_CLIENT_CONFIG_FILE"
_NULL = "tag:yaml.org,2002:null"
_PASSWORD_TYPES = ("", "password", "v3password")


def locations(place: Place) -> list[Path]:
    """The files openstacksdk would consider, first match first."""
    found = []
    override = place.environ.get(FILE_ENV, "").strip()
    if override:
        found.append(expand_user(override, f"${FILE_ENV}"))
    found += [
        place.cwd / "clouds.yaml",
        place.home / ".config" / "openstack" / "clouds.yaml",
        place.etc / "openstack" / "clouds.yaml",
    ]
    return list(dict.fromkeys(found))


class _Tree:
    """Mapping nodes as dicts of nodes, scalars as their written text; line numbers kept."""

    def __init__(self, loader: Any, path: str) -> None:
        self.loader = loader
        self.path = path
        self.key_lines: dict[int, int] = {}  # id(value node) -> line of its key

    def mapping(self, node: Any, what: str) -> dict[str, Any]:
        if not isinstance(node, yaml.MappingNode):
            raise ConfigError(f"{what} must be a mapping", path=self.path, line=node.start_mark.line + 1)
        self.loader.flatten_mapping(node)  # resolves `<<: *anchor` merge keys
        out: dict[str, Any] = {}
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode) and key.value not in out:
                out[key.value] = value
                self.key_lines.setdefault(id(value), key.start_mark.line + 1)
        return out

    @staticmethod
    def text(node: Any) -> str | None:
        """A scalar's text ("" for null); None when the node is not a scalar."""
        if node is None:
            return ""
        if not isinstance(node, yaml.ScalarNode):
            return None
        return "" if node.tag == _NULL else str(node.value).strip()


def _load(text: str, path: str) -> dict[str, tuple[int, dict[str, Any], _Tree]]:
    """Cloud name -> (line, its mapping, the tree reader); ConfigError with the line when broken."""
    loader = yaml.SafeLoader(text)
    try:
        root = loader.get_single_node()
        tree = _Tree(loader, path)
        if root is None:
            raise ConfigError("the file is empty (expected a `clouds:` mapping)", path=path, line=1)
        clouds = tree.mapping(root, "the top level").get("clouds")
        if clouds is None:
            raise ConfigError("no `clouds:` mapping", path=path, line=root.start_mark.line + 1)
        out = {}
        for name, node in tree.mapping(clouds, "`clouds`").items():
            line = tree.key_lines.get(id(node), node.start_mark.line + 1)
            out[name] = (line, tree.mapping(node, f"cloud {name!r}"), tree)
        return out
    except yaml.MarkedYAMLError as error:
        raise _yaml_error(error, text, path) from None
    except yaml.YAMLError as error:
        raise ConfigError(f"not valid YAML: {error}", path=path) from None
    except RecursionError:
        raise ConfigError("not valid YAML: nested too deeply", path=path, line=1) from None
    finally:
        loader.dispose()


def _yaml_error(error: Any, text: str, path: str) -> ConfigError:
    """PyYAML's error in one line, with its line (an error at the end of the text: the last line)."""
    mark = error.problem_mark or error.context_mark
    last = max(1, len(text.splitlines()))
    line = min(mark.line + 1, last) if mark is not None else None
    problem = error.problem or error.context or "unreadable"
    context = error.context_mark
    if error.context and context is not None and context.line + 1 != line:
        problem += f" ({error.context} at line {context.line + 1})"
    return ConfigError(f"not valid YAML: {problem}", path=path, line=line)


def scan(place: Place) -> Scan:
    """Candidates from every clouds.yaml found."""
    total = Scan()
    seen: dict[str, str] = {}
    for path in locations(place):
        if not path.is_file():
            if path.exists() or (place.environ.get(FILE_ENV) and path == locations(place)[0]):
                problem = ConfigError(f"not a readable file (named by {FILE_ENV}?)", path=str(path))
                total = total + Scan(problems=(problem,))
            continue
        try:
            clouds = _load(read_text(path), str(path))
        except ConfigError as error:
            total = total + Scan(problems=(error,))
            continue
        shown_path = place.shown(path)
        for name, (line, cloud, tree) in clouds.items():
            where = f"{shown_path} cloud {name!r} (line {line})"
            if name in seen:
                reason = f"also in {seen[name]}, which openstacksdk reads first"
                total = total + Scan(skipped=(Skipped(SOURCE_CLOUDS_YAML, where, reason),))
                continue
            seen[name] = shown_path
            total = total + _entry(name, cloud, tree, shown_path, where)
    return total


def _fields(cloud: dict[str, Any], tree: _Tree, name: str) -> dict[str, str]:
    auth_node = cloud.get("auth")
    auth = tree.mapping(auth_node, f"cloud {name!r}: auth") if auth_node is not None else {}
    out: dict[str, str] = {}
    for key, node in [*cloud.items(), *auth.items()]:  # auth's keys win over the cloud's
        if key == "auth":
            continue
        value = tree.text(node)
        if value is not None:
            out[key] = value
        elif key in ("password", "sk", "ak", "username", "auth_url", "project_name", "region_name"):
            raise ConfigError(
                f"cloud {name!r}: {key!r} must be a plain value",
                path=tree.path,
                line=node.start_mark.line + 1,
            )
    return out


def _entry(name: str, cloud: dict[str, Any], tree: _Tree, shown_path: str, where: str) -> Scan:
    try:
        keys = _fields(cloud, tree, name)
    except ConfigError as error:
        return Scan(problems=(error,))
    auth_type = keys.get("auth_type", "")
    has_aksk = bool(keys.get("ak") and keys.get("sk"))
    has_password = bool(keys.get("username") and keys.get("password"))
    if not has_aksk and (auth_type not in _PASSWORD_TYPES or not has_password):
        reason = (
            f"auth_type {auth_type!r} is not supported (only password or ak/sk)"
            if auth_type not in _PASSWORD_TYPES
            else "neither username and password nor ak and sk"
        )
        return Scan(skipped=(Skipped(SOURCE_CLOUDS_YAML, where, reason),))
    domain = keys.get("user_domain_name") or keys.get("domain_name") or keys.get("project_domain_name", "")
    if not has_aksk and not domain:
        reason = "password sign-in needs user_domain_name (the account name)"
        return Scan(skipped=(Skipped(SOURCE_CLOUDS_YAML, where, reason),))
    return Scan(candidates=(_candidate(name, keys, domain, has_aksk, has_password, shown_path, where),))


def _cloud_and_region(keys: dict[str, str]) -> tuple[str, str, bool]:
    auth_url = keys.get("auth_url", "")
    from_url = cloud_and_region_of_url(auth_url) if auth_url else None
    region = keys.get("region_name") or keys.get("project_name", "").split("_", 1)[0]
    guessed = not region and from_url is None
    region = region or (from_url[1] if from_url else "eu-de")
    if keys.get("profile") == "otc":
        cloud = CLOUD_OTC
    elif from_url and from_url[0] == CLOUD_HUAWEI:
        cloud = CLOUD_HUAWEI
    else:
        cloud = cloud_of_region(region)
    return cloud, region, guessed


def _candidate(
    name: str,
    keys: dict[str, str],
    domain: str,
    has_aksk: bool,
    has_password: bool,
    shown_path: str,
    where: str,
) -> Candidate:
    cloud, region, guessed = _cloud_and_region(keys)
    notes = ["the secret is copied into the config file (0600)"]
    if guessed:
        notes.append(f"region guessed ({region}): run `config discover` to find every project")
    common: dict[str, Any] = {
        "name": profile_name(name),
        "cloud": cloud,
        "region": region,
        "project_id": keys.get("project_id", ""),
        "iam_endpoint": keys.get("auth_url", ""),
        "endpoint": keys.get("modelarts_endpoint_override", ""),
        "imported_from": f"clouds.yaml {shown_path} cloud {name}",
    }
    if has_aksk:
        if has_password:
            notes.append("it has a password too: AK/SK is used, the password is not imported")
        profile = Profile(auth=AUTH_AKSK, ak=keys["ak"], sk=Secret(keys["sk"]), **common)
        shown: tuple[tuple[str, str], ...] = (("ak", mask_ak(keys["ak"])), ("sk", masked(keys["sk"])))
    else:
        profile = Profile(
            auth=AUTH_PASSWORD,
            domain=domain,
            user=keys["username"],
            password=Secret(keys["password"]),
            **common,
        )
        shown = (("user", keys["username"]), ("domain", domain), ("password", masked(keys["password"])))
    shown += (("region", region), ("project", keys.get("project_name") or keys.get("project_id") or "(none)"))
    return Candidate(SOURCE_CLOUDS_YAML, where, profile, shown, tuple(notes))
