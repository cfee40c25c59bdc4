"""``tag TARGET key=value...`` and ``untag TARGET key...``: a notebook's tags (notebooks API).

The tag rules are checked before anything is sent (exit 2); the tags the notebook has afterwards
are printed (``--json``: in the record, as an object).
"""

from __future__ import annotations

import argparse
import asyncio
from dataclasses import dataclass

from tui.cli.command import Command
from tui.cli.exits import Exit
from tui.cli.options import CommonOptions
from tui.cli.output import emit_json, err, out
from tui.cli.run_act import Report
from tui.cli.run_show import TARGET_HELP
from tui.cli.scope import open_service, resolve_scope
from tui.cli.targets import check_targets, locate
from tui.core.tags import parse_keys, parse_pairs, tags_text


@dataclass(frozen=True, slots=True)
class TagOptions:
    common: CommonOptions
    action: str
    target: str
    items: tuple[str, ...]

    @classmethod
    def from_namespace(cls, ns: argparse.Namespace) -> TagOptions:
        return cls(CommonOptions.from_namespace(ns), ns.action, ns.target, tuple(ns.items))


def add_tag(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("target", metavar="TARGET", help=TARGET_HELP)
    parser.add_argument(
        "items", nargs="+", metavar="KEY=VALUE", help="tags to add (a key's value is replaced)"
    )
    parser.set_defaults(action="tag")


def add_untag(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("target", metavar="TARGET", help=TARGET_HELP)
    parser.add_argument("items", nargs="+", metavar="KEY", help="keys of the tags to remove")
    parser.set_defaults(action="untag")


async def _tags(opts: TagOptions) -> int:
    check_targets([opts.target])
    pairs = parse_pairs(opts.items) if opts.action == "tag" else ()
    keys = parse_keys(opts.items) if opts.action == "untag" else ()
    scope = resolve_scope(opts.common)
    async with open_service(opts.common, scope.profiles) as service:
        (found,) = await locate(service, scope, [opts.target])
        if opts.action == "tag":
            [outcome] = await service.tag([found.key], pairs)
        else:
            [outcome] = await service.untag([found.key], keys)
        report = Report(found, outcome)
        row = service.rows.get(found.key)
        tags = dict(row.instance.tags) if row else {}
        if opts.common.json:
            emit_json({**report.record(service), "tags": tags})
        elif report.code == Exit.REFUSED:
            err(f"refused, nothing sent: {outcome.message}")
        elif outcome.ok:
            out(f"{outcome.message}: {tags_text(tags.items()) or 'no tags'}")
        else:
            err(outcome.message)
    return report.code


def run(opts: TagOptions) -> int:
    return asyncio.run(_tags(opts))


TAG = Command(
    "tag", "add key=value tags to a notebook (notebooks API)", add_tag, TagOptions.from_namespace, run
)
UNTAG = Command("untag", "remove tags from a notebook by key", add_untag, TagOptions.from_namespace, run)
