"""What the notebooks family offers: flavors (``GET /notebooks/flavors``) and built-in images.

Shapes from section 11.3: a flavor is ``{id, name, arch, category, vcpus, memory (KB), gpu,
ascend, sold_out, free, storages, billing}``; an image is ``{id, name, tag, arch, dev_services,
resource_categories, swr_path, status, visibility, type, description}``. The v1 flavors of
``catalog.FLAVORS`` are all here (same names), with a few the v1 family never showed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tui.emulator.catalog import PROFILES, SWR_HOST

GB_KB = 1024 * 1024
X86, ARM = "x86_64", "aarch64"


@dataclass(frozen=True, slots=True)
class NbFlavor:
    """One notebooks flavor; ``accel`` is (count, memory, type) of its GPU or NPU."""

    id: str
    arch: str
    category: str
    vcpus: int
    memory_gb: int
    accel: tuple[int, str, str] | None = None
    sold_out: bool = False
    free: bool = False
    description: str = ""

    def json(self, sold_out: bool | None = None) -> dict[str, Any]:
        """The documented flavor object; ``sold_out`` overrides the static value (capacity knobs)."""
        body: dict[str, Any] = {
            "id": self.id,
            "name": self.id,
            "arch": self.arch,
            "category": self.category,
            "description": self.description,
            "feature": "DEFAULT" if self.free else "NOTEBOOK",
            "free": self.free,
            "vcpus": self.vcpus,
            "memory": self.memory_gb * GB_KB,
            "sold_out": self.sold_out if sold_out is None else sold_out,
            "storages": ["EVS", "EFS"] if not self.free else ["EVS"],
            "billing": {"code": f"{self.id}.{self.arch}", "unit_num": 1},
        }
        if self.accel is not None:
            count, memory, kind = self.accel
            if self.category == "ASCEND":
                body["ascend"] = {"npu": count, "npu_memory": memory, "type": kind, "chip": count}
            else:
                body["gpu"] = {"gpu": count, "gpu_memory": memory, "type": kind}
        return body


NB_FLAVORS: dict[str, NbFlavor] = {
    f.id: f
    for f in (
        NbFlavor("modelarts.vm.cpu.free", X86, "CPU", 1, 4, free=True, description="Free CPU (CodeLab)"),
        NbFlavor("modelarts.vm.cpu.2u", X86, "CPU", 2, 8, description="CPU: 2 vCPUs | 8 GB"),
        NbFlavor("modelarts.vm.cpu.8u", X86, "CPU", 8, 32, description="CPU: 8 vCPUs | 32 GB"),
        NbFlavor("modelarts.vm.kunpeng.4u", ARM, "CPU", 4, 16, description="Kunpeng: 4 vCPUs | 16 GB"),
        NbFlavor("modelarts.vm.gpu.t4", X86, "GPU", 8, 32, (1, "16GB", "T4"), description="GPU: 1*T4(16GB)"),
        NbFlavor(
            "modelarts.vm.gpu.v100", X86, "GPU", 8, 64, (1, "32GB", "V100"), description="GPU: 1*V100(32GB)"
        ),
        NbFlavor(
            "modelarts.bm.gpu.v100NV32",
            X86,
            "GPU",
            8,
            64,
            (1, "32GB", "V100NV32"),
            description="GPU: 1*V100NV32(32GB)",
        ),
        NbFlavor(
            "modelarts.vm.gpu.a100",
            X86,
            "GPU",
            12,
            128,
            (1, "80GB", "A100"),
            sold_out=True,
            description="GPU: 1*A100(80GB)",
        ),
        NbFlavor(
            "modelarts.kat1.xlarge",
            ARM,
            "ASCEND",
            24,
            96,
            (1, "32GB", "Ascend 910"),
            description="Ascend: 1*Ascend 910(32GB)",
        ),
    )
}


@dataclass(frozen=True, slots=True)
class ImageDef:
    """A built-in image (or the seeded DEDICATED one)."""

    id: str
    name: str
    tag: str
    arch: str
    dev_services: tuple[str, ...]
    categories: tuple[str, ...]
    description: str = ""
    namespace: str = "atelier"
    type: str = "BUILD_IN"

    def fits(self, flavor: NbFlavor) -> bool:
        """True when a notebook of ``flavor`` can run this image (arch and resource category)."""
        return self.arch == flavor.arch and flavor.category in self.categories


def _profile_image(profile_id: str, services: tuple[str, ...], arch: str = X86) -> ImageDef:
    p = PROFILES[profile_id]
    return ImageDef(p.image_id, p.nb_image_name, p.image_tag, arch, services, p.flavor_types, p.description)


NB, SSH = "NOTEBOOK", "SSH"
BUILTIN_IMAGES: tuple[ImageDef, ...] = (
    _profile_image("Multi-Engine 1.0 (python3)-cpu", (NB,)),
    _profile_image("Multi-Engine 1.0 (python3)-gpu", (NB, SSH)),
    _profile_image("Multi-Engine 2.0 (python3)", (NB, SSH)),
    _profile_image("Ascend-Power-Engine 1.0(python3)", (NB, SSH), ARM),
    ImageDef(
        "5c3a9b0e-7d41-4f6a-9b2e-0c8d1e6f4a17",
        "tensorflow2.1-cuda10.1-cudnn7-ubuntu18.04",
        "4.0.1",
        X86,
        (NB, SSH),
        ("CPU", "GPU"),
        "TensorFlow 2.1, CUDA 10.1, Python 3.7",
    ),
    ImageDef(
        "9e1f4c2a-3b6d-4e8f-a1c5-7d2b0e9f3c64",
        "mindspore1.7.0-py3.7-ubuntu18.04",
        "1.0.3",
        ARM,
        (NB, SSH),
        ("CPU",),
        "MindSpore 1.7 on Kunpeng (aarch64 CPU)",
    ),
)
SEEDED_DEDICATED = ImageDef(
    "c7d2e4f6-1a3b-4c5d-8e9f-0a1b2c3d4e5f",
    "team-pytorch-env",
    "v3",
    X86,
    (NB, SSH),
    ("CPU", "GPU"),
    "Our PyTorch environment with the team's packages",
    namespace="demo-team",
    type="DEDICATED",
)


def image_swr_path(namespace: str, name: str, tag: str) -> str:
    """Where an image lives in SWR."""
    return f"{SWR_HOST}/{namespace}/{name}:{tag}"


def profile_image_id(profile_id: str) -> str:
    """The built-in image id a v1 profile maps to."""
    return PROFILES[profile_id].image_id if profile_id in PROFILES else BUILTIN_IMAGES[0].id
