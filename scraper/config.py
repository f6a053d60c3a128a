"""The crawl config (TOML): loaded and fully validated before anything is fetched."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from .errors import ConfigError
from .netscope import CONFIGURABLE_SCOPES, ip_scope
from .sources import get_source, source_names  # sources register themselves on first lookup

DEFAULT_USER_AGENT = "paybands/0.1 (+https://github.com/paybands/paybands; contact: paybands@example.org)"


@dataclass(slots=True, frozen=True)
class CrawlSettings:
    per_host_concurrency: int = 2  # requests in flight per host
    per_host_delay_s: float = 1.0  # pause between request starts to one host
    timeout_s: float = 30.0
    user_agent: str = DEFAULT_USER_AGENT
    max_retries: int = 3  # extra attempts after a 429/5xx/timeout/network error
    max_response_mb: float = 32.0  # larger bodies are cut off and reported
    max_requests: int = 100_000  # per run, across all hosts
    company_concurrency: int = 16  # companies crawled at once (hosts still limit themselves)
    respect_robots_txt: bool = True
    browser_pages: int = 4  # browser pages open at once (jsonld)
    # Removal safety: a listing that would remove more than this share of a board's active postings
    # (boards of at least max_removed_share_min_board) holds those removals until the next run confirms.
    max_removed_share: float = 0.5
    max_removed_share_min_board: int = 10


@dataclass(slots=True, frozen=True)
class CompanyConfig:
    name: str
    source: str
    board: str
    base_url: str | None = None
    options: dict[str, Any] = field(default_factory=dict)  # source-specific keys, validated by the source

    @property
    def label(self) -> str:
        return f"{self.name} ({self.source}:{self.board})"


@dataclass(slots=True, frozen=True)
class Config:
    crawl: CrawlSettings
    companies: tuple[CompanyConfig, ...]
    path: Path | None = None


_SETTING_TYPES: dict[str, tuple[type, ...]] = {
    "per_host_concurrency": (int,),
    "per_host_delay_s": (int, float),
    "timeout_s": (int, float),
    "user_agent": (str,),
    "max_retries": (int,),
    "max_response_mb": (int, float),
    "max_requests": (int,),
    "company_concurrency": (int,),
    "respect_robots_txt": (bool,),
    "browser_pages": (int,),
    "max_removed_share": (int, float),
    "max_removed_share_min_board": (int,),
}
_COMPANY_KEYS = {"name", "source", "board", "base_url"}


def _type_name(types: tuple[type, ...]) -> str:
    if float in types:  # (int, float): any number will do
        types = tuple(t for t in types if t is not int)
    return " or ".join(
        {int: "an integer", float: "a number", str: "a string", bool: "true/false"}[t] for t in types
    )


def _check_type(value: Any, types: tuple[type, ...], where: str) -> None:
    # bool is a subclass of int in Python; `true` is not a valid concurrency.
    if isinstance(value, bool) and bool not in types:
        raise ConfigError(f"{where} must be {_type_name(types)}, not {value!r}")
    if not isinstance(value, types):
        raise ConfigError(f"{where} must be {_type_name(types)}, not {value!r}")


def parse_settings(table: Any) -> CrawlSettings:
    if not isinstance(table, dict):
        raise ConfigError("[crawl] must be a table of settings")
    for key, value in table.items():
        if key not in _SETTING_TYPES:
            known = ", ".join(sorted(_SETTING_TYPES))
            raise ConfigError(f"[crawl] has an unknown key {key!r}; known keys: {known}")
        _check_type(value, _SETTING_TYPES[key], f"[crawl] {key}")
    settings = CrawlSettings(**table)
    if settings.per_host_concurrency < 1 or settings.company_concurrency < 1 or settings.browser_pages < 1:
        raise ConfigError("[crawl] concurrency settings must be at least 1")
    if settings.per_host_delay_s < 0 or settings.timeout_s <= 0 or settings.max_response_mb <= 0:
        raise ConfigError("[crawl] per_host_delay_s must be >= 0, timeout_s and max_response_mb > 0")
    if settings.max_retries < 0 or settings.max_requests < 1:
        raise ConfigError("[crawl] max_retries must be >= 0 and max_requests >= 1")
    if not 0 <= settings.max_removed_share <= 1 or settings.max_removed_share_min_board < 1:
        raise ConfigError(
            "[crawl] max_removed_share must be between 0 and 1, max_removed_share_min_board >= 1"
        )
    return settings


def check_url(url: Any, where: str, key: str = "base_url") -> str:
    if not isinstance(url, str):
        raise ConfigError(f"{where}: {key} must be a string, not {url!r}")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConfigError(f"{where}: {key} {url!r} must be an http:// or https:// URL")
    # A literal address must be on a network a board can be on. Loopback and private addresses are
    # allowed: they are the operator's own choice (the replay server, an internal mirror), and a crawl
    # that starts there may be redirected there, never elsewhere off the public internet (fetch.py).
    # Names are not resolved here: loading a config touches no network, and redirects are checked
    # against what a name resolves to when they happen.
    try:
        host = parts.hostname or ""
    except ValueError:
        raise ConfigError(f"{where}: {key} {url!r} has an invalid host") from None
    scope = ip_scope(host)
    if scope is not None and scope not in CONFIGURABLE_SCOPES:
        what = "a link-local" if scope == "link-local" else "an unspecified, multicast or reserved"
        raise ConfigError(
            f"{where}: {key} {url!r} points at {what} address ({host}), where no job board can be;"
            " use the board's public, loopback or private address"
        )
    return url


def parse_company(index: int, table: Any) -> CompanyConfig:
    where = f"[[company]] #{index + 1}"
    if not isinstance(table, dict):
        raise ConfigError(f"{where} must be a table")
    name = table.get("name")
    if not isinstance(name, str) or not name.strip():
        raise ConfigError(f"{where} needs a name (a non-empty string)")
    where = f"company {name!r}"
    source_name = table.get("source")
    if not isinstance(source_name, str):
        raise ConfigError(f"{where} needs a source: one of {', '.join(source_names())}")
    source = get_source(source_name)
    if source is None:
        raise ConfigError(
            f"{where} has an unknown source {source_name!r}; use one of {', '.join(source_names())}"
        )
    options = {k: v for k, v in table.items() if k not in _COMPANY_KEYS}
    for key, value in options.items():
        types = source.options.get(key)
        if types is None:
            allowed = ", ".join(sorted(_COMPANY_KEYS | set(source.options)))
            raise ConfigError(
                f"{where} has an unknown key {key!r} for source {source_name}; allowed: {allowed}"
            )
        _check_type(value, types, f"{where}: {key}")
    board = table.get("board")
    if board is None and source.board_optional:
        board = source.board_from_options(options)
    if not isinstance(board, str) or not board.strip():
        raise ConfigError(f"{where} needs a board ({source.board_help}) as a non-empty string")
    base_url = table.get("base_url")
    if base_url is not None:
        base_url = check_url(base_url, where).rstrip("/")
    if "url" in options:  # page-based sources (jsonld) take a start URL
        options["url"] = check_url(options["url"], where, key="url")
    try:
        source.validate_options(options, board.strip())  # always, not only when the board is derived
    except ConfigError as exc:
        raise ConfigError(f"{where}: {exc}") from None
    return CompanyConfig(
        name=name.strip(), source=source_name, board=board.strip(), base_url=base_url, options=options
    )


def parse_config(data: dict[str, Any], path: Path | None = None) -> Config:
    unknown = set(data) - {"crawl", "company"}
    if unknown:
        raise ConfigError(
            f"unknown top-level key(s) {', '.join(sorted(unknown))}; expected [crawl] and [[company]]"
        )
    settings = parse_settings(data.get("crawl", {}))
    tables = data.get("company", [])
    if not isinstance(tables, list):
        raise ConfigError("companies must be written as [[company]] tables")
    companies = [parse_company(i, t) for i, t in enumerate(tables)]
    if not companies:
        raise ConfigError("the config lists no [[company]]; add at least one")
    seen_names: set[str] = set()
    seen_boards: dict[tuple[str, str], str] = {}
    for c in companies:
        if c.name.lower() in seen_names:
            raise ConfigError(f"company {c.name!r} is listed twice; company names must be unique")
        seen_names.add(c.name.lower())
        key = (c.source, c.board.lower())
        if key in seen_boards:
            raise ConfigError(
                f"company {c.name!r} uses the same {c.source} board {c.board!r} as {seen_boards[key]!r}"
            )
        seen_boards[key] = c.name
    return Config(crawl=settings, companies=tuple(companies), path=path)


def load_config(path: str | Path) -> Config:
    path = Path(path)
    try:
        text = path.read_text("utf-8")
    except FileNotFoundError:
        raise ConfigError(f"config file {str(path)!r} does not exist") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read config file {str(path)!r}: {exc}") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: TOML syntax error: {exc}") from None
    try:
        return parse_config(data, path)
    except ConfigError as exc:
        raise ConfigError(f"{path}: {exc}") from None
