"""Sample instances: realistic names, flavors, profiles and a mix of states from a seeded RNG.

The same seed and the same clock start give identical data (ids included), so screenshots and
snapshots are deterministic. Ages and auto-stop times are measured back from the clock's start.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass

from tui.core.models import FAMILY_NOTEBOOKS, FAMILY_V1
from tui.emulator.catalog import FLAVORS
from tui.emulator.catalog_nb import BUILTIN_IMAGES, profile_image_id
from tui.emulator.state import InstanceRecord, InstanceStore

_NAMES = (
    ("bert-finetune-{n}", "Fine-tuning BERT on support tickets"),
    ("cv-lab-gpu", "Computer vision lab"),
    ("llm-eval-{nn}", "Evaluating LLM checkpoints"),
    ("data-prep", ""),
    ("resnet50-train", "ResNet-50 on the product image set"),
    ("yolo-detect-{n}", "Object detection experiments"),
    ("ts-forecast", "Time-series forecasting"),
    ("nlp-playground", ""),
    ("gan-sandbox", "GAN experiments"),
    ("asr-whisper-{n}", "Speech recognition"),
    ("rec-sys-exp{n}", "Recommender experiments"),
    ("mindspore-demo", "MindSpore on Ascend"),
    ("pandas-eda", "Exploratory data analysis"),
    ("vit-pretrain-{n}", ""),
    ("ocr-pipeline", "OCR for scanned invoices"),
    ("rl-agent-{nn}", "Reinforcement learning"),
    ("sentiment-cls", ""),
    ("quant-backtest", "Backtesting strategies"),
    ("graph-nn-{n}", "Graph neural networks"),
    ("diffusion-art", ""),
)

_FLAVORS = tuple(FLAVORS)
_PROFILE_FOR = {
    "CPU": ("Multi-Engine 1.0 (python3)-cpu", "Multi-Engine 2.0 (python3)"),
    "GPU": ("Multi-Engine 1.0 (python3)-gpu", "Multi-Engine 2.0 (python3)"),
    "ASCEND": ("Ascend-Power-Engine 1.0(python3)",),
}


@dataclass(frozen=True, slots=True)
class _Plan:
    status: str
    flavor: str
    auto_stop_s: int | None = None
    remain_s: int | None = None


_CPU2, _CPU8, _V100, _V100NV32, _KAT1 = _FLAVORS
# The first twelve (names _NAMES[0..11]) cover every case a user should see; later ones are random.
_SCRIPT = (
    _Plan("RUNNING", _V100, 3600, 540),  # auto-stop in 9 minutes: the "expiring soon" case
    _Plan("STOPPED", _V100NV32, 3600),
    _Plan("RUNNING", _V100NV32, 14400, 9000),
    _Plan("STARTING", _CPU2),
    _Plan("RUNNING", _V100),
    _Plan("STOPPED", _V100),
    _Plan("STOPPING", _CPU8),
    _Plan("RUNNING", _CPU2, 7200, 5100),
    _Plan("START_FAILED", _V100),
    _Plan("STOPPED", _V100NV32, 7200),
    _Plan("CREATING", _CPU8, 3600),
    _Plan("RUNNING", _KAT1, 86400, 70000),
)
_WEIGHTS = (
    ("RUNNING", 42),
    ("STOPPED", 42),
    ("STARTING", 3),
    ("STOPPING", 3),
    ("START_FAILED", 4),
    ("CREATING", 3),
    ("CREATE_FAILED", 3),
)


def _plan(index: int, rng: random.Random) -> _Plan:
    if index < len(_SCRIPT):
        return _SCRIPT[index]
    status = rng.choices([s for s, _ in _WEIGHTS], weights=[w for _, w in _WEIGHTS])[0]
    flavor = rng.choice(_FLAVORS)
    if rng.random() < 0.5:
        duration = rng.choice((3600, 7200, 14400, 28800, 86400))
        return _Plan(status, flavor, duration, rng.randint(60, duration - 60))
    return _Plan(status, flavor)


def _name(index: int, rng: random.Random, taken: dict[str, int]) -> tuple[str, str]:
    """A unique name; ``taken`` maps each name to the next suffix worth trying for it as a base
    (every ``base-j`` below it is taken), so thousands of names cost no quadratic probing."""
    template, description = _NAMES[index % len(_NAMES)] if index < len(_NAMES) else rng.choice(_NAMES)
    name = template.format(n=rng.randint(1, 9), nn=f"{rng.randint(1, 99):02d}")
    base, k = name, taken.get(name, 2)
    while name in taken:
        name = f"{base}-{k}"
        k += 1
    if base in taken:
        taken[base] = k
    taken[name] = 2
    return name, description


def seed_store(store: InstanceStore, count: int, start: float) -> None:
    """Fill ``store`` with ``count`` instances drawn from the store's seeded RNG."""
    rng = store.rng
    transition = store.transition_seconds
    taken: dict[str, int] = {}
    for index in range(count):
        name, description = _name(index, rng, taken)
        plan = _plan(index, rng)
        flavor = plan.flavor
        profile = rng.choice(_PROFILE_FOR[FLAVORS[flavor].type])
        uid = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        created = start - rng.uniform(2 * 3600, 120 * 86400)
        family = FAMILY_NOTEBOOKS if index % 3 == 2 else FAMILY_V1
        obs = family == FAMILY_V1 and rng.random() < 0.3
        rec = InstanceRecord(
            uid=uid,
            name=name,
            flavor=flavor,
            profile_id=profile,
            family=family,
            created=created,
            updated=created,
            status=plan.status,
            since=created,
            description=description,
            auto_stop_enable=plan.auto_stop_s is not None,
            auto_stop_duration_s=plan.auto_stop_s or 3600,
            storage_type="obs" if obs else "evs",
            storage_path=f"/modelarts-demo-bucket/notebooks/{name}/" if obs else "/home/ma-user/work",
            volume_size=0 if obs else rng.choice((5, 10, 20, 50, 100)),
            token=rng.getrandbits(128).to_bytes(16, "big").hex(),
        )
        if plan.status in ("STARTING", "STOPPING", "CREATING"):
            since = start - rng.uniform(0, transition * 0.6)
        elif plan.status == "RUNNING" and plan.auto_stop_s is not None and plan.remain_s is not None:
            since = start - (plan.auto_stop_s - plan.remain_s)
        else:
            since = start - rng.uniform(600, max(600.0, min(30 * 86400, start - created)))
        rec.created = since if plan.status == "CREATING" else min(rec.created, since - 60)
        rec.since = rec.updated = since
        _ssh(rec, index)
        store.insert(rec)
        store.enter_status(rec, plan.status, since)


_SSH_IMAGES = frozenset(image.id for image in BUILTIN_IMAGES if "SSH" in image.dev_services)
DEMO_KEY_PAIR = "KeyPair-demo"


def _ssh(rec: InstanceRecord, index: int) -> None:
    """SSH for instances whose image has it, except every fourth (NOTEBOOK only); no RNG draw."""
    rec.ssh = profile_image_id(rec.profile_id) in _SSH_IMAGES and index % 4 != 3
    if rec.ssh:
        rec.key_pair_names = (DEMO_KEY_PAIR,)
        rec.allowed_ips = ("192.0.2.0/24",) if index % 5 == 0 else ()


_OTHERS = (
    ("alice", "llm-finetune", "modelarts.vm.gpu.v100", "RUNNING"),
    ("bob", "etl-notebook", "modelarts.vm.cpu.8u", "STOPPED"),
    ("alice", "vision-demo", "modelarts.vm.gpu.t4", "STOPPED"),
    ("carol", "ascend-bench", "modelarts.kat1.xlarge", "RUNNING"),
)


def seed_others(store: InstanceStore, count: int, start: float) -> None:
    """``count`` notebooks owned by other IAM users (only ``/notebooks/all`` shows them)."""
    for index in range(count):
        owner, name, flavor, status = _OTHERS[index % len(_OTHERS)]
        suffix = f"-{index // len(_OTHERS) + 1}" if index >= len(_OTHERS) else ""
        uid = str(uuid.uuid5(uuid.NAMESPACE_OID, f"{owner}/{name}{suffix}"))
        created = start - 86400 * (3 + index)
        profile = (
            "Ascend-Power-Engine 1.0(python3)"
            if flavor == "modelarts.kat1.xlarge"
            else "Multi-Engine 2.0 (python3)"
        )
        rec = InstanceRecord(
            uid=uid,
            name=f"{name}{suffix}",
            flavor=flavor,
            profile_id=profile,
            family=FAMILY_NOTEBOOKS,
            created=created,
            updated=created,
            status=status,
            since=created,
            owner=owner,
            volume_size=20,
            token=uuid.uuid5(uuid.NAMESPACE_OID, uid).hex,
        )
        store.insert(rec)
        store.enter_status(rec, status, start - 3600)
