"""The official SDK's credentials file: INI, sections ``[basic]`` (project) and ``[global]`` (domain).

Keys: ``ak``, ``sk``, ``project_id``, ``domain_id``, ``security_token``, ``iam_endpoint``. The file is
``$HUAWEICLOUD_SDK_CREDENTIALS_FILE``, else ``~/.huaweicloud/credentials``. A profile imported from
it keeps no secret: it names the file and section (``credentials_file``), read at each sign-in,
so a key rotated in the file is picked up.
"""

from __future__ import annotations

from pathlib import Path

from tui.config.credentials import SDK_SECTIONS, parse_sdk_file, read_text
from tui.config.model import AUTH_AKSK, Profile
from tui.config.paths import expand_user
from tui.config.sources.common import (
    SOURCE_SDK_FILE,
    Candidate,
    Place,
    Scan,
    Skipped,
    cloud_and_region_of_url,
    mask_ak,
    masked,
    profile_name,
)
from tui.core.domain import CLOUD_OTC
from tui.core.errors import ConfigError

FILE_ENV = "HUAWEICLOUD_SDK_CREDENTIALS_FILE"


def location(place: Place) -> tuple[Path, bool]:
    """The file to read and whether the variable named it (then a missing file is a problem)."""
    override = place.environ.get(FILE_ENV, "").strip()
    if override:
        return expand_user(override, f"${FILE_ENV}"), True
    return place.home / ".huaweicloud" / "credentials", False


def scan(place: Place) -> Scan:
    """Candidates from the SDK's credentials file; nothing when it is absent."""
    path, named = location(place)
    if not path.exists():
        if not named:
            return Scan()
        return Scan(problems=(ConfigError(f"{FILE_ENV} names a file that does not exist", path=str(path)),))
    try:
        sections = parse_sdk_file(read_text(path), str(path))
    except ConfigError as error:
        return Scan(problems=(error,))
    shown_path = place.shown(path)
    candidates: list[Candidate] = []
    skipped: list[Skipped] = []
    for section, (line, keys) in sections.items():
        where = f"{shown_path} [{section}] (line {line})"
        if section not in SDK_SECTIONS:
            skipped.append(Skipped(SOURCE_SDK_FILE, where, "the SDK reads only [basic] and [global]"))
            continue
        if not keys.get("ak") or not keys.get("sk"):
            reason = "no ak and sk (federated idp_id sign-in is not supported)"
            skipped.append(Skipped(SOURCE_SDK_FILE, where, reason))
            continue
        candidates.append(_candidate(path, shown_path, section, line, keys))
    return Scan(candidates=tuple(candidates), skipped=tuple(skipped))


def _candidate(path: Path, shown_path: str, section: str, line: int, keys: dict[str, str]) -> Candidate:
    iam = keys.get("iam_endpoint", "")
    found = cloud_and_region_of_url(iam) if iam else None
    cloud, region = found or (CLOUD_OTC, "eu-de")
    notes = ["secrets stay in the SDK's file: the profile reads it at each sign-in"]
    if found is None:
        notes.append(f"region guessed ({region}): run `config discover` to find every project")
    profile = Profile(
        name=profile_name("sdk", section),
        cloud=cloud,
        region=region,
        project_id=keys.get("project_id", ""),
        iam_endpoint=iam,
        auth=AUTH_AKSK,
        credentials_file=str(path),
        credentials_section=section,
        imported_from=f"sdk file {shown_path} [{section}]",
    )
    shown = (
        ("ak", mask_ak(keys["ak"])),
        ("sk", masked(keys["sk"])),
        ("security_token", masked(keys.get("security_token", ""))),
        ("project_id", keys.get("project_id", "") or "(none)"),
        ("domain_id", keys.get("domain_id", "") or "(none)"),
    )
    return Candidate(SOURCE_SDK_FILE, f"{shown_path} [{section}] (line {line})", profile, shown, tuple(notes))
