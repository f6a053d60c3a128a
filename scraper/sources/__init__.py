"""Source registry: one module per job board / ATS, each registering itself.

A new source is one new module in this package (plus its test): subclass
`Source`, set `name` and `default_base_url`, implement `crawl`, decorate the
class with `@register`. Modules here are imported automatically.
"""

from __future__ import annotations

import importlib
import pkgutil

from .base import CrawlContext, Source, SourceError

_REGISTRY: dict[str, type[Source]] = {}
_loaded = False


def register(cls: type[Source]) -> type[Source]:
    _REGISTRY[cls.name] = cls
    return cls


def _load_all() -> None:
    global _loaded
    if _loaded:
        return
    _loaded = True
    for info in pkgutil.iter_modules(__path__):
        if info.name != "base" and not info.name.startswith("_"):
            importlib.import_module(f"{__name__}.{info.name}")


def get_source(name: str) -> type[Source] | None:
    _load_all()
    return _REGISTRY.get(name)


def source_names() -> list[str]:
    _load_all()
    return sorted(_REGISTRY)


__all__ = ["CrawlContext", "Source", "SourceError", "get_source", "register", "source_names"]
