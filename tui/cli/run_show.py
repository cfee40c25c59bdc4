"""``modelarts-tui show TARGET``: one instance, read fresh, as a readable view or a JSON record."""

from __future__ import annotations

import argparse
import asyncio
import time

from tui.cli.command import Command
from tui.cli.exits import Exit
from tui.cli.options import ShowOptions
from tui.cli.output import emit_json, out
from tui.cli.render import instance_json, show_lines
from tui.cli.scope import open_service, resolve_scope
from tui.cli.targets import check_targets, locate
from tui.service import Row

TARGET_HELP = "a full instance id, the short id the TUI shows, or the instance name"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("target", metavar="TARGET", help=TARGET_HELP)


async def _show(opts: ShowOptions) -> int:
    check_targets([opts.target])
    scope = resolve_scope(opts.common)
    async with open_service(opts.common, scope.profiles, scope.config) as service:
        (found,) = await locate(service, scope, [opts.target])
        instance = await service.details(found.key)
        row = service.rows.get(found.key) or found.row
    profile = found.key.partition("/")[0]
    row = row or Row(found.key, profile, instance)
    now_ms = int(time.time() * 1000)
    if opts.common.json:
        record = instance_json(row, instance, now_ms)
        record.update(description=instance.description, url=instance.url, updated_ms=instance.updated_ms)
        emit_json(record)
        return Exit.OK
    width = max(len(label) for label, _ in show_lines(row, instance, now_ms))
    for label, value in show_lines(row, instance, now_ms):
        out(f"{label:<{width}}  {value}")
    return Exit.OK


def run(opts: ShowOptions) -> int:
    return asyncio.run(_show(opts))


SHOW = Command("show", "show one instance in full", add_arguments, ShowOptions.from_namespace, run)
