"""KooCLI's ``~/.hcloud/config.json``: ``{"current": name, "profiles": [{...}]}``.

A profile has ``name``, ``mode`` (``AKSK`` is the one read here), ``accessKeyId``,
``secretAccessKey``, ``securityToken``, ``region``, ``projectId``, ``domainId``. With
``authEncrypt`` (top level or in a profile) the keys are ciphertext only KooCLI can read: such
profiles are named and skipped. The keys are copied into the config file (0600), since KooCLI's
file is its own and not read at sign-in; the profile records where they came from.
"""

from __future__ import annotations

import json
from typing import Any

from tui.config.credentials import read_text
from tui.config.model import AUTH_AKSK, Profile
from tui.config.sources.common import (
    SOURCE_KOOCLI,
    Candidate,
    Place,
    Scan,
    Skipped,
    cloud_of_region,
    line_of_text,
    mask_ak,
    masked,
    profile_name,
)
from tui.core.domain import CLOUD_HUAWEI
from tui.core.errors import ConfigError
from tui.core.secret import Secret

ENCRYPTED = (
    "its keys are encrypted (authEncrypt) and only KooCLI can read them; "
    "use the SDK credentials file or HUAWEICLOUD_SDK_AK/SK for this account instead"
)


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def scan(place: Place) -> Scan:
    """Candidates from KooCLI's profiles; nothing when the file is absent."""
    path = place.home / ".hcloud" / "config.json"
    if not path.exists():
        return Scan()
    shown_path = place.shown(path)
    try:
        text = read_text(path)
        data = json.loads(text)
    except ConfigError as error:
        return Scan(problems=(error,))
    except json.JSONDecodeError as error:
        return Scan(
            problems=(ConfigError(f"not valid JSON: {error.msg}", path=str(path), line=error.lineno),)
        )
    except RecursionError:
        return Scan(problems=(ConfigError("not valid JSON: nested too deeply", path=str(path), line=1),))
    profiles = data.get("profiles") if isinstance(data, dict) else None
    if not isinstance(profiles, list):
        line = line_of_text(text, '"profiles"') or 1
        detail = 'no "profiles" list' if isinstance(data, dict) else "the top level is not a JSON object"
        return Scan(problems=(ConfigError(f"not a KooCLI config: {detail}", path=str(path), line=line),))
    encrypted_all = bool(data.get("authEncrypt"))
    start = line_of_text(text, '"profiles"') or 1
    candidates: list[Candidate] = []
    skipped: list[Skipped] = []
    for index, item in enumerate(profiles):
        name = _text(item.get("name")) if isinstance(item, dict) else ""
        line = (line_of_text(text, f'"{name}"', start) if name else None) or start
        where = f"{shown_path} profile {name or '#' + str(index + 1)!r} (line {line})"
        reason = _refusal(item, encrypted_all)
        if reason:
            skipped.append(Skipped(SOURCE_KOOCLI, where, reason))
            continue
        candidates.append(_candidate(item, name, shown_path, where))
    return Scan(candidates=tuple(candidates), skipped=tuple(skipped))


def _refusal(item: Any, encrypted_all: bool) -> str:
    if not isinstance(item, dict):
        return "not a JSON object"
    if not _text(item.get("name")):
        return "the profile has no name"
    if encrypted_all or item.get("authEncrypt"):
        return ENCRYPTED
    mode = _text(item.get("mode")) or "AKSK"
    if mode.upper() != "AKSK":
        return f"mode {mode!r} is not supported (only AKSK)"
    if not _text(item.get("accessKeyId")) or not _text(item.get("secretAccessKey")):
        return "no accessKeyId and secretAccessKey"
    return ""


def _candidate(item: dict[str, Any], name: str, shown_path: str, where: str) -> Candidate:
    region = _text(item.get("region"))
    notes = ["the keys are copied into the config file (0600): KooCLI's file is not read at sign-in"]
    if not region:
        region = "cn-north-4"
        notes.append(f"no region in the profile: {region} assumed; run `config discover`")
    cloud = cloud_of_region(region) if region else CLOUD_HUAWEI
    ak, sk, token = (_text(item.get(k)) for k in ("accessKeyId", "secretAccessKey", "securityToken"))
    profile = Profile(
        name=profile_name("koocli", name),
        cloud=cloud,
        region=region,
        project_id=_text(item.get("projectId")),
        auth=AUTH_AKSK,
        ak=ak,
        sk=Secret(sk),
        security_token=Secret(token),
        imported_from=f"koocli {shown_path} profile {name}",
    )
    shown = (
        ("ak", mask_ak(ak)),
        ("sk", masked(sk)),
        ("security_token", masked(token)),
        ("region", region),
        ("project_id", profile.project_id or "(none)"),
    )
    return Candidate(SOURCE_KOOCLI, where, profile, shown, tuple(notes))
