"""Refuse every name lookup and connection that is not loopback: tests never touch a live host.

The test process installs it from tests/conftest.py. Python subprocesses the tests start (the CLI,
crawls killed mid-run, the replay server) install it from `sitecustomize.py` beside this file,
which conftest puts on PYTHONPATH; they write each refused host to the file named by
PAYBANDS_NETGUARD_LOG, and the test that started them fails.
"""

from __future__ import annotations

import os
import socket
from typing import Any

refused: list[str] = []
_real_getaddrinfo = socket.getaddrinfo
_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex


def _loopback(host: Any) -> bool:
    name = host.decode() if isinstance(host, bytes) else str(host or "")
    return name in ("", "localhost", "::1") or name.startswith("127.")


def _refuse(host: Any) -> OSError:
    refused.append(str(host))
    log = os.environ.get("PAYBANDS_NETGUARD_LOG")
    if log:
        with open(log, "a", encoding="utf-8") as f:
            f.write(f"{host}\n")
    return OSError(f"test tried to reach {host!r}: tests use the local replay server (127.0.0.1)")


def _getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
    if not _loopback(host):
        raise _refuse(host)
    return _real_getaddrinfo(host, *args, **kwargs)


def _connect(self: socket.socket, address: Any) -> Any:
    if isinstance(address, tuple) and not _loopback(address[0]):
        raise _refuse(address[0])
    return _real_connect(self, address)


def _connect_ex(self: socket.socket, address: Any) -> Any:
    if isinstance(address, tuple) and not _loopback(address[0]):
        raise _refuse(address[0])
    return _real_connect_ex(self, address)


def install() -> None:
    socket.getaddrinfo = _getaddrinfo
    socket.socket.connect = _connect  # type: ignore[method-assign]
    socket.socket.connect_ex = _connect_ex  # type: ignore[method-assign]
