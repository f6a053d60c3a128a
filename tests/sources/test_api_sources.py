"""Greenhouse, Lever and Ashby against their real recordings on the replay server."""

from __future__ import annotations

import pytest

from tests.helpers import crawl, load_real, query

# (source, board, recording, how to list (id, title) in the recording)
ASHBY = [
    ("Lambda", "ashby/stapply_Lambda_board_comp.json"),
    ("cartesia", "ashby/stapply_cartesia_board_comp.json"),
    ("decagon", "ashby/stapply_decagon_board_comp.json"),
    ("sierra", "ashby/stapply_sierra_board_comp.json"),
    ("zapier", "ashby/stapply_zapier_board_comp.json"),
    ("ramp", "ashby/stapply_ramp_board_comp.json"),
    ("browserbase", "ashby/browserbase_board_comp.json"),
    ("weaviate", "ashby/weaviate_board_comp_nulls.json"),
]


def _ashby_expected_bands(job: dict) -> list[tuple]:
    out = []
    for tier in (job.get("compensation") or {}).get("compensationTiers") or []:
        for c in tier["components"]:
            if c["compensationType"] == "Salary" and c["interval"] not in ("NONE", "1 TIME"):
                if c["minValue"] is None and c["maxValue"] is None:
                    continue
                title = " ".join(tier["title"].split()) if tier["title"] else None
                # A qualifier the tier summary adds to the title is part of the zone (Zapier's
                # "United States (MG4) $287K – $373K"); a currency as the title is no zone.
                summary = tier.get("tierSummary") or ""
                if title and summary.startswith(f"{title} ("):
                    title = summary[: summary.index(")") + 1]
                if title in ("EUR", "Euro", "EURO", "GBP", "USD"):
                    title = None
                out.append(
                    (
                        title,
                        c["minValue"],
                        c["maxValue"],
                        c["currencyCode"],
                    )
                )
    return sorted(out, key=str)


@pytest.mark.parametrize(("board", "recording"), ASHBY)
def test_ashby_board_matches_recording(replay, tmp_db, board, recording):
    jobs = load_real(recording)["jobs"]
    result = crawl(tmp_db, replay.url, {"name": board, "source": "ashby", "board": board})
    assert result.status == "ok"
    rows = query(tmp_db, "SELECT external_id, title FROM postings ORDER BY external_id")
    assert rows == sorted((j["id"], " ".join(j["title"].split())) for j in jobs)
    for job in jobs:
        got = query(
            tmp_db,
            "SELECT zone, min_amount, max_amount, currency FROM pay_bands WHERE posting_id = ? AND origin = 'structured'",
            [f"ashby:{board.lower()}:{job['id']}"],
        )
        expected = _ashby_expected_bands(job)
        assert sorted(got, key=str) == [
            (z, float(a) if a else None, float(b) if b else None, c) for z, a, b, c in expected
        ]


def test_ashby_ote_and_zones(replay, tmp_db):
    crawl(tmp_db, replay.url, {"name": "Ashby", "source": "ashby", "board": "ashby"})
    rows = query(
        tmp_db,
        """SELECT zone, min_amount, max_amount, currency, period, pay_type FROM pay_bands
           WHERE posting_id = 'ashby:ashby:27df9873-a3f3-487c-ba3d-4705b6bcbcb0' ORDER BY zone""",
    )
    assert ("US", 270000.0, 320000.0, "USD", "year", "ote") in rows
    assert any(r[0] == "Canada" and r[1] == 300000.0 and r[3] == "CAD" and r[5] == "ote" for r in rows)


def test_ashby_hourly_and_weekly_intervals_annualize(replay, tmp_db):
    crawl(tmp_db, replay.url, {"name": "Decagon", "source": "ashby", "board": "decagon"})
    rows = query(
        tmp_db, "SELECT period, min_amount, annual_min FROM pay_bands WHERE period IN ('hour', 'week')"
    )
    periods = {r[0] for r in rows}
    assert periods == {"hour", "week"}
    for period, amount, annual in rows:
        assert annual == pytest.approx(amount * {"hour": 2080, "week": 52}[period])


def test_greenhouse_pay_in_cents_and_ote_for_sales(replay, tmp_db):
    crawl(tmp_db, replay.url, {"name": "Anthropic", "source": "greenhouse", "board": "anthropic"})
    rows = query(
        tmp_db,
        "SELECT p.external_id, p.title, b.min_amount, b.max_amount, b.currency, b.period, b.pay_type, b.origin "
        "FROM postings p JOIN pay_bands b USING (posting_id) WHERE b.origin = 'structured'",
    )
    # min_cents 22280000 / max_cents 29000000 in the recording; an Account Executive: OTE per the blurb.
    assert rows == [
        ("4461450008", "Account Executive, AI Native", 222800.0, 290000.0, "USD", "year", "ote", "structured")
    ]


def test_greenhouse_pay_text_in_escaped_content(replay, tmp_db):
    crawl(tmp_db, replay.url, {"name": "GitLab", "source": "greenhouse", "board": "gitlab"})
    jobs = load_real("greenhouse/gitlab_jobs_content_2jobs.json")["jobs"]
    assert {r[0] for r in query(tmp_db, "SELECT external_id FROM postings")} == {str(j["id"]) for j in jobs}
    rows = query(tmp_db, "SELECT posting_id, min_amount, max_amount, currency, origin FROM pay_bands")
    assert rows == [("greenhouse:gitlab:8565469002", 108400.0, 129600.0, "USD", "text")]
    (desc,) = query(tmp_db, "SELECT description FROM postings WHERE external_id = '8565469002'")[0]
    assert "<div" not in desc and "&lt;" not in desc and "United States Salary Range" in desc


def test_greenhouse_board_gone_is_a_clear_failure(replay, tmp_db):
    result = crawl(
        tmp_db,
        replay.url,
        {"name": "Gone", "source": "greenhouse", "board": "no-such-board"},
        {"name": "Safari", "source": "greenhouse", "board": "safariai"},
    )
    assert result.status == "partial"
    gone = next(o for o in result.outcomes if o.company == "Gone")
    assert gone.status == "failed" and gone.error_kind == "not_found" and "board not found" in gone.error
    assert query(tmp_db, "SELECT count(*) FROM postings WHERE company = 'Safari'") == [(7,)]


def test_lever_structured_salary_and_paging(replay, tmp_db):
    result = crawl(
        tmp_db,
        replay.url,
        {"name": "Match Group", "source": "lever", "board": "matchgroup"},
        {"name": "Lever Demo", "source": "lever", "board": "leverdemo"},
    )
    assert result.status == "ok"
    match = load_real("lever/matchgroup_postings_2jobs.json")
    demo = load_real("lever/leverdemo_postings_limit3.json")
    ids = {r[0] for r in query(tmp_db, "SELECT external_id FROM postings")}
    assert ids == {p["id"] for p in match + demo}
    rows = query(
        tmp_db,
        "SELECT posting_id, min_amount, max_amount, currency, period, pay_type FROM pay_bands WHERE origin = 'structured'",
    )
    assert rows == [
        ("lever:matchgroup:3414ba28-35f7-45d3-8e13-35c883959635", 150000.0, 180000.0, "USD", "year", "base")
    ]
    (created,) = query(
        tmp_db, "SELECT posted_at FROM postings WHERE external_id = '3414ba28-35f7-45d3-8e13-35c883959635'"
    )[0]
    assert int(created.timestamp() * 1000) == int(match[0]["createdAt"])


def test_lever_salary_range_of_a_second_board(replay, tmp_db):
    """Spotify's recording (ergon): `salaryRange` {min, max, currency, interval} with no
    `salaryDescription` to restate it; the other posting has none."""
    postings = load_real("lever/ergon_spotify_postings_2jobs_trimmed.json")
    assert (
        crawl(tmp_db, replay.url, {"name": "Spotify", "source": "lever", "board": "spotify"}).status == "ok"
    )
    assert {r[0] for r in query(tmp_db, "SELECT external_id FROM postings")} == {p["id"] for p in postings}
    periods = {"per-year-salary": "year", "per-month-salary": "month", "per-hour-wage": "hour"}
    expected = [
        (f"lever:spotify:{p['id']}", float(r["min"]), float(r["max"]), r["currency"], periods[r["interval"]])
        for p in postings
        if (r := p.get("salaryRange"))
    ]
    assert len(expected) == 1
    rows = query(
        tmp_db,
        "SELECT posting_id, min_amount, max_amount, currency, period, pay_type, origin, rule FROM pay_bands",
    )
    # A "salary" interval on a finance analyst's posting: base pay.
    assert rows == [(*e, "base", "structured", "structured:lever") for e in expected]


def test_lever_pages_until_short_page(replay, tmp_db, tmp_path, monkeypatch):
    import json

    import scraper.sources.lever as lever

    items = load_real("lever/leverdemo_postings_limit3.json")
    many = [{**items[i % 3], "id": f"gen-{i}", "text": f"Engineer {i}"} for i in range(7)]
    synth = tmp_path / "synth" / "lever"
    synth.mkdir(parents=True)
    (synth / "bigco.json").write_text(json.dumps(many))
    replay.recordings = tmp_path
    monkeypatch.setattr(lever, "PAGE_SIZE", 3)
    crawl(tmp_db, replay.url, {"name": "Big", "source": "lever", "board": "bigco"})
    assert query(tmp_db, "SELECT count(*) FROM postings") == [(7,)]
    assert replay.requests_to("/v0/postings/bigco") == 3  # 3 + 3 + 1 (short page ends it)
