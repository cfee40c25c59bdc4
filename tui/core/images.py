"""Save as image (section 11.5): the name, tag and namespace rules, and the image being built.

The rules are checked here, before anything is sent, so a bad name is a ValidationError that says
which rule it breaks (the service would answer ModelArts.0101 with less to go on).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tui.core.errors import ValidationError

IMAGE_NAME_MAX = 128
IMAGE_NAME_RE = re.compile(r"^[a-z0-9](?:[a-z0-9._-]{0,126}[a-z0-9])?$")
IMAGE_NAME_RULE = "lower-case letters, digits, '-', '_' and '.'; a letter or digit at each end; at most 128"
IMAGE_TAG_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")
IMAGE_TAG_RULE = "letters, digits, '-', '_' and '.', starting with a letter or digit; at most 128"
NAMESPACE_RE = re.compile(r"^[a-z][a-z0-9._-]{0,62}[a-z0-9]$")
NAMESPACE_RULE = "an SWR organisation: lower-case letters, digits, '-', '_', '.'; 2 to 64"
IMAGE_DONE = ("ACTIVE", "CREATE_FAILED")
"""The statuses an image being built ends in."""


def _shown(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _check(field: str, value: object, pattern: re.Pattern[str], rule: str) -> str:
    if not isinstance(value, str) or not pattern.match(value):
        raise ValidationError(field, f"{_shown(value)} is not a valid image {field}: {rule}")
    return value


def check_image_name(name: object) -> str:
    """The image name when it follows the documented rule; ValidationError('name') otherwise."""
    return _check("name", name, IMAGE_NAME_RE, IMAGE_NAME_RULE)


def check_image_tag(tag: object) -> str:
    """The image tag when it follows the rule; ValidationError('tag') otherwise."""
    return _check("tag", tag, IMAGE_TAG_RE, IMAGE_TAG_RULE)


def check_namespace(namespace: object) -> str:
    """The SWR organisation when it has the shape of one; ValidationError('namespace') otherwise."""
    return _check("namespace", namespace, NAMESPACE_RE, NAMESPACE_RULE)


@dataclass(frozen=True, slots=True)
class SavedImage:
    """An image saved from a notebook, as the images API reports it (INIT -> CREATING -> ACTIVE)."""

    id: str
    name: str
    tag: str
    namespace: str = ""
    status: str = ""
    status_message: str = ""
    swr_path: str = ""

    @property
    def label(self) -> str:
        """``namespace/name:tag`` (or ``name:tag`` without a namespace)."""
        base = f"{self.name}:{self.tag}"
        return f"{self.namespace}/{base}" if self.namespace else base

    @property
    def done(self) -> bool:
        """True once the image is ACTIVE or CREATE_FAILED."""
        return self.status in IMAGE_DONE

    @property
    def failed(self) -> bool:
        """True for CREATE_FAILED."""
        return self.status == "CREATE_FAILED"
