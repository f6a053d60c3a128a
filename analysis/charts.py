"""Hand-written SVG charts: interval rows (pay ranges, box plots) and a trend line.

No plotting library: the charts are small, self-contained strings that inline into the HTML
report and also stand alone as .svg files. Every piece of text that can come from a crawled
board (company names, titles, locations) goes through `esc`, including <title> tooltips:
an SVG inlined in HTML is parsed as HTML, so unescaped text there is markup.
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif"
INK = "#1f2937"
MUTED = "#6b7280"
GRID = "#e5e7eb"
BOX_FILL = "#bfdbfe"
BOX_STROKE = "#1d4ed8"
MEDIAN = "#1e3a8a"
SMALL_FILL = "#fef3c7"
SMALL_STROKE = "#b45309"
BAND_FILL = "#dbeafe"


def esc(value: object) -> str:
    """Escape for HTML/SVG text and attribute values (quotes too)."""
    return html.escape("" if value is None else str(value), quote=True)


def money(value: float | None, *, short: bool = True) -> str:
    """$185k / $1.2M for axes and labels; $185,000 when not short."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if not short:
        return f"${value:,.0f}"
    v = abs(value)
    sign = "-" if value < 0 else ""
    if v >= 1_000_000:
        return f"{sign}${v / 1_000_000:.2f}".rstrip("0").rstrip(".") + "M"
    if v >= 1_000:
        return f"{sign}${v / 1_000:.0f}k"
    return f"{sign}${v:.0f}"


def nice_ticks(lo: float, hi: float, target: int = 6) -> list[float]:
    """Round tick values covering [lo, hi]: steps of 1, 2, 2.5 or 5 x 10^k."""
    if hi <= lo:
        pad = abs(lo) * 0.1 or 1.0
        lo, hi = lo - pad, hi + pad
    raw = (hi - lo) / max(target - 1, 1)
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)
    start = math.floor(lo / step) * step
    ticks, t = [], start
    while t < hi + step * 0.999:
        ticks.append(round(t, 6))
        t += step
    return ticks


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "chart"


def _svg_open(chart_id: str, width: int, height: int, title: str, desc: str) -> list[str]:
    cid = _slug(chart_id)
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="{cid}" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-labelledby="{cid}-t {cid}-d" '
        f'font-family="{esc(FONT)}" font-size="12" fill="{INK}">',
        f'<title id="{cid}-t">{esc(title)}</title>',
        f'<desc id="{cid}-d">{esc(desc)}</desc>',
        f'<rect width="{width}" height="{height}" fill="#ffffff"/>',
    ]


def _empty(chart_id: str, title: str, message: str, width: int = 880) -> str:
    parts = _svg_open(chart_id, width, 80, title, message)
    parts.append(f'<text x="{width / 2}" y="45" text-anchor="middle" fill="{MUTED}">{esc(message)}</text>')
    parts.append("</svg>")
    return "\n".join(parts)


@dataclass(slots=True, frozen=True)
class IntervalRow:
    """One row of an interval chart: whisker lo..hi, box q1..q3, marker at mid."""

    label: str
    lo: float
    q1: float
    mid: float
    q3: float
    hi: float
    n: int
    small: bool = False
    tooltip: str = ""


def interval_chart(
    rows: Sequence[IntervalRow],
    *,
    chart_id: str,
    title: str,
    desc: str,
    axis_label: str = "Annual pay, USD",
    width: int = 880,
    row_height: int = 30,
    label_chars: int = 34,
) -> str:
    """Horizontal intervals, one row per group: a box plot or a range-bar chart.

    Small groups (too few postings to trust) are drawn dashed and amber, with "few" next to n,
    so a reader sees the warning on the chart itself rather than in a footnote.
    """
    if not rows:
        return _empty(chart_id, title, "No pay bands to show for this selection.", width)
    label_w = min(280, 24 + round(7.6 * max(len(_clip(r.label, label_chars)) for r in rows)))
    right_w = 84
    top, bottom = 12, 46
    plot_l, plot_r = label_w, width - right_w
    height = top + row_height * len(rows) + bottom
    ticks = nice_ticks(min(r.lo for r in rows), max(r.hi for r in rows), 8)
    x0, x1 = ticks[0], ticks[-1]

    def x(v: float) -> float:
        return round(plot_l + (v - x0) / (x1 - x0) * (plot_r - plot_l), 1)

    parts = _svg_open(chart_id, width, height, title, desc)
    axis_y = top + row_height * len(rows)
    for i in range(len(rows)):
        if i % 2:
            parts.append(
                f'<rect x="0" y="{top + i * row_height}" width="{width}" height="{row_height}" fill="#f9fafb"/>'
            )
    for t in ticks:
        parts.append(f'<line x1="{x(t)}" y1="{top}" x2="{x(t)}" y2="{axis_y}" stroke="{GRID}"/>')
        parts.append(
            f'<text x="{x(t)}" y="{axis_y + 16}" text-anchor="middle" fill="{MUTED}">{esc(money(t))}</text>'
        )
    parts.append(f'<line x1="{plot_l}" y1="{axis_y}" x2="{plot_r}" y2="{axis_y}" stroke="{MUTED}"/>')
    parts.append(
        f'<text x="{(plot_l + plot_r) / 2}" y="{axis_y + 36}" text-anchor="middle" fill="{MUTED}">'
        f"{esc(axis_label)}</text>"
    )
    for i, r in enumerate(rows):
        cy = top + i * row_height + row_height / 2
        fill, stroke = (SMALL_FILL, SMALL_STROKE) if r.small else (BOX_FILL, BOX_STROKE)
        dash = ' stroke-dasharray="4 3"' if r.small else ""
        tip = r.tooltip or r.label
        parts.append(f'<g class="row{" small" if r.small else ""}">')
        parts.append(f"<title>{esc(tip)}</title>")
        parts.append(
            f'<text x="{plot_l - 10}" y="{cy + 4}" text-anchor="end">{esc(_clip(r.label, label_chars))}</text>'
        )
        parts.append(
            f'<line x1="{x(r.lo)}" y1="{cy}" x2="{x(r.hi)}" y2="{cy}" stroke="{MUTED}" stroke-width="1.5"/>'
        )
        for end in (r.lo, r.hi):
            parts.append(
                f'<line x1="{x(end)}" y1="{cy - 6}" x2="{x(end)}" y2="{cy + 6}" stroke="{MUTED}" stroke-width="1.5"/>'
            )
        box_w = max(x(r.q3) - x(r.q1), 2)
        parts.append(
            f'<rect x="{x(r.q1)}" y="{cy - 8}" width="{box_w}" height="16" rx="3" fill="{fill}" '
            f'stroke="{stroke}" stroke-width="1.2"{dash}/>'
        )
        parts.append(
            f'<line x1="{x(r.mid)}" y1="{cy - 10}" x2="{x(r.mid)}" y2="{cy + 10}" stroke="{MEDIAN}" stroke-width="2.5"/>'
        )
        note = f"n={r.n}" + (" · few" if r.small else "")
        color = SMALL_STROKE if r.small else MUTED
        parts.append(f'<text x="{plot_r + 10}" y="{cy + 4}" fill="{color}">{esc(note)}</text>')
        parts.append("</g>")
    parts.append("</svg>")
    return "\n".join(parts)


@dataclass(slots=True, frozen=True)
class TrendPoint:
    day: date
    p25: float
    p50: float
    p75: float
    n: int


def trend_chart(
    points: Sequence[TrendPoint],
    *,
    chart_id: str,
    title: str,
    desc: str,
    width: int = 880,
    height: int = 300,
) -> str:
    """Median per crawl date as a line, with the middle half (p25-p75) shaded behind it."""
    if not points:
        return _empty(chart_id, title, "No crawls with pay bands yet.", width)
    pts = sorted(points, key=lambda p: p.day)
    left, right, top, bottom = 72, 24, 16, 46
    ticks = nice_ticks(min(p.p25 for p in pts), max(p.p75 for p in pts), 5)
    y0, y1 = ticks[0], ticks[-1]
    d0, d1 = pts[0].day.toordinal(), pts[-1].day.toordinal()

    def x(d: date) -> float:
        if d1 == d0:
            return round((left + width - right) / 2, 1)
        return round(left + (d.toordinal() - d0) / (d1 - d0) * (width - left - right), 1)

    def y(v: float) -> float:
        return round(top + (1 - (v - y0) / (y1 - y0)) * (height - top - bottom), 1)

    parts = _svg_open(chart_id, width, height, title, desc)
    for t in ticks:
        parts.append(f'<line x1="{left}" y1="{y(t)}" x2="{width - right}" y2="{y(t)}" stroke="{GRID}"/>')
        parts.append(
            f'<text x="{left - 8}" y="{y(t) + 4}" text-anchor="end" fill="{MUTED}">{esc(money(t))}</text>'
        )
    base_y = height - bottom
    parts.append(f'<line x1="{left}" y1="{base_y}" x2="{width - right}" y2="{base_y}" stroke="{MUTED}"/>')
    if len(pts) > 1:
        upper = " ".join(f"{x(p.day)},{y(p.p75)}" for p in pts)
        lower = " ".join(f"{x(p.day)},{y(p.p25)}" for p in reversed(pts))
        parts.append(f'<polygon points="{upper} {lower}" fill="{BAND_FILL}" stroke="none"/>')
        line = " ".join(f"{x(p.day)},{y(p.p50)}" for p in pts)
        parts.append(f'<polyline points="{line}" fill="none" stroke="{BOX_STROKE}" stroke-width="2.5"/>')
    else:
        p = pts[0]
        parts.append(
            f'<rect x="{x(p.day) - 14}" y="{y(p.p75)}" width="28" height="{max(y(p.p25) - y(p.p75), 2)}" '
            f'fill="{BAND_FILL}"/>'
        )
        parts.append(
            f'<text x="{(left + width - right) / 2}" y="{height - 8}" text-anchor="middle" fill="{MUTED}">'
            "Only one crawl date so far: the line appears after the next crawls.</text>"
        )
    last_label = -1e9
    for p in pts:
        tip = f"{p.day.isoformat()}: median {money(p.p50, short=False)}, middle half {money(p.p25)}–{money(p.p75)}, {p.n} bands"
        parts.append(f"<g><title>{esc(tip)}</title>")
        parts.append(f'<circle cx="{x(p.day)}" cy="{y(p.p50)}" r="4.5" fill="{MEDIAN}"/>')
        if len(pts) <= 12:
            parts.append(
                f'<text x="{x(p.day)}" y="{y(p.p50) - 10}" text-anchor="middle" font-weight="600">'
                f"{esc(money(p.p50))}</text>"
            )
        parts.append("</g>")
        # Date labels need ~90px; skip the ones that would overlap (irregular crawl dates).
        if x(p.day) - last_label >= 90:
            last_label = x(p.day)
            parts.append(
                f'<text x="{x(p.day)}" y="{base_y + 18}" text-anchor="middle" fill="{MUTED}">'
                f"{esc(p.day.strftime('%b %d, %Y'))}</text>"
            )
    parts.append("</svg>")
    return "\n".join(parts)
