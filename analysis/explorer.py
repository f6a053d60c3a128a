"""The HTML report's explorer: search the bands and place an offer among them, in the page itself.

Everything runs client-side in the one self-contained file: the bands travel as a JSON data block
(never executed, `<` escaped so no text can close it) and a small script filters them and computes
the offer's percentile the way `paybands query offer-percentile` does (the share of comparable band
midpoints below the offer, ties counting half). The script writes crawled text with textContent
only, so it stays text; the page's Content-Security-Policy admits this one script by its hash.
"""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass

import duckdb
import polars as pl

from .charts import esc
from .stats import SENIORITY_ORDER

# Bands embedded at most (a 1,000,000-posting database would make a 200 MB page); the section says
# when it holds fewer than the selection has.
MAX_BANDS = 50_000
SHOWN_ROWS = 200

_COLUMNS = (
    "company", "title", "city", "metro", "country", "location", "zone", "seniority", "role_family", "pay_type",
    "is_ai_ml", "annual_min_usd", "annual_max_usd", "annual_mid_usd", "data_status",
)  # fmt: skip

_SCRIPT = r"""
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("explore-data").textContent);
  var cols = data.columns, rows = data.rows, ix = {};
  cols.forEach(function (c, i) { ix[c] = i; });
  var form = document.getElementById("explore-form");
  var byId = function (id) { return document.getElementById(id); };
  function val(id) { return byId(id).value.trim().toLowerCase(); }
  function fmt(v) { return v == null ? "…" : "$" + Math.round(v).toLocaleString("en-US"); }
  function place(r) {
    var where = [r[ix.city] || r[ix.metro], r[ix.country]].filter(Boolean).join(", ") || r[ix.location] || "";
    return r[ix.zone] ? r[ix.zone] + (where && where.indexOf(r[ix.zone]) !== 0 ? " (" + where + ")" : "") : where;
  }
  function matches(r, f) {
    var t = (r[ix.title] || "").toLowerCase();
    for (var i = 0; i < f.words.length; i++) if (t.indexOf(f.words[i]) < 0) return false;
    if (f.company && (r[ix.company] || "").toLowerCase().indexOf(f.company) < 0) return false;
    if (f.place) {
      var p = [r[ix.zone], r[ix.city], r[ix.metro], r[ix.location], r[ix.country]].join(" | ").toLowerCase();
      if (p.indexOf(f.place) < 0) return false;
    }
    if (f.metro && r[ix.metro] !== f.metro) return false;
    if (f.country && (r[ix.country] || "").toLowerCase() !== f.country) return false;
    if (f.seniority && r[ix.seniority] !== f.seniority) return false;
    if (f.family && r[ix.role_family] !== f.family) return false;
    if (f.payType && r[ix.pay_type] !== f.payType) return false;
    if (f.aiOnly && !r[ix.is_ai_ml]) return false;
    return r[ix.annual_mid_usd] != null;
  }
  function render() {
    var f = {
      words: val("explore-title").split(/\s+/).filter(Boolean), company: val("explore-company"),
      place: val("explore-place"), metro: byId("explore-metro").value, country: val("explore-country"),
      seniority: byId("explore-seniority").value,
      family: byId("explore-family").value, payType: byId("explore-pay-type").value,
      aiOnly: byId("explore-ai").checked
    };
    var hits = rows.filter(function (r) { return matches(r, f); });
    hits.sort(function (a, b) { return b[ix.annual_mid_usd] - a[ix.annual_mid_usd]; });
    var companies = {};
    hits.forEach(function (r) { companies[r[ix.company]] = 1; });
    byId("explore-count").textContent = hits.length.toLocaleString("en-US") + " bands from " +
      Object.keys(companies).length.toLocaleString("en-US") + " companies match" +
      (hits.length > SHOWN ? "; the " + SHOWN + " with the highest midpoints are listed" : "") + ".";
    var body = byId("explore-rows");
    while (body.firstChild) body.removeChild(body.firstChild);
    hits.slice(0, SHOWN).forEach(function (r) {
      var tr = document.createElement("tr");
      [r[ix.company], r[ix.title] + (r[ix.data_status] ? " [" + r[ix.data_status] + " demo data]" : ""), place(r), r[ix.seniority] === "unstated" ? "not stated" : r[ix.seniority], r[ix.pay_type],
       fmt(r[ix.annual_min_usd]) + " – " + fmt(r[ix.annual_max_usd]), fmt(r[ix.annual_mid_usd])]
        .forEach(function (text, i) {
          var td = document.createElement("td");
          td.textContent = text == null ? "" : String(text);
          if (i >= 5) td.className = "num";
          tr.appendChild(td);
        });
      body.appendChild(tr);
    });
    var out = byId("explore-percentile");
    var offer = parseFloat(byId("explore-offer").value);
    if (!(offer > 0)) { out.textContent = "Type a yearly offer in US dollars to see where it falls."; return; }
    if (f.payType !== "base") {
      out.textContent = "The offer is placed among base-salary bands only: choose pay type “base”."; return;
    }
    if (!hits.length) { out.textContent = "No comparable base-salary bands: loosen the filters."; return; }
    var below = 0, equal = 0;
    hits.forEach(function (r) {
      var m = r[ix.annual_mid_usd];
      if (m < offer) below++; else if (m === offer) equal++;
    });
    var pct = Math.round(1000 * (below + 0.5 * equal) / hits.length) / 10;
    out.textContent = "An offer of " + fmt(offer) + " a year is at percentile " + pct.toFixed(1) +
      " of these " + hits.length.toLocaleString("en-US") + " base-salary band midpoints" +
      (hits.length < 5 ? " (too few bands to call it a market rate)." : ".");
    out.setAttribute("data-percentile", pct.toFixed(1));
  }
  var SHOWN = data.shown;
  form.addEventListener("input", render);
  form.addEventListener("submit", function (e) { e.preventDefault(); render(); });
  render();
})();
"""


@dataclass(slots=True, frozen=True)
class Explorer:
    html: str
    script_hash: str  # for the page's Content-Security-Policy: script-src 'sha256-…'


def load_explorer_bands(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """Every current band of an open posting with a USD midpoint (site estimates left out), with the
    posting's classification: what `offer-percentile` compares with under its defaults."""
    return con.sql(
        f"""SELECT {", ".join("p.data_status" if c == "data_status" else f"f.{c}" for c in _COLUMNS)}
            FROM band_facts f JOIN postings p USING (posting_key)
            WHERE f.is_active AND NOT f.is_estimate AND f.annual_mid_usd IS NOT NULL
            ORDER BY f.annual_mid_usd DESC, f.company, f.title
            LIMIT {MAX_BANDS + 1}"""
    ).pl()


def _options(values: list[str], *, label_all: str) -> str:
    opts = [f'<option value="">{esc(label_all)}</option>']
    opts += [f'<option value="{esc(v)}">{esc(v)}</option>' for v in values]
    return "".join(opts)


def _json_block(payload: object) -> str:
    # Inside <script type="application/json"> only "</script" or "<!--" could end or confuse the
    # block: escaping every "<" (and the line separators JavaScript strings reject) rules both out.
    text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def explorer_section(con: duckdb.DuckDBPyConnection, *, ai_only: bool) -> Explorer:
    bands = load_explorer_bands(con)
    capped = len(bands) > MAX_BANDS
    bands = bands.head(MAX_BANDS)
    for col in ("annual_min_usd", "annual_max_usd", "annual_mid_usd"):
        bands = bands.with_columns(pl.col(col).round(0))
    payload = {"columns": list(_COLUMNS), "rows": bands.rows(), "shown": SHOWN_ROWS}
    countries = sorted({c for c in bands["country"].to_list() if c})
    metros = sorted({m for m in bands["metro"].to_list() if m})
    seniorities = [s for s in bands["seniority"].unique().to_list() if s]
    families = sorted({f for f in bands["role_family"].to_list() if f})
    seniorities.sort(key=lambda s: (SENIORITY_ORDER.index(s) if s in SENIORITY_ORDER else 99, s))
    cap_note = (
        f" It holds the {MAX_BANDS:,} bands with the highest midpoints; `paybands query offer-percentile` "
        "reads them all."
        if capped
        else ""
    )
    script_hash = base64.b64encode(hashlib.sha256(_SCRIPT.encode()).digest()).decode()
    html = f"""
<section id="explore">
  <h2>Find bands and place an offer</h2>
  <p class="caption">Filter the posted pay bands and type an offer to see its percentile among the base-salary
  band midpoints that match, as <code>paybands query offer-percentile</code> computes it (the share of midpoints
  below the offer, ties counting half). Amounts are yearly US dollars. Everything runs in this page; nothing is
  sent anywhere.{esc(cap_note)}</p>
  <form id="explore-form" class="explore" autocomplete="off">
    <label>Title words <input id="explore-title" type="search" placeholder="machine learning engineer"></label>
    <label>Company <input id="explore-company" type="search"></label>
    <label>Place <input id="explore-place" type="search" placeholder="San Francisco, London, Remote"></label>
    <label>Metro area <select id="explore-metro">{_options(metros, label_all="any")}</select></label>
    <label>Country <select id="explore-country">{_options(countries, label_all="any")}</select></label>
    <label>Seniority <select id="explore-seniority">{_options(seniorities, label_all="any")}</select></label>
    <label>Role family <select id="explore-family">{_options(families, label_all="any")}</select></label>
    <label>Pay type <select id="explore-pay-type"><option value="base" selected>base</option>
      <option value="total">total comp</option><option value="ote">OTE</option>
      <option value="unknown">not stated</option></select></label>
    <label class="check"><input id="explore-ai" type="checkbox"{" checked" if ai_only else ""}> ML/AI roles only</label>
    <label>Offer (USD a year) <input id="explore-offer" type="number" min="0" step="1000" placeholder="240000"></label>
  </form>
  <p id="explore-percentile" class="offer" aria-live="polite"></p>
  <p id="explore-count" class="caption" aria-live="polite"></p>
  <div class="scroll"><table class="explore-table">
    <thead><tr><th>Company</th><th>Title</th><th>Place</th><th>Seniority</th><th>Pay type</th>
    <th class="num">Annual USD</th><th class="num">Midpoint</th></tr></thead>
    <tbody id="explore-rows"></tbody>
  </table></div>
  <script type="application/json" id="explore-data">{_json_block(payload)}</script>
  <script>{_SCRIPT}</script>
</section>"""
    return Explorer(html, script_hash)


EXPLORER_CSS = """
form.explore { display:flex; flex-wrap:wrap; gap:10px 14px; margin:12px 0; }
form.explore label { display:flex; flex-direction:column; font-size:13px; color:var(--muted); }
form.explore label.check { flex-direction:row; align-items:center; gap:6px; }
form.explore input[type=search], form.explore input[type=number], form.explore select {
  font:inherit; padding:5px 8px; border:1px solid var(--line); border-radius:6px; min-width:150px; }
p.offer { font-size:17px; font-weight:600; color:var(--accent); min-height:1.5em; }
.scroll { max-height:520px; overflow:auto; border:1px solid var(--line); border-radius:8px; }
table.explore-table { width:100%; border-collapse:collapse; font-size:13px; }
table.explore-table th { position:sticky; top:0; background:#f9fafb; white-space:nowrap; }
table.explore-table td, table.explore-table th { padding:5px 8px; border-bottom:1px solid var(--line); text-align:left; }
table.explore-table .num { text-align:right; white-space:nowrap; }
"""
