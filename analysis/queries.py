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
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any, Literal

import duckdb
import polars as pl

ParamType = Literal["text", "int", "float", "date", "bool"]
_HEADER_RE = re.compile(r"^--\s*(name|about|param|note):\s*(.*)$")
_PARAM_RE = re.compile(
    r'^(?P<name>[a-z_][a-z0-9_]*)\s+(?P<type>text|int|float|date|bool)\s+(?P<default>"[^"]*"|\S+)\s*(?P<help>.*)$'
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

    def convert(self, raw: Any) -> Any:
        if raw is None or not isinstance(raw, str):
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


@dataclass(slots=True, frozen=True)
class NamedQuery:
    name: str
    about: str
    params: tuple[Param, ...]
    sql: str
    path: Path
    notes: tuple[str, ...] = ()


def queries_dir() -> Path:
    env = os.environ.get("PAYBANDS_QUERIES")
    if env:
        return Path(env)
    # The `queries` package: queries/ of a checkout, or the installed package data of a wheel.
    return Path(str(importlib.resources.files("queries")))


def _parse_default(raw: str, type_: str) -> Any:
    if raw.startswith('"') and raw.endswith('"'):
        raw = raw[1:-1]
    if raw.lower() in ("null", "none"):
        return None
    return Param("_", type_, None, "").convert(raw)  # type: ignore[arg-type]


def parse_query_file(path: Path) -> NamedQuery:
    text = path.read_text("utf-8")
    name, about, params, notes = path.stem, "", [], []
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
        else:
            pm = _PARAM_RE.match(value)
            if not pm:
                raise QueryError(f"{path.name}: bad param header {value!r}")
            params.append(
                Param(pm["name"], pm["type"], _parse_default(pm["default"], pm["type"]), pm["help"].strip())  # type: ignore[arg-type]
            )
    if not _NAME_RE.match(name):
        raise QueryError(f"{path.name}: query name {name!r} must be lowercase words joined by '-'")
    return NamedQuery(name, about, tuple(params), text, path, tuple(notes))


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
