"""``create NAME --flavor F --image I`` (or ``--from EXISTING``): a new notebook, through the service.

The name and every field are checked before anything is sent; the image must fit the flavor (arch,
resource category). ``--from`` copies an instance's flavor, image, storage, auto-stop and SSH
settings; flags given as well override them. ``--wait`` polls until RUNNING (exit 3 past
``--timeout``, exit 4 on CREATE_FAILED).
"""

from __future__ import annotations

import argparse
import asyncio
from dataclasses import dataclass, replace
from typing import Any

from tui.cli.command import Command
from tui.cli.exits import Exit, UsageError
from tui.cli.options import CommonOptions
from tui.cli.output import emit_json, err, out
from tui.cli.run_act import _wait_arguments
from tui.cli.run_show import TARGET_HELP
from tui.cli.run_wait import WaitResult, wait_one
from tui.cli.scope import Scope, open_service, resolve_scope
from tui.cli.targets import check_targets, locate
from tui.core.errors import AuthPausedError, ValidationError, WaitTimeoutError
from tui.core.lifecycle import (
    AUTO_STOP_MAX_H,
    AUTO_STOP_MIN_H,
    LEASE_KINDS,
    STORAGE_MAX_GB,
    STORAGE_MIN_GB,
    CreateSpec,
    Image,
    check_name,
)
from tui.service import ActionOutcome, InstanceService
from tui.service.clone import spec_from


@dataclass(frozen=True, slots=True)
class CreateOptions:
    common: CommonOptions
    name: str
    flavor: str | None
    image: str | None
    source: str | None
    storage: int | None
    hours: int | None
    kind: str | None
    description: str | None
    key_pairs: tuple[str, ...]
    allow_ips: tuple[str, ...]
    wait: bool
    timeout: float
    interval: float

    @classmethod
    def from_namespace(cls, ns: argparse.Namespace) -> CreateOptions:
        return cls(
            CommonOptions.from_namespace(ns),
            ns.name,
            ns.flavor,
            ns.image,
            ns.source,
            ns.storage,
            ns.auto_stop_hours,
            ns.auto_stop_type,
            ns.description,
            tuple(ns.key_pair or ()),
            tuple(ns.allow_ip or ()),
            ns.wait,
            ns.timeout,
            ns.interval,
        )


def _within(name: str, low: int, high: int) -> Any:
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"{text!r} is not between {low} and {high}")
        return value

    parse.__name__ = name
    return parse


def add_create(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("name", metavar="NAME", help="the new notebook's name (letters, digits, - and _)")
    parser.add_argument("--flavor", help="flavor id (see the TUI's create form, n)")
    parser.add_argument("--image", help="image id, or NAME:TAG")
    parser.add_argument(
        "--from", dest="source", metavar="EXISTING", help=f"copy the settings of {TARGET_HELP}"
    )
    parser.add_argument(
        "--storage",
        type=_within("--storage", STORAGE_MIN_GB, STORAGE_MAX_GB),
        help=f"EVS storage in GB ({STORAGE_MIN_GB}-{STORAGE_MAX_GB}, default {STORAGE_MIN_GB})",
    )
    parser.add_argument(
        "--auto-stop-hours",
        type=_within("--auto-stop-hours", AUTO_STOP_MIN_H, AUTO_STOP_MAX_H),
        help=f"stop after this many hours ({AUTO_STOP_MIN_H}-{AUTO_STOP_MAX_H}, default 1)",
    )
    parser.add_argument("--auto-stop-type", choices=LEASE_KINDS, help="TIMING (default) or IDLE")
    parser.add_argument("--description", help="at most 512 characters, none of & < > \" ' /")
    parser.add_argument("--key-pair", action="append", metavar="NAME", help="SSH key pair name (repeatable)")
    parser.add_argument(
        "--allow-ip", action="append", metavar="IP", help="address allowed to SSH in (up to 5)"
    )
    _wait_arguments(parser)


def _profile(scope: Scope) -> str:
    if len(scope.profiles) == 1:
        return scope.profiles[0].name
    if scope.preferred:
        return scope.preferred
    raise UsageError(f"create: several profiles ({', '.join(scope.names)}); choose one with --profile")


def _image_id(given: str, images: list[Image]) -> str:
    for image in images:
        if given in (image.id, image.label):
            return image.id
    named = [i for i in images if i.name == given]
    if len(named) == 1:
        return named[0].id
    raise UsageError(f"create: no image {given!r} (give an id or NAME:TAG of an ACTIVE image)")


async def _spec(service: InstanceService, scope: Scope, opts: CreateOptions) -> tuple[str, CreateSpec]:
    """The profile to create in and the spec: from ``--from`` or from flags, flags winning."""
    if opts.source:
        check_targets([opts.source])
        [found] = await locate(service, scope, [opts.source])
        profile = found.key.partition("/")[0]
        base = spec_from(await service.details(found.key), opts.name)
    else:
        profile = _profile(scope)
        if not opts.flavor or not opts.image:
            raise UsageError("create: give --flavor and --image, or --from EXISTING")
        base = CreateSpec(opts.name, opts.flavor, "")
    changes: dict[str, Any] = {
        k: v
        for k, v in (
            ("flavor", opts.flavor),
            ("storage_gb", opts.storage),
            ("auto_stop_hours", opts.hours),
            ("auto_stop_kind", opts.kind),
            ("description", opts.description),
            ("key_pair_names", opts.key_pairs or None),
            ("allowed_ips", opts.allow_ips or None),
        )
        if v is not None
    }
    images = await service.images(profile)
    if opts.image:
        changes["image_id"] = _image_id(opts.image, images)
    spec = replace(base, **changes).check()
    flavors = {f.id: f for f in await service.flavors(profile)}
    flavor = flavors.get(spec.flavor)
    if flavor is None:
        raise UsageError(f"create: no flavor {spec.flavor!r} in profile {profile!r}")
    if flavor.free:  # the free CodeLab flavors take the DEFAULT feature (6870 otherwise)
        spec = replace(spec, extra={**spec.extra, "feature": "DEFAULT"})
    image = next((i for i in images if i.id == spec.image_id), None)
    if image is not None and not image.fits(flavor):
        raise UsageError(
            f"create: the image {image.label} ({image.arch}, {'/'.join(image.categories)}) does not fit "
            f"{flavor.id} ({flavor.arch}, {flavor.category})"
        )
    return profile, spec


def outcome_code(outcome: ActionOutcome) -> Exit:
    """The exit code of one outcome (as ``run_act.Report.code`` before any wait)."""
    if outcome.ok:
        return Exit.OK
    if isinstance(outcome.error, ValidationError):
        return Exit.USAGE
    if isinstance(getattr(outcome.error, "cause", None), WaitTimeoutError):  # a step waited too long
        return Exit.TIMEOUT
    if outcome.skipped and not isinstance(outcome.error, AuthPausedError):
        return Exit.REFUSED
    return Exit.API


async def _create(opts: CreateOptions) -> int:
    check_name(opts.name)
    scope = resolve_scope(opts.common)
    async with open_service(opts.common, scope.profiles) as service:
        profile, spec = await _spec(service, scope, opts)
        [outcome] = await service.create([f"{profile}/{spec.name}"], spec)
        code = outcome_code(outcome)
        row = next(
            (r for r in service.rows.values() if r.profile == profile and r.instance.name == spec.name), None
        )
        if not opts.common.json:
            if code == Exit.REFUSED:
                err(f"refused, nothing sent: {outcome.message}")
            else:
                (out if outcome.ok else err)(outcome.message)
        waited: WaitResult | None = None
        if opts.wait and outcome.ok and row is not None:
            waited = await wait_one(
                service, row.key, "start", timeout=opts.timeout, interval=opts.interval, label=spec.name
            )
            code = waited.code
            if not opts.common.json:
                (out if waited.code == Exit.OK else err)(waited.message)
        if opts.common.json:
            emit_json(_record(profile, spec, outcome, row.instance.id if row else None, waited, code))
    return code


def _record(
    profile: str,
    spec: CreateSpec,
    outcome: ActionOutcome,
    new_id: str | None,
    waited: WaitResult | None,
    code: Exit,
) -> dict[str, Any]:
    result = "sent" if outcome.ok else "refused" if code == Exit.REFUSED else "failed"
    last = waited.instance if waited is not None else None
    return {
        "action": "create",
        "profile": profile,
        "id": new_id,
        "name": spec.name,
        "flavor": spec.flavor,
        "image_id": spec.image_id,
        "result": result,
        "message": outcome.message,
        "error_code": getattr(outcome.error, "code", None),
        "status": last.status if last else ("CREATING" if outcome.ok else None),
        "wait": None if waited is None else {"result": waited.word, "message": waited.message},
        "exit": int(code),
    }


def run(opts: CreateOptions) -> int:
    return asyncio.run(_create(opts))


CREATE = Command("create", "create a notebook (notebooks API)", add_create, CreateOptions.from_namespace, run)
