"""``start``, ``stop`` and ``prolong`` TARGET...: through the service, as the TUI sends them.

Targets are resolved first (``tui.cli.targets``). ``stop`` asks on a terminal, listing names and
states; off a terminal it needs ``--yes``. A target the service refuses locally (its state does not
allow the action) is reported and nothing is sent for it: exit 5, apart from any API error.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from dataclasses import dataclass, replace
from typing import Any

from tui.api.constants import LEASE_MAX_HOURS, LEASE_MIN_HOURS
from tui.cli.command import Command
from tui.cli.exits import Exit, UsageError
from tui.cli.options import INTERVAL_BOUNDS, TIMEOUT_BOUNDS, ActOptions, bounded
from tui.cli.output import emit_json, err, out
from tui.cli.run_show import TARGET_HELP
from tui.cli.run_wait import WaitResult, wait_one
from tui.cli.scope import open_service, resolve_scope
from tui.cli.targets import Resolved, check_targets, locate
from tui.core.actions import action_named
from tui.core.errors import (
    AuthPausedError,
    InstanceFailedError,
    ModelArtsError,
    OutcomeUnknownError,
    ValidationError,
    WaitTimeoutError,
)
from tui.service import ActionOutcome, InstanceService
from tui.service.profiles import settled_text

SERIOUSNESS = (Exit.USAGE, Exit.API, Exit.FAILED, Exit.TIMEOUT, Exit.REFUSED, Exit.OK)
"""With several targets the exit code is the most serious one, in this order."""


def worst(codes: list[Exit]) -> Exit:
    return min(codes, key=SERIOUSNESS.index, default=Exit.OK)


def _targets(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("targets", nargs="+", metavar="TARGET", help=TARGET_HELP)


def _wait_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--wait", action="store_true", help="wait for the final state")
    low, high = TIMEOUT_BOUNDS
    parser.add_argument(
        "--timeout", type=bounded("--timeout", low, high), default=600.0, help="--wait limit in seconds"
    )
    low, high = INTERVAL_BOUNDS
    parser.add_argument(
        "--interval", type=bounded("--interval", low, high), default=2.0, help="--wait poll interval"
    )


def add_start(parser: argparse.ArgumentParser) -> None:
    _targets(parser)
    _wait_arguments(parser)
    parser.add_argument(
        "--until-available",
        action="store_true",
        help="while the flavor is sold out or short, keep trying (15 s, 30 s, then every 60 s) until "
        "it runs or --timeout passes",
    )
    parser.set_defaults(action="start", yes=False, hours=None)


def add_stop(parser: argparse.ArgumentParser) -> None:
    _targets(parser)
    _wait_arguments(parser)
    parser.add_argument("-y", "--yes", action="store_true", help="do not ask")
    parser.set_defaults(action="stop", hours=None)


def add_prolong(parser: argparse.ArgumentParser) -> None:
    _targets(parser)
    hours = bounded("--hours", LEASE_MIN_HOURS, LEASE_MAX_HOURS)
    parser.add_argument("--hours", type=hours, required=True, help=f"{LEASE_MIN_HOURS} to {LEASE_MAX_HOURS}")
    parser.set_defaults(action="prolong", wait=False, timeout=600.0, interval=2.0, yes=False)


@dataclass(frozen=True, slots=True)
class Report:
    """One target: what the service did, and how waiting ended."""

    target: Resolved
    outcome: ActionOutcome
    waited: WaitResult | None = None

    @property
    def code(self) -> Exit:
        outcome = self.outcome
        if outcome.ok:
            return self.waited.code if self.waited else Exit.OK
        if isinstance(outcome.error, ValidationError):
            return Exit.USAGE
        if isinstance(outcome.error, WaitTimeoutError | InstanceFailedError):  # waits inside the action
            return Exit.TIMEOUT if isinstance(outcome.error, WaitTimeoutError) else Exit.FAILED
        if outcome.skipped and not isinstance(outcome.error, AuthPausedError):
            return Exit.REFUSED
        return Exit.API

    def record(self, service: InstanceService) -> dict[str, Any]:
        outcome, row = self.outcome, service.rows.get(self.outcome.key)
        profile, _, instance_id = outcome.key.partition("/")
        result = "sent" if outcome.ok else "refused" if self.code == Exit.REFUSED else "failed"
        waited = self.waited
        return {
            "profile": profile,
            "id": instance_id,
            "name": row.instance.name if row else None,
            "target": self.target.target,
            "action": outcome.action,
            "result": result,
            "message": outcome.message,
            "status": row.instance.status if row else None,
            "wait": None if waited is None else {"result": waited.word, "message": waited.message},
            "exit": int(self.code),
        }


def _confirm(service: InstanceService, found: list[Resolved]) -> bool:
    lines = []
    for item in found:
        row = service.rows.get(item.key) or item.row
        profile, _, instance_id = item.key.partition("/")
        what = f"{row.display_name} ({row.instance.status})" if row else instance_id
        lines.append(f"  {what}  {instance_id}  [{profile}]")
    err(f"Stop {len(found)} instance(s):")
    for line in lines:
        err(line)
    print("Stop them? [y/N] ", end="", file=sys.stderr, flush=True)
    answer = sys.stdin.readline()
    return answer.strip().lower() in ("y", "yes")


async def _send(service: InstanceService, opts: ActOptions, keys: list[str]) -> list[ActionOutcome]:
    if opts.action == "prolong":
        assert opts.hours is not None
        return await service.prolong(keys, opts.hours)
    if opts.action == "start" and opts.until_available:
        return await service.start_available(keys, opts.timeout, on_attempt=lambda a: err(a.text))
    if opts.action == "start":
        return await service.start(keys)
    return await service.stop(keys)


async def _settled(service: InstanceService, outcome: ActionOutcome, quiet: bool) -> ActionOutcome:
    """An outcome left unknown (its answer lost, the client's fresh read failed too) is said, then
    read once more: the truth (it happened or not) replaces it; still unknown if that read fails."""
    if not isinstance(outcome.error, OutcomeUnknownError):
        return outcome
    if not quiet:
        err(outcome.message)
    row = service.rows.get(outcome.key)
    try:
        instance = await service.details(outcome.key)
    except ModelArtsError:
        return outcome
    if row is None:
        return outcome
    action = action_named(outcome.action)
    happened = instance.phase in action.on_its_way or instance.phase is action.target
    text = settled_text(row, instance)
    return ActionOutcome(outcome.key, outcome.action, happened, text, None if happened else outcome.error)


async def _act(opts: ActOptions) -> int:
    check_targets(opts.targets)
    if opts.action == "stop" and not opts.yes and not sys.stdin.isatty():
        raise UsageError("stop: not on a terminal; pass --yes to stop without asking")
    scope = resolve_scope(opts.common)
    async with open_service(opts.common, scope.profiles, scope.config) as service:
        found = await locate(service, scope, opts.targets)
        if opts.action == "stop" and not opts.yes and not _confirm(service, found):
            err("stop declined: nothing sent")
            if opts.common.json:
                emit_json({"action": "stop", "declined": True, "results": []})
            return Exit.DECLINED
        unique = list({f.key: f for f in found}.values())
        outcomes = await _send(service, opts, [f.key for f in unique])
        said = [o for o in outcomes if isinstance(o.error, OutcomeUnknownError)]  # _settled prints them
        outcomes = [await _settled(service, o, opts.common.json) for o in outcomes]
        reports = [Report(f, o) for f, o in zip(unique, outcomes, strict=True)]
        for report in reports:
            if not opts.common.json and report.outcome not in said:
                message = report.outcome.message
                if report.code == Exit.REFUSED:
                    err(f"refused, nothing sent: {message}")
                else:
                    (out if report.outcome.ok else err)(message)
        if opts.wait and not opts.until_available:  # a start when available waits for RUNNING itself
            reports = await _wait_all(service, opts, reports)
        if opts.common.json:
            emit_json(
                {"action": opts.action, "declined": False, "results": [r.record(service) for r in reports]}
            )
    return worst([r.code for r in reports])


async def _wait_all(service: InstanceService, opts: ActOptions, reports: list[Report]) -> list[Report]:
    async def one(report: Report) -> Report:
        if not report.outcome.ok:
            return report
        row = service.rows.get(report.outcome.key)
        label = row.display_name if row else report.target.target
        waited = await wait_one(
            service,
            report.outcome.key,
            opts.action,
            timeout=opts.timeout,
            interval=opts.interval,
            label=label,
        )
        if not opts.common.json:
            (out if waited.code == Exit.OK else err)(waited.message)
        return replace(report, waited=waited)

    return list(await asyncio.gather(*(one(r) for r in reports)))


def run(opts: ActOptions) -> int:
    return asyncio.run(_act(opts))


START = Command("start", "start instances", add_start, ActOptions.from_namespace, run)
STOP = Command("stop", "stop instances (asks first on a terminal)", add_stop, ActOptions.from_namespace, run)
PROLONG = Command(
    "prolong", "renew the auto-stop lease (notebooks API)", add_prolong, ActOptions.from_namespace, run
)
