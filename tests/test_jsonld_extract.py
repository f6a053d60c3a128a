"""JSON-LD extraction: every recorded page in fixtures/real/jsonld/, then hostile and sloppy markup."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scraper.jsonld import (
    PAGE_URL_KEY,
    job_posting_objects,
    ld_json_blocks,
    parse_date,
    parse_lenient,
    read_job_page,
    read_job_posting,
)

PAGES = Path(__file__).parent / "fixtures" / "real" / "jsonld"
PAGE_URL = "http://127.0.0.1:8765/static-careers/job/page"


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


# file -> (title, identifier, datePosted, number of locations, bands)
# bands: (min, max, currency, period, origin, is_estimate), in the order the page states them.
EXPECTED: dict[str, tuple] = {
    "engage_nova_17046487_jpy-min-only.html": (
        "受付", "17046487", utc(2026, 5, 25, 6, 10, 59), 1,
        [(3600000.0, None, "JPY", "year", "structured", False)],
    ),
    "hrmos_moneyforward_0000265_null-baseSalary.html": (
        "【デザイナー_オープンポジション】", "1606292663153098752", utc(2021, 6, 2, 13, 25, 56), 1, [],
    ),
    "hrmos_visional_0000381_jpy.html": (
        "特許スペシャリスト／法務室 知的財産グループ", "2020060903478247424", utc(2025, 10, 2, 5, 14, 16), 1,
        [(6000000.0, 10000000.0, "JPY", "year", "structured", False)],
    ),
    "icims_buspatrol_1977_senior-product-manager.html": (
        # No baseSalary; iCIMS writes the pay statement into salaryCurrency.
        "Senior Product Manager", None, utc(2025, 12, 5, 5), 1,
        [(190000.0, 200000.0, "USD", "year", "text", False)],
    ),
    "jobseek_meta_software-engineer-infrastructure_trimmed.html": (
        "Software Engineer, Infrastructure", None, utc(2025, 6, 10, 20, 7, 44), 9, [],
    ),
    "jobseek_neura-robotics_manager_trimmed.html": (
        "Manager Ecosystem Integration & Certification (Human)", "00df0928-b013-448c-b3dd-6c6fb80eadc2",
        utc(2025, 11, 5, 23), 1, [],
    ),
    "mynavi_348855_jpy-string-values.html": (
        "ITエンジニア／システムエンジニア（アプリ設計／WEB・オープン・モバイル系）", None, utc(2026, 7, 3), 47,
        [(4200000.0, 10000000.0, "JPY", "year", "structured", False)],
    ),
    "nodesk_sticker-mule_software-engineer.html": (
        # jobLocation null + TELECOMMUTE: one "Remote (Anywhere)" location from applicantLocationRequirements.
        "Software engineer", None, utc(2026, 7, 10), 1,
        [(150000.0, 250000.0, "USD", "year", "structured", False)],
    ),
    "synopsys_staff-software-engineer_bengaluru_empty-baseSalary.html": (
        "Staff Software Engineer", "16567", utc(2026, 4, 1), 1, [],
    ),
    "talentclue_ayuda-en-accion_coord_usd-spanish.html": (
        # Empty JSON-LD script: title from og:title, pay from the page text.
        "Coordinador/a Territorial", None, None, 0,
        [(1200.0, 1500.0, "USD", "month", "text", False)],
    ),
    "talentclue_barcelona-activa_admin_eur.html": (
        # The page states pay twice: the summary range and the annual gross in the description.
        "60640 - Administratiu/iva de recepció i gestió de magatzem", None, None, 0,
        [(18000.0, 21000.0, "EUR", "year", "text", False), (20356.35, 20356.35, "EUR", "year", "text", False)],
    ),
}  # fmt: skip


def test_every_recorded_page_has_expectations():
    assert sorted(p.name for p in PAGES.glob("*.html")) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_recorded_page(name):
    title, identifier, posted, n_locations, bands = EXPECTED[name]
    found = read_job_page((PAGES / name).read_text("utf-8"), PAGE_URL)
    assert len(found) == 1
    jp = found[0]
    assert jp.title == title
    assert jp.identifier == identifier
    assert jp.date_posted == posted
    assert len(jp.locations) == n_locations
    assert [
        (b.min_amount, b.max_amount, b.currency, b.period, b.origin, b.is_estimate) for b in jp.bands
    ] == bands
    raw = json.loads(jp.raw)
    assert raw[PAGE_URL_KEY] == PAGE_URL
    if name.startswith("talentclue"):
        assert raw["@type"] == "WebPage" and "Salari" in raw["text"]
    else:
        assert raw["@type"] == "JobPosting"


def test_recorded_page_details():
    def one(name: str):
        return read_job_page((PAGES / name).read_text("utf-8"), PAGE_URL)[0]

    nodesk = one("nodesk_sticker-mule_software-engineer.html")
    assert (nodesk.remote, nodesk.locations, nodesk.url) == ("remote", ["Remote (Anywhere)"], PAGE_URL)
    assert nodesk.employment_type == "FULL_TIME" and nodesk.organization == "Sticker Mule"
    meta = one("jobseek_meta_software-engineer-infrastructure_trimmed.html")
    # Every Place repeats the Sunnyvale address; the Place names are the real cities.
    assert meta.locations[:3] == ["Sunnyvale, CA", "Bellevue, WA", "Redmond, WA"]
    icims = one("icims_buspatrol_1977_senior-product-manager.html")
    assert icims.url == "https://careers-buspatrol.icims.com/jobs/1977/senior-product-manager/job"
    assert icims.locations == ["Austin, TX, US"]
    mynavi = one("mynavi_348855_jpy-string-values.html")
    assert "&lt;" not in mynavi.description and "<br" not in mynavi.description  # escaped twice in the page
    assert mynavi.locations[0] == "札幌市, 北海道, JP"
    neura = one("jobseek_neura-robotics_manager_trimmed.html")
    assert "\\n" not in neura.description and neura.description.startswith("Your mission & challenges")
    synopsys = one("synopsys_staff-software-engineer_bengaluru_empty-baseSalary.html")
    assert synopsys.locations == ["Bengaluru, India"]
    talent = one("talentclue_ayuda-en-accion_coord_usd-spanish.html")
    assert talent.url == "https://empleoayudaenaccion.talentclue.com/es/node/125197717/4590"  # og:url
    # The BreadcrumbList block next to mynavi's JobPosting is not a posting.
    blocks = ld_json_blocks((PAGES / "mynavi_348855_jpy-string-values.html").read_text("utf-8"))
    assert [b["@type"] for b in blocks] == ["JobPosting", "BreadcrumbList"]


# -- sloppy and hostile markup ----------------------------------------------------------------
def page(*scripts: str, body: str = "") -> str:
    tags = "".join(f'<script type="application/ld+json">{s}</script>' for s in scripts)
    return f"<html><head><title>t</title>{tags}</head><body>{body}</body></html>"


def titles(html: str) -> list[str | None]:
    return [o.get("title") for o in job_posting_objects(html)]


JP = '{"@context": "https://schema.org", "@type": "JobPosting", "title": "ML Engineer"}'


@pytest.mark.parametrize(
    "markup",
    [
        page(JP),
        f"<script type=application/ld+json>{JP}</script>",  # unquoted attribute
        f"<script TYPE=' Application/LD+JSON ; charset=utf-8' nonce=x>{JP}</script>",
        page(f"<!-- {JP} -->"),  # HTML comment wrapper
        page(f"//<![CDATA[\n{JP}\n//]]>"),
        page('{"@type": "JobPosting", "title": "ML Engineer",}'),  # trailing comma
        page('{"@type": "JobPosting", "title": "ML Engineer", "x": [1, 2,],}'),
        page('{"@type": "JobPosting", /* note */ "title": "ML Engineer" // end\n}'),
        # raw control characters inside a string
        page('{"@type": "JobPosting", "title": "ML Engineer", "description": "a\tb\x01c\nd"}'),
        page("{&quot;@type&quot;: &quot;JobPosting&quot;, &quot;title&quot;: &quot;ML Engineer&quot;}"),
        page(JP + ";"),
        page(f"[{JP}]"),  # top-level list
        page('{"@context": "https://schema.org", "@graph": [{"@type": "WebPage"}, ' + JP + "]}"),
        page('{"@type": ["JobPosting", "Thing"], "title": "ML Engineer"}'),
        page('{"@type": "http://schema.org/JobPosting", "title": "ML Engineer"}'),
        page('{"@type": "schema:JobPosting", "title": "ML Engineer"}'),
        page('{"@type": "ItemList", "itemListElement": [{"@type": "ListItem", "item": ' + JP + "}]}"),
        page('{"@type": "BreadcrumbList"}{"@type": "JobPosting", "title": "ML Engineer"}'),  # back to back
        page("", "{broken", JP),  # an empty and a broken block do not hide the good one
        page(JP, JP),  # the same block twice is one posting
    ],
)
def test_sloppy_jsonld_still_found(markup):
    assert titles(markup) == ["ML Engineer"]


@pytest.mark.parametrize(
    "markup",
    [
        page("{not json at all"),
        page("function () { return {'@type': 'JobPosting'} }()"),  # JavaScript is never evaluated
        page('{"@type": "JobPosting", "title": "x"'),  # truncated
        page('"just a string"', "42", "null", "[]", "{}"),
        page('{"@type": "Organization", "name": "Not a job"}'),
        '<script type="application/json">' + JP + "</script>",  # not JSON-LD
        '<script type="text/template">' + JP + "</script>",
        "",
        "<html",
    ],
)
def test_no_posting_and_no_crash(markup):
    assert titles(markup) == []
    assert read_job_page(markup, PAGE_URL) == []


def test_script_end_tag_inside_a_string():
    # Escaped "<\/script>" is valid JSON and ends nothing.
    ok = page('{"@type": "JobPosting", "title": "A <\\/script> B", "description": "<script>x<\\/script>"}')
    assert titles(ok) == ["A </script> B"]
    # A raw "</script>" ends the tag mid-string (HTML parsing rules): that block is lost, nothing else.
    broken = page('{"@type": "JobPosting", "title": "A </script> B"}', JP)
    assert titles(broken) == ["ML Engineer"]
    jp = read_job_page(page('{"@type": "JobPosting", "title": "<b>AI</b> &amp; ML"}'))[0]
    assert jp.title == "AI & ML"


def test_deep_nesting_does_not_crash():
    deep = '{"a":' * 1000 + "1" + "}" * 1000
    assert titles(page(deep)) == []
    deep_list = "[" * 100_000 + "]" * 100_000
    assert titles(page(deep_list, JP)) == ["ML Engineer"]
    # Inside a posting, deep junk does not stop the posting from being read.
    nested = '{"@type": "JobPosting", "title": "ML Engineer", "x": ' + "[" * 200 + "]" * 200 + "}"
    assert titles(page(nested)) == ["ML Engineer"]
    assert read_job_page(page(nested), PAGE_URL)[0].title == "ML Engineer"
    # A posting buried deeper than any real page nests one is not searched for (bounded walk).
    buried = '{"x":' * 100 + JP + "}" * 100
    assert titles(page(buried)) == []


def test_huge_blocks_are_bounded():
    big_description = "<p>" + "deep learning " * 200_000 + "</p>"  # ~2.8 MB: still read
    big = json.dumps({"@type": "JobPosting", "title": "Big", "description": big_description})
    start = time.monotonic()
    found = read_job_page(page(big), PAGE_URL)
    assert [j.title for j in found] == ["Big"]
    huge = json.dumps({"@type": "JobPosting", "title": "Huge", "x": "y" * 11_000_000})  # over the cap
    assert titles(page(huge, JP)) == ["ML Engineer"]
    many = json.dumps([{"@type": "JobPosting", "title": f"t{i}"} for i in range(5000)])
    assert len(titles(page(many))) == 500  # postings per page are capped
    assert time.monotonic() - start < 30


def test_parse_lenient_values():
    assert parse_lenient('{"a": 1,}') == [{"a": 1}]
    assert parse_lenient('{"url": "https://x.org/a//b", "s": "/* kept */"}') == [
        {"url": "https://x.org/a//b", "s": "/* kept */"}
    ]
    assert parse_lenient("{}{}") == [{}, {}]
    assert parse_lenient("") == [] and parse_lenient("   ") == []
    assert parse_lenient('"unterminated') == []


def test_field_shapes():
    jp = read_job_posting(
        {
            "@type": "JobPosting",
            "title": ["  Senior   ML Engineer "],
            "identifier": 1234.0,
            "datePosted": "2026-4-1",
            "url": "/jobs/1234",
            "employmentType": ["FULL_TIME", "FULL_TIME", "PART_TIME"],
            "jobLocationType": ["TELECOMMUTE"],
            "jobLocation": [
                "Paris, France",
                {"@type": "Place", "address": {"addressLocality": "Singapore", "addressRegion": "Singapore"}},
                {"@type": "Place", "address": "1 Main St, Austin"},
                {"@type": "Place", "name": "HQ"},
                42,
                None,
            ],
            "description": "&lt;p&gt;Build &amp;amp; ship&lt;/p&gt;",
            "hiringOrganization": "Acme",
        },
        "https://acme.example/careers/",
    )
    assert jp.title == "Senior ML Engineer"
    assert jp.identifier == "1234"
    assert jp.date_posted == utc(2026, 4, 1)
    assert jp.url == "https://acme.example/jobs/1234"
    assert jp.employment_type == "FULL_TIME, PART_TIME"
    assert jp.remote == "remote"
    assert jp.locations == ["Paris, France", "Singapore", "1 Main St, Austin", "HQ"]
    assert jp.description == "Build & ship"
    assert jp.organization == "Acme"


def test_estimated_salary_is_flagged_and_text_fills_in():
    base = {"@type": "JobPosting", "title": "t"}
    estimate = {"currency": "USD", "value": {"minValue": 100000, "maxValue": 150000, "unitText": "YEAR"}}
    jp = read_job_posting({**base, "estimatedSalary": estimate})
    assert [(b.min_amount, b.max_amount, b.is_estimate) for b in jp.bands] == [(100000.0, 150000.0, True)]
    # No posted pay but the description states it: the text normalizer reads it.
    jp = read_job_posting(
        {
            **base,
            "estimatedSalary": estimate,
            "description": "<p>The base salary is $120,000 - $140,000 per year.</p>",
        }
    )
    assert sorted((b.min_amount, b.max_amount, b.origin, b.is_estimate) for b in jp.bands) == [
        (100000.0, 150000.0, "structured", True),
        (120000.0, 140000.0, "text", False),
    ]
    # Posted pay wins over the description.
    posted = {"currency": "USD", "value": {"minValue": 90000, "maxValue": 95000, "unitText": "YEAR"}}
    jp = read_job_posting({**base, "baseSalary": posted, "description": "Pay: $120,000 - $140,000 per year."})
    assert [(b.min_amount, b.origin) for b in jp.bands] == [(90000.0, "structured")]


def test_parse_date():
    assert parse_date("2026-4-1") == utc(2026, 4, 1)
    assert parse_date("2026-04-01T10:00:00+02:00") == utc(2026, 4, 1, 8)
    assert parse_date("2026-13-40") is None
    assert parse_date("soon") is None and parse_date(None) is None and parse_date(["2026-01-01"]) is None


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=20,
)
FIELDS = st.sampled_from(
    [
        "title", "name", "identifier", "datePosted", "url", "employmentType", "jobLocationType", "jobLocation",
        "applicantLocationRequirements", "baseSalary", "estimatedSalary", "salaryCurrency", "description",
        "hiringOrganization",
    ]
)  # fmt: skip


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(FIELDS, JSON_VALUES, max_size=8))
def test_any_field_values_never_crash(fields):
    jp = read_job_posting({"@type": "JobPosting", **fields}, PAGE_URL)
    assert isinstance(jp.locations, list) and isinstance(jp.description, str)
    json.loads(jp.raw)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_any_script_text_never_crashes(text):
    read_job_page(page(text), PAGE_URL)
    parse_lenient(text)
