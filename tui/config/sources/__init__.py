"""Credentials already on this machine, as candidate profiles: what ``config import`` offers.

Four sources, one module each, each a ``scan(place) -> Scan``:

    sdk-file     the official SDK's INI credentials file ([basic], [global]);
                 $HUAWEICLOUD_SDK_CREDENTIALS_FILE, else ~/.huaweicloud/credentials
    env          the HUAWEICLOUD_SDK_* variables
    koocli       KooCLI's ~/.hcloud/config.json profiles (encrypted ones are skipped, with the reason)
    clouds-yaml  OpenStack clouds.yaml entries with password or AK/SK auth:
                 $OS_CLIENT_CONFIG_FILE, ./clouds.yaml, ~/.config/openstack/clouds.yaml,
                 /etc/openstack/clouds.yaml

A secret is referenced, not copied, where the source allows: a profile from the SDK file reads
the file at sign-in (``credentials_file``), one from the environment names the variables
(``ak_env``, ``sk_env``, ``security_token_env``). KooCLI and clouds.yaml secrets are copied into
the config file (0600) and the profile says where they came from (``imported_from``).

A file that cannot be read or parsed is a ``ConfigError`` with its path and line in
``Scan.problems`` and gives no candidate; an entry that cannot become a profile is in
``Scan.skipped`` with the reason. Nothing here writes a file or reaches the network.
"""

from __future__ import annotations

from tui.config.sources import clouds_yaml, env, koocli, sdk_file
from tui.config.sources.common import MASK as MASK
from tui.config.sources.common import SOURCE_CLOUDS_YAML as SOURCE_CLOUDS_YAML
from tui.config.sources.common import SOURCE_ENV as SOURCE_ENV
from tui.config.sources.common import SOURCE_KOOCLI as SOURCE_KOOCLI
from tui.config.sources.common import SOURCE_SDK_FILE as SOURCE_SDK_FILE
from tui.config.sources.common import SOURCES as SOURCES
from tui.config.sources.common import Candidate as Candidate
from tui.config.sources.common import Place as Place
from tui.config.sources.common import Scan as Scan
from tui.config.sources.common import Skipped as Skipped
from tui.config.sources.common import cloud_and_region_of_url as cloud_and_region_of_url
from tui.config.sources.common import cloud_of_region as cloud_of_region
from tui.config.sources.common import line_of_text as line_of_text
from tui.config.sources.common import mask_ak as mask_ak
from tui.config.sources.common import masked as masked
from tui.config.sources.common import profile_name as profile_name
from tui.core.errors import ConfigError


def scan_all(place: Place | None = None, only: str | None = None) -> Scan:
    """Every source (or only ``only``), in the order of ``SOURCES``."""
    here = place or Place()
    scanners = {
        SOURCE_SDK_FILE: sdk_file.scan,
        SOURCE_ENV: env.scan,
        SOURCE_KOOCLI: koocli.scan,
        SOURCE_CLOUDS_YAML: clouds_yaml.scan,
    }
    if only is not None and only not in scanners:
        raise ConfigError(f"unknown import source {only!r} (known: {', '.join(SOURCES)})")
    total = Scan()
    for name, scan in scanners.items():
        if only is None or only == name:
            total = total + scan(here)
    return total
