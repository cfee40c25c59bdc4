"""``modelarts-tui ssh-config [--write] [--proxy-jump HOST]``: a Host block per SSH-enabled instance.

Each block is ``Host modelarts-<profile>-<name>`` (or the alias of ``[[profiles.connect]]``) with
what ``ssh`` would use (``tui.service.connect``), so ``ssh modelarts-lab-cv-lab`` and VS Code's
Remote-SSH work with those names. Without ``--write`` the managed text is printed; with it, the
profiles' managed blocks in ``~/.ssh/config`` are replaced (``tui.service.ssh_config``) and each
instance's known_hosts file is started afresh after a restart. A name that could inject ssh_config
text is skipped with a warning; a profile that could not be listed keeps its old block (exit 1).
"""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path
from typing import Any

from tui.cli.command import Command
from tui.cli.exits import Exit
from tui.cli.options import SshConfigOptions
from tui.cli.output import emit_json, err, explain, out
from tui.cli.scope import open_service, resolve_scope
from tui.config.paths import state_dir
from tui.core.models import FAMILY_V1
from tui.service.connect import ConnectPlan, ConnectRefused, check_key, plan_connection, prepare
from tui.service.ssh_config import check_proxy_jump, managed_block, write_managed


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--write", action="store_true", help="keep the blocks in ~/.ssh/config (managed)")
    parser.add_argument("--proxy-jump", metavar="HOST", help="reach the instances through this jump host")


def ssh_config_path() -> Path:
    """The user's ssh client config (``~/.ssh/config``, HOME as ssh reads it)."""
    return Path.home() / ".ssh" / "config"


def _record(profile: str, instance_id: str, name: str, plan: ConnectPlan) -> dict[str, Any]:
    return {
        "profile": profile,
        "id": instance_id,
        "name": name,
        "host_alias": plan.alias,
        "hostname": plan.host,
        "port": plan.port,
        "user": plan.user,
        "identity_file": str(plan.identity),
        "known_hosts": str(plan.known_hosts),
    }


async def _plans(opts: SshConfigOptions) -> tuple[dict[str, list[ConnectPlan]], list[dict[str, Any]], bool]:
    """Every SSH-enabled instance's plan by profile (listed profiles only), JSON records, any failure."""
    scope = resolve_scope(opts.common)
    folder = state_dir()
    plans: dict[str, list[ConnectPlan]] = {}
    records: list[dict[str, Any]] = []
    async with open_service(opts.common, scope.profiles) as service:
        result = await service.refresh()
    failed = False
    for status in result.profiles:
        if not status.ok and status.error is not None:
            err(
                f"modelarts-tui: profile {status.name} could not be listed, its block is kept: {explain(status.error)}"
            )
            failed = True
    listed = {s.name for s in result.profiles if s.ok}
    for profile in scope.profiles:
        if profile.name not in listed:
            continue
        if profile.api == FAMILY_V1:
            err(f"profile {profile.name} uses the v1 DevEnviron API, which exposes no SSH")
        rows = sorted(
            (r for r in result.rows if r.profile == profile.name and not r.gone),
            key=lambda r: r.instance.name,
        )
        found: list[ConnectPlan] = []
        for row in rows:
            instance = row.instance
            if instance.ssh is None:
                continue
            try:
                plan = plan_connection(profile, instance, folder, running=False, check_key_file=False)
            except ConnectRefused as error:
                err(f"warning: skipped: {error}")
                continue
            if not plan.host:
                err(f"warning: skipped {plan.alias}: its SSH endpoint has no usable address yet")
                continue
            try:
                check_key(plan.identity, f"{plan.alias}")
            except ConnectRefused as error:
                err(f"warning: {error}")
            found.append(plan)
            records.append(_record(profile.name, instance.id, instance.name, plan))
        plans[profile.name] = found
    return plans, records, failed


def run(opts: SshConfigOptions) -> int:
    jump = check_proxy_jump(opts.proxy_jump) if opts.proxy_jump else ""
    plans, records, failed = asyncio.run(_plans(opts))
    blocks = {
        name: managed_block(name, [p.config_block(proxy_jump=jump) for p in found])
        for name, found in plans.items()
    }
    written: str | None = None
    if opts.write:
        path = ssh_config_path()
        for found in plans.values():
            for plan in found:
                prepare(plan)
        changed = write_managed(path, blocks)
        written = str(path)
        if not opts.common.json:
            count = sum(len(found) for found in plans.values())
            out(f"{'wrote' if changed else 'unchanged:'} {count} Host block(s) in {path}")
    if opts.common.json:
        emit_json({"written": written, "hosts": records})
    elif not opts.write:
        for block in blocks.values():
            print(block, end="")
    return Exit.API if failed else Exit.OK


SSH_CONFIG = Command(
    "ssh-config",
    "print (or --write into ~/.ssh/config) a Host block per SSH-enabled notebook",
    add_arguments,
    SshConfigOptions.from_namespace,
    run,
)
