"""Crawling in shards and merging them gives the database one machine would have written.

A replay farm of six hosts (127.0.0.1-6, each serving the real recordings) is crawled twice a
"week" with a change in between (a raised band, a posting gone, a new one): once whole, and once
as 3 shards (`--shard K/3`) merged with `paybands merge` - one shard carried as an export folder,
two as their files. Postings, band versions, removals and pay_band_changes must be identical once
run ids are read as weeks; the merge must be idempotent, and refuse shards that cannot be one.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

import paybands.commands  # noqa: F401  (registers the commands on cli)
from paybands.cli import cli
from scraper.config import parse_config
from scraper.crawl import run_crawl
from scraper.merge import MergeError, export_shard, merge_shards
from scraper.replay import ReplayServer
from scraper.replay.server import ReplayRequest, ReplayResponse
from scraper.shard import Shard, company_host, parse_shard, shard_of
from tests.helpers import FIXTURES, REAL

N = 3


def _farm_hosts(per_shard: int = 2) -> list[str]:
    """Loopback addresses (each a host to politeness) until every shard owns `per_shard` of them."""
    hosts: list[str] = []
    owned = [0] * N
    for i in range(1, 100):
        host = f"127.0.0.{i}"
        if owned[shard_of(host, N)] < per_shard:
            hosts.append(host)
            owned[shard_of(host, N)] += 1
        if min(owned) == per_shard:
            return hosts
    raise AssertionError("no loopback farm covers every shard")


HOSTS = _farm_hosts()
COMPANIES = [  # (name, source, board): real recordings, spread over the hosts
    ("Lambda", "ashby", "Lambda"),
    ("Cartesia", "ashby", "cartesia"),
    ("Decagon", "ashby", "decagon"),
    ("Sierra", "ashby", "sierra"),
    ("Zapier", "ashby", "zapier"),
    ("Browserbase", "ashby", "browserbase"),
    ("Anthropic", "greenhouse", "anthropic"),
    ("GitLab", "greenhouse", "gitlab"),
    ("Match Group", "lever", "matchgroup"),
]


@pytest.fixture(scope="module")
def farm() -> Iterator[list[ReplayServer]]:
    servers = [ReplayServer(FIXTURES, host=h).start() for h in HOSTS]
    try:
        yield servers
    finally:
        for s in servers:
            s.stop()


def _config(servers: list[ReplayServer]):
    companies = [
        {"name": n, "source": s, "board": b, "base_url": servers[i % len(servers)].url}
        for i, (n, s, b) in enumerate(COMPANIES)
    ]
    return parse_config(
        {"crawl": {"per_host_delay_s": 0.0, "timeout_s": 5, "max_retries": 1}, "company": companies}
    )


def _week_two(servers: list[ReplayServer]) -> None:
    """Cartesia's board changes: first job +10k, second job gone, a new one (edited from the recording)."""
    board = json.loads((REAL / "ashby" / "stapply_cartesia_board_comp.json").read_text("utf-8"))
    changed = copy.deepcopy(board)
    jobs = changed["jobs"]
    for tier in jobs[0]["compensation"]["compensationTiers"]:
        for part in tier["components"]:
            if part.get("compensationType") == "Salary":
                part["minValue"] += 10_000
                part["maxValue"] += 10_000
    jobs.pop(1)
    new = copy.deepcopy(jobs[1])
    new["id"] = "00000000-0000-4000-8000-000000000002"
    new["title"] = "Machine Learning Engineer, Shard Test"
    jobs.append(new)

    def serve(req: ReplayRequest) -> ReplayResponse:
        return ReplayResponse.json(changed)

    for s in servers:
        s.overrides[("GET", "/posting-api/job-board/cartesia")] = serve


def _snapshot(db: Path, runs_per_week: int) -> dict[str, list]:
    """The tables a recruiter reads, with run ids as weeks (run // runs_per_week), no timestamps or keys."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        q = {
            "postings": """SELECT posting_id, company, title, location, is_active, week(first_run_id),
                                  week(last_run_id), week(removed_run_id), content_hash, band_hash, city,
                                  metro, country, role_family, seniority, is_ai_ml FROM postings""",
            "versions": """SELECT posting_id, band_no, min_amount, max_amount, currency, period, pay_type, zone,
                                  valid_to IS NULL, week(run_id), week(closed_run_id), rule FROM pay_band_versions""",
            "changes": """SELECT posting_id, zone, old_min_amount, old_max_amount, new_min_amount, new_max_amount,
                                 change_kind, week(run_id) FROM pay_band_changes""",
            "facts": """SELECT posting_id, band_no, city, metro, country, remote, uniform, place_uniform,
                               first_of_type, annual_mid_usd FROM band_facts""",
            "history": "SELECT posting_id, title, location, content_hash, week(run_id) FROM posting_history",
        }
        weeks = {k: re.sub(r"week\((\w+)\)", rf"(\1 // {runs_per_week})", v) for k, v in q.items()}
        return {k: sorted(con.execute(v).fetchall(), key=repr) for k, v in weeks.items()}
    finally:
        con.close()


def test_host_assignment_is_stable_and_host_affine():
    hosts = [f"tenant{i}.wd5.myworkdayjobs.com" for i in range(200)]
    before = {h: shard_of(h, 4) for h in hosts}
    assert set(before.values()) == {0, 1, 2, 3}  # every shard gets hosts
    grown = {h: shard_of(h, 4) for h in [*hosts, *(f"new{i}.example.com" for i in range(50))]}
    assert all(grown[h] == before[h] for h in hosts)  # the registry grew: no host moved
    assert parse_shard("2/3") == Shard(2, 3) and str(parse_shard(" 0 / 1 ")) == "0/1"
    for bad in ("3/3", "-1/3", "1", "a/b", "0/0"):
        with pytest.raises(ValueError):
            parse_shard(bad)


def test_shards_merged_equal_one_crawl(farm, tmp_path):
    config = _config(farm)
    # the farm's hosts fall to every shard, and each company to the shard of its host
    owners = {company_host(c): shard_of(company_host(c), N) for c in config.companies}
    assert len(set(owners.values())) == N, owners

    whole = tmp_path / "whole.duckdb"
    shards = [tmp_path / f"shard{k}.duckdb" for k in range(N)]
    for s in farm:
        s.overrides.clear()
    assert run_crawl(config, str(whole)).status == "ok"
    for k, db in enumerate(shards):
        assert run_crawl(config, str(db), shard=Shard(k, N)).status == "ok"
    _week_two(farm)
    try:
        assert run_crawl(config, str(whole)).status == "ok"
        for k, db in enumerate(shards):
            assert run_crawl(config, str(db), shard=Shard(k, N)).status == "ok"
    finally:
        for s in farm:
            s.overrides.clear()

    folder = tmp_path / "shard0-export"
    res = CliRunner().invoke(
        cli,
        ["export", "--db", str(shards[0]), "--tables", "all", "--format", "parquet", "--out", str(folder)],
    )
    assert res.exit_code == 0, res.output
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["shard"] == "0/3" and manifest["run_ids"] == [1, 2]

    merged = tmp_path / "merged.duckdb"
    res = CliRunner().invoke(
        cli, ["merge", str(folder), str(shards[1]), str(shards[2]), "--into", str(merged)]
    )
    assert res.exit_code == 0, res.output

    want = _snapshot(whole, 1)
    got = _snapshot(merged, N)
    for table in want:
        assert got[table] == want[table], table
    assert want["changes"] and any(not row[4] for row in want["postings"])  # a band change and a removal

    # idempotent: merging the same shards again gives the same database
    before = _snapshot(merged, 1)
    merge_shards([folder, shards[1], shards[2]], merged)
    assert _snapshot(merged, 1) == before


def test_merge_refuses_what_cannot_be_one_database(farm, tmp_path):
    config = _config(farm)
    a, b = tmp_path / "a.duckdb", tmp_path / "b.duckdb"
    assert run_crawl(config, str(a), shard=Shard(0, 2)).status in ("ok", "empty")
    assert run_crawl(config, str(b), shard=Shard(1, 2)).status in ("ok", "empty")
    with pytest.raises(MergeError, match="both shard 0/2"):
        merge_shards([a, a], tmp_path / "m.duckdb")
    folder = tmp_path / "a-export"
    export_shard(a, folder)
    manifest = folder / "manifest.json"
    data = json.loads(manifest.read_text())
    data["shard"] = "1/2"
    data["hosts"] = data["hosts"] or ["127.0.0.1"]
    manifest.write_text(json.dumps(data))
    con = duckdb.connect(str(b))
    con.execute("UPDATE meta SET value = ? WHERE key = 'shard_hosts'", [json.dumps(data["hosts"])])
    con.close()
    with pytest.raises(MergeError, match="both shard 1/2"):
        merge_shards([folder, b], tmp_path / "m.duckdb")
    data["shard"] = "0/2"
    manifest.write_text(json.dumps(data))
    with pytest.raises(MergeError, match="both crawled"):
        merge_shards([folder, b], tmp_path / "m.duckdb")
    data["schema_version"] = 1
    manifest.write_text(json.dumps(data))
    with pytest.raises(MergeError, match="schema version 1"):
        merge_shards([folder, b], tmp_path / "m.duckdb")
    # a file crawled without --shard is not a shard; the CLI says so in one sentence, exit 2
    plain = tmp_path / "plain.duckdb"
    assert run_crawl(config, str(plain)).status == "ok"
    res = CliRunner().invoke(cli, ["merge", str(plain), "--into", str(tmp_path / "m.duckdb")])
    assert res.exit_code == 2 and "not a shard" in res.output
    assert not (tmp_path / "m.duckdb").exists()  # nothing half-built is left
    # a shard file holds one shard: crawling it as another is refused, before anything is fetched
    toml = tmp_path / "farm.toml"
    toml.write_text(
        "".join(
            f'[[company]]\nname = "{c.name}"\nsource = "{c.source}"\nboard = "{c.board}"\nbase_url = "{c.base_url}"\n'
            for c in config.companies
        )
    )
    res = CliRunner().invoke(cli, ["crawl", "--config", str(toml), "--db", str(a), "--shard", "1/2", "-q"])
    assert res.exit_code == 2 and "holds shard 0/2, not 1/2" in res.output
    res = CliRunner().invoke(cli, ["crawl", "--config", str(toml), "--db", str(a), "--shard", "2/2"])
    assert res.exit_code == 2 and "0 <= K < N" in res.output


@pytest.mark.parametrize(
    ("company", "host"),
    [
        ({"source": "greenhouse", "board": "anthropic"}, "boards-api.greenhouse.io"),
        ({"source": "recruitee", "board": "bunq"}, "bunq.recruitee.com"),
        ({"source": "teamtailor", "board": "careers.acme.com"}, "careers.acme.com"),
        ({"source": "bamboohr", "board": "curtinmaritime"}, "curtinmaritime.bamboohr.com"),
        ({"source": "breezy", "board": "acme"}, "acme.breezy.hr"),
        ({"source": "oracle", "board": "eeho.fa.us2.oraclecloud.com/CX_1"}, "eeho.fa.us2.oraclecloud.com"),
        ({"source": "icims", "board": "careers-x.icims.com"}, "careers-x.icims.com"),
        ({"source": "workday", "board": "nvidia/Site", "base_url": "https://nvidia.wd5.myworkdayjobs.com"},
         "nvidia.wd5.myworkdayjobs.com"),
        ({"source": "jsonld", "url": "https://careers.example.com/jobs"}, "careers.example.com"),
        ({"source": "lever", "board": "acme", "base_url": "http://127.0.0.7:8765"}, "127.0.0.7"),
    ],
)  # fmt: skip
def test_a_company_is_sharded_by_the_host_its_requests_go_to(company, host):
    """Boards that are hosts of their own (Recruitee, BambooHR, Breezy, career sites) spread over the
    shards; boards on one API host (Greenhouse) stay together, as politeness needs."""
    config = parse_config({"company": [{"name": "X", **company}]})
    assert company_host(config.companies[0]) == host
