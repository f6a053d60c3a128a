"""Build scraper/data/registry.csv.gz from ../shared/registry (the AI-employer list and its sources).

    .venv/bin/python scripts/build_registry.py [--registry ../shared/registry] [--out scraper/data/registry.csv.gz]

Every board every source list names becomes one row, de-duplicated by (ats, lower(board)) as the
registry's README says (its steps 1, 2 and 6; steps 3-5 pick one board per company for the curated
list, which this build keeps as it is). Rows:

- `ats` is paybands' source name: the registry's `ukg` is `ultipro` (ADP MyJobs stays `adp`: not Workforce Now), jobseek's
  `oracle_hcm` is `oracle`. ATSs paybands has no source for (gem, personio, comeet, other) keep their
  name with supported=false.
- The 1,101 rows of ai_companies.csv keep their name, careers_url, evidence and conflict exactly
  (two empty conflicts are filled where this build finds the company's other boards, saying so);
  they are ai_employer=true with ai_rule "curated".
- Any other row is ai_employer=true when one of the README's ai_signal rules holds for the board
  itself (its names, token, website, lists), and ai_rule says which ones (see AI_RULES).
- `conflict` of a row that is not curated says which curated company names it as another board, or
  lists the other boards its company has under the same normalized name (README step 3).
- `base_url` is the host Workday, Eightfold and UKG boards are crawled on (their careers URL's);
  `extra` keeps source ids a future source may need (oracle site_number, dayforce job_board_id and
  culture_code, join company_id) as JSON.
- jobseek's generic monitors (dom, rss, sitemap, ...) get their ATS from the board URL's pattern, else
  `other` with the URL as board; a typed monitor whose config and URL name no board is `other` too.
- A board that is not well-formed for its ATS (scraper.registry.BOARD_PATTERNS) is left out and
  counted. An Eightfold tenant no list gives a domain for is an `other` row (its careers URL). A
  Workday locale URL (no site) is
  evidence for its tenant's rows only, "(tenant only)".

The output is deterministic: the same inputs give the same bytes (gzip mtime 0, sorted rows).
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import json
import re
import sys
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scraper.registry import (  # noqa: E402
    AI_RULES,
    ATS_RENAMES,
    BOARD_PATTERNS,
    COLUMNS,
    SUPPORTED_SOURCES,
    board_key,
)

# -- registry ATS names (the README's) --------------------------------------------------------------
JOBSEEK_ATS = {  # jobseek monitor_type -> registry ats; anything else goes through URL patterns
    "greenhouse": "greenhouse", "ashby": "ashby", "lever": "lever", "workable": "workable", "join": "join",
    "recruitee": "recruitee", "pinpoint": "pinpoint", "smartrecruiters": "smartrecruiters",
    "workday": "workday", "oracle_hcm": "oracle", "personio": "personio", "eightfold": "eightfold",
    "gem": "gem", "icims": "icims", "rippling": "rippling", "breezy": "breezy", "comeet": "comeet",
    "bamboohr": "bamboohr", "avature": "avature", "dayforce": "dayforce", "ukg": "ukg",
}  # fmt: skip
# Hosts on .ai that are ATSs, not employers (README step 4).
ATS_AI_HOSTS = ("eightfold.ai", "kula.ai", "curately.ai", "param.ai", "r.jina.ai")
# A Workday locale path ("en-us"), not a site. Two letters alone ("jj", "es") are read as a site.
LOCALE_RE = re.compile(r"^[a-z]{2}-[a-z]{2}$", re.IGNORECASE)

# Evidence labels in the order they are written.
LABELS = (
    "jobseek:boards", "career-ops:portals", "tech-salary-radar:seed",
    "openings-mcp:greenhouse", "openings-mcp:lever", "openings-mcp:ashby", "openings-mcp:workday",
    "openings-mcp:eightfold", "openings-mcp:smartrecruiters", "openings-mcp:workable",
    "openings-mcp:recruitee", "openings-mcp:teamtailor", "openings-mcp:bamboohr", "openings-mcp:rippling",
    "openings-mcp:icims", "openings-mcp:oracle", "openings-mcp:successfactors", "openings-mcp:join",
    "openings-mcp:adp_myjobs", "openings-mcp:avature", "openings-mcp:ultipro", "openings-mcp:dayforce",
    "stapply:ashby", "stapply:gem", "stapply:greenhouse", "stapply:lever", "stapply:rippling",
    "stapply:smartrecruiters", "stapply:workable", "stapply:workday",
    "kalil0321:eightfold", "freehire:eightfold", "stapply:ai_companies",
)  # fmt: skip
# Which source's name and careers URL a row takes when several name it (best first): jobseek and
# openings-mcp give display names, stapply title-cased slugs ("Assemblyai").
NAME_RANK = ("jobseek", "openings-mcp", "career-ops", "freehire", "kalil0321", "tech-salary-radar", "stapply")


@dataclass(slots=True)
class Record:
    """One source row naming one board (README step 1)."""

    label: str
    name: str
    ats: str  # registry name (ukg, adp, oracle, ...)
    board: str
    careers_url: str | None = None
    flag: str | None = None  # "status=dead", "tenant only", "domain filled from another eightfold list"
    website: str | None = None  # jobseek companies.csv
    industry: str | None = None  # jobseek industry id
    group: str | None = None  # jobseek company slug: boards it files under one company
    note: str | None = None  # career-ops section + note
    base_url: str | None = None
    extra: dict[str, str] = field(default_factory=dict)


# -- a reader for the openings-mcp / freehire YAML lists ----------------------------------------------
# They are sequences of flat mappings ("- key: value" / "  key: value"), plain, single- or
# double-quoted scalars, a plain scalar sometimes folded onto an indented next line. No YAML library
# is a dependency of paybands, and these files need no more than this.
_YAML_LINE = re.compile(r"^(- |  )([A-Za-z_]+):(?: (.*))?$")


def _yaml_scalar(text: str) -> str:
    text = text.strip()
    if text.startswith('"'):
        return json.loads(text)  # YAML's double-quoted escapes used here (\\, \", \uXXXX) are JSON's
    if text.startswith("'"):
        return text[1:-1].replace("''", "'")
    return re.sub(r"\s+#.*$", "", text)


def read_yaml_list(path: Path) -> list[dict[str, str]]:
    items: list[dict[str, str]] = []
    last: str | None = None
    for raw in path.read_text("utf-8").splitlines():
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        m = _YAML_LINE.match(raw)
        if m is None:
            if raw.startswith("    ") and items and last is not None:  # a folded plain scalar
                items[-1][last] = (items[-1][last] + " " + raw.strip()).strip()
                continue
            raise ValueError(f"{path}: cannot read line {raw!r}")
        if m.group(1) == "- ":
            items.append({})
        last = m.group(2)
        items[-1][last] = _yaml_scalar(m.group(3) or "")
    for item in items:  # a folded single-quoted value was read in two parts: unquote it whole
        for k, v in item.items():
            if v.startswith("'") and v.endswith("'"):
                item[k] = v[1:-1].replace("''", "'")
    return items


# -- URL patterns: careers URLs -> (ats, board, base_url) -----------------------------------------------
def host_of(url: str) -> str:
    try:
        return (urlsplit(url if "://" in url else "https://" + url).hostname or "").lower()
    except ValueError:
        return ""


def _segments(url: str) -> list[str]:
    return [unquote(s) for s in urlsplit(url).path.split("/") if s]


_TOKEN_HOSTS = {  # host -> ats whose board is the first path segment
    "job-boards.greenhouse.io": "greenhouse", "job-boards.eu.greenhouse.io": "greenhouse",
    "boards.greenhouse.io": "greenhouse", "boards.eu.greenhouse.io": "greenhouse",
    "jobs.lever.co": "lever", "jobs.eu.lever.co": "lever", "jobs.ashbyhq.com": "ashby",
    "apply.workable.com": "workable", "jobs.gem.com": "gem", "ats.rippling.com": "rippling",
    "careers.smartrecruiters.com": "smartrecruiters", "jobs.smartrecruiters.com": "smartrecruiters",
    "myjobs.adp.com": "adp",
}  # fmt: skip
_SUBDOMAIN_HOSTS = {  # host suffix -> ats whose board is the subdomain
    ".recruitee.com": "recruitee", ".jobs.personio.de": "personio", ".jobs.personio.com": "personio",
    ".pinpointhq.com": "pinpoint", ".breezy.hr": "breezy", ".bamboohr.com": "bamboohr",
}  # fmt: skip
_HOST_HOSTS = {".teamtailor.com": "teamtailor", ".icims.com": "icims", ".avature.net": "avature"}


def ats_from_url(url: str) -> tuple[str, str, str | None] | None:
    """(registry ats, board, base_url) a careers URL names, or None (a custom site)."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    host = (parts.hostname or "").lower()
    segs = _segments(url)
    if host in _TOKEN_HOSTS:
        ats = _TOKEN_HOSTS[host]
        if host == "boards-api.greenhouse.io":
            return None
        if segs and segs[0] not in ("embed", "v1"):
            return ats, segs[0], None
        return None
    if host == "boards-api.greenhouse.io" and len(segs) >= 3 and segs[:2] == ["v1", "boards"]:
        return "greenhouse", segs[2], None
    if host == "join.com" and len(segs) >= 2 and segs[0] == "companies":
        return "join", segs[1], None
    for suffix, ats in _SUBDOMAIN_HOSTS.items():
        if host.endswith(suffix) and host.count(".") == suffix.count("."):
            return ats, host[: -len(suffix)], None
    for suffix, ats in _HOST_HOSTS.items():
        if host.endswith(suffix):
            return ats, host, None
    m = re.fullmatch(r"([a-z0-9_-]+)\.(wd\d+)\.myworkdayjobs\.com", host)
    if m:
        rest = [s for s in segs if not LOCALE_RE.match(s)]
        if rest:
            return "workday", f"{m.group(1)}/{rest[0]}", f"https://{host}"
        return None
    if "oraclecloud.com" in host and "sites" in segs:
        i = segs.index("sites")
        if i + 1 < len(segs):
            return "oracle", f"{host}/{segs[i + 1]}", None
    if host.endswith("comeet.com") and len(segs) >= 3 and segs[0] == "jobs":
        return "comeet", f"{segs[1]}/{segs[2]}", None
    if ".ultipro." in f".{host}" and len(segs) >= 3 and segs[1].lower() == "jobboard":
        return "ukg", f"{segs[0]}/{segs[2]}", f"https://{host}"
    if host == "jobs.dayforcehcm.com" and len(segs) >= 3:
        return "dayforce", f"{segs[1]}/{segs[2]}", None
    return None


# -- the sources ---------------------------------------------------------------------------------------
def _csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def read_stapply(src: Path) -> Iterator[Record]:
    d = src / "stapply-ats-scrapers"
    files = {
        "ashby": "ashby__companies.csv", "gem": "gem__gem_companies.csv",
        "greenhouse": "greenhouse__greenhouse_companies.csv", "lever": "lever__lever_companies.csv",
        "rippling": "rippling__rippling_companies.csv", "smartrecruiters": "smartrecruiters__companies.csv",
        "workable": "workable__workable_companies.csv", "workday": "workday__workday_companies.csv",
    }  # fmt: skip
    for ats, name in files.items():
        label = f"stapply:{ats}"
        for row in _csv(d / name):
            url, company = row["url"].strip(), row["name"].strip()
            segs = _segments(url)
            if ats == "workday":
                m = re.fullmatch(r"([a-z0-9_-]+)\.(wd\d+)\.myworkdayjobs\.com", host_of(url))
                if not m:
                    continue
                site = segs[0] if segs else ""
                if not site or LOCALE_RE.match(site):  # a locale: only the tenant is known
                    yield Record(label, company, ats, m.group(1), flag="tenant only")
                    continue
                yield Record(
                    label, company, ats, f"{m.group(1)}/{site}", url, base_url=f"https://{host_of(url)}"
                )
            elif ats == "smartrecruiters":  # a job URL: the company id is its first segment
                if segs:
                    yield Record(
                        label, company, ats, segs[0], f"https://careers.smartrecruiters.com/{segs[0]}"
                    )
            elif segs:
                yield Record(label, company, ats, segs[0], url)


OPENINGS_FILES = {  # label suffix -> (file, registry ats)
    "greenhouse": ("greenhouse", "greenhouse"), "lever": ("lever", "lever"), "ashby": ("ashby", "ashby"),
    "workday": ("workday", "workday"), "eightfold": ("eightfold", "eightfold"),
    "smartrecruiters": ("smartrecruiters", "smartrecruiters"), "workable": ("workable", "workable"),
    "recruitee": ("recruitee", "recruitee"), "teamtailor": ("teamtailor", "teamtailor"),
    "bamboohr": ("bamboohr", "bamboohr"), "rippling": ("rippling", "rippling"), "icims": ("icims", "icims"),
    "oracle": ("oracle", "oracle"), "successfactors": ("successfactors", "successfactors"),
    "join": ("join", "join"), "adp_myjobs": ("adp_myjobs", "adp"), "avature": ("avature", "avature"),
    "ultipro": ("ultipro", "ukg"), "dayforce": ("dayforce", "dayforce"),
}  # fmt: skip


def _openings_board(ats: str, e: dict[str, str]) -> tuple[str, str, str | None, dict[str, str]] | None:
    """(board, careers_url, base_url, extra) of one openings-mcp entry."""
    if ats == "greenhouse":
        t = e["board_token"]
        return t, f"https://job-boards.greenhouse.io/{t}", None, {}
    if ats == "lever":
        return e["site"], f"https://jobs.lever.co/{e['site']}", None, {}
    if ats == "ashby":
        return e["board"], f"https://jobs.ashbyhq.com/{e['board']}", None, {}
    if ats == "workday":
        host = f"{e['tenant']}.{e['instance']}.myworkdayjobs.com"
        return f"{e['tenant']}/{e['site']}", f"https://{host}/{e['site']}", f"https://{host}", {}
    if ats == "eightfold":
        host = f"{e['tenant']}.eightfold.ai"
        return e["domain"], f"https://{host}", f"https://{host}", {}
    if ats == "smartrecruiters":
        i = e["company_identifier"]
        return i, f"https://careers.smartrecruiters.com/{i}", None, {}
    if ats == "workable":
        return e["account"], f"https://apply.workable.com/{e['account']}", None, {}
    if ats == "recruitee":
        return e["slug"], f"https://{e['slug']}.recruitee.com", None, {}
    if ats in ("teamtailor", "icims", "successfactors"):
        return e["host"], f"https://{e['host']}", None, {}
    if ats == "bamboohr":
        return e["slug"], f"https://{e['slug']}.bamboohr.com/careers", None, {}
    if ats == "rippling":
        return e["board_slug"], f"https://ats.rippling.com/{e['board_slug']}/jobs", None, {}
    if ats == "oracle":
        url = f"https://{e['host']}/hcmUI/CandidateExperience/en/sites/{e['site']}"
        return f"{e['host']}/{e['site']}", url, None, {"site_number": e["site_number"]}
    if ats == "join":
        return e["slug"], f"https://join.com/companies/{e['slug']}", None, {"company_id": e["company_id"]}
    if ats == "adp":
        return e["slug"], f"https://myjobs.adp.com/{e['slug']}", None, {}
    if ats == "avature":
        return host_of(e["url"]), e["url"], None, {}
    if ats == "ukg":
        url = f"https://{e['host']}/{e['company_code']}/JobBoard/{e['board_id']}"
        return f"{e['company_code']}/{e['board_id']}", url, f"https://{e['host']}", {}
    if ats == "dayforce":
        culture = e.get("culture_code") or "en-US"
        url = f"https://jobs.dayforcehcm.com/{culture}/{e['namespace']}/{e['job_board_code']}"
        extra = {"job_board_id": e["job_board_id"]}
        if e.get("culture_code"):
            extra["culture_code"] = e["culture_code"]
        return f"{e['namespace']}/{e['job_board_code']}", url, None, extra
    return None


def read_openings(src: Path) -> Iterator[Record]:
    for suffix, (stem, ats) in OPENINGS_FILES.items():
        for e in read_yaml_list(src / "openings-mcp" / f"{stem}__companies.yaml"):
            got = _openings_board(ats, e)
            if got:
                board, url, base, extra = got
                yield Record(
                    f"openings-mcp:{suffix}", e["company"], ats, board, url, base_url=base, extra=extra
                )


def _jobseek_companies(src: Path) -> dict[str, dict[str, str]]:
    return {r["slug"]: r for r in _csv(src / "jobseek" / "companies.csv")}


def _first(cfg: dict, *keys: str) -> str | None:
    for k in keys:
        v = cfg.get(k)
        if isinstance(v, str) and v.strip():
            return v.strip()
    return None


def _jobseek_board(mtype: str, cfg: dict, url: str) -> tuple[str, str, str | None] | None:
    """(registry ats, board, base_url) of one jobseek board row."""
    ats = JOBSEEK_ATS.get(mtype)
    from_url = ats_from_url(url)
    if ats is None:  # generic monitors (dom, rss, sitemap, api_sniffer, ...) and unnamed ATSs
        return from_url or ("other", url, None)
    if ats in ("greenhouse", "ashby", "lever", "gem", "workable", "rippling", "join", "smartrecruiters"):
        token = _first(cfg, "token", "board_token", "org", "company", "slug", "company_identifier")
        if token:
            return ats, token, None
        return from_url if from_url and from_url[0] == ats else None
    if ats == "recruitee":
        api = _first(cfg, "api_base")
        if api and not host_of(api).endswith(".recruitee.com"):
            return ats, host_of(api), None  # a custom domain: its host (the slug is a placeholder)
        slug = _first(cfg, "slug", "token", "company", "company_slug")
        if slug:
            return ats, slug, None
        return from_url if from_url and from_url[0] == ats else None
    if ats in ("pinpoint", "personio", "breezy", "bamboohr"):
        slug = _first(cfg, "slug", "tenant")
        if slug:
            return ats, slug, None
        return from_url if from_url and from_url[0] == ats else None
    if ats == "workday":
        tenant = _first(cfg, "company", "tenant", "employer")
        site = _first(cfg, "site", "board", "site_id", "board_id", "job_board", "board_slug", "board_token")
        if tenant and site and host_of(url).endswith(".myworkdayjobs.com"):
            return ats, f"{tenant}/{site}", f"https://{host_of(url)}"
        return from_url if from_url and from_url[0] == ats else None  # (myworkdaysite.com: no board)
    if ats == "oracle":
        host, site = _first(cfg, "host"), _first(cfg, "site")
        if host and site:
            return ats, f"{host}/{site}", None
        return from_url if from_url and from_url[0] == ats else None
    if ats == "eightfold":
        qs = parse_qs(urlsplit(url).query)
        domain = (qs.get("domain") or [""])[0]
        return ats, domain, f"https://{host_of(url)}"  # no domain: filled from another list, or dropped
    if ats in ("icims", "avature"):
        return ats, _first(cfg, "host") or host_of(url), None
    if ats == "comeet":
        company, board_id = _first(cfg, "company"), _first(cfg, "board_id")
        if company and board_id:
            return ats, f"{company}/{board_id}", None
        return from_url if from_url and from_url[0] == ats else None
    if ats == "dayforce":
        tenant, portal = _first(cfg, "tenant"), _first(cfg, "portal")
        return (ats, f"{tenant}/{portal}", None) if tenant and portal else None
    if ats == "ukg":
        tenant, board_id, host = _first(cfg, "tenant"), _first(cfg, "board_id"), _first(cfg, "host")
        return (ats, f"{tenant}/{board_id}", f"https://{host}") if tenant and board_id and host else None
    return None


def read_jobseek(src: Path) -> Iterator[Record]:
    companies = _jobseek_companies(src)
    for row in _csv(src / "jobseek" / "boards.csv"):
        try:
            cfg = json.loads(row["monitor_config"]) if row["monitor_config"].strip() else {}
        except ValueError:
            cfg = {}
        if not isinstance(cfg, dict):
            cfg = {}
        url = row["board_url"].strip()
        # A typed monitor whose config and URL name no board (a custom domain) is a custom careers page.
        got = _jobseek_board(row["monitor_type"], cfg, url) or ("other", url, None)
        ats, board, base = got
        company = companies.get(row["company_slug"], {})
        lever_eu = ats == "lever" and cfg.get("region") == "eu"
        careers = url if ats != "lever" or not lever_eu else f"https://jobs.eu.lever.co/{board}"
        yield Record(
            "jobseek:boards", company.get("name") or row["company_slug"], ats, board, careers,
            website=company.get("website") or None, industry=company.get("industry") or None,
            group=row["company_slug"], base_url=base,
        )  # fmt: skip


def read_career_ops(src: Path) -> Iterator[Record]:
    lines = (src / "career-ops" / "portals.example.yml").read_text("utf-8").splitlines()
    start = lines.index("tracked_companies:")
    section, entry = "", None
    entries = []
    for line in lines[start + 1 :]:
        if line and not line.startswith(" ") and not line.startswith("#"):
            break  # the next top-level key
        m = re.match(r"^  # -- (.+?)(?: --)?\s*$", line)
        if m:
            section = m.group(1)
            continue
        m = re.match(r"^  - name: (.*)$", line)
        if m:
            entry = {"name": _yaml_scalar(m.group(1)), "section": section}
            entries.append(entry)
            continue
        m = re.match(r"^    ([a-z_]+): (.+)$", line)
        if m and entry is not None:
            entry[m.group(1)] = _yaml_scalar(m.group(2))
    for e in entries:
        url = e.get("careers_url", "")
        got = None
        api = e.get("api", "")
        m = re.search(r"boards-api\.greenhouse\.io/v1/boards/([^/]+)/", api)
        if m:
            got = ("greenhouse", m.group(1), None)
        m = re.search(r"api\.ashbyhq\.com/posting-api/job-board/([^/?]+)", api)
        if m:
            got = ("ashby", m.group(1), None)
        got = got or ats_from_url(url) or ("other", url, None)
        note = f"section {e['section']!r}" + (f", note: {e['notes']}" if e.get("notes") else "")
        yield Record("career-ops:portals", e["name"], got[0], got[1], url, note=note, base_url=got[2])


def read_tech_salary_radar(src: Path) -> Iterator[Record]:
    urls = {
        "ashby": "https://jobs.ashbyhq.com/{}", "greenhouse": "https://job-boards.greenhouse.io/{}",
        "lever": "https://jobs.lever.co/{}", "workable": "https://apply.workable.com/{}",
        "smartrecruiters": "https://careers.smartrecruiters.com/{}",
    }  # fmt: skip
    for e in json.loads((src / "tech-salary-radar" / "seed_companies.json").read_text("utf-8")):
        flag = "status=dead" if e.get("status") == "dead" else None
        yield Record(
            "tech-salary-radar:seed",
            e["name"],
            e["ats"],
            e["slug"],
            urls[e["ats"]].format(e["slug"]),
            flag=flag,
        )


def read_eightfold_extra(src: Path) -> Iterator[Record]:
    for row in _csv(src / "kalil0321-ats-scrapers" / "eightfold.csv"):
        host = host_of(row["url"])
        yield Record(
            "kalil0321:eightfold", row["name"], "eightfold", row["domain"].strip(),
            row["url"].strip() or f"https://{host}", base_url=f"https://{host}",
        )  # fmt: skip
    for e in read_yaml_list(src / "freehire" / "eightfold.yml"):
        host, _, domain = e["board"].partition("/")
        yield Record(
            "freehire:eightfold",
            e["company"],
            "eightfold",
            domain,
            f"https://{host}",
            base_url=f"https://{host}",
        )


# -- AI signals (README step 4), for one board --------------------------------------------------------
_NAME_AI_WORDS = re.compile(  # any case: "Foo AI", "11X Ai", "Apex.AI", "Neural Magic"
    r"(?<![A-Za-z])(?:ai|a\.i\.|llms?|genai)(?![A-Za-z])|(?<![A-Za-z])neural"  # "Neuralink" too
    r"|machine learning|artificial intelligence|deep learning",
    re.IGNORECASE,
)
# As companies write them, case-sensitive: glued "OpenAI", "BenevolentAI"; "ML" (lower-case is millilitre).
_NAME_AI_GLUED = re.compile(r"(?<=[a-z0-9])AI(?![A-Za-z])|(?<![A-Za-z])ML(?![A-Za-z])")
_NAME_ROBOTICS = re.compile(r"robot|autonom", re.IGNORECASE)
_TOKEN_PARTS = re.compile(r"[-_.\s]+")
ROBOTICS_INDUSTRY = "20"  # jobseek industries.csv


def name_mentions_ai(name: str) -> bool:
    return bool(_NAME_AI_WORDS.search(name) or _NAME_AI_GLUED.search(name))


def board_has_ai_part(ats: str, board: str) -> bool:
    if ats in ("other", "eightfold", "teamtailor", "icims", "avature", "successfactors", "oracle"):
        return False  # hosts and URLs: the .ai-domain rule reads those
    return any(p.lower() == "ai" for p in _TOKEN_PARTS.split(board.split("/")[-1]))


def on_ai_domain(url: str | None) -> bool:
    host = host_of(url or "")
    return host.endswith(".ai") and not any(host == h or host.endswith("." + h) for h in ATS_AI_HOSTS)


_CAREER_OPS_AI = re.compile(
    r"(?<![A-Za-z])(?:AI|ML|LLMs?|LLMOps|MLOps|NLP|GPU|STT|TTS)(?![A-Za-z])|machine learning|computer vision"
    r"|speech recognition|model",
)


def career_ops_ai(note: str | None) -> bool:
    """A career-ops entry is AI-specific when its note says so (the section alone is not enough:
    "AI-native platforms" lists Retool and Airtable)."""
    if not note:
        return False
    _, _, text = note.partition(", note: ")
    return bool(text and _CAREER_OPS_AI.search(text))


def normalize_key(name: str) -> str:
    """stapply ai_companies.json keys and names compared: lowercase letters and digits only."""
    return re.sub(r"[^a-z0-9]", "", ascii_fold(name).lower())


def ascii_fold(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


_LEGAL = (
    "inc", "llc", "ltd", "limited", "gmbh", "corp", "corporation", "co", "company", "plc", "sa", "ag",
    "bv", "nv", "sas", "srl", "spa", "ab", "as", "oy", "pty", "pte", "kg", "se", "lp", "llp", "incorporated",
)  # fmt: skip
GENERIC_NAMES = {
    "careers", "career", "jobs", "job", "human resources", "hr", "hive", "loop", "join us", "work with us",
    "recruiting", "recruitment", "talent", "hiring", "home", "company", "team", "external", "internal",
}  # fmt: skip


def normalized_name(name: str) -> str:
    """README step 3: ASCII-folded, lowercased, no (...), & -> and, no leading "the", no trailing legal
    forms, only letters and digits. "" for generic names, which never join boards."""
    text = ascii_fold(name).lower()
    text = re.sub(r"\([^)]*\)", " ", text).replace("&", " and ")
    words = re.findall(r"[a-z0-9]+", text)
    if words[:1] == ["the"]:
        words = words[1:]
    while len(words) > 1 and words[-1] in _LEGAL:
        words = words[:-1]
    if " ".join(words) in GENERIC_NAMES:
        return ""
    return "".join(words)


# -- the build -----------------------------------------------------------------------------------------
def _conflict_boards(cell: str) -> list[tuple[str, str]]:
    """(ats, board) of each `ats:board [labels]` in a curated conflict cell (`ats:?` names no board)."""
    out = []
    for part in cell.split(" | "):
        m = re.match(r"^([a-z_]+):(.+?) \[", part.strip())
        if m and m.group(2) != "?":
            out.append((m.group(1), m.group(2)))
    return out


def paybands_ats(ats: str) -> str:
    return ATS_RENAMES.get(ats, ats)


def build(registry: Path) -> tuple[list[dict[str, str]], dict[str, object]]:
    src = registry / "sources"
    dropped: Counter[str] = Counter()
    records = [
        *read_jobseek(src),
        *read_career_ops(src),
        *read_tech_salary_radar(src),
        *read_openings(src),
        *read_stapply(src),
        *read_eightfold_extra(src),
    ]
    # README step 2, Eightfold: a record without a domain takes it from another list with the same host.
    domain_of_host: dict[str, str] = {}
    for r in records:
        if r.ats == "eightfold" and r.board and r.base_url:
            domain_of_host.setdefault(host_of(r.base_url), r.board)
    for r in records:
        if r.ats == "eightfold" and not r.board:
            filled = domain_of_host.get(host_of(r.base_url or ""))
            if filled:
                r.board, r.flag = filled, "domain filled from another eightfold list"
            elif r.careers_url:  # no list names its domain: kept as the custom careers page it is
                r.ats, r.board, r.base_url = "other", r.careers_url, None
                r.extra = {"note": "an Eightfold tenant; no list gives its domain (the board paybands needs)"}
            else:
                dropped[f"{r.label}: eightfold tenant without a domain or URL"] += 1
    # README step 2, Workday: a locale URL backs a tenant only.
    tenant_only = [r for r in records if r.flag == "tenant only"]
    records = [r for r in records if r.board and r.flag != "tenant only"]
    by_key: dict[tuple[str, str], list[Record]] = defaultdict(list)
    for r in records:
        r.board = r.board.strip()
        ats = paybands_ats(r.ats)
        if not BOARD_PATTERNS[ats].fullmatch(r.board):
            dropped[f"{r.label}: {ats} board not well-formed"] += 1
            continue
        by_key[board_key(ats, r.board)].append(r)
    tenants: dict[str, list[Record]] = defaultdict(list)
    for r in tenant_only:
        tenants[r.board.lower()].append(r)

    curated = _csv(registry / "ai_companies.csv")
    curated_keys = {board_key(paybands_ats(c["ats"]), c["board"]): c for c in curated}
    alt_of: dict[tuple[str, str], list[dict[str, str]]] = defaultdict(list)
    for c in curated:
        for ats, board in _conflict_boards(c["conflict"]):
            alt_of[board_key(paybands_ats(ats), board)].append(c)
    stapply_ai = json.loads((src / "stapply-ats-scrapers" / "ai_companies.json").read_text("utf-8"))
    stapply_ai_keys = {(normalize_key(k), v) for k, v in stapply_ai.items() if v}
    missing_curated = [k for k in curated_keys if k not in by_key]

    rows: list[dict[str, str]] = []
    for key in sorted(set(by_key) | set(curated_keys)):
        recs = sorted(by_key.get(key, []), key=lambda r: (_rank(r.label), LABELS.index(r.label)))
        ats = key[0]
        cur = curated_keys.get(key)
        board = cur["board"] if cur else _pick_board(recs)
        rules = _ai_rules(ats, board, recs, stapply_ai_keys)
        extra: dict[str, str] = {}
        for r in reversed(recs):
            extra.update(r.extra)
        base = next((r.base_url for r in recs if r.base_url), None) if ats != "eightfold" else None
        if ats == "eightfold":  # the careers host of a validated list first (freehire), then the rest
            base = next(
                (
                    r.base_url
                    for r in sorted(recs, key=lambda r: r.label != "freehire:eightfold")
                    if r.base_url
                ),
                None,
            )
        if cur:
            name, careers, evidence, conflict = (
                cur["name"],
                cur["careers_url"],
                cur["evidence"],
                cur["conflict"],
            )
            if ats in ("eightfold", "workday", "ultipro") and cur["careers_url"]:
                base = _base_of(cur["careers_url"]) or base
            rules = ["curated", *rules]
        else:
            name = recs[0].name
            careers = next((r.careers_url for r in recs if r.careers_url), "") or ""
            evidence = _evidence(
                recs, tenants.get(board.split("/")[0].lower(), []) if ats == "workday" else []
            )
            conflict = ""
            if key in alt_of:
                conflict = "; ".join(
                    f"another board of curated {c['name']!r} (its primary: {paybands_ats(c['ats'])}:{c['board']}); "
                    "may be stale, regional or a name collision"
                    for c in alt_of[key]
                )
        rows.append(
            {
                "name": " ".join(name.split()),
                "ats": ats,
                "board": board,
                "supported": "true" if ats in SUPPORTED_SOURCES else "false",
                "ai_employer": "true" if rules else "false",
                "ai_rule": ";".join(dict.fromkeys(rules)),
                "careers_url": careers,
                "base_url": base or "",
                "evidence": evidence,
                "conflict": conflict,
                "extra": json.dumps(extra, sort_keys=True, ensure_ascii=False) if extra else "",
                "_group": ";".join(sorted({r.group for r in recs if r.group})),
                "_names": "\t".join(sorted({r.name for r in recs} | ({cur["name"]} if cur else set()))),
            }
        )
    _same_company_conflicts(rows)
    for row in rows:
        del row["_group"], row["_names"]
    rows.sort(key=lambda r: (r["name"].casefold(), r["ats"], r["board"].lower()))
    stats: dict[str, object] = {
        "records": len(records) + len(tenant_only),
        "rows": len(rows),
        "curated": len(curated),
        "curated_not_in_sources": missing_curated,
        "dropped": dict(sorted(dropped.items(), key=lambda kv: -kv[1])),
        "tenant_only_records": len(tenant_only),
    }
    return rows, stats


def _rank(label: str) -> int:
    return NAME_RANK.index(label.split(":")[0])


def _pick_board(recs: list[Record]) -> str:
    """The board as the best-ranked list writes it (its case; stapply lowercases URLs)."""
    return recs[0].board


def _base_of(careers_url: str) -> str | None:
    host = host_of(careers_url)
    return f"https://{host}" if host else None


def _evidence(recs: list[Record], tenant_only: list[Record]) -> str:
    seen: dict[str, None] = {}
    for r in sorted(recs, key=lambda r: LABELS.index(r.label)):
        seen[r.label + (f"({r.flag})" if r.flag else "")] = None
    for r in tenant_only:
        seen[f"{r.label}(tenant only)"] = None
    return ";".join(seen)


def _ai_rules(ats: str, board: str, recs: list[Record], stapply_ai: set[tuple[str, str]]) -> list[str]:
    rules = []
    names = {r.name for r in recs}
    if any(name_mentions_ai(n) for n in names):
        rules.append("name")
    if board_has_ai_part(ats, board):
        rules.append("board")
    if any(on_ai_domain(r.website) for r in recs) or any(on_ai_domain(r.careers_url) for r in recs):
        rules.append("domain")
    stapply_ats = {"ashby", "greenhouse", "lever", "workable"}
    if ats in stapply_ats and any(
        (normalize_key(n), ats) in stapply_ai or (normalize_key(board), ats) in stapply_ai for n in names
    ):
        rules.append("stapply_ai_list")
    if any(r.label == "career-ops:portals" and career_ops_ai(r.note) for r in recs):
        rules.append("career_ops_ai")
    if any(_NAME_ROBOTICS.search(n) for n in names) or any(r.industry == ROBOTICS_INDUSTRY for r in recs):
        rules.append("robotics")
    assert set(rules) <= set(AI_RULES)
    return rules


def _same_company_conflicts(rows: list[dict[str, str]]) -> None:
    """README step 3 for the rows that are not curated: boards under one normalized name (or one
    jobseek company) are one company; each such row lists the company's other boards in `conflict`.
    Curated rows keep the compiler's conflict cell (rows it names point back to it, see build); one
    left empty where this grouping finds other boards gets them, saying so."""
    parent = list(range(len(rows)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    first: dict[str, int] = {}
    for i, row in enumerate(rows):
        keys = {f"n:{normalized_name(n)}" for n in row["_names"].split("\t") if normalized_name(n)}
        keys |= {f"g:{g}" for g in row["_group"].split(";") if g}
        for k in keys:
            if k in first:
                parent[find(i)] = find(first[k])
            else:
                first[k] = i
    groups: dict[int, list[int]] = defaultdict(list)
    for i in range(len(rows)):
        groups[find(i)].append(i)
    for members in groups.values():
        if len(members) < 2:
            continue
        for i in members:
            row = rows[i]
            if row["conflict"]:
                continue
            others = [rows[j] for j in members if j != i]
            others.sort(key=lambda r: (r["ats"], r["board"].lower()))
            shown = " | ".join(f"{o['ats']}:{o['board']} [{o['evidence']}]" for o in others[:8])
            more = f" | … {len(others) - 8} more" if len(others) > 8 else ""
            row["conflict"] = "same company, other boards: " + shown + more
            if "curated" in row["ai_rule"].split(";"):  # the compiler's grouping missed these
                row["conflict"] += (
                    " (found by this build: the same normalized name; ai_companies.csv lists none)"
                )


def write(rows: list[dict[str, str]], out: Path) -> None:
    buf = io.StringIO(newline="")
    w = csv.DictWriter(buf, fieldnames=list(COLUMNS), lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    data = buf.getvalue().encode("utf-8")
    if out.suffix == ".gz":
        raw = io.BytesIO()
        with gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=9) as gz:
            gz.write(data)
        data = raw.getvalue()
    out.write_bytes(data)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--registry", type=Path, default=ROOT.parent / "shared" / "registry")
    ap.add_argument("--out", type=Path, default=ROOT / "scraper" / "data" / "registry.csv.gz")
    args = ap.parse_args()
    rows, stats = build(args.registry)
    write(rows, args.out)
    by_ats = Counter(r["ats"] for r in rows)
    ai = sum(r["ai_employer"] == "true" for r in rows)
    print(f"{stats['rows']:,} boards from {stats['records']:,} source records -> {args.out}")
    print(f"ai_employer: {ai:,} ({stats['curated']:,} curated)")
    print("by ats: " + ", ".join(f"{a} {n:,}" for a, n in by_ats.most_common()))
    print(f"workday locale URLs (tenant only, evidence only): {stats['tenant_only_records']:,}")
    for reason, n in stats["dropped"].items():  # type: ignore[attr-defined]
        print(f"left out: {n:,} {reason}")
    if stats["curated_not_in_sources"]:
        print(
            f"curated rows no source list names (kept from ai_companies.csv): {stats['curated_not_in_sources']}"
        )


if __name__ == "__main__":
    main()
