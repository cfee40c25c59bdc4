"""``modelarts-tui ssh TARGET [--start] [--identity FILE] [-- COMMAND...]``: the system ssh, planned.

Everything is checked before anything runs (``tui.service.connect``): a refusal is one line and
exit 2, and nothing was started. With ``--start`` a stopped instance is started and waited for
first (the checks that do not need it running come before the start); its endpoint is read
again after the start, since the port moves. Then ``ssh`` runs in the foreground with this
terminal, and its exit code is the command's (255: ssh itself failed).
"""

from __future__ import annotations

import argparse
import asyncio
import subprocess

from tui.cli.command import Command
from tui.cli.exits import Exit
from tui.cli.options import INTERVAL_BOUNDS, TIMEOUT_BOUNDS, SshOptions, bounded
from tui.cli.output import err
from tui.cli.run_show import TARGET_HELP
from tui.cli.run_wait import wait_one
from tui.cli.scope import Scope, open_service, resolve_scope
from tui.cli.targets import check_targets, locate
from tui.config.model import Profile
from tui.config.paths import state_dir
from tui.core.models import Instance, Phase
from tui.service import InstanceService
from tui.service.connect import ConnectPlan, ConnectRefused, find_ssh, plan_connection, prepare

WAIT_PHASES = frozenset({Phase.STARTING, Phase.QUEUED, Phase.CREATING})
"""Phases ``--start`` waits through without sending a start."""
SSH_FAILED = 255


class _Stop(Exception):
    """Ends the run with an exit code, its line already printed."""

    def __init__(self, code: int) -> None:
        self.code = code


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.usage = "modelarts-tui ssh TARGET [--start] [--identity FILE] [options] [-- COMMAND...]"
    parser.add_argument("target", metavar="TARGET", help=TARGET_HELP)
    parser.add_argument("--start", action="store_true", help="start a stopped instance and wait for RUNNING")
    parser.add_argument("--identity", metavar="FILE", help="private key (default: <key_dir>/<key pair>.pem)")
    low, high = TIMEOUT_BOUNDS
    parser.add_argument(
        "--timeout", type=bounded("--timeout", low, high), default=600.0, help="--start: wait limit (s)"
    )
    low, high = INTERVAL_BOUNDS
    parser.add_argument(
        "--interval", type=bounded("--interval", low, high), default=2.0, help="--start: poll interval"
    )
    parser.set_defaults(remote_command=[])  # what follows ``--`` (tui.cli.parser)


def _profile(scope: Scope, key: str) -> Profile:
    name = key.partition("/")[0]
    return next(p for p in scope.profiles if p.name == name)


async def _started(service: InstanceService, opts: SshOptions, key: str, instance: Instance) -> Instance:
    """``instance`` once RUNNING: started (if it is settled) and waited for, read fresh."""
    label = instance.name or instance.id
    if instance.phase not in WAIT_PHASES:
        (outcome,) = await service.start([key])
        if not outcome.ok:
            err(f"modelarts-tui: {outcome.message}")
            raise _Stop(Exit.API if not outcome.skipped else Exit.REFUSED)
        err(outcome.message)
    waited = await wait_one(service, key, "start", timeout=opts.timeout, interval=opts.interval, label=label)
    if waited.code != Exit.OK or waited.instance is None:
        err(f"modelarts-tui: {waited.message}")
        raise _Stop(waited.code)
    err(waited.message)
    return waited.instance


async def _plan(opts: SshOptions) -> ConnectPlan:
    check_targets([opts.target])
    scope = resolve_scope(opts.common)
    async with open_service(opts.common, scope.profiles) as service:
        (found,) = await locate(service, scope, [opts.target])
        profile = _profile(scope, found.key)
        instance = await service.details(found.key)
        folder = state_dir()
        if instance.phase is not Phase.RUNNING:
            if not opts.start:
                plan_connection(profile, instance, folder, identity=opts.identity)  # says why
            plan_connection(profile, instance, folder, identity=opts.identity, running=False)
            refusal = None if instance.phase in WAIT_PHASES else service.refusal(found.key, "start")
            if refusal:
                raise ConnectRefused(f"cannot start it: {refusal}")
            instance = await _started(service, opts, found.key, instance)
        return plan_connection(profile, instance, folder, identity=opts.identity)


def _refused(error: ConnectRefused, opts: SshOptions) -> int:
    hint = (
        "; pass --start to start it and wait"
        if str(error).endswith(", not RUNNING") and not opts.start
        else ""
    )
    err(f"modelarts-tui: {error}{hint}")
    return Exit.USAGE


def run(opts: SshOptions) -> int:
    try:
        ssh = find_ssh()
        plan = asyncio.run(_plan(opts))
    except ConnectRefused as error:
        return _refused(error, opts)
    except _Stop as stop:
        return stop.code
    try:
        prepare(plan)
    except OSError as error:
        err(f"modelarts-tui: cannot prepare {plan.known_hosts.parent}: {error.strerror or error}")
        return Exit.USAGE
    code = subprocess.call(plan.argv(ssh, opts.command))
    if code == SSH_FAILED and plan.allowed_ips:
        err(
            "modelarts-tui: ssh could not connect; the instance accepts SSH only from "
            f"{', '.join(plan.allowed_ips)}: is this machine's public IP among them?"
        )
    return code


SSH = Command(
    "ssh",
    "connect to a notebook with the system ssh (or run -- COMMAND on it)",
    add_arguments,
    SshOptions.from_namespace,
    run,
    json=False,
)
