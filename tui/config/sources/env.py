"""The ``HUAWEICLOUD_SDK_*`` environment, as the official SDK reads it.

``HUAWEICLOUD_SDK_AK``, ``_SK``, ``_SECURITY_TOKEN``, ``_PROJECT_ID``, ``_DOMAIN_ID``,
``_IAM_ENDPOINT``. The profile names the variables (``ak_env``, ``sk_env``,
``security_token_env``) instead of copying their values.
"""

from __future__ import annotations

from tui.config.model import AUTH_AKSK, Profile
from tui.config.sources.common import (
    SOURCE_ENV,
    Candidate,
    Place,
    Scan,
    Skipped,
    cloud_and_region_of_url,
    mask_ak,
    masked,
)
from tui.core.domain import CLOUD_OTC

PREFIX = "HUAWEICLOUD_SDK_"
AK, SK, TOKEN = PREFIX + "AK", PREFIX + "SK", PREFIX + "SECURITY_TOKEN"
PROJECT_ID, DOMAIN_ID, IAM_ENDPOINT = PREFIX + "PROJECT_ID", PREFIX + "DOMAIN_ID", PREFIX + "IAM_ENDPOINT"
WHERE = "environment"


def scan(place: Place) -> Scan:
    """One candidate named ``env`` when both AK and SK are set; a skip when only one is."""
    env = place.environ
    ak, sk = env.get(AK, "").strip(), env.get(SK, "").strip()
    if not ak and not sk:
        return Scan()
    if not ak or not sk:
        missing = AK if not ak else SK
        return Scan(skipped=(Skipped(SOURCE_ENV, WHERE, f"{missing} is not set"),))
    iam = env.get(IAM_ENDPOINT, "").strip()
    found = cloud_and_region_of_url(iam) if iam else None
    cloud, region = found or (CLOUD_OTC, "eu-de")
    token = env.get(TOKEN, "").strip()
    notes = ["secrets stay in the environment: the profile names the variables"]
    if found is None:
        notes.append(f"region guessed ({region}): run `config discover` to find every project")
    profile = Profile(
        name="env",
        cloud=cloud,
        region=region,
        project_id=env.get(PROJECT_ID, "").strip(),
        iam_endpoint=iam,
        auth=AUTH_AKSK,
        ak_env=AK,
        sk_env=SK,
        security_token_env=TOKEN if token else "",
        imported_from="environment HUAWEICLOUD_SDK_*",
    )
    shown = (
        ("ak", f"${AK} = {mask_ak(ak)}"),
        ("sk", f"${SK} = {masked(sk)}"),
        ("security_token", f"${TOKEN} = {masked(token)}"),
        ("project_id", profile.project_id or "(none)"),
        ("domain_id", env.get(DOMAIN_ID, "").strip() or "(none)"),
    )
    return Scan(candidates=(Candidate(SOURCE_ENV, WHERE, profile, shown, tuple(notes)),))
