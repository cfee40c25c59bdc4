"""A real SSH server on 127.0.0.1 for the connect tests (asyncssh, test-only).

It accepts exactly one generated key, for exactly the user ``ma-user``, and runs each command it
is sent with ``/bin/sh -c`` (so ``echo`` prints and ``exit 3`` exits 3), recording who connected
and what ran. It runs its own event loop in a thread, so the code under test may use its own.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import asyncssh

USER = "ma-user"


@dataclass
class Seen:
    """What the server saw: users that logged in, commands that ran, connections made."""

    logins: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    commands: list[str] = field(default_factory=list)
    connections: int = 0


class _Server(asyncssh.SSHServer):
    def __init__(self, key: asyncssh.SSHKey, seen: Seen) -> None:
        self.key = key
        self.seen = seen
        self.username = ""

    def connection_made(self, conn: asyncssh.SSHServerConnection) -> None:
        self.seen.connections += 1

    def begin_auth(self, username: str) -> bool:
        self.username = username
        return True

    def auth_completed(self) -> None:
        self.seen.logins.append(self.username)

    def public_key_auth_supported(self) -> bool:
        return True

    def validate_public_key(self, username: str, key: asyncssh.SSHKey) -> bool:
        ok = username == USER and key.public_data == self.key.public_data
        if not ok:
            self.seen.refused.append(username)
        return ok


async def _run(process: asyncssh.SSHServerProcess[str], seen: Seen) -> None:
    command = process.command or "echo no-shell-here"
    seen.commands.append(command)
    child = await asyncio.create_subprocess_shell(
        command, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
    )
    stdout, stderr = await child.communicate()
    process.stdout.write(stdout.decode())
    process.stderr.write(stderr.decode())
    process.exit(child.returncode or 0)


@dataclass
class SshServer:
    """The running server: its ``port``, the client key file, the host key line, what it saw."""

    port: int
    key_file: Path
    host_public: str
    seen: Seen

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"


@contextmanager
def ssh_server(key_file: Path) -> Iterator[SshServer]:
    """Serve on 127.0.0.1 (a free port) until the block ends; the client key goes to ``key_file`` (0600)."""
    client_key = asyncssh.generate_private_key("ssh-ed25519")
    key_file.write_bytes(client_key.export_private_key("openssh"))
    key_file.chmod(0o600)
    host_key = asyncssh.generate_private_key("ssh-ed25519")
    seen = Seen()
    loop = asyncio.new_event_loop()
    ready = threading.Event()
    holder: dict[str, asyncssh.SSHAcceptor] = {}

    async def start() -> None:
        holder["server"] = await asyncssh.create_server(
            lambda: _Server(client_key, seen),
            "127.0.0.1",
            0,
            server_host_keys=[host_key],
            process_factory=lambda p: _run(p, seen),
        )
        ready.set()

    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    asyncio.run_coroutine_threadsafe(start(), loop).result(timeout=30)
    ready.wait(30)
    server = holder["server"]
    port = server.get_port()
    try:
        yield SshServer(port, key_file, host_key.export_public_key("openssh").decode().strip(), seen)
    finally:

        async def stop() -> None:
            server.close()
            await server.wait_closed()

        asyncio.run_coroutine_threadsafe(stop(), loop).result(timeout=30)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=30)
        loop.close()
