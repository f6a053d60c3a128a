"""The hostile board server: a ReplayServer on 127.0.0.1 with named misbehaviours ("modes").

Bounded and self-stopping, so a test that goes wrong cannot hang CI or fill the machine: it answers at
most `max_requests` requests (then 503s), and stops itself after `max_seconds`.

A mode is a function that arms the server (overrides, faults) for one case of #13 or an older fault,
registered by name with `@mode`. Modes live beside the tests that use them, in
`tests/reliability/hostile_modes_<area>.py`, which this module imports so that `MODES` lists them all:

    with HostileServer() as srv:
        srv.arm("board-shrinks", path="/v1/boards/acme/jobs", keep=1)
        ...crawl with base_url=srv.url...
"""

from __future__ import annotations

import importlib
import pkgutil
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scraper.replay import ReplayServer
from scraper.replay.server import Fault


@dataclass(slots=True, frozen=True)
class Mode:
    name: str
    what: str  # one line: what the server does
    arm: Callable[..., None]  # arm(server, **kwargs)


MODES: dict[str, Mode] = {}


def mode(name: str, what: str) -> Callable[[Callable[..., None]], Callable[..., None]]:
    def deco(fn: Callable[..., None]) -> Callable[..., None]:
        if name in MODES:
            raise ValueError(f"hostile mode {name!r} registered twice")
        MODES[name] = Mode(name, what, fn)
        return fn

    return deco


class HostileServer(ReplayServer):
    def __init__(self, *, max_requests: int = 20_000, max_seconds: float = 300.0, **kwargs: Any) -> None:
        kwargs["host"] = "127.0.0.1"  # never another interface
        super().__init__(**kwargs)
        self.max_requests = max_requests
        self._timer = threading.Timer(max_seconds, self._expire)
        self._timer.daemon = True
        self.expired = False
        self.armed: list[str] = []

    def start(self) -> HostileServer:
        super().start()
        self._timer.start()
        return self

    def stop(self) -> None:
        self._timer.cancel()
        if not self.expired:
            super().stop()

    def _expire(self) -> None:
        self.expired = True
        super().stop()

    def fault_for(self, path: str) -> Fault | None:
        if len(self.log) > self.max_requests:  # bounded: past the budget every answer is a 503
            return Fault(status=503, body=b'{"error": "hostile server request budget spent"}')
        return super().fault_for(path)

    def arm(self, name: str, **kwargs: Any) -> None:
        """Apply the mode `name` (see MODES) with its arguments."""
        MODES[name].arm(self, **kwargs)
        self.armed.append(name)


def _load_modes() -> None:
    here = Path(__file__).parent
    for info in pkgutil.iter_modules([str(here)]):
        if info.name.startswith("hostile_modes_"):
            importlib.import_module(f"tests.reliability.{info.name}")


_load_modes()
