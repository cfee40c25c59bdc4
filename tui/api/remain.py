"""v1's ``spec.auto_stop.remain_time``: a count the server moves on every answer by itself.

A running instance with auto-stop answers a new ``remain_time`` on every poll and nothing else new
(its plan is ``stop_timestamp``). ``remain_moved`` makes what a parse of such an item gives from
the last parse: the same ``Instance`` but for ``remain_s`` and that one value in ``raw``, without
parsing and scrubbing the item again (1,000 rows: some 60-150 such items a poll, a third of the
API-side cost of a poll that changed nothing).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from tui.core.models import Instance


def _auto_stop(item: Any) -> tuple[dict[str, Any], dict[str, Any]] | None:
    """(spec, spec.auto_stop) of an item, when both are objects and remain_time is an int."""
    spec = item.get("spec") if isinstance(item, dict) else None
    auto = spec.get("auto_stop") if isinstance(spec, dict) else None
    if not isinstance(auto, dict) or type(auto.get("remain_time")) is not int:
        return None
    return spec, auto  # type: ignore[return-value]


def remain_moved(old: Any, new: Any, instance: Instance) -> tuple[dict[str, Any], Instance] | None:
    """When ``new`` is ``old`` (the item ``instance`` was parsed from) but for its remain_time:
    an item equal to ``new`` made of ``old``'s objects (to keep for the next comparison), and the
    instance a parse of ``new`` gives. None for any other difference."""
    found, seen = _auto_stop(new), _auto_stop(old)
    shown = _auto_stop(instance.raw)  # raw is the scrubbed item: its own objects where it masked
    if found is None or seen is None or shown is None or instance.auto_stop is None:
        return None
    (new_spec, new_auto), (old_spec, old_auto), (raw_spec, raw_auto) = found, seen, shown
    remain = new_auto["remain_time"]
    if raw_auto["remain_time"] != old_auto["remain_time"]:
        return None
    auto = {**old_auto, "remain_time": remain}
    if auto != new_auto:
        return None
    spec = {**old_spec, "auto_stop": auto}
    if spec != new_spec:
        return None
    item = {**old, "spec": spec}
    if item != new:
        return None
    if instance.raw is old:  # nothing was masked: the kept item is the raw JSON too (one copy)
        raw = item
    else:
        raw = {**instance.raw, "spec": {**raw_spec, "auto_stop": {**raw_auto, "remain_time": remain}}}
    extra = {**instance.extra, "spec": raw["spec"]} if "spec" in instance.extra else instance.extra
    auto_stop = replace(instance.auto_stop, remain_s=remain)
    return item, replace(instance, auto_stop=auto_stop, raw=raw, extra=extra)
