"""``modelarts-tui config import`` and ``config discover``: the first-run path, headless.

    config import [--from SOURCE] [--yes]    what the SDK file, the environment, KooCLI and
                                              clouds.yaml hold (secrets masked); on a terminal each
                                              is offered, --yes adds them all; off a terminal
                                              without --yes nothing is added
    config discover --profile P [--add]      every project P's credential sees, one profile each
                                              (probed with both API families); --add saves them

Both call ``tui.service.onboarding`` (the TUI calls the same) and save with the store's
``save_config`` (atomic, 0600). A broken source file is reported with its path and line on
stderr and makes the exit code 2, after the good sources were handled.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from dataclasses import dataclass
from typing import Any

from tui.cli.command import Command
from tui.cli.exits import Exit, UsageError
from tui.cli.options import CommonOptions
from tui.cli.output import emit_json, err, out, table
from tui.cli.scope import call_printer, resolve_scope
from tui.config.model import Config, Profile
from tui.config.paths import config_path
from tui.config.sources import SOURCES, Candidate, Scan
from tui.config.store import load_config, save_config
from tui.service.onboarding import Added, Discovery, add_profiles, discover, find_candidates


@dataclass(frozen=True, slots=True)
class ImportOptions:
    common: CommonOptions
    source: str | None
    yes: bool

    @classmethod
    def from_namespace(cls, ns: argparse.Namespace) -> ImportOptions:
        return cls(CommonOptions.from_namespace(ns), ns.source, ns.yes)


@dataclass(frozen=True, slots=True)
class DiscoverOptions:
    common: CommonOptions
    add: bool

    @classmethod
    def from_namespace(cls, ns: argparse.Namespace) -> DiscoverOptions:
        return cls(CommonOptions.from_namespace(ns), ns.add)


def _import_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--from", dest="source", choices=SOURCES, help="only this source")
    parser.add_argument("-y", "--yes", action="store_true", help="add every profile found, without asking")


def _discover_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--add", action="store_true", help="add the profiles found to the config file")


def _ask(question: str) -> bool:
    try:
        return input(f"{question} [y/N] ").strip().lower() in ("y", "yes")
    except EOFError:
        return False


def _print_scan(scan: Scan) -> None:
    for c in scan.candidates:
        out(f"{c.profile.name}: {c.where}")
        for label, value in c.shown:
            out(f"    {label:<15} {value}")
        for note in c.notes:
            out(f"    note: {note}")
    for s in scan.skipped:
        out(f"skipped: {s.where}: {s.reason}")


def _save(config: Config, profiles: list[Profile], common: CommonOptions) -> Added:
    path = common.config or config_path()
    result = add_profiles(config, profiles)
    if result.added:
        save_config(result.config, path)
    return result


def _report(result: Added, path: object) -> None:
    if result.added:
        out(f"added to {path}: {', '.join(result.added)}")
    if result.existing:
        out(f"already in the config (left as they are): {', '.join(result.existing)}")
    if not result.added and not result.existing:
        out("nothing added")


def _scan_json(scan: Scan) -> dict[str, Any]:
    def candidate(c: Candidate) -> dict[str, Any]:
        return {
            "name": c.profile.name,
            "source": c.source,
            "where": c.where,
            "shown": dict(c.shown),
            "notes": list(c.notes),
        }

    return {
        "candidates": [candidate(c) for c in scan.candidates],
        "skipped": [{"source": s.source, "where": s.where, "reason": s.reason} for s in scan.skipped],
        "problems": [{"path": p.path, "line": p.line, "problem": p.detail} for p in scan.problems],
    }


def _import(opts: ImportOptions) -> int:
    path = opts.common.config or config_path()
    config = load_config(path)  # a broken config stops here, before anything is asked
    scan = find_candidates(only=opts.source)
    for problem in scan.problems:
        err(f"modelarts-tui: {problem}")
    if not opts.common.json:
        _print_scan(scan)
    if opts.yes:
        chosen = [c.profile for c in scan.candidates]
    elif scan.candidates and sys.stdin.isatty() and not opts.common.json:
        chosen = [c.profile for c in scan.candidates if _ask(f"add profile {c.profile.name!r}?")]
    else:
        chosen = []
        if scan.candidates and not opts.common.json:
            out("nothing added: not on a terminal; pass --yes to add them all")
    result = _save(config, chosen, opts.common)
    if opts.common.json:
        emit_json({**_scan_json(scan), "added": list(result.added), "existing": list(result.existing)})
    elif chosen or opts.yes:
        _report(result, path)
    if not scan.candidates and not scan.skipped and not scan.problems and not opts.common.json:
        out("no credentials found (SDK file, HUAWEICLOUD_SDK_* variables, KooCLI, clouds.yaml)")
    return Exit.USAGE if scan.problems else Exit.OK


def _print_discovery(found: Discovery) -> None:
    rows = [
        [f.profile.name, f.project.name, f.project.id, f.profile.api, f.note]
        for f in found.found
        if f.profile is not None
    ]
    table(["PROFILE", "PROJECT", "PROJECT ID", "API", "NOTE"], rows)
    for f in found.skipped():
        out(f"skipped: project {f.project.name} ({f.project.id}): {f.note}")
    if not found.found:
        out(f"IAM lists no project for profile {found.source!r}")


async def _discover(opts: DiscoverOptions) -> int:
    if not opts.common.profile:
        raise UsageError("config discover: name the profile to discover from with --profile")
    scope = resolve_scope(opts.common)
    found = await discover(scope.profiles[0], on_call=call_printer(opts.common))
    result = _save(scope.config, found.profiles(), opts.common) if opts.add else None
    if opts.common.json:
        emit_json(
            {
                "source": found.source,
                "projects": [
                    {
                        "project": f.project.name,
                        "project_id": f.project.id,
                        "region": f.project.region,
                        "profile": f.profile.name if f.profile else None,
                        "cloud": f.profile.cloud if f.profile else None,
                        "api": f.profile.api if f.profile else None,
                        "note": f.note,
                    }
                    for f in found.found
                ],
                "added": list(result.added) if result else [],
                "existing": list(result.existing) if result else [],
            }
        )
        return Exit.OK
    _print_discovery(found)
    if result is not None:
        _report(result, scope.path)
    elif found.profiles():
        out("pass --add to add them to the config file")
    return Exit.OK


IMPORT = Command(
    "import",
    "find credentials on this machine (SDK file, environment, KooCLI, clouds.yaml) and add profiles",
    _import_arguments,
    ImportOptions.from_namespace,
    _import,
)
DISCOVER = Command(
    "discover",
    "list every project a profile's credential sees, one profile each (--add saves them)",
    _discover_arguments,
    DiscoverOptions.from_namespace,
    lambda opts: asyncio.run(_discover(opts)),
)
