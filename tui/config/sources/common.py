"""What the four import sources share: the candidate, skip and scan records, masking, names."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from tui.config.model import Profile
from tui.core.domain import CLOUD_HUAWEI, CLOUD_OTC, OTC_REGIONS, plausible_region
from tui.core.endpoint import host_of
from tui.core.errors import ConfigError

SOURCE_SDK_FILE = "sdk-file"
SOURCE_ENV = "env"
SOURCE_KOOCLI = "koocli"
SOURCE_CLOUDS_YAML = "clouds-yaml"
SOURCES = (SOURCE_SDK_FILE, SOURCE_ENV, SOURCE_KOOCLI, SOURCE_CLOUDS_YAML)

MASK = "********"


@dataclass(frozen=True, slots=True)
class Place:
    """Where to look: the environment, the home folder and the working folder (tests pass a temp HOME)."""

    environ: Mapping[str, str] = field(default_factory=lambda: dict(os.environ))
    home: Path = field(default_factory=Path.home)
    cwd: Path = field(default_factory=Path.cwd)
    etc: Path = Path("/etc")

    def shown(self, path: Path) -> str:
        """``path`` with the home folder written as ``~`` (for display and for the config file)."""
        try:
            return "~/" + str(path.relative_to(self.home))
        except ValueError:
            return str(path)


@dataclass(frozen=True, slots=True)
class Candidate:
    """A profile that could be imported, and what to show about it (secrets masked)."""

    source: str
    """One of ``SOURCES``."""
    where: str
    """The file and entry it comes from (``~/.huaweicloud/credentials [basic]``) or ``environment``."""
    profile: Profile
    """The profile ``config import`` would add."""
    shown: tuple[tuple[str, str], ...]
    """(label, value) pairs to display; every secret is ``********``."""
    notes: tuple[str, ...] = ()
    """What the user should know (a secret copied, a region guessed)."""


@dataclass(frozen=True, slots=True)
class Skipped:
    """An entry found but not offered, and why."""

    source: str
    where: str
    reason: str


@dataclass(frozen=True, slots=True)
class Scan:
    """What one or more sources found."""

    candidates: tuple[Candidate, ...] = ()
    skipped: tuple[Skipped, ...] = ()
    problems: tuple[ConfigError, ...] = ()
    """Broken files, each with its path and (where known) line."""

    def __add__(self, other: Scan) -> Scan:
        return Scan(
            self.candidates + other.candidates,
            self.skipped + other.skipped,
            self.problems + other.problems,
        )


def mask_ak(ak: str) -> str:
    """An access key id shortened for display (it is an identifier, but still not shown whole)."""
    return ak[:4] + "…" if len(ak) > 8 else "…"


def masked(value: str) -> str:
    """A secret for display: ``********`` when set, ``(none)`` when empty."""
    return MASK if value else "(none)"


_BAD_NAME_CHARS = re.compile(r"[^A-Za-z0-9_.-]+")


def profile_name(*parts: str) -> str:
    """A valid profile name from ``parts`` joined with ``-`` (other characters become ``-``)."""
    joined = "-".join(p for p in parts if p)
    return _BAD_NAME_CHARS.sub("-", joined).strip("-") or "imported"


def cloud_of_region(region: str) -> str:
    """The cloud a region id belongs to: OTC for eu-de/eu-nl (and their sub-projects), else Huawei Cloud."""
    return CLOUD_OTC if region.split("_", 1)[0] in OTC_REGIONS else CLOUD_HUAWEI


def cloud_and_region_of_url(url: str) -> tuple[str, str] | None:
    """(cloud, region) from an endpoint host such as ``iam.eu-de.otc.t-systems.com``; None when it says neither."""
    host = host_of(url)
    labels = host.split(".")
    cloud = CLOUD_HUAWEI if "myhuaweicloud" in host else CLOUD_OTC if "otc.t-systems.com" in host else ""
    region = labels[1] if len(labels) > 2 and plausible_region(labels[1]) else ""
    if not cloud and not region:
        return None
    if not region:
        region = "eu-de" if cloud == CLOUD_OTC else "cn-north-4"
    return (cloud or cloud_of_region(region)), region


def line_of_text(text: str, needle: str, start_line: int = 1) -> int | None:
    """The 1-based line where ``needle`` first appears at or after ``start_line``; None when absent."""
    for number, line in enumerate(text.splitlines(), 1):
        if number >= start_line and needle in line:
            return number
    return None
