"""Domain values every layer may use: clouds, regions and their endpoints, id shapes, lease
limits, the gateway's lockout and signature window (section 5 of the reference). No I/O."""

from __future__ import annotations

import re

SIGNATURE_SKEW_S = 15 * 60
LOCKOUT_FAILURES = 5
LOCKOUT_S = 5 * 60

LEASE_MIN_HOURS = 1
LEASE_MAX_HOURS = 72

# --- clouds and regions --------------------------------------------------------------------------
CLOUD_HUAWEI = "huawei"
CLOUD_OTC = "otc"
CLOUDS = (CLOUD_HUAWEI, CLOUD_OTC)
CLOUD_LABELS = {CLOUD_HUAWEI: "Huawei Cloud", CLOUD_OTC: "Open Telekom Cloud"}

HUAWEI_REGIONS = (
    "cn-north-1",
    "cn-north-2",
    "cn-north-4",
    "cn-north-9",
    "cn-north-11",
    "cn-north-12",
    "cn-south-1",
    "cn-east-3",
    "cn-east-4",
    "cn-southwest-2",
    "cn-southwest-3",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-southeast-3",
    "ap-southeast-4",
    "af-south-1",
    "af-north-1",
    "la-south-2",
    "la-north-2",
    "sa-brazil-1",
    "tr-west-1",
    "me-east-1",
)
OTC_REGIONS = ("eu-de", "eu-nl")
REGIONS = {CLOUD_HUAWEI: HUAWEI_REGIONS, CLOUD_OTC: OTC_REGIONS}
MODELARTS_REGIONS = {CLOUD_HUAWEI: HUAWEI_REGIONS, CLOUD_OTC: ("eu-de",)}
"""Regions with a ModelArts endpoint (section 11.8); OTC has IAM in eu-nl but ModelArts only in eu-de."""

_REGION_RE = re.compile(r"[a-z]{2}(-[a-z]+)+-?\d*")
PROJECT_ID_RE = re.compile(r"[0-9a-f]{32}")
# DE-<uuid> (v1), a bare UUID (notebooks), leniently any 8-64 id characters the service returns.
INSTANCE_ID_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{7,63}")


def modelarts_endpoint(cloud: str, region: str) -> str:
    """The ModelArts endpoint of a cloud and region."""
    if cloud == CLOUD_OTC:
        return f"https://modelarts.{region}.otc.t-systems.com"
    if region == "ap-southeast-1":
        return "https://modelarts.ap-southeast-1.myhuaweicloud.cn"
    return f"https://modelarts.{region}.myhuaweicloud.com"


def iam_endpoint(cloud: str, region: str) -> str:
    """The IAM endpoint of a cloud and region."""
    if cloud == CLOUD_OTC:
        return f"https://iam.{region}.otc.t-systems.com"
    return f"https://iam.{region}.myhuaweicloud.com"


def plausible_region(region: str) -> bool:
    """A region id of the documented shape (``eu-de``, ``cn-north-4``, ``eu-de_sub``)."""
    return bool(_REGION_RE.fullmatch(region.split("_", 1)[0]))
