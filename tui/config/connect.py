"""Per-instance connection settings of a profile (``[[profiles.connect]]`` in the file)::

    [[profiles]]
    name = "otc-nb"
    key_dir = "~/keys"                  # where <key_pair_name>.pem is looked up; "" = ~/.ssh

    [[profiles.connect]]
    instance = "cv-lab"                 # the instance's name or id
    identity_file = "~/keys/cv.pem"     # instead of <key_dir>/<key_pair_name>.pem
    ssh_options = ["ForwardAgent=yes", "LocalForward=8888 localhost:8888"]
    alias = "cv"                        # ssh-config writes Host modelarts-<profile>-cv

Each value ends up in an ``ssh`` argv or an ``ssh_config`` block, so ``validate`` refuses what
could smuggle in another directive: a newline or other control character, an option that is not
``Keyword=value`` / ``Keyword value``, an alias that is not a plain name.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from tui.core.errors import ValidationError

ALIAS_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
"""A local alias: a plain name, usable as an ssh_config ``Host`` pattern as it is."""
_OPTION_RE = re.compile(r"([A-Za-z][A-Za-z0-9]{1,40})(?:\s*=\s*|\s+)(\S.*)")
_FORBIDDEN_OPTIONS = frozenset({"host", "match", "include", "hostname", "port", "user"})
"""Keywords that would open another block or move the connection elsewhere: not extra options."""


def split_option(text: str) -> tuple[str, str]:
    """``("Keyword", "value")`` of ``Keyword=value`` or ``Keyword value``; ValueError why not."""
    if any(not c.isprintable() for c in text):
        raise ValueError(f"{text!r} holds a control character (a newline would start another directive)")
    found = _OPTION_RE.fullmatch(text.strip())
    if not found:
        raise ValueError(f"{text!r} is not an ssh option of the form Keyword=value")
    keyword, value = found.group(1), found.group(2).strip()
    if keyword.lower() in _FORBIDDEN_OPTIONS:
        raise ValueError(f"{keyword} cannot be an extra option (the endpoint decides it)")
    return keyword, value


@dataclass(frozen=True, slots=True)
class ConnectOverride:
    """How to connect to one instance of a profile, where it differs from the profile's defaults."""

    instance: str
    """The instance's name or id."""
    identity_file: str = ""
    """The private key to use instead of ``<key_dir>/<key_pair_name>.pem``; ``~`` is expanded."""
    ssh_options: tuple[str, ...] = ()
    """Extra ``ssh -o`` options, each ``Keyword=value``."""
    alias: str = ""
    """The local name ``ssh-config`` gives it (``modelarts-<profile>-<alias>``); empty = its name."""

    def __post_init__(self) -> None:
        if not isinstance(self.ssh_options, tuple):
            object.__setattr__(self, "ssh_options", tuple(self.ssh_options))

    def validate(self, where: str = "connect") -> list[ValidationError]:
        """Every value that cannot go into an ssh argv or config as it is, each naming its field."""
        errors: list[ValidationError] = []
        if not self.instance.strip():
            errors.append(ValidationError(f"{where}.instance", "names no instance (its name or id)"))
        if any(not c.isprintable() for c in self.identity_file):
            errors.append(ValidationError(f"{where}.identity_file", "holds a control character"))
        for index, option in enumerate(self.ssh_options):
            try:
                split_option(option)
            except ValueError as error:
                errors.append(ValidationError(f"{where}.ssh_options[{index}]", str(error)))
        if self.alias and not ALIAS_RE.fullmatch(self.alias):
            errors.append(
                ValidationError(
                    f"{where}.alias", f"{self.alias!r} may hold only letters, digits, '.', '_' and '-'"
                )
            )
        return errors

    def matches(self, instance_id: str, name: str) -> bool:
        """True when this entry is for the instance with ``instance_id`` or ``name``."""
        return self.instance in (instance_id, name)


def override_for(overrides: Iterable[ConnectOverride], instance_id: str, name: str) -> ConnectOverride | None:
    """The entry for the instance with ``instance_id`` (or ``name``), if any; an id wins over a name."""
    found = [o for o in overrides if o.matches(instance_id, name)]
    return next((o for o in found if o.instance == instance_id), found[0] if found else None)


def connect_problems(overrides: Iterable[ConnectOverride]) -> list[ValidationError]:
    """Every problem of a profile's ``connect`` entries, named ``connect[i].field``."""
    return [p for i, o in enumerate(overrides) for p in o.validate(f"connect[{i}]")]
