"""``delete TARGET...`` and ``resize TARGET --flavor F | --storage GB``, through the service.

``delete`` takes the storage with it: on a terminal it lists the instances and asks for the name
typed back (the number of instances for several); off a terminal it needs ``--yes``. ``--wait``
polls until each is gone. ``resize`` of a RUNNING instance is one action of several steps (stop,
wait STOPPED, change, start, wait RUNNING), each step named on stderr as it begins; a failure
names the step and the state the instance was left in.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tui.cli.command import Command
from tui.cli.exits import Exit, UsageError
from tui.cli.options import INTERVAL_BOUNDS, TIMEOUT_BOUNDS, CommonOptions, bounded
from tui.cli.output import emit_json, err, explain, out
from tui.cli.run_act import _targets, _wait_arguments, worst
from tui.cli.run_create import _within, outcome_code
from tui.cli.run_wait import TRANSIENT, WaitResult
from tui.cli.scope import open_service, resolve_scope
from tui.cli.targets import Resolved, check_targets, locate
from tui.core.errors import ModelArtsError, NotFoundError
from tui.core.lifecycle import STORAGE_MAX_GB, STORAGE_MIN_GB
from tui.service import ActionOutcome, InstanceService
from tui.service.lifecycle import STEP_TIMEOUT_S


@dataclass(frozen=True, slots=True)
class LifecycleOptions:
    """``delete`` and ``resize``; each parser sets defaults for what it does not offer."""

    common: CommonOptions
    action: str
    targets: tuple[str, ...]
    yes: bool = False
    wait: bool = False
    timeout: float = 600.0
    interval: float = 2.0
    flavor: str | None = None
    storage: int | None = None

    @classmethod
    def from_namespace(cls, ns: argparse.Namespace) -> LifecycleOptions:
        return cls(
            CommonOptions.from_namespace(ns),
            ns.action,
            tuple(ns.targets),
            yes=ns.yes,
            wait=ns.wait,
            timeout=ns.timeout,
            interval=ns.interval,
            flavor=ns.flavor,
            storage=ns.storage,
        )


def add_delete(parser: argparse.ArgumentParser) -> None:
    _targets(parser)
    _wait_arguments(parser)
    parser.add_argument("-y", "--yes", action="store_true", help="do not ask (needed off a terminal)")
    parser.set_defaults(action="delete", flavor=None, storage=None)


def add_resize(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("targets", nargs=1, metavar="TARGET", help="the instance (id, short id or name)")
    parser.add_argument("--flavor", help="the new flavor (one of its switchable flavors)")
    parser.add_argument(
        "--storage",
        type=_within("--storage", STORAGE_MIN_GB, STORAGE_MAX_GB),
        help=f"grow the EVS storage to this many GB (grow only, at most {STORAGE_MAX_GB})",
    )
    low, high = INTERVAL_BOUNDS
    parser.add_argument(
        "--interval",
        type=bounded("--interval", low, high),
        default=3.0,
        help="seconds between polls while a step waits",
    )
    low, high = TIMEOUT_BOUNDS
    parser.add_argument(
        "--timeout",
        type=bounded("--timeout", low, high),
        default=STEP_TIMEOUT_S,
        help="the longest a step waits for STOPPED or RUNNING (exit 3 past it)",
    )
    parser.set_defaults(action="resize", yes=False, wait=False)


def confirm_delete(labels: list[str], names: list[str], ask: Callable[[], str] | None = None) -> bool:
    """List what goes and ask for the name typed back (the number of instances for several)."""
    err(f"Delete {len(labels)} instance(s) with their storage; this cannot be undone:")
    for line in labels:
        err(f"  {line}")
    wanted = names[0] if len(names) == 1 else str(len(names))
    what = "the instance's name" if len(names) == 1 else "the number of instances"
    print(f"Type {what} ({wanted}) to delete: ", end="", file=sys.stderr, flush=True)
    return (ask or sys.stdin.readline)().strip() == wanted


def _labels(service: InstanceService, found: list[Resolved]) -> tuple[list[str], list[str]]:
    labels, names = [], []
    for item in found:
        row = service.rows.get(item.key) or item.row
        profile, _, instance_id = item.key.partition("/")
        names.append(row.instance.name if row else instance_id)
        what = f"{row.display_name} ({row.instance.status})" if row else instance_id
        labels.append(f"{what}  {instance_id}  [{profile}]")
    return labels, names


async def wait_gone(
    service: InstanceService, key: str, *, timeout: float, interval: float, label: str
) -> WaitResult:
    """Poll ``key`` until the service says it does not exist (or ``timeout`` seconds pass)."""
    clock, sleep = service.runtime.clock, asyncio.sleep
    deadline = clock() + timeout
    status = "DELETING"
    while True:
        try:
            status = (await service.details(key)).status
        except NotFoundError:
            return WaitResult(Exit.OK, f"{label}: deleted")
        except TRANSIENT as error:
            err(f"{label}: a poll failed, trying again until the deadline: {explain(error)}")
        except ModelArtsError as error:
            return WaitResult(Exit.API, f"{label}: {explain(error)}")
        if status.upper().endswith("FAILED"):
            return WaitResult(Exit.FAILED, f"{label} ended in {status}")
        left = deadline - clock()
        if left <= 0:
            return WaitResult(Exit.TIMEOUT, f"{label} is {status} after {timeout:g}s, not gone")
        await sleep(min(interval, left))


async def _send(service: InstanceService, opts: LifecycleOptions, keys: list[str]) -> list[ActionOutcome]:
    if opts.action == "delete":
        return await service.delete(keys)

    def step(key: str, text: str) -> None:
        if not opts.common.json:
            err(text)

    return await service.resize(
        keys,
        flavor=opts.flavor,
        storage_gb=opts.storage,
        interval=opts.interval,
        on_step=step,
        step_timeout=opts.timeout,
    )


async def _run(opts: LifecycleOptions) -> int:
    check_targets(opts.targets)
    if opts.action == "resize" and not opts.flavor and opts.storage is None:
        raise UsageError("resize: give --flavor, --storage or both")
    if opts.action == "delete" and not opts.yes and not sys.stdin.isatty():
        raise UsageError("delete: not on a terminal; pass --yes to delete without asking")
    scope = resolve_scope(opts.common)
    async with open_service(opts.common, scope.profiles) as service:
        found = list({f.key: f for f in await locate(service, scope, opts.targets)}.values())
        labels, names = _labels(service, found)
        if opts.action == "delete" and not opts.yes and not confirm_delete(labels, names):
            err("delete declined: nothing sent")
            if opts.common.json:
                emit_json({"action": "delete", "declined": True, "results": []})
            return Exit.DECLINED
        outcomes = await _send(service, opts, [f.key for f in found])
        results = []
        for item, name, outcome in zip(found, names, outcomes, strict=True):
            code = outcome_code(outcome)
            if not opts.common.json:
                if code == Exit.REFUSED:
                    err(f"refused, nothing sent: {outcome.message}")
                else:
                    (out if outcome.ok else err)(outcome.message)
            waited = None
            if opts.wait and outcome.ok:
                waited = await wait_gone(
                    service, item.key, timeout=opts.timeout, interval=opts.interval, label=name
                )
                code = waited.code
                if not opts.common.json:
                    (out if code == Exit.OK else err)(waited.message)
            results.append(_record(service, item, outcome, waited, code))
        if opts.common.json:
            emit_json({"action": opts.action, "declined": False, "results": results})
    return worst([Exit(r["exit"]) for r in results])


def _record(
    service: InstanceService, item: Resolved, outcome: ActionOutcome, waited: WaitResult | None, code: Exit
) -> dict[str, Any]:
    row = service.rows.get(item.key)
    profile, _, instance_id = item.key.partition("/")
    return {
        "profile": profile,
        "id": instance_id,
        "name": row.instance.name if row else None,
        "target": item.target,
        "action": outcome.action,
        "result": "sent" if outcome.ok else "refused" if code == Exit.REFUSED else "failed",
        "message": outcome.message,
        "error_code": getattr(outcome.error, "code", None),
        "status": "DELETED"
        if waited is not None and waited.code == Exit.OK
        else (row.instance.status if row else None),
        "flavor": row.instance.flavor if row else None,
        "wait": None if waited is None else {"result": waited.word, "message": waited.message},
        "exit": int(code),
    }


def run(opts: LifecycleOptions) -> int:
    return asyncio.run(_run(opts))


DELETE = Command(
    "delete",
    "delete instances and their storage (asks for the name on a terminal)",
    add_delete,
    LifecycleOptions.from_namespace,
    run,
)
RESIZE = Command(
    "resize",
    "change the flavor (a RUNNING instance is stopped and started again) or grow the storage",
    add_resize,
    LifecycleOptions.from_namespace,
    run,
)
