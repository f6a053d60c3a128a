"""Workday against the replay server: the real NVIDIA / Trend Micro first pages and a
generated 45-posting board (tests/fixtures/synth/README.md) for paging."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest

from scraper.replay import Fault, ReplayRequest, ReplayResponse
from scraper.replay import workday as workday_replay
from scraper.sources import workday
from tests.helpers import FIXTURES, crawl, load_real, query

SYNTH = {"name": "SynthLabs", "source": "workday", "board": "synthlabs/SynthLabs_Careers"}
SYNTH_LIST = "/wday/cxs/synthlabs/SynthLabs_Careers/jobs"
SYNTH_DETAIL = "/wday/cxs/synthlabs/SynthLabs_Careers/job/"


def _synth_postings() -> list[dict]:
    return json.loads((FIXTURES / "synth/workday/synthlabs_jobs.json").read_text("utf-8"))["jobPostings"]


def _suffix(path: str) -> str:
    return path.rsplit("/", 1)[-1].rsplit("_", 1)[-1]


def _list_calls(replay, path: str = SYNTH_LIST) -> int:
    return sum(1 for method, p in replay.log if method == "POST" and p == path)


def test_synth_board_pages_by_20_with_total_on_the_first_page_only(replay, tmp_db):
    result = crawl(tmp_db, replay.url, SYNTH)
    assert result.status == "ok"
    rows = query(tmp_db, "SELECT external_id, title FROM postings ORDER BY external_id")
    assert rows == sorted((_suffix(p["externalPath"]), p["title"]) for p in _synth_postings())
    assert len(rows) == 45
    # offsets 0, 20, 40 (5 postings: short) -> done; the replay says total 0 on pages 2 and 3.
    assert _list_calls(replay) == 3
    assert replay.requests_to(SYNTH_DETAIL) == 45


def _serve(n: int, total: str):
    """An override of the synth list: only the first `n` postings, `total` as Workday may state it."""

    def handler(req: ReplayRequest) -> ReplayResponse:
        resp = workday_replay.jobs(req, "synthlabs", "SynthLabs_Careers")
        if resp.status != 200:
            return resp
        data = json.loads(resp.body)
        offset = req.json_body()["offset"]
        data["jobPostings"] = [p for p in data["jobPostings"] if _synth_postings().index(p) < n]
        first = offset == 0
        data["total"] = {"exact": n if first else 0, "capped": 2000 if first else 0, "zero": 0}[total]
        return ReplayResponse.json(data)

    return handler


@pytest.mark.parametrize(
    ("served", "total", "expected_calls"),
    [
        (45, "exact", 3),  # short third page
        (40, "exact", 2),  # offset 40 reaches the first page's total: no empty third call
        (40, "capped", 3),  # total 2000 means "at least": page on until an empty page
        (45, "capped", 3),
        (40, "zero", 3),  # a tenant that never fills total: page until an empty page
        (20, "exact", 1),
    ],
)
def test_paging_stops_at_total_or_a_short_page(replay, tmp_db, served, total, expected_calls):
    replay.overrides[("POST", SYNTH_LIST)] = _serve(served, total)
    # A capped total means "at least 2000": a listing that ends below it is partial (removals wait).
    assert crawl(tmp_db, replay.url, SYNTH).status == ("attention" if total == "capped" else "ok")
    assert query(tmp_db, "SELECT count(*) FROM postings") == [(served,)]
    assert _list_calls(replay) == expected_calls


def test_limit_above_20_is_a_400(replay, tmp_db, monkeypatch):
    monkeypatch.setattr(workday, "PAGE_SIZE", 21)
    result = crawl(tmp_db, replay.url, SYNTH)
    assert result.status == "failed"
    assert (result.outcomes[0].error_kind, result.outcomes[0].error) == (
        "http",
        f"{replay.url}{SYNTH_LIST} answered HTTP 400",
    )


def test_paging_is_bounded(replay, tmp_db, monkeypatch):
    page = {"total": 0, "jobPostings": _synth_postings()[:20], "facets": [], "userAuthenticated": False}
    counter = iter(range(10**6))

    def endless(req: ReplayRequest) -> ReplayResponse:
        fresh = [{**p, "externalPath": f"{p['externalPath']}-{next(counter)}"} for p in page["jobPostings"]]
        return ReplayResponse.json({**page, "jobPostings": fresh})

    replay.overrides[("POST", SYNTH_LIST)] = endless
    replay.faults[SYNTH_DETAIL] = Fault(status=404)
    monkeypatch.setattr(workday, "MAX_PAGES", 4)
    crawl(tmp_db, replay.url, SYNTH)
    assert _list_calls(replay) == 4


# externalPath suffix -> (min, max, currency, period, pay_type, zone) of every band, from the generated
# details. NVIDIA names the level after each range: "X USD - Y USD for Level 3, and X USD - Y USD for Level 4".
SYNTH_PAY = [
    ("JR9000000", {(148_000, 235_750, "USD", "year", "base", "Level 3"), (184_000, 287_500, "USD", "year", "base", "Level 4")}),
    ("JR9000002", {(224_000, 356_500, "USD", "year", "base", None)}),
    ("JR9000007", {(120_000, 189_750, "USD", "year", "base", "Level 2"), (148_000, 235_750, "USD", "year", "base", "Level 3")}),
    ("JR9000036", {(272_000, 431_250, "USD", "year", "base", None)}),
    ("JR9000044", {(40, 65, "USD", "hour", "unknown", None)}),  # the hourly internship
    ("JR9000003", set()),  # Germany: no pay text
    ("JR9000040-1", set()),  # India posting of a requisition posted twice
    ("JR9000040-2", {(224_000, 356_500, "USD", "year", "base", "Level 5"), (272_000, 431_250, "USD", "year", "base", "Level 6")}),
]  # fmt: skip


@pytest.fixture
def synth_db(replay, tmp_db):
    assert crawl(tmp_db, replay.url, SYNTH).status == "ok"
    return tmp_db


@pytest.mark.parametrize(("external_id", "bands"), SYNTH_PAY)
def test_synth_pay_text_as_nvidia_writes_it(synth_db, external_id, bands):
    rows = query(
        synth_db,
        "SELECT min_amount, max_amount, currency, period, pay_type, zone FROM pay_bands WHERE posting_id = ?",
        [f"workday:synthlabs/synthlabs_careers:{external_id}"],
    )
    assert set(rows) == {(float(a), float(b), c, p, t, z) for a, b, c, p, t, z in bands}
    assert len(rows) == len(bands)


def test_synth_totals(synth_db):
    # Every "N USD - M USD" in a generated detail is one band.
    details = json.loads((FIXTURES / "synth/workday/synthlabs_details.json").read_text("utf-8")).values()
    per_posting = [d["jobPostingInfo"]["jobDescription"].count(" USD - ") for d in details]
    expected = (sum(per_posting), sum(1 for n in per_posting if n))
    assert expected == (38, 26)
    assert query(synth_db, "SELECT count(*), count(DISTINCT posting_id) FROM pay_bands") == [expected]


def test_one_requisition_posted_twice_stays_two_postings(synth_db):
    rows = query(
        synth_db, "SELECT external_id, location FROM postings WHERE external_id LIKE 'JR9000040%' ORDER BY 1"
    )
    assert rows == [("JR9000040-1", "India, Bengaluru"), ("JR9000040-2", "US, TX, Austin")]


@pytest.mark.parametrize(
    ("company", "recording", "n"),
    [
        (
            {"name": "NVIDIA", "source": "workday", "board": "nvidia/NVIDIAExternalCareerSite"},
            "workday/nvidia_jobs_search_golang.json",
            20,
        ),
        (
            {"name": "Trend Micro", "source": "workday", "board": "trendmicro/External"},
            "workday/trendmicro_jobs_search.json",
            5,
        ),
    ],
)
def test_real_first_pages(replay, tmp_db, company, recording, n):
    assert crawl(tmp_db, replay.url, company).status == "ok"
    recorded = load_real(recording)["jobPostings"]
    assert len(recorded) == n
    rows = query(tmp_db, "SELECT external_id, title FROM postings ORDER BY external_id")
    assert rows == sorted((_suffix(p["externalPath"]), p["title"]) for p in recorded)
    assert query(tmp_db, "SELECT count(*) FROM pay_bands") == [(0,)]  # no pay in these recordings


def test_real_nvidia_detail_fields(replay, tmp_db):
    crawl(
        tmp_db,
        replay.url,
        {"name": "NVIDIA", "source": "workday", "board": "nvidia/NVIDIAExternalCareerSite"},
    )
    row = query(
        tmp_db,
        "SELECT title, url, location, employment_type, remote, posted_at, description FROM postings "
        "WHERE external_id = 'JR2015916'",
    )[0]
    assert row[:6] == (
        "Senior Software Golang Kubernetes Engineer",
        "https://nvidia.wd5.myworkdayjobs.com/NVIDIAExternalCareerSite/job/Israel-Yokneam/"
        "Senior-Software-Golang-Kubernetes-Engineer_JR2015916",
        "Israel, Yokneam; Israel, Raanana; Israel, Tel Aviv",
        "Full time",
        "onsite",  # the detail has no remote field: the crawl's enrichment reads the location
        datetime(2026, 4, 24, tzinfo=UTC),
    )
    assert row[6].startswith("NVIDIA Networking is looking for an excellent Software Developer")
    (payload,) = query(tmp_db, "SELECT payload FROM posting_raw WHERE posting_id LIKE '%:JR2015916'")[0]
    raw = json.loads(payload)
    assert raw["bulletFields"] == ["JR2015916"] and raw["jobPostingInfo"]["jobReqId"] == "JR2015916"


@pytest.mark.parametrize(
    ("company", "kind", "message"),
    [
        (
            {"name": "X", "source": "workday", "board": "nobody/External"},
            "not_found",
            "board not found (gone or misspelled): {url}/wday/cxs/nobody/External/jobs answered 404 (not found)",
        ),
        # A board of one part ("nvidia") is a config error, before any fetch: tests/test_config.py.
        (
            {"name": "X", "source": "workday", "board": "nvidia/NVIDIAExternalCareerSite", "base_url": None},
            "source",
            "workday board 'nvidia/NVIDIAExternalCareerSite' needs base_url = "
            '"https://{{tenant}}.wdN.myworkdayjobs.com" (the host of the careers site)',
        ),
    ],
)
def test_board_level_failures(replay, tmp_db, company, kind, message):
    result = crawl(tmp_db, replay.url, company)
    assert result.status == "failed"
    assert result.outcomes[0].error_kind == kind
    assert result.outcomes[0].error == message.format(url=replay.url)


def test_a_failing_detail_keeps_the_list_data(replay, tmp_db):
    replay.faults[f"{SYNTH_DETAIL}US-CA-Santa-Clara/Machine-Learning-Engineer_JR9000000"] = Fault(status=503)
    assert crawl(tmp_db, replay.url, SYNTH).status == "ok"
    assert query(tmp_db, "SELECT count(*) FROM postings") == [(45,)]
    row = query(tmp_db, "SELECT title, location, description FROM postings WHERE external_id = 'JR9000000'")
    assert row == [("Machine Learning Engineer", "US, CA, Santa Clara", None)]  # locationsText from the list
    assert query(tmp_db, "SELECT count(*) FROM pay_bands") == [(36,)]


def test_most_details_failing_fails_the_board(replay, tmp_db):
    replay.faults[SYNTH_DETAIL] = Fault(status=404, times=23)
    result = crawl(tmp_db, replay.url, SYNTH)
    assert result.status == "failed"
    assert result.outcomes[0].error.startswith("detail calls failed for 23 of 45 postings; first: ")


def test_pay_range_object_is_read_leniently():
    # No recording shows jobPostingInfo.payRange; these are assumed spellings.
    band = workday._pay_range_band(
        {"min": "150000", "max": "200000", "currency": "USD", "frequency": "Annual"}, ""
    )
    assert band is not None and (band.min_amount, band.max_amount, band.period) == (
        150_000.0,
        200_000.0,
        "year",
    )
    assert workday._pay_range_band({"min": 150000, "max": 200000, "currency": "USD"}, "") is None  # no period


# -- past the cap: split by facet -------------------------------------------------------------------


def test_split_facet_of_the_real_unfiltered_nvidia_search():
    """NVIDIA's unfiltered search (recorded) says total 2000: the cap. Its facets say how to split it."""
    data = load_real("workday/nvidia_jobs_limit1_facets.json")
    assert data["total"] == workday.TOTAL_CAP
    facets = {f.param: f for f in workday.facets_of(data["facets"])}
    # The location facets sit in the locationMainGroup group: flattened, they are facets like the others.
    assert set(facets) == {
        "jobFamilyGroup", "workerSubType", "timeType", "locationHierarchy2", "locationHierarchy1", "locations"
    }  # fmt: skip
    raw = {f["facetParameter"]: f for f in data["facets"]}
    family = [v["count"] for v in raw["jobFamilyGroup"]["values"]]
    time_type = [v["count"] for v in raw["timeType"]["values"]]
    # Every posting has one job family and one time type: the board holds what both add up to (2,548).
    assert sum(family) == sum(time_type) == workday.board_size(tuple(facets.values()), 2000) > 2000
    # Job family splits it into searches that all stay below the cap, listing no posting twice.
    assert max(family) < workday.TOTAL_CAP <= max(time_type)
    chosen = workday.split_facet(tuple(facets.values()), {}, 2000)
    assert chosen is not None and chosen.param == "jobFamilyGroup" and len(chosen.values) == len(family)
    # Already applied, a facet is not offered again; with every facet applied nothing can split.
    assert (
        workday.split_facet(tuple(facets.values()), {"jobFamilyGroup": ["x"]}, 2000).param != "jobFamilyGroup"
    )
    assert workday.split_facet(tuple(facets.values()), {k: ["x"] for k in facets}, 2000) is None


GEN_LIST = "/wday/cxs/gencorp/Careers/jobs"
GEN_DETAIL = "/wday/cxs/gencorp/Careers/job/"
GEN = {"name": "GenCorp", "source": "workday", "board": "gencorp/Careers"}


def _generated_board(root, n: int, facets: dict[str, dict[str, list[int]]], grouped: tuple[str, ...] = ()):
    """GENERATED for this test, not recorded: a Workday board of `n` postings in the recorded list
    shape (nvidia_jobs_search_golang.json's entries), and which posting has which facet value
    (`facets`: facetParameter -> value id -> posting numbers; those in `grouped` sit in a
    locationMainGroup group, as NVIDIA's location facets do). No recording shows that mapping."""
    synth = root / "synth" / "workday"
    synth.mkdir(parents=True, exist_ok=True)
    paths = [f"/job/Generated-City/Generated-Role-{i}_GEN{i:05d}" for i in range(n)]
    items = [
        {"title": f"Generated Role {i}", "externalPath": paths[i], "locationsText": "Generated City",
         "postedOn": "Posted 3 Days Ago", "bulletFields": [f"GEN{i:05d}"]}
        for i in range(n)
    ]  # fmt: skip
    listing = {"total": n, "jobPostings": items, "facets": [], "userAuthenticated": False}
    tree = [
        {"facetParameter": param, "descriptor": param,
         "values": [{"descriptor": vid, "id": vid, "paths": [paths[i] for i in members]} for vid, members in values.items()]}
        for param, values in facets.items() if param not in grouped
    ]  # fmt: skip
    if grouped:
        group = [
            {"facetParameter": param, "descriptor": param,
             "values": [{"descriptor": vid, "id": vid, "paths": [paths[i] for i in members]} for vid, members in facets[param].items()]}
            for param in grouped
        ]  # fmt: skip
        tree.append({"facetParameter": "locationMainGroup", "values": group})
    (synth / "gencorp_jobs.json").write_text(json.dumps(listing))
    (synth / "gencorp_facets.json").write_text(json.dumps(tree))
    return items


@pytest.fixture
def gencorp(replay, tmp_path, monkeypatch):
    """The replay serving the generated GenCorp board (from tmp_path), recording each list request's body."""
    monkeypatch.setitem(
        workday_replay.BOARDS,
        ("gencorp", "careers"),
        {"list": "synth/workday/gencorp_jobs.json", "details": [], "generated": "synth/workday/none.json",
         "facets": "synth/workday/gencorp_facets.json"},
    )  # fmt: skip
    replay.recordings = tmp_path / "rec"
    bodies: list[dict] = []

    def handler(req: ReplayRequest) -> ReplayResponse:
        bodies.append(req.json_body())
        return workday_replay.jobs(req, "gencorp", "Careers")

    replay.overrides[("POST", GEN_LIST)] = handler
    # Details refused, as Workday refuses data-center addresses: this test is about the list, and a
    # refused detail costs no detail file for 2,400 generated postings.
    replay.faults[GEN_DETAIL] = Fault(status=403)
    return tmp_path / "rec", bodies


def _pages(n: int) -> int:
    return max(1, -(-n // workday.PAGE_SIZE))


def test_a_board_past_the_cap_is_split_by_facet_and_merged(gencorp, replay, tmp_db):
    root, bodies = gencorp
    # 2,400 postings. jobFamilyGroup: f1 0-2099, f2 2100-2399. locations: l1 0-1799 and 2100-2399,
    # l2 1700-2099 (1700-1799 are in both: listed twice, stored once). timeType: one value for all.
    family = {"f1": list(range(2100)), "f2": list(range(2100, 2400))}
    locations = {"l1": [*range(1800), *range(2100, 2400)], "l2": list(range(1700, 2100))}
    items = _generated_board(
        root,
        2400,
        {"jobFamilyGroup": family, "timeType": {"ft": list(range(2400))}, "locations": locations},
        grouped=("locations",),
    )
    result = crawl(tmp_db, replay.url, GEN)
    assert result.status == "ok", result.outcomes[0].notes  # complete: no removal is held
    assert result.outcomes[0].complete
    rows = query(tmp_db, "SELECT external_id FROM postings ORDER BY 1")
    assert rows == sorted((_suffix(i["externalPath"]),) for i in items) and len(rows) == 2400

    # Every value of each facet is its own list below 2,000 except f1 and l1 (2,100 each): the board is
    # split by one of the two facets (the one listing fewer postings twice: jobFamilyGroup), and its
    # value at the cap again by the other.
    searches = {json.dumps(b["appliedFacets"], sort_keys=True) for b in bodies}
    assert searches == {
        json.dumps(x, sort_keys=True)
        for x in ({}, {"jobFamilyGroup": ["f1"]}, {"jobFamilyGroup": ["f2"]},
                  {"jobFamilyGroup": ["f1"], "locations": ["l1"]}, {"jobFamilyGroup": ["f1"], "locations": ["l2"]})
    }  # fmt: skip
    f1 = set(family["f1"])
    expected_pages = (
        1  # the board's search: its first page says 2000, the cap
        + 1  # f1's first page says 2000 too
        + _pages(len(f1 & set(locations["l1"])))
        + _pages(len(f1 & set(locations["l2"])))
        + _pages(len(family["f2"]))
    )
    assert len(bodies) == expected_pages == 1 + 1 + 90 + 20 + 15
    assert len({(json.dumps(b["appliedFacets"], sort_keys=True), b["offset"]) for b in bodies}) == len(bodies)
    assert replay.requests_to(GEN_DETAIL) == 2400  # each posting's detail asked once (refused)


def test_a_search_at_the_cap_that_no_facet_splits_is_partial(gencorp, replay, tmp_db):
    root, bodies = gencorp
    # 2,100 postings, one time type for all and no other facet: nothing narrows the search.
    _generated_board(root, 2100, {"timeType": {"ft": list(range(2100))}})
    result = crawl(tmp_db, replay.url, GEN)
    assert result.status == "attention"  # stored, but the listing is partial: removals are held
    (outcome,) = result.outcomes
    assert not outcome.complete
    assert any("lists at most 2,000 postings and no facet narrows it" in n for n in outcome.notes)
    # What the one search lists (its first 2,000) is stored.
    assert query(tmp_db, "SELECT count(*) FROM postings") == [(2000,)]
    assert len(bodies) == _pages(2000) + 1  # the page at offset 2,000 is empty


def test_a_facet_that_leaves_postings_out_is_made_up_by_the_next(gencorp, replay, tmp_db):
    root, bodies = gencorp
    # 2,200 postings; jobFamilyGroup and timeType both add up to 2,200 (every posting has one of each).
    # 50 postings (2150-2199) have no location: locations (l1 0-1199, l2 1000-2149) keeps every search
    # below the cap, so it is tried first, and lists 2,150. jobFamilyGroup then lists the rest.
    family = {"f1": list(range(2100)), "f2": list(range(2100, 2200))}
    time_type = {"ft": list(range(2200))}
    locations = {"l1": list(range(1200)), "l2": list(range(1000, 2150))}
    items = _generated_board(
        root, 2200, {"jobFamilyGroup": family, "timeType": time_type, "locations": locations}
    )
    result = crawl(tmp_db, replay.url, GEN)
    assert result.status == "ok" and result.outcomes[0].complete
    assert query(tmp_db, "SELECT count(*) FROM postings") == [(len(items),)] == [(2200,)]
    searched = {next(iter(b["appliedFacets"]), None) for b in bodies}
    assert searched == {None, "locations", "jobFamilyGroup"}


def test_split_searches_that_list_fewer_than_the_facets_count_are_partial(gencorp, replay, tmp_db):
    root, bodies = gencorp
    # As above, but both facets that could split (locations, locationHierarchy1) leave out the same 50
    # postings, and the facets that cover every posting have one value each (nothing to split by).
    everyone = list(range(2200))
    facets = {
        "timeType": {"ft": everyone},
        "workerSubType": {"regular": everyone},
        "locations": {"l1": list(range(1200)), "l2": list(range(1000, 2150))},
        "locationHierarchy1": {"c1": list(range(1150)), "c2": list(range(1100, 2150))},
    }
    _generated_board(root, 2200, facets)
    result = crawl(tmp_db, replay.url, GEN)
    (outcome,) = result.outcomes
    assert result.status == "attention" and not outcome.complete  # removals are held
    assert any(
        "split by locationHierarchy1 and locations listed 2,150 postings, fewer than the 2,200" in n
        for n in outcome.notes
    ), outcome.notes
    assert query(tmp_db, "SELECT count(*) FROM postings") == [(2150,)]


# -- details refused (HTTP 403, as data-center addresses get) ----------------------------------------

NVIDIA = {"name": "NVIDIA", "source": "workday", "board": "nvidia/NVIDIAExternalCareerSite"}
NVIDIA_DETAIL = "/wday/cxs/nvidia/NVIDIAExternalCareerSite/job/"


def test_refused_details_store_the_real_list_data(replay, tmp_db):
    replay.faults[NVIDIA_DETAIL] = Fault(status=403)
    result = crawl(tmp_db, replay.url, NVIDIA)
    assert result.status == "ok"  # the board is not failed: its listing is complete
    (outcome,) = result.outcomes
    recorded = load_real("workday/nvidia_jobs_search_golang.json")["jobPostings"]
    assert outcome.complete and outcome.notes == [
        f"{len(recorded)} of {len(recorded)} workday detail pages were refused (HTTP 403, as Workday answers "
        "many data-center addresses): those postings are stored from the list, without description or pay "
        "(a posting stored before keeps its own)"
    ]
    (listed_on,) = query(tmp_db, "SELECT DISTINCT first_seen::DATE FROM postings")[0]
    rows = query(
        tmp_db,
        "SELECT external_id, title, location, url, posted_at, description FROM postings ORDER BY external_id",
    )
    expected = []
    for p in recorded:
        days = p["postedOn"].removeprefix("Posted ").removesuffix(" Days Ago")
        posted = None if days.endswith("+") else datetime.combine(listed_on, datetime.min.time(), UTC)
        posted = posted - timedelta(days=int(days)) if posted else None  # "30+ Days Ago" is only a bound
        url = f"{replay.url}/NVIDIAExternalCareerSite{p['externalPath']}"
        expected.append((_suffix(p["externalPath"]), p["title"], p["locationsText"], url, posted, None))
    assert rows == sorted(expected)
    assert sum(1 for r in rows if r[4] is None) == sum(
        1 for p in recorded if p["postedOn"] == "Posted 30+ Days Ago"
    )
    assert query(tmp_db, "SELECT count(*) FROM pay_bands") == [(0,)]
    assert replay.requests_to(NVIDIA_DETAIL) == len(recorded)  # asked once each: a 403 is not retried


def test_a_refused_detail_keeps_what_was_stored(replay, tmp_db):
    assert crawl(tmp_db, replay.url, SYNTH).status == "ok"  # details answered: descriptions and bands
    before = query(
        tmp_db, "SELECT posting_id, title, description, content_hash, band_hash FROM postings ORDER BY 1"
    )
    bands = query(
        tmp_db, "SELECT posting_id, band_no, min_amount, max_amount, zone FROM pay_bands ORDER BY 1, 2"
    )
    assert len(bands) == 38 and all(r[2] for r in before)

    replay.faults[SYNTH_DETAIL] = Fault(status=403)
    result = crawl(tmp_db, replay.url, SYNTH)
    assert result.status == "ok" and result.outcomes[0].notes[0].startswith("45 of 45 workday detail pages")
    counts = result.outcomes[0].counts
    assert (counts.postings, counts.updated_postings, counts.changed_bands, counts.removed_postings) == (
        45,
        0,
        0,
        0,
    )
    assert (
        query(
            tmp_db, "SELECT posting_id, title, description, content_hash, band_hash FROM postings ORDER BY 1"
        )
        == before
    )
    assert (
        query(tmp_db, "SELECT posting_id, band_no, min_amount, max_amount, zone FROM pay_bands ORDER BY 1, 2")
        == bands
    )
    assert query(tmp_db, "SELECT count(*) FROM pay_band_versions WHERE valid_to IS NOT NULL") == [(0,)]
    assert query(tmp_db, "SELECT count(DISTINCT last_run_id), bool_and(is_active) FROM postings") == [
        (1, True)
    ]


def test_some_details_refused_some_answered(replay, tmp_db):
    refused = [p["externalPath"] for p in _synth_postings()[:30]]  # most of the board: still not failed
    for path in refused:
        replay.faults[f"/wday/cxs/synthlabs/SynthLabs_Careers{path}"] = Fault(status=403)
    result = crawl(tmp_db, replay.url, SYNTH)
    assert result.status == "ok" and result.outcomes[0].notes[0].startswith("30 of 45 workday detail pages")
    rows = dict(query(tmp_db, "SELECT external_id, description IS NULL FROM postings"))
    assert rows == {_suffix(p["externalPath"]): p["externalPath"] in refused for p in _synth_postings()}


def test_a_list_only_posting_reparses_the_same(replay, tmp_db):
    replay.faults[NVIDIA_DETAIL] = Fault(status=403)
    crawl(tmp_db, replay.url, NVIDIA)
    stored = query(
        tmp_db,
        "SELECT p.external_id, p.posted_at, r.payload FROM postings p JOIN posting_raw r USING (posting_id)",
    )
    from scraper.config import CompanyConfig

    source = workday.Workday(CompanyConfig("NVIDIA", "workday", NVIDIA["board"], base_url=replay.url))
    for external_id, posted_at, payload in stored:
        raw = json.loads(payload)
        assert workday.LISTED_ON_KEY in raw  # the day "N Days Ago" counts from
        again = source.parse_raw(raw)
        assert (again.external_id, again.posted_at, again.description, again.list_only) == (
            external_id,
            posted_at,
            None,
            True,
        )


@pytest.mark.parametrize(
    ("text", "days"),
    [("Posted Today", 0), ("Posted Yesterday", 1), ("Posted 3 Days Ago", 3), ("posted 1 day ago", 1),
     ("Posted 30+ Days Ago", None), ("Publié il y a 3 jours", None), ("", None), (None, None)],
)  # fmt: skip
def test_posted_on(text, days):
    on = date(2026, 3, 10)
    expected = None if days is None else datetime(2026, 3, 10, tzinfo=UTC) - timedelta(days=days)
    assert workday.posted_on(text, on) == expected
    assert workday.posted_on(text, None) is None


def test_the_crawl_summary_says_details_were_refused(replay, tmp_db):
    from paybands.commands.crawl import summary_lines

    replay.faults[NVIDIA_DETAIL] = Fault(status=403)
    lines = summary_lines(crawl(tmp_db, replay.url, NVIDIA))
    assert any(
        line.startswith(
            "  note: NVIDIA (workday:nvidia/NVIDIAExternalCareerSite): 20 of 20 workday detail pages"
        )
        for line in lines
    ), lines
