"""Named, parameterized SQL files in queries/: discovery, header parsing, execution.

Each file starts with a header of `--` comments:

    -- name: pay-ranges
    -- about: Pay ranges for postings whose title matches a search.
    -- param: title text "" Case-insensitive title search; empty matches all.
    -- param: limit int 200 At most this many rows.

Parameters reach the SQL as DuckDB session variables (`getvariable('title')`),
set with bound values (`SET VARIABLE title = ?`), never pasted into the SQL
text. The same file runs in any DuckDB client:
`SET VARIABLE title = 'machine learning'; .read queries/pay-ranges.sql`.
"""

from __future__ import annotations

import importlib.resources
import os
import re
from dataclasses import dataclass, replace
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any, Literal, cast

import duckdb
import polars as pl

from scraper.locations import country_code
from scraper.places import METROS, canonical_city, canonical_metro

# count: an int >= 0 (limits); amount: a float > 0 (money); currency: an ISO 4217 code;
# choice[a|b|c]: one of a closed set (case-insensitive; "" = no filter). Closed sets are declared in
# the .sql header, where an analyst reading the file sees them too. country: an ISO 3166 code or an
# English name, stored as the code; metro: a metro area of scraper.places.METROS, by name or alias;
# city: a city, by its gazetteer name or an alias (NYC, Bangalore).
ParamType = Literal[
    "text",
    "int",
    "float",
    "date",
    "bool",
    "count",
    "amount",
    "currency",
    "choice",
    "country",
    "metro",
    "city",
]
_HEADER_RE = re.compile(r"^--\s*(name|about|param|note|example):\s*(.*)$")
_PARAM_RE = re.compile(
    r"^(?P<name>[a-z_][a-z0-9_]*)\s+(?P<type>text|int|float|date|bool|count|amount|currency|country|metro|city|choice\[[a-z0-9_|]+\])"
    r'\s+(?P<default>"[^"]*"|\S+)\s*(?P<help>.*)$'
)
_NAME_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")


class QueryError(ValueError):
    pass


@dataclass(slots=True, frozen=True)
class Param:
    name: str
    type: ParamType
    default: Any
    help: str
    choices: tuple[str, ...] = ()
    required: bool = False  # the CLI asks for it (default `required` in the header); SQL notes its absence

    @property
    def option(self) -> str:
        return f"--{self.name.replace('_', '-')}"

    def convert(self, raw: Any) -> Any:
        if raw is None:
            return raw
        if self.type in ("count", "amount", "currency", "choice", "country", "metro", "city"):
            return self._checked(raw)
        if not isinstance(raw, str):
            return raw
        try:
            if self.type == "int":
                return int(raw)
            if self.type == "float":
                return float(raw.replace(",", "").replace("_", ""))
            if self.type == "date":
                return date.fromisoformat(raw)
            if self.type == "bool":
                if raw.lower() in ("1", "true", "yes", "on"):
                    return True
                if raw.lower() in ("0", "false", "no", "off"):
                    return False
                raise ValueError(raw)
        except ValueError:
            raise QueryError(f"--{self.name.replace('_', '-')} expects {self.type}, got {raw!r}") from None
        return raw

    def _checked(self, raw: Any) -> Any:
        """A value of the closed and bounded types, or QueryError with one sentence."""
        if self.type == "choice":
            value = str(raw).strip().lower()
            if value and value not in self.choices:
                raise QueryError(f"{self.option} must be one of {', '.join(self.choices)}; got {raw!r}")
            return value
        if self.type in ("country", "metro", "city"):
            return place_value(self.type, str(raw), self.option)
        if self.type == "currency":
            code = str(raw).strip().upper()
            if code and code not in _known_currencies():
                raise QueryError(
                    f"{self.option} must be an ISO 4217 currency code such as USD or EUR; got {raw!r}"
                )
            return code
        try:
            number = int(raw) if self.type == "count" else float(str(raw).replace(",", "").replace("_", ""))
        except ValueError:
            raise QueryError(f"{self.option} expects a number, got {raw!r}") from None
        if self.type == "count" and not 0 <= number <= MAX_COUNT:
            raise QueryError(f"{self.option} must be between 0 and {MAX_COUNT:,}; got {raw!r}")
        if self.type == "amount" and not number > 0:  # also NaN
            raise QueryError(f"{self.option} must be a positive amount; got {raw!r}")
        return number


def place_value(kind: str, raw: str, option: str | None = None) -> str:
    """A place filter's value (kind: country, metro or city) as band_facts stores it, or QueryError
    naming what is accepted; "" for no filter."""
    if not raw.strip():
        return ""
    option = option or f"--{kind}"
    if kind == "country":
        code = country_code(raw)
        if code is None:
            raise QueryError(
                f"{option} must be a country's ISO code or English name (US, GB, Germany); got {raw!r}"
            )
        return code
    if kind == "metro":
        metro = canonical_metro(raw)
        if metro is None:
            raise QueryError(f"{option} must be one of the metro areas {', '.join(METROS)}; got {raw!r}")
        return metro
    return canonical_city(raw) or ""


MAX_COUNT = 10**9  # limits and group sizes: far above any answer, far below BIGINT's end


@cache
def _known_currencies() -> frozenset[str]:
    from scraper.salary.iso4217 import ACTIVE

    return frozenset(ACTIVE)


@dataclass(slots=True, frozen=True)
class NamedQuery:
    name: str
    about: str
    params: tuple[Param, ...]
    sql: str
    path: Path
    notes: tuple[str, ...] = ()
    example: str = ""  # the options of a real command line (`paybands query NAME EXAMPLE`), run by a test


def queries_dir() -> Path:
    env = os.environ.get("PAYBANDS_QUERIES")
    if env:
        return Path(env)
    # The `queries` package: queries/ of a checkout, or the installed package data of a wheel.
    return Path(str(importlib.resources.files("queries")))


def _parse_default(raw: str, param: Param) -> Any:
    if raw.startswith('"') and raw.endswith('"'):
        raw = raw[1:-1]
    if raw.lower() in ("null", "none", "required"):
        return None
    return param.convert(raw)


def parse_query_file(path: Path) -> NamedQuery:
    text = path.read_text("utf-8")
    name, about, params, notes, example = path.stem, "", [], [], ""
    for line in text.splitlines():
        if not line.startswith("--"):
            if line.strip():
                break
            continue
        m = _HEADER_RE.match(line)
        if not m:
            continue
        key, value = m.group(1), m.group(2).strip()
        if key == "name":
            name = value
        elif key == "about":
            about = f"{about} {value}".strip()
        elif key == "note":
            notes.append(value)
        elif key == "example":
            example = value
        else:
            pm = _PARAM_RE.match(value)
            if not pm:
                raise QueryError(f"{path.name}: bad param header {value!r}")
            type_: str = pm["type"]
            choices: tuple[str, ...] = ()
            if type_.startswith("choice["):
                type_, choices = "choice", tuple(type_[len("choice[") : -1].split("|"))
            bare = Param(
                pm["name"],
                cast(ParamType, type_),
                None,
                pm["help"].strip(),
                choices,
                pm["default"] == "required",
            )
            params.append(replace(bare, default=_parse_default(pm["default"], bare)))
    if not _NAME_RE.match(name):
        raise QueryError(f"{path.name}: query name {name!r} must be lowercase words joined by '-'")
    return NamedQuery(name, about, tuple(params), text, path, tuple(notes), example)


@cache
def _load(directory: str) -> dict[str, NamedQuery]:
    out: dict[str, NamedQuery] = {}
    for path in sorted(Path(directory).glob("*.sql")):
        q = parse_query_file(path)
        out[q.name] = q
    return out


def list_queries() -> list[NamedQuery]:
    return list(_load(str(queries_dir())).values())


def get_query(name: str) -> NamedQuery:
    queries = _load(str(queries_dir()))
    if name not in queries:
        known = ", ".join(queries) or "none"
        raise QueryError(f"no query named {name!r}; known queries: {known} (see `paybands query --list`)")
    return queries[name]


def run_query(
    con: duckdb.DuckDBPyConnection, query: NamedQuery | str, params: dict[str, Any] | None = None
) -> pl.DataFrame:
    """Bind parameters as session variables and run the query; returns a polars frame."""
    if isinstance(query, str):
        query = get_query(query)
    params = dict(params or {})
    unknown = set(params) - {p.name for p in query.params}
    if unknown:
        raise QueryError(f"query {query.name!r} has no parameter(s) {', '.join(sorted(unknown))}")
    for p in query.params:
        value = p.convert(params.get(p.name, p.default))
        if value is None:
            con.execute(f'RESET VARIABLE "{p.name}"')  # name comes from the header regex, not the user
        else:
            con.execute(f'SET VARIABLE "{p.name}" = ?', [value])
    return con.sql(query.sql).pl()
