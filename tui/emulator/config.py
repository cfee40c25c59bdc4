"""The emulator's settings and its public demo credentials.

The demo values are public test data (printed by ``modelarts-tui emulator``); they open nothing
but a local emulator.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tui.emulator.clock import Clock

DEMO_AK = "DEMOAKMODELARTSEMU01"
DEMO_SK = "demoSkModelArtsEmulatorPublicDemoKey0001"
DEMO_PROJECT_ID = "0123456789abcdef0123456789abcdef"
DEMO_PROJECT_NAME = "eu-de"
DEMO_TOKEN = "MIIDemoTokenModelArtsEmulator-0000000000000000000000000000000000000000"
DEMO_DOMAIN = "demo-domain"
DEMO_USER = "demo-user"
DEMO_PASSWORD = "demo-password"


def _demo_users() -> dict[tuple[str, str], str]:
    return {(DEMO_DOMAIN, DEMO_USER): DEMO_PASSWORD}


@dataclass
class EmulatorConfig:
    """Everything an ``Emulator`` is started with.

    ``token`` is a pre-issued X-Auth-Token that never expires (None: only tokens issued by the
    emulator's IAM work). ``iam_users`` maps (domain name, user name) to the password accepted by
    ``POST /v3/auth/tokens``. ``clock`` returns epoch seconds (None: ``time.time``).
    ``latency_ms``, ``fail_rate`` and ``throttle_rps`` are the initial fault knobs
    (``Emulator.faults`` changes them while it runs).

    ``ssh`` ("HOST:PORT") points every SSH endpoint at a real server, with ``key_pair`` as its key
    pair (None: plausible addresses that lead nowhere). ``instance_quota`` is the notebooks a user
    may have (400 ModelArts.6302 past it). ``admin`` False makes ``/notebooks/all`` answer 403.
    ``sold_out`` and ``short`` map a flavor to the seconds until its capacity frees (None: never).
    ``other_users`` is how many notebooks other IAM users own (seen only through ``/notebooks/all``).
    ``projects`` names the regions served (one project each; empty: only ``project_name``).
    """

    project_id: str = DEMO_PROJECT_ID
    ak: str = DEMO_AK
    sk: str = DEMO_SK
    token: str | None = None
    iam_users: dict[tuple[str, str], str] = field(default_factory=_demo_users)
    instances: int = 12
    seed: int = 7
    transition_seconds: float = 3.0
    latency_ms: float = 0
    fail_rate: float = 0.0
    throttle_rps: float = 0.0
    clock: Clock | None = None
    token_ttl_s: float = 86400
    host: str = "127.0.0.1"
    port: int = 0
    project_name: str = DEMO_PROJECT_NAME
    ssh: str | None = None
    key_pair: str | None = None
    instance_quota: int = 50
    admin: bool = True
    sold_out: dict[str, float | None] = field(default_factory=dict)
    short: dict[str, float | None] = field(default_factory=dict)
    other_users: int = 4
    projects: tuple[str, ...] = ()
