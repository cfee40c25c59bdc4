"""The connect lines of the details screen (notebooks family): the SSH endpoint, its allowed IPs,
and the JupyterLab URL as a link (a terminal that knows OSC 8 makes it clickable).

Every value was checked where the answer was parsed (``tui.api.endpoints``: plain hosts, names and
IPs); the URL is ``jupyter_url``'s, an http(s) link without any token.
"""

from __future__ import annotations

from rich.style import Style
from rich.text import Text

from tui.core.models import FAMILY_NOTEBOOKS, SSH_USER, Instance
from tui.service.connect_action import jupyter_url


def _ssh_text(instance: Instance) -> str:
    ssh = instance.ssh
    if ssh is None:
        return "none (JupyterLab only; enable Remote SSH with a key pair in the console)"
    if not ssh.address:
        where = "address once RUNNING" if not ssh.problem or not ssh.uri else f"cannot be used: {ssh.problem}"
        return f"{where} · key pair {', '.join(ssh.key_pair_names) or '—'}"
    return f"{ssh.user or SSH_USER}@{ssh.address} · key pair {', '.join(ssh.key_pair_names) or '—'}"


def connect_text(instance: Instance) -> Text:
    """``\\nssh …\\nallowed IPs …\\njupyter <link>`` for a notebooks-family instance; empty for v1."""
    out = Text(no_wrap=True, overflow="ellipsis")
    if instance.family != FAMILY_NOTEBOOKS:
        return out
    out.append("\nssh      ", style="dim")
    out.append(_ssh_text(instance))
    ssh = instance.ssh
    if ssh is not None:
        out.append("\nallowed  ", style="dim")
        out.append(", ".join(ssh.allowed_ips) + " only" if ssh.allowed_ips else "any IP (no whitelist)")
    out.append("\njupyter  ", style="dim")
    url = jupyter_url(instance)
    if url:
        out.append(url, style=Style(link=url, underline=True))
    else:
        out.append("— (none until it is RUNNING)")
    return out
