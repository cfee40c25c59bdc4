"""Flavors, profiles and images the emulator offers (shapes from sections 1.9, 1.10 and 6).

Static data only; the views copy these dicts into every instance they render.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

SWR_HOST = "swr.eu-de.otc.t-systems.com"
TARGET_DOMAIN = "https://authoring-modelarts-eu-de.emulator.invalid"
"""The notebook host shown in URLs: deterministic (no port) and never resolvable (RFC 2606)."""


@dataclass(frozen=True, slots=True)
class Flavor:
    """One compute flavor: its name, type (CPU/GPU/ASCEND) and the documented ``params``."""

    name: str
    type: str
    params: dict[str, Any]


FLAVORS: dict[str, Flavor] = {
    f.name: f
    for f in (
        Flavor("modelarts.vm.cpu.2u", "CPU", {"CPU": 2, "GPU": 0, "memory": "8GiB"}),
        Flavor("modelarts.vm.cpu.8u", "CPU", {"CPU": 8, "GPU": 0, "memory": "32GiB"}),
        Flavor("modelarts.vm.gpu.v100", "GPU", {"CPU": 8, "GPU": 1, "gpu_type": "v100", "memory": "64GiB"}),
        Flavor(
            "modelarts.bm.gpu.v100NV32",
            "GPU",
            {"CPU": 8, "GPU": 1, "gpu_type": "v100NV32", "memory": "64GiB"},
        ),
        Flavor(
            "modelarts.kat1.xlarge",
            "ASCEND",
            {"CPU": 24, "GPU": 0, "NPU": 1, "npu_type": "Ascend 910", "memory": "96GiB"},
        ),
    )
}


@dataclass(frozen=True, slots=True)
class Profile:
    """A v1 profile (``profile_id``) and the image the notebooks family shows for it."""

    id: str
    description: str
    flavor_types: tuple[str, ...]
    category: str
    image_name: str
    image_tag: str
    image_id: str
    nb_image_name: str


PROFILES: dict[str, Profile] = {
    p.id: p
    for p in (
        Profile(
            "Multi-Engine 1.0 (python3)-cpu",
            "multi engine, cpu, python 3.6 for notebook",
            ("CPU",),
            "Multi-Engine 1.0 (python3)",
            "mul-kernel-cpu-cp36",
            "2.0.5-B003",
            "e1a07296-22a8-4f05-8bc8-e936c8e54090",
            "notebook2.0-mul-kernel-cpu-cp36",
        ),
        Profile(
            "Multi-Engine 1.0 (python3)-gpu",
            "multi engine, gpu, python 3.6 for notebook",
            ("GPU",),
            "Multi-Engine 1.0 (python3)",
            "mul-kernel-gpu-cuda-cp36",
            "2.0.5-B003",
            "e1a07296-22a8-4f05-8bc8-e936c8e54091",
            "notebook2.0-mul-kernel-gpu-cuda10-cp36",
        ),
        Profile(
            "Multi-Engine 2.0 (python3)",
            "multi engine 2.0, python 3.7, pytorch and tensorflow",
            ("CPU", "GPU"),
            "Multi-Engine 2.0 (python3)",
            "pytorch1.8-cuda10.2-cudnn7-ubuntu18.04",
            "3.3.2-release_v1",
            "278e88d1-5b71-4766-8502-b3ba72e824d9",
            "pytorch1.8-cuda10.2-cudnn7-ubuntu18.04",
        ),
        Profile(
            "Ascend-Power-Engine 1.0(python3)",
            "ascend power engine, python 3.7, mindspore",
            ("ASCEND",),
            "Ascend-Power-Engine 1.0(python3)",
            "mindspore1.7.0-cann5.1.0-py3.7-euler2.8.3",
            "1.0.2",
            "a3c2e8f0-1d5b-4e4a-9c57-3b1f0e7d6a21",
            "mindspore1.7.0-cann5.1.0-py3.7-euler2.8.3",
        ),
    )
}


def default_profile(flavor: str) -> str:
    """The profile a new instance of ``flavor`` gets when none is named."""
    kind = FLAVORS[flavor].type if flavor in FLAVORS else "CPU"
    return {
        "CPU": "Multi-Engine 1.0 (python3)-cpu",
        "GPU": "Multi-Engine 1.0 (python3)-gpu",
        "ASCEND": "Ascend-Power-Engine 1.0(python3)",
    }[kind]


def flavor_details(name: str) -> dict[str, Any]:
    """The v1 ``flavor_details`` object of a flavor (unknown names render as a CPU flavor)."""
    flavor = FLAVORS.get(name) or Flavor(name, "CPU", {"CPU": 2, "GPU": 0, "memory": "8GiB"})
    memory = str(flavor.params.get("memory", "8GiB")).removesuffix("GiB")
    return {
        "name": flavor.name,
        "status": "onSale",
        "queuing_num": 0,
        "queue_left_time": 0,
        "storage_list": ["obs", "evs"],
        "is_permitted": True,
        "type": flavor.type,
        "params": dict(flavor.params),
        "params_extends": {
            "arch": "arm" if flavor.type == "ASCEND" else "x86",
            "cpu": {"memory_size": int(memory), "memory_unit": "GB", "num": flavor.params.get("CPU", 2)},
        },
        "promo_type": "NoDiscount",
        "instance_num": 0,
        "duration": 3600,
        "store_time": -1,
        "billing_flavor": flavor.name,
        "billing_params": 1,
    }


def profile_json(profile_id: str, flavor: str) -> dict[str, Any]:
    """The v1 ``profile`` object (provision spec with the image name and tag)."""
    profile = PROFILES.get(profile_id) or PROFILES[default_profile(flavor)]
    flavor_type = FLAVORS[flavor].type if flavor in FLAVORS else profile.flavor_types[0]
    return {
        "id": profile.id,
        "name": profile.id,
        "description": profile.description,
        "de_type": "Notebook",
        "flavor_type": flavor_type,
        "labels": {},
        "provision": {
            "type": "Docker",
            "annotations": {"category": profile.category, "type": "system"},
            "spec": {
                "engine": "CCE",
                "params": {
                    "namespace": "atelier",
                    "image_name": profile.image_name,
                    "image_tag": profile.image_tag,
                    "annotations": None,
                },
            },
        },
    }


def image_json(profile_id: str, flavor: str) -> dict[str, Any]:
    """The notebooks family's ``image`` object for a profile."""
    profile = PROFILES.get(profile_id) or PROFILES[default_profile(flavor)]
    return {
        "id": profile.image_id,
        "name": profile.nb_image_name,
        "swr_path": f"{SWR_HOST}/atelier/{profile.nb_image_name}:{profile.image_tag}",
        "tag": profile.image_tag,
        "type": "BUILD_IN",
    }
