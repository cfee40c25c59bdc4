"""``save-image TARGET --name N --tag T [--namespace NS]``: the notebook saved as an image.

The name rules are checked before anything is sent (exit 2). Without ``--wait`` the command ends
once the service accepted it (the image is being built); with ``--wait`` it follows the image to
ACTIVE (exit 0) or CREATE_FAILED (exit 4, with the service's message) within ``--timeout`` (exit 3).
"""

from __future__ import annotations

import argparse
import asyncio
from dataclasses import dataclass
from typing import Any

from tui.cli.command import Command
from tui.cli.exits import Exit
from tui.cli.options import TIMEOUT_BOUNDS, CommonOptions, bounded
from tui.cli.output import emit_json, err, out
from tui.cli.run_act import Report
from tui.cli.run_show import TARGET_HELP
from tui.cli.scope import open_service, resolve_scope
from tui.cli.targets import check_targets, locate
from tui.core.images import IMAGE_NAME_RULE


@dataclass(frozen=True, slots=True)
class SaveImageOptions:
    common: CommonOptions
    target: str
    name: str
    tag: str
    namespace: str
    description: str
    wait: bool
    timeout: float

    @classmethod
    def from_namespace(cls, ns: argparse.Namespace) -> SaveImageOptions:
        return cls(
            CommonOptions.from_namespace(ns),
            ns.target,
            ns.name,
            ns.tag,
            ns.namespace or "",
            ns.description or "",
            ns.wait,
            ns.timeout,
        )


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("target", metavar="TARGET", help=TARGET_HELP)
    parser.add_argument("--name", required=True, help=f"image name: {IMAGE_NAME_RULE}")
    parser.add_argument("--tag", required=True, help="image tag (a version: v1, 2026-12-01)")
    parser.add_argument(
        "--namespace", help="SWR organisation (default: the one of the account's own image it runs)"
    )
    parser.add_argument("--description", help="a line about the image")
    parser.add_argument("--wait", action="store_true", help="follow the image to ACTIVE or CREATE_FAILED")
    low, high = TIMEOUT_BOUNDS
    parser.add_argument(
        "--timeout", type=bounded("--timeout", low, high), default=3600.0, help="--wait limit in seconds"
    )


def image_json(service: Any, key: str) -> dict[str, Any] | None:
    image = service.saved_images().get(key)
    if image is None:
        return None
    return {
        "id": image.id,
        "name": image.name,
        "tag": image.tag,
        "namespace": image.namespace,
        "status": image.status,
        "status_message": image.status_message or None,
        "swr_path": image.swr_path or None,
    }


async def _save(opts: SaveImageOptions) -> int:
    check_targets([opts.target])
    scope = resolve_scope(opts.common)
    async with open_service(opts.common, scope.profiles) as service:
        (found,) = await locate(service, scope, [opts.target])
        [outcome] = await service.save_image(
            [found.key],
            opts.name,
            opts.tag,
            opts.namespace,
            opts.description,
            follow=opts.wait,
            timeout=opts.timeout,
        )
        report = Report(found, outcome)
        if opts.common.json:
            emit_json({**report.record(service), "image": image_json(service, found.key)})
        elif report.code == Exit.REFUSED:
            err(f"refused, nothing sent: {outcome.message}")
        else:
            (out if outcome.ok else err)(outcome.message)
    return report.code


def run(opts: SaveImageOptions) -> int:
    return asyncio.run(_save(opts))


SAVE_IMAGE = Command(
    "save-image",
    "save a RUNNING notebook as an image (notebooks API)",
    add_arguments,
    SaveImageOptions.from_namespace,
    run,
)
