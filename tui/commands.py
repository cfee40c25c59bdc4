"""Headless commands on the shared core: list, show, start, stop, prolong, config.

No Textual import. Output goes to stdout, diagnostics and ``-v`` call records to stderr.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

from tui.api.constants import INSTANCE_ID_RE
from tui.cli import EXIT_API, EXIT_FAILED, EXIT_OK, EXIT_TIMEOUT, EXIT_USAGE
from tui.config.model import Config, Profile
from tui.config.paths import config_path
from tui.config.store import check_permissions, dump_config, env_profile, load_config
from tui.core.callfmt import format_call
from tui.core.errors import (
    ConfigError,
    InstanceFailedError,
    ModelArtsError,
    ValidationError,
    WaitTimeoutError,
)
from tui.core.models import ApiCall, Instance
from tui.service import InstanceService, describe_error, row_key
from tui.service.factory import build_client, tls_warnings


def _err(text: str) -> None:
    print(text, file=sys.stderr)


def resolve(args: argparse.Namespace) -> tuple[Path, Config, list[Profile]]:
    """The config path, the config, and the profiles this invocation acts on (ConfigError if none)."""
    path = Path(args.config) if getattr(args, "config", None) else config_path()
    config = load_config(path)
    name = getattr(args, "profile", None)
    endpoint = getattr(args, "endpoint", None)
    project_id = getattr(args, "project_id", None)
    if name:
        profiles = [config.profile(name)]
    elif endpoint and not config.profiles:
        env = env_profile(endpoint=endpoint, project_id=project_id)
        if env is None:
            raise ConfigError(
                "--endpoint needs credentials: set HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK "
                "(and HUAWEICLOUD_SDK_PROJECT_ID or --project-id), or use a profile",
            )
        profiles = [env]
    else:
        profiles = list(config.enabled_profiles())
        if config.default_profile and getattr(args, "command", None) != "list":
            profiles = [config.profile(config.default_profile)]
    if not profiles:
        env = env_profile(endpoint=endpoint, project_id=project_id)
        if env is None:
            raise ConfigError(f"no profile configured: run `modelarts-tui` to add one in settings ({path})")
        profiles = [env]
    overrides: dict[str, Any] = {}
    if endpoint:
        overrides["endpoint"] = endpoint
    if project_id:
        overrides["project_id"] = project_id
    if overrides:
        profiles = [replace(p, **overrides) for p in profiles]
    return path, config, profiles


def _single(profiles: list[Profile]) -> Profile:
    if len(profiles) != 1:
        names = ", ".join(p.name for p in profiles)
        raise ConfigError(f"several profiles ({names}); choose one with --profile or set default_profile")
    return profiles[0]


def _check_ids(ids: list[str]) -> None:
    for instance_id in ids:
        if not INSTANCE_ID_RE.match(instance_id):
            raise ValidationError("instance id", f"{instance_id!r} is not a plausible instance id")


def _sink(args: argparse.Namespace) -> Any:
    if not getattr(args, "verbose", False):
        return None

    def on_call(call: ApiCall) -> None:
        print(format_call(call), file=sys.stderr)

    return on_call


def _instance_json(instance: Instance, profile: str) -> dict[str, Any]:
    auto = instance.auto_stop
    return {
        "id": instance.id,
        "name": instance.name,
        "status": instance.status,
        "phase": instance.phase.value,
        "profile": profile,
        "flavor": instance.flavor,
        "flavor_type": instance.flavor_type,
        "image": instance.image,
        "family": instance.family,
        "created_ms": instance.created_ms,
        "auto_stop_at_ms": auto.stop_at_ms if auto and auto.enabled else None,
    }


def _remaining(instance: Instance) -> str:
    auto = instance.auto_stop
    left = auto.remaining_s(int(time.time() * 1000)) if auto else None
    if left is None:
        return "-"
    return f"{left // 3600}h{left % 3600 // 60:02d}m"


async def _list(args: argparse.Namespace, profiles: list[Profile]) -> int:
    sink = _sink(args)
    rows: list[tuple[str, Instance]] = []
    failed = False
    for profile in profiles:
        try:
            async with build_client(profile, on_call=sink) as client:
                listed = await client.list_instances(status=args.status, sort=args.sort, order=args.order)
        except ValidationError:
            raise
        except ModelArtsError as error:
            _err(f"{profile.name}: {describe_error(error)}")
            failed = True
            continue
        wanted = {ref.id for ref in profile.instances}
        rows += [(profile.name, i) for i in listed if not wanted or i.id in wanted]
    if args.json:
        print(json.dumps([_instance_json(i, p) for p, i in rows], indent=2))
    else:
        several = len(profiles) > 1
        header = (
            "PROFILE " if several else ""
        ) + f"{'NAME':<28} {'ID':<40} {'STATUS':<14} {'FLAVOR':<28} AUTO-STOP"
        print(header)
        for profile_name, i in rows:
            prefix = f"{profile_name} " if several else ""
            print(f"{prefix}{i.name:<28} {i.id:<40} {i.status:<14} {i.flavor:<28} {_remaining(i)}")
    return EXIT_API if failed else EXIT_OK


async def _show(args: argparse.Namespace, profile: Profile) -> int:
    _check_ids([args.id])
    async with build_client(profile, on_call=_sink(args)) as client:
        instance = await client.get_instance(args.id)
    if args.json:
        print(json.dumps(instance.raw, indent=2, sort_keys=True))
    else:
        for key, value in _instance_json(instance, profile.name).items():
            print(f"{key:>16}: {value}")
        print(f"{'auto-stop left':>16}: {_remaining(instance)}")
    return EXIT_OK


def _confirm(ids: list[str]) -> bool:
    if not sys.stdin.isatty():
        _err("stop: not on a terminal; pass --yes to stop without asking")
        return False
    answer = input(f"Stop {len(ids)} instance(s): {', '.join(ids)}? [y/N] ")
    return answer.strip().lower() in ("y", "yes")


async def _act(args: argparse.Namespace, profile: Profile) -> int:
    _check_ids(args.ids)
    action = args.command
    if action == "stop" and not args.yes and not _confirm(args.ids):
        return EXIT_USAGE
    service = InstanceService([profile], on_call=_sink(args))
    code = EXIT_OK
    try:
        keys = [row_key(profile.name, i) for i in args.ids]
        if action == "prolong":
            outcomes = await service.prolong(keys, args.hours)
        elif action == "start":
            outcomes = await service.start(keys)
        else:
            outcomes = await service.stop(keys)
        waiting = []
        for outcome in outcomes:
            print(outcome.message, file=sys.stdout if outcome.ok else sys.stderr)
            if outcome.ok:
                waiting.append(outcome.key)
            elif outcome.skipped and _already_there(service, outcome.key, action):
                continue
            else:
                code = max(code, EXIT_USAGE if isinstance(outcome.error, ValidationError) else EXIT_API)
        if getattr(args, "wait", False) and waiting:
            code = max(code, await _wait(service, waiting, action, args.timeout, args.interval))
    finally:
        await service.aclose()
    return code


def _already_there(service: InstanceService, key: str, action: str) -> bool:
    row = service.rows.get(key)
    if row is None:
        return False
    return row.instance.status == {"start": "RUNNING", "stop": "STOPPED"}.get(action)


async def _wait(
    service: InstanceService, keys: list[str], action: str, timeout: float, interval: float
) -> int:
    async def one(key: str) -> int:
        try:
            instance = await service.wait_for(key, action, timeout=timeout, interval=interval)
        except WaitTimeoutError as error:
            _err(str(error))
            return EXIT_TIMEOUT
        except InstanceFailedError as error:
            _err(str(error))
            return EXIT_FAILED
        except ModelArtsError as error:
            _err(describe_error(error))
            return EXIT_API
        print(f"{instance.name}: {instance.status}")
        return EXIT_OK

    return max(await asyncio.gather(*(one(k) for k in keys)))


def _config(args: argparse.Namespace) -> int:
    path = Path(args.config) if args.config else config_path()
    if args.action == "path":
        print(path)
        return EXIT_OK
    config = load_config(path)
    if args.action == "show":
        print(dump_config(config, mask_secrets=True), end="")
        return EXIT_OK
    problems = [(p.name, e) for p in config.profiles for e in p.validate()]
    for name, error in problems:
        _err(f"{path}: profile {name!r}: {error}")
    warning = check_permissions(path) if path.exists() else None
    if warning:
        _err(warning)
    if not problems:
        print(f"{path}: ok, {len(config.profiles)} profile(s)")
    return EXIT_USAGE if problems else EXIT_OK


def run_command(args: argparse.Namespace) -> int:
    """Run one headless command; every known failure becomes a message and an exit code."""
    try:
        if args.command == "config":
            return _config(args)
        _, _, profiles = resolve(args)
        for profile in profiles:
            for warning in tls_warnings(profile):
                _err(f"warning: {warning}")
        if args.command == "list":
            return asyncio.run(_list(args, profiles))
        profile = _single(profiles)
        if args.command == "show":
            return asyncio.run(_show(args, profile))
        return asyncio.run(_act(args, profile))
    except (ConfigError, ValidationError) as error:
        _err(f"modelarts-tui: {error}")
        return EXIT_USAGE
    except ModelArtsError as error:
        _err(f"modelarts-tui: {describe_error(error)}")
        return EXIT_API
