"""Shards of a crawl: which companies one machine of N crawls (`paybands crawl --shard K/N`).

Politeness is per host (scraper/politeness.py): two machines crawling one host would each keep
their own spacing and together hit it twice as often. So a shard owns hosts, not companies: every
company whose requests go to a host is crawled by the shard that host falls to.

Hosts are assigned by rendezvous (highest-random-weight) hashing: a host goes to the shard with
the highest hash of (shard, host). The assignment depends on nothing but the host and N, so it is
the same on every machine and in every run, and a new host (the registry grows) moves no existing
one. Shards are numbered from 0, as a Kubernetes Indexed Job's completion index is.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from .config import CompanyConfig, Config
from .errors import ConfigError
from .sources import get_source

_SHARD_RE = re.compile(r"^\s*(\d+)\s*/\s*(\d+)\s*$")


@dataclass(slots=True, frozen=True)
class Shard:
    index: int  # 0 .. count-1
    count: int

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"


def parse_shard(text: str) -> Shard:
    """'K/N' with 0 <= K < N, or ConfigError with one sentence."""
    m = _SHARD_RE.match(text or "")
    if not m:
        raise ConfigError(f"a shard is written K/N, e.g. 0/3 (the first of three); got {text!r}")
    k, n = int(m.group(1)), int(m.group(2))
    if n < 1 or not 0 <= k < n:
        raise ConfigError(f"shard {text!r} must have 0 <= K < N and N >= 1 (shards count from 0)")
    return Shard(k, n)


def company_host(company: CompanyConfig) -> str:
    """The host a company's requests go to: its start URL's (page sources), else its base URL's, else
    the one its source names for the board (`Source.request_host`); lowercased, without port
    (politeness keys hosts by name)."""
    url = company.options.get("url") if isinstance(company.options.get("url"), str) else None
    host = urlsplit(url or company.base_url or "").hostname
    if not host:
        source = get_source(company.source)
        host = source.request_host(company.board) if source else None
    return (host or company.board).lower()


def shard_of(host: str, count: int) -> int:
    """The shard (0 .. count-1) a host belongs to: the highest of count hashes of (shard, host)."""

    def weight(k: int) -> bytes:
        return hashlib.blake2b(f"{k}\x1f{host.lower()}".encode(), digest_size=8).digest()

    return max(range(count), key=weight)


def select(config: Config, shard: Shard) -> tuple[Config, list[str]]:
    """The config of one shard (its companies, in config order) and the hosts it owns."""
    mine = [c for c in config.companies if shard_of(company_host(c), shard.count) == shard.index]
    hosts = sorted({company_host(c) for c in mine})
    return Config(crawl=config.crawl, companies=tuple(mine), path=config.path), hosts
