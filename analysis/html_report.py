"""The recruiter's HTML report: one self-contained index.html plus its charts as .svg files.

Self-contained: inline CSS, charts inlined as SVG, no scripts, no external URLs (a
Content-Security-Policy meta tag forbids scripts and remote loads outright, as a second
line of defence). Every string that came from a crawled board is escaped with `esc`
(html.escape, quotes included) wherever it lands: text, attributes, SVG <text>/<title>.
Links to postings are kept only for http(s) URLs, so a `javascript:` URL is never a link.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from string import capwords
from urllib.parse import urlsplit

import duckdb
import polars as pl

from scraper.replay.data_status import STATUS_WORDS, banner, data_status_counts
from scraper.salary.pay import fx_table

from . import stats
from .charts import IntervalRow, TrendPoint, esc, interval_chart, money, trend_chart
from .explorer import EXPLORER_CSS, explorer_section
from .queries import run_query
from .report import coverage, last_run, place_scope

MAX_COMPANIES = 25  # rows in the company chart; the table below it lists them all
MAX_COUNTRIES = 15
TOP_POSTINGS = 20

CSS = """
:root { --ink:#1f2937; --muted:#6b7280; --line:#e5e7eb; --accent:#1d4ed8; --warn:#b45309; --warnbg:#fffbeb; }
* { box-sizing: border-box; }
body { margin:0; background:#f3f4f6; color:var(--ink);
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; }
main { max-width: 980px; margin: 0 auto; padding: 28px 20px 60px; }
header h1 { margin: 0 0 4px; font-size: 28px; }
header p { margin: 0; color: var(--muted); }
.cards { display:grid; grid-template-columns: repeat(auto-fit, minmax(170px, 1fr)); gap: 12px; margin: 20px 0; }
.card { background:#fff; border:1px solid var(--line); border-radius:10px; padding:12px 16px; }
.card b { display:block; font-size: 24px; }
.card span { color: var(--muted); font-size: 13px; }
section { background:#fff; border:1px solid var(--line); border-radius:12px; padding: 20px 24px; margin: 18px 0; }
section h2 { margin: 0 0 6px; font-size: 20px; }
p.caption { color: var(--muted); margin: 4px 0 14px; max-width: 80ch; }
.howto { background:#eff6ff; border-color:#bfdbfe; }
.howto ul { margin: 6px 0 0 18px; padding: 0; }
.warn { background: var(--warnbg); border:1px solid #fcd34d; border-radius:8px; padding: 8px 12px; color:#78350f;
  margin: 10px 0; }
figure { margin: 0; overflow-x: auto; }
svg.chart { max-width: 100%; height: auto; display:block; }
table { border-collapse: collapse; width: 100%; margin-top: 12px; font-size: 14px; }
th, td { text-align: left; padding: 6px 8px; border-bottom: 1px solid var(--line); vertical-align: top;
  overflow-wrap: anywhere; }
th { font-size: 12px; text-transform: uppercase; letter-spacing: .03em; color: var(--muted); }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap;
  overflow-wrap: normal; }
td small { color: var(--muted); }
tr.small td { background: var(--warnbg); }
.badge { display:inline-block; font-size: 11px; padding: 1px 6px; border-radius: 9px; background:#fde68a;
  color:#78350f; margin-left: 6px; white-space: nowrap; }
details summary { cursor: pointer; color: var(--accent); margin-top: 10px; }
footer { color: var(--muted); font-size: 13px; margin-top: 24px; }
a { color: var(--accent); }
"""


@dataclass(slots=True)
class Chart:
    name: str  # file stem under charts/
    svg: str


@dataclass(slots=True)
class Report:
    html: str
    charts: list[Chart] = field(default_factory=list)


def _safe_url(url: object) -> str | None:
    """The URL if it is plain http(s); anything else (javascript:, data:) is not linked."""
    if not isinstance(url, str):
        return None
    try:
        scheme = urlsplit(url.strip()).scheme.lower()
    except ValueError:
        return None
    return url.strip() if scheme in ("http", "https") else None


def _int(v: int | float | None) -> str:
    return f"{int(v):,}" if v is not None else "–"


def _pretty(label: str) -> str:
    """role_family / seniority codes as words: ml_engineer -> Ml engineer -> ML engineer."""
    if label == "unstated":  # a seniority: the title names no level (kept apart from mid)
        return "Level not stated"
    words = str(label).replace("_", " ")
    words = words[:1].upper() + words[1:]
    for acr in ("Ml ", "Ai ", "Ml", "Ai"):
        if words.startswith(acr):
            words = acr.upper() + words[len(acr) :]
            break
    return words


@cache
def _country_names() -> dict[str, str]:
    """ISO code -> English name, from the location normalizer's table (codes only if it changes shape)."""
    try:
        from . import locations

        return {
            code: capwords(names[0]).replace(" And ", " and ").replace(" Of ", " of ")
            for code, names in locations._parse_table(locations._COUNTRIES_TEXT)
            if names
        }
    except (ImportError, AttributeError, ValueError, TypeError):
        return {}


def _country_label(code: str) -> str:
    name = _country_names().get(code)
    return f"{name} ({code})" if name else code


def _table(headers: list[tuple[str, bool]], rows: list[list[str]], small: list[bool] | None = None) -> str:
    """headers: (label, numeric); cells are already-escaped HTML."""
    head = "".join(f'<th class="num">{esc(h)}</th>' if num else f"<th>{esc(h)}</th>" for h, num in headers)
    body = []
    for i, row in enumerate(rows):
        cls = ' class="small"' if small and small[i] else ""
        cells = "".join(
            f'<td class="num">{c}</td>' if num else f"<td>{c}</td>"
            for c, (_, num) in zip(row, headers, strict=True)
        )
        body.append(f"<tr{cls}>{cells}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _label(by: str, value: object) -> str:
    if by == "seniority":
        return _pretty(str(value))
    if by == "country":
        return _country_label(str(value))
    return str(value)


def _few(small: bool) -> str:
    return '<span class="badge">few postings</span>' if small else ""


def _scope(
    con: duckdb.DuckDBPyConnection, role_family: str | None, title: str | None
) -> tuple[bool, str, bool]:
    """(ai_only, description, taxonomy_available) for the report's selection."""
    n_ai, n_classified = con.sql(
        "SELECT count(*) FILTER (is_ai_ml), count(*) FILTER (role_family IS NOT NULL) FROM postings "
        "WHERE is_active AND duplicate_of IS NULL"
    ).fetchall()[0]
    parts = []
    if role_family:
        parts.append(f"role family “{_pretty(role_family)}”")
    if title:
        parts.append(f"titles containing “{title}”")
    ai_only = not role_family and not title and n_ai > 0
    if ai_only:
        parts.append("AI/ML postings")
    if not parts:
        parts.append("all postings")
    return ai_only, " and ".join(parts), n_classified > 0


def _company_section(
    bands: pl.DataFrame, family: str | None, family_text: str, min_n: int
) -> tuple[str, Chart]:
    ranges = stats.company_ranges(bands, family, min_n=min_n)
    shown = ranges.head(MAX_COMPANIES)
    rows = [
        IntervalRow(
            label=r["company"],
            lo=r["low"],
            q1=r["min_p50"],
            mid=r["mid_p50"],
            q3=r["max_p50"],
            hi=r["high"],
            n=r["postings"],
            small=r["small_group"],
            tooltip=(
                f"{r['company']}: typical band {money(r['min_p50'])}–{money(r['max_p50'])}, "
                f"median midpoint {money(r['mid_p50'])}, {r['postings']} postings"
            ),
        )
        for r in shown.iter_rows(named=True)
    ]
    title = f"Base-salary bands per company: {family_text}"
    svg = interval_chart(
        rows,
        chart_id="company-bands",
        title=title,
        desc="One row per company: typical posted base-salary band, median midpoint, and spread of posted ranges.",
    )
    more = (
        f" Showing the {MAX_COMPANIES} highest-paying of {len(ranges)} companies."
        if len(ranges) > len(shown)
        else ""
    )
    table = _table(
        [
            ("Company", False),
            ("Postings", True),
            ("Typical band", True),
            ("Median midpoint", True),
            ("Highest posted max", True),
        ],
        [
            [
                esc(r["company"]) + _few(r["small_group"]),
                _int(r["postings"]),
                esc(f"{money(r['min_p50'], short=False)} – {money(r['max_p50'], short=False)}"),
                esc(money(r["mid_p50"], short=False)),
                esc(money(r["highest_max"], short=False)),
            ]
            for r in ranges.iter_rows(named=True)
        ],
        small=ranges["small_group"].to_list(),
    )
    html_ = f"""
<section id="companies">
  <h2>{esc(title)}</h2>
  <p class="caption">Each row is a company, highest median first. The <b>dark line</b> is the median midpoint of its
  posted base-salary bands; the <b>blue box</b> runs from the median band minimum to the median band maximum (the
  typical band); the <b>thin line</b> runs from the lower posted minimums (10th percentile) to the higher posted
  maximums (90th percentile). <b>Amber dashed</b> rows have fewer than {min_n} postings: an anecdote, not a pay
  policy.{esc(more)}</p>
  <figure>{svg}</figure>
  <details><summary>Show the numbers ({len(ranges)} companies)</summary>{table}</details>
</section>"""
    return html_, Chart("company-bands", svg)


def _distribution_section(
    bands: pl.DataFrame,
    *,
    by: str,
    section_id: str,
    title: str,
    caption: str,
    min_n: int,
    order: pl.Expr | None = None,
    limit: int | None = None,
    unclassified_note: str = "",
) -> tuple[str, Chart]:
    dist = stats.pay_distribution(bands, by, min_n=min_n)
    dist = dist.sort(order) if order is not None else dist.sort(["postings", by], descending=[True, False])
    total = len(dist)
    if limit is not None:
        dist = dist.head(limit)
    rows = [
        IntervalRow(
            label=_label(by, r[by]),
            lo=r["p10"],
            q1=r["p25"],
            mid=r["p50"],
            q3=r["p75"],
            hi=r["p90"],
            n=r["postings"],
            small=r["small_group"],
            tooltip=(
                f"{_label(by, r[by])}: median {money(r['p50'])}, middle half {money(r['p25'])}–{money(r['p75'])}, "
                f"{r['postings']} postings, {r['n']} bands"
            ),
        )
        for r in dist.iter_rows(named=True)
    ]
    svg = interval_chart(
        rows,
        chart_id=section_id,
        title=title,
        desc="Box plot of annual base-salary band midpoints per group.",
    )
    table = _table(
        [
            (by.replace("_", " ").capitalize(), False),
            ("Postings", True),
            ("Bands", True),
            ("10th pct", True),
            ("25th pct", True),
            ("Median", True),
            ("75th pct", True),
            ("90th pct", True),
        ],
        [
            [
                esc(_label(by, r[by])) + _few(r["small_group"]),
                _int(r["postings"]),
                _int(r["n"]),
                *(esc(money(r[p], short=False)) for p in ("p10", "p25", "p50", "p75", "p90")),
            ]
            for r in dist.iter_rows(named=True)
        ],
        small=dist["small_group"].to_list(),
    )
    more = f" Showing the {limit} largest of {total}." if limit is not None and total > limit else ""
    note = f'<p class="warn">{esc(unclassified_note)}</p>' if unclassified_note else ""
    html_ = f"""
<section id="{esc(section_id)}">
  <h2>{esc(title)}</h2>
  <p class="caption">{caption}{esc(more)}</p>
  {note}
  <figure>{svg}</figure>
  <details><summary>Show the numbers</summary>{table}</details>
</section>"""
    return html_, Chart(section_id, svg)


def _trend_section(trend: pl.DataFrame, scope_text: str) -> tuple[str, Chart]:
    base = trend.filter(pl.col("pay_type") == "base").drop_nulls("mid_p50")
    points = [
        TrendPoint(r["crawl_date"], r["mid_p25"], r["mid_p50"], r["mid_p75"], r["bands"])
        for r in base.iter_rows(named=True)
    ]
    title = "Base pay across crawls"
    svg = trend_chart(
        points,
        chart_id="trend",
        title=title,
        desc="Median annual base-salary band midpoint at each crawl date, with the middle half shaded.",
    )
    html_ = f"""
<section id="trend">
  <h2>{esc(title)}</h2>
  <p class="caption">The median midpoint of the base-salary bands open on each crawl date ({esc(scope_text)}), with
  the middle half (25th to 75th percentile) shaded. A move can mean companies changed their bands or that different
  jobs were open; the band count for each date is in the tooltip. Percentiles here are within about $1,000 of exact.</p>
  <figure>{svg}</figure>
</section>"""
    return html_, Chart("trend", svg)


def _non_base_section(tvb: pl.DataFrame) -> str:
    other = tvb.filter(pl.col("pay_type") != "base")
    if other.is_empty():
        return """
<section id="total-comp">
  <h2>Total compensation and OTE</h2>
  <p class="caption">No total-compensation or on-target-earnings ranges in this selection: every range above is
  base salary.</p>
</section>"""
    rows = [
        [
            esc(r["group"]),
            esc(
                {"total": "Total compensation", "ote": "On-target earnings", "unknown": "Not stated"}.get(
                    r["pay_type"], r["pay_type"]
                )
            ),
            _int(r["postings"]),
            esc(money(r["mid_p50"], short=False)),
            esc(f"{r['vs_base']:.2f}×") if r["vs_base"] is not None else "no base bands",
        ]
        for r in other.iter_rows(named=True)
    ]
    table = _table(
        [
            ("Company", False),
            ("Pay type", False),
            ("Postings", True),
            ("Median midpoint", True),
            ("vs. its base median", True),
        ],
        rows,
    )
    return f"""
<section id="total-comp">
  <h2>Total compensation and OTE are not base salary</h2>
  <p class="caption">Some companies post <b>total compensation</b> ranges (base + bonus + equity, e.g. Netflix's
  “market range”) or <b>on-target earnings</b> (base + commission at target, common in sales). These are not
  comparable with base-salary ranges, so the charts above leave them out. Here they are on their own, next to the
  same company's base median where it has one.</p>
  {table}
</section>"""


def _top_postings_section(bands: pl.DataFrame, limit: int = TOP_POSTINGS) -> str:
    # One row per posting (its best-paid zone): five zone bands of one job are still one job.
    top = (
        bands.sort(["annual_max_usd", "posting_id"], descending=[True, False], nulls_last=True)
        .unique(subset="posting_id", keep="first", maintain_order=True)
        .head(limit)
    )
    rows = []
    for r in top.iter_rows(named=True):
        url = _safe_url(r["url"])
        name = esc(r["title"])
        if url:
            name = f'<a href="{esc(url)}" rel="noopener noreferrer nofollow">{name}</a>'
        if r.get("data_status"):  # demo data that is not a recording says so in its row
            name += f' <span class="badge">{esc(STATUS_WORDS.get(r["data_status"], r["data_status"]))}</span>'
        lo = f"{r['min_amount']:,.0f}" if r["min_amount"] is not None else "…"
        hi = f"{r['max_amount']:,.0f}" if r["max_amount"] is not None else "…"
        posted = f"{esc(r['currency'])} {lo} – {hi}<br><small>per {esc(r['period'])}</small>"
        rows.append(
            [
                esc(r["company"]),
                name,
                esc(r["location"] or "")
                + (f"<br><small>band for: {esc(r['zone'])}</small>" if r["zone"] else ""),
                posted,
                esc(f"{money(r['annual_min_usd'])} – {money(r['annual_max_usd'])}"),
            ]
        )
    table = _table(
        [
            ("Company", False),
            ("Title", False),
            ("Location", False),
            ("As posted", True),
            ("Annual USD", True),
        ],
        rows,
    )
    return f"""
<section id="top-postings">
  <h2>Highest posted base-salary ranges</h2>
  <p class="caption">The {len(rows)} postings in this selection with the highest top of range, as the company posted
  them and converted to annual US dollars. Where a posting has different ranges for different places, the
  best-paid one is shown.</p>
  {table}
</section>"""


def render_report(
    con: duckdb.DuckDBPyConnection,
    *,
    role_family: str | None = None,
    title: str | None = None,
    min_n: int = stats.MIN_N,
    generated_at: datetime | None = None,
    limit: int = TOP_POSTINGS,
    places: dict | None = None,
) -> Report:
    """Build the report's HTML and charts from the database (no files written). `places`: the
    place filters (country, metro, city, remote), as the named queries take them."""
    places = places or {}
    ai_only, scope_text, classified = _scope(con, role_family, title)
    scope_text += place_scope(places)
    bands = stats.load_bands(con, role_family=role_family, title=title, ai_only=ai_only, **places)
    fx = fx_table()
    run = last_run(con)
    cov = coverage(con)
    generated_at = generated_at or datetime.now(UTC)

    # The company chart is for one role family: the one asked for; with a title search, the postings
    # matching it (the largest family among them was a chart of 2 engineering managers for "machine
    # learning"); else the largest classified family.
    family = role_family
    if family is None and not title:
        fams = (
            bands.filter(~pl.col("role_family").is_in(["other", "unclassified"]))
            .group_by("role_family")
            .agg(pl.col("posting_id").n_unique().alias("n"))
            .sort(["n", "role_family"], descending=[True, False])
        )
        family = fams["role_family"][0] if len(fams) else None
    if family:
        family_text = _pretty(family)
    elif title:
        family_text = scope_text
    else:
        family_text = f"{scope_text} (roles not classified yet)"

    qparams = {"role_family": role_family or "", "title": title or "", "ai_only": ai_only, **places}
    trend = run_query(con, "pay-trend", {**qparams, "pay_type": "base"})
    tvb = run_query(con, "total-vs-base", {**qparams, "by": "company", "mixed_only": False})

    sections, charts = [], []
    html_, chart = _company_section(bands, family, family_text, min_n)
    sections.append(html_)
    charts.append(chart)
    box_caption = (
        "Each row is a group of postings. The <b>dark line</b> is the median midpoint of their base-salary bands, the "
        "<b>box</b> holds the middle half (25th to 75th percentile), the <b>thin line</b> runs from the 10th to the "
        f"90th percentile. <b>Amber dashed</b> rows have fewer than {min_n} postings."
    )
    no_seniority = bands.is_empty() or bands["seniority"].eq("unknown").all()
    html_, chart = _distribution_section(
        bands,
        by="seniority",
        section_id="seniority",
        title=f"Base pay by seniority: {scope_text}",
        caption=box_caption,
        min_n=min_n,
        order=stats.seniority_rank(),
        unclassified_note=(
            "Seniority has not been classified for these postings yet, so they all show as “Unknown”."
            if no_seniority
            else ""
        ),
    )
    sections.append(html_)
    charts.append(chart)
    no_country = bands.is_empty() or bands["country"].eq("unknown").all()
    html_, chart = _distribution_section(
        bands,
        by="country",
        section_id="countries",
        title=f"Base pay by country: {scope_text}",
        caption=box_caption + " Countries with the most postings first.",
        min_n=min_n,
        limit=MAX_COUNTRIES,
        unclassified_note=(
            "Locations have not been classified into countries yet, so they all show as “unknown”."
            if no_country
            else ""
        ),
    )
    sections.append(html_)
    charts.append(chart)
    html_, chart = _trend_section(trend, scope_text)
    sections.append(html_)
    charts.append(chart)
    sections.append(_non_base_section(tvb))
    sections.append(_top_postings_section(bands, limit))
    explorer = explorer_section(con, ai_only=ai_only)

    open_postings = int(cov["postings"].sum()) if len(cov) else 0
    with_pay = int(cov["with_pay"].sum()) if len(cov) else 0
    crawl_text = "no crawl yet"
    if run:
        _, started, status, _, failed = run
        crawl_text = f"{started:%B %d, %Y}"
        if failed:
            crawl_text += f" ({failed} {'company' if failed == 1 else 'companies'} could not be crawled)"
    in_report = int(bands.select(pl.col("posting_id").n_unique()).item()) if len(bands) else 0
    demo_note = banner(data_status_counts(con))
    taxonomy_note = (
        ""
        if classified
        else '<p class="warn">Job titles have not been classified into role families, seniority and countries yet; '
        "those breakdowns show everything as unclassified / unknown until the next crawl.</p>"
    )
    try:
        pkg_version = version("paybands")
    except PackageNotFoundError:
        pkg_version = "dev"

    cards = "".join(
        f'<div class="card"><b>{esc(v)}</b><span>{esc(k)}</span></div>'
        for k, v in (
            ("open postings", f"{open_postings:,}"),
            (
                "state their pay",
                f"{with_pay:,}" + (f" ({100 * with_pay / open_postings:.0f}%)" if open_postings else ""),
            ),
            ("companies", f"{len(cov):,}"),
            ("postings in this report", f"{in_report:,}"),
        )
    )
    page = f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src 'sha256-{explorer.script_hash}'">
<meta name="referrer" content="no-referrer">
<title>Pay bands report: {esc(scope_text)}</title>
<style>{CSS}{EXPLORER_CSS}</style>
</head>
<body>
<main>
<header>
  <h1>Pay bands report</h1>
  <p>{esc(scope_text[:1].upper() + scope_text[1:])} · last crawl {esc(crawl_text)} · US-dollar amounts at exchange
  rates of {esc(fx.as_of)}</p>
</header>
<div class="cards">{cards}</div>
{f'<p class="warn" id="data-status">{esc(demo_note[:1].upper() + demo_note[1:])}.</p>' if demo_note else ""}
{taxonomy_note}
<section class="howto">
  <h2>How to read this report</h2>
  <ul>
    <li>Every amount is the <b>pay range a company posted</b> in a job ad, turned into a yearly amount
      (hourly × 2,080, monthly × 12) and converted to US dollars at the exchange rates of {esc(fx.as_of)}.</li>
    <li>The <b>midpoint</b> of a range is halfway between its minimum and maximum.</li>
    <li>Charts and tables show <b>base salary</b> only. <b>Total-compensation ranges</b> (base + bonus + equity,
      e.g. Netflix) and <b>on-target earnings</b> (base + commission) are <b>not base pay</b> and are shown apart,
      at the end.</li>
    <li>Groups with <b>fewer than {min_n} postings</b> are marked <span class="badge">few postings</span> and drawn
      amber and dashed: too few to call it a market rate.</li>
    <li>Salary <b>estimates</b> made by job sites are left out: only pay the employer posted counts.</li>
  </ul>
</section>
{explorer.html}
{"".join(sections)}
<footer>
  Generated {esc(generated_at.strftime("%B %d, %Y %H:%M UTC"))} by paybands {esc(pkg_version)} from the job boards'
  own postings. Exchange rates as of {esc(fx.as_of)}. Charts are also saved as SVG files in the charts/ folder next to
  this page.
</footer>
</main>
</body>
</html>
"""
    return Report(page, charts)


def write_report(
    con: duckdb.DuckDBPyConnection,
    out_dir: Path,
    *,
    role_family: str | None = None,
    title: str | None = None,
    min_n: int = stats.MIN_N,
    limit: int = TOP_POSTINGS,
    places: dict | None = None,
) -> Path:
    """Write out_dir/index.html and out_dir/charts/*.svg; returns the index path."""
    report = render_report(con, role_family=role_family, title=title, min_n=min_n, limit=limit, places=places)
    charts_dir = out_dir / "charts"
    charts_dir.mkdir(parents=True, exist_ok=True)
    for chart in report.charts:
        (charts_dir / f"{chart.name}.svg").write_text(chart.svg + "\n", "utf-8")
    index = out_dir / "index.html"
    index.write_text(report.html, "utf-8")
    return index
