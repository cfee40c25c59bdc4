"""``modelarts-tui list``: every profile listed at once through the service; what arrived is printed.

A profile that fails is reported on stderr (exit 1, or 2 for a bad project id or region) while
the others print.
"""

from __future__ import annotations

import argparse
import asyncio
import time

from tui.cli.command import Command
from tui.cli.exits import Exit
from tui.cli.options import ListOptions
from tui.cli.output import emit_json, err, explain, table
from tui.cli.render import LIST_HEADER, instance_json, list_cells
from tui.cli.scope import open_service, resolve_scope
from tui.core.errors import ValidationError
from tui.core.tags import has_tag, parse_term
from tui.service import Row

SORT_KEYS = ("name", "creation_timestamp")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--status", help="only instances in this status (RUNNING, STOPPED, …)")
    parser.add_argument("--sort", choices=SORT_KEYS, help="sort key (default: the TUI's order)")
    parser.add_argument("--order", choices=("asc", "desc"), help="sort order (default asc)")
    parser.add_argument(
        "--tag",
        action="append",
        default=[],
        metavar="KEY[=VALUE]",
        help="only notebooks with this tag (repeatable)",
    )


def _select(rows: list[Row], opts: ListOptions) -> list[Row]:
    for key, value in map(parse_term, opts.tags):
        rows = [r for r in rows if has_tag(r.instance.tags, key, value)]
    if opts.status:
        wanted = opts.status.upper()
        rows = [r for r in rows if r.instance.status.upper() == wanted]
    if opts.sort == "name":
        rows.sort(key=lambda r: (r.display_name.lower(), r.instance.id))
    elif opts.sort == "creation_timestamp":
        rows.sort(key=lambda r: (r.instance.created_ms or 0, r.instance.id))
    if opts.order == "desc":
        rows.reverse()
    return rows


async def _list(opts: ListOptions) -> int:
    scope = resolve_scope(opts.common)
    async with open_service(opts.common, scope.profiles, scope.config) as service:
        result = await service.refresh()
    now_ms = int(time.time() * 1000)
    code = Exit.OK
    for status in result.profiles:
        for note in status.notes:
            err(f"warning: {note}")
        if not status.ok and status.error is not None:
            err(f"{status.name}: {explain(status.error)}")
            usage = isinstance(status.error, ValidationError)
            code = Exit.USAGE if usage or code == Exit.USAGE else Exit.API
    rows = _select([r for r in result.rows if not r.gone], opts)
    if opts.common.json:
        emit_json([instance_json(r, r.instance, now_ms) for r in rows])
        return code
    several = len(scope.profiles) > 1
    header = ("PROFILE", *LIST_HEADER) if several else LIST_HEADER
    owners = any(p.scope == "all" for p in scope.profiles)  # every user's notebooks: say whose
    header = (*header, "OWNER") if owners else header
    table(
        header,
        [
            ([r.profile] if several else []) + list_cells(r, now_ms) + ([r.instance.owner] if owners else [])
            for r in rows
        ],
    )
    return code


def run(opts: ListOptions) -> int:
    return asyncio.run(_list(opts))


LIST = Command("list", "list instances", add_arguments, ListOptions.from_namespace, run)
