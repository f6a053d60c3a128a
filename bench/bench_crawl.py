"""API crawl benches, each crawl in a fresh child process (`bench.crawl_child`), replay servers in others.

- throughput: the generated farm (500 boards, 20,000 postings; Greenhouse/Lever/Ashby/Workday shapes)
  on one replay server process, politeness opened up in [crawl]; end-to-end postings/s;
- hosts: the same small farm on 1 host vs 8 hosts (8 server processes on 127.0.0.2..9), 100 ms
  response delay on every response, default per-host politeness except the delay (same on both);
- memory: peak RSS of crawls of 2,000 / 20,000 / 200,000 postings (Ashby boards, replicated by name).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from bench.common import OUT, replay_servers, run_child, short_commit
from bench.farm import build_farm, companies

OPEN = {"per_host_concurrency": 64, "per_host_delay_s": 0.0, "company_concurrency": 32}


def _fresh_db(name: str) -> str:
    db = OUT / name
    for suffix in ("", ".wal", ".lock"):
        Path(str(db) + suffix).unlink(missing_ok=True)
    return str(db)


def throughput(
    boards: int = 500, postings: int = 20_000, profile: str | None = None, crawl: dict | None = None
) -> dict:
    """`crawl` overrides [crawl] settings of OPEN (e.g. {"per_host_concurrency": 16})."""
    farm = OUT / "farm"
    manifest = build_farm(farm, boards, postings)
    with replay_servers(farm, 1) as urls:
        cfg = {"crawl": {**OPEN, **(crawl or {})}, "company": companies(manifest, urls)}
        server0 = urls.cpu_s()
        r = run_child(
            "bench.crawl_child", {"config": cfg, "db": _fresh_db("crawl.duckdb"), "profile": profile}
        )
        # The replay server shares the 2 cores with the crawl: its CPU is part of the picture.
        r["server_cpu_s"] = urls.cpu_s() - server0
    r["pps"] = r["postings"] / r["elapsed_s"]
    return r


# The tree before issue 16 (crawl --shard and the CPU-per-posting work): the side-by-side baseline.
BASELINE_COMMIT = "b86ac19"


def compare(
    baseline: str = BASELINE_COMMIT, rounds: int = 3, boards: int = 500, postings: int = 20_000
) -> dict:
    """Crawl CPU per 1,000 postings, this tree beside `baseline`, on the same farm and replay server.

    The baseline is checked out with `git worktree add` into a temporary folder; its crawl runs in a
    child process that imports `scraper` from there (the child reports which file it imported, and
    a run that imported the wrong tree fails). Rounds alternate who goes first; each side's figure is
    the median of its rounds, and the ratio current / baseline is what counts: this machine's CPU
    speed varies from hour to hour, and both sides see the same hour.
    """
    import statistics
    import subprocess
    import sys

    from bench.common import ROOT, baseline_tree

    farm = OUT / "farm"
    manifest = build_farm(farm, boards, postings)
    sides: dict[str, list[dict]] = {"current": [], "baseline": []}
    floors: dict[str, float | str] = {}
    with baseline_tree(baseline, "paybands-crawl-base-") as (tree, tmp):
        with replay_servers(farm, 1) as urls:
            cfg = {"crawl": OPEN, "company": companies(manifest, urls)}
            for i in range(rounds):
                order = ("current", "baseline") if i % 2 == 0 else ("baseline", "current")
                for side in order:
                    code = ROOT if side == "current" else tree
                    s0 = urls.cpu_s()
                    r = run_child(
                        "bench.crawl_child",
                        {"config": cfg, "db": _fresh_db(f"cmp_{side}.duckdb")},
                        code=code,
                    )
                    if not r["scraper"].startswith(str(code)):
                        raise RuntimeError(f"{side} crawl imported {r['scraper']}, not {code}")
                    if r["n_failed"] or r["postings"] != manifest["postings"]:
                        raise RuntimeError(f"{side} crawl: {r['postings']} postings, {r['failed']}")
                    r["server_cpu_s"] = urls.cpu_s() - s0
                    r["cpu_ms_per_posting"] = 1000 * r["cpu_s"] / r["postings"]
                    sides[side].append(r)
        # The parse-and-normalize floor of each side, each in a process importing its own scraper
        # and this tree's bench (through a folder holding only a link to it: the baseline's
        # checkout has a bench package of its own).
        (tmp / "bench_only").mkdir()
        (tmp / "bench_only" / "bench").symlink_to(ROOT / "bench")
        for side, code in (("current", ROOT), ("baseline", tree)):
            prog = (
                f"import sys, json; sys.path[:0] = [{str(tmp / 'bench_only')!r}, {str(code)!r}]; "
                f"import scraper; assert scraper.__file__.startswith({str(code)!r}), scraper.__file__; "
                "from bench.bench_crawl import parse_floor; print(json.dumps(parse_floor()))"
            )
            out = subprocess.run([sys.executable, "-c", prog], capture_output=True, text=True, cwd=tmp)
            if out.returncode:  # the crawl rounds above still count: the floor says what failed
                floors[side] = "failed: " + (out.stderr.strip().splitlines() or ["?"])[-1][:200]
            else:
                floors[side] = json.loads(out.stdout.strip().splitlines()[-1])["parse_ms_per_posting"]
    med = {k: statistics.median(r["cpu_ms_per_posting"] for r in v) for k, v in sides.items()}
    return {
        "baseline_commit": short_commit(baseline),
        "postings": manifest["postings"],
        "rounds": rounds,
        "current_cpu_ms": med["current"],
        "baseline_cpu_ms": med["baseline"],
        "ratio": med["current"] / med["baseline"],
        "parse_floor_ms": floors,  # parse + normalize alone, ms of CPU a posting
        "current_runs": [round(r["cpu_ms_per_posting"], 3) for r in sides["current"]],
        "baseline_runs": [round(r["cpu_ms_per_posting"], 3) for r in sides["baseline"]],
        "current_pps": statistics.median(r["postings"] / r["elapsed_s"] for r in sides["current"]),
        "baseline_pps": statistics.median(r["postings"] / r["elapsed_s"] for r in sides["baseline"]),
        "bands": {"current": sides["current"][0]["bands"], "baseline": sides["baseline"][0]["bands"]},
        # CPU seconds by thread (median over rounds): where the difference is
        "threads": {
            k: {
                name: statistics.median(r["thread_cpu_s"].get(name, 0.0) for r in v)
                for name in ("MainThread", "paybands-store", "python")
            }
            for k, v in sides.items()
        },
    }


def parse_floor(boards: int = 500, postings: int = 20_000, rounds: int = 3) -> dict:
    """CPU per posting of parsing and normalizing alone (the sources' parse functions on the farm's
    answers, already decoded; no fetch, store or taxonomy), in this process: the part of the crawl's
    CPU per posting that more cores or a faster store cannot remove. Best of `rounds`."""
    import resource

    from scraper.config import CompanyConfig
    from scraper.salary import clear_caches
    from scraper.sources import get_source

    farm = OUT / "farm"
    manifest = build_farm(farm, boards, postings)
    work: list[tuple[Any, list]] = []
    for b in manifest["boards"]:
        src = get_source(b["source"])
        assert src is not None
        source = src(
            CompanyConfig(
                b["board"], b["source"], b["board"] if b["source"] != "workday" else f"{b['board']}/careers"
            )
        )
        path = farm / "synth" / b["source"]
        if b["source"] == "workday":
            listing = json.loads((path / f"{b['board']}_jobs.json").read_text())["jobPostings"]
            details = json.loads((path / f"{b['board']}_details.json").read_text())
            raws = [{**item, **details[item["externalPath"]]} for item in listing]
        else:
            data = json.loads((path / f"{b['board']}.json").read_text())
            raws = data if isinstance(data, list) else data["jobs"]
        work.append((source, raws[: b["postings"]]))
    n = sum(len(r) for _, r in work)

    def cpu() -> float:
        r = resource.getrusage(resource.RUSAGE_SELF)
        return r.ru_utime + r.ru_stime

    best = float("inf")
    for _ in range(rounds):
        clear_caches()
        c0 = cpu()
        for source, raws in work:
            for raw in raws:
                source.parse_raw(raw)
        best = min(best, cpu() - c0)
    return {"postings": n, "parse_cpu_s": best, "parse_ms_per_posting": 1000 * best / n}


def hosts(
    delay_s: float = 0.1, per_host_delay_s: float = 0.25, boards: int = 160, postings: int = 800
) -> dict:
    farm = OUT / "farm_hosts"
    # List APIs only (one request per board, Lever one per 100): every host gets the same load.
    mix = (("ashby", 0.34), ("greenhouse", 0.33), ("lever", 0.33))
    manifest = build_farm(farm, boards, postings, seed=11, mix=mix)
    crawl = {"per_host_delay_s": per_host_delay_s}  # per_host_concurrency stays at its default, 2
    out = {"response_delay_s": delay_s, "per_host_delay_s": per_host_delay_s, "boards": boards}
    for n in (1, 8):
        with replay_servers(farm, n, delay_s=delay_s, distinct_ips=True) as urls:
            cfg = {"crawl": crawl, "company": companies(manifest, urls)}
            r = run_child("bench.crawl_child", {"config": cfg, "db": _fresh_db(f"hosts{n}.duckdb")})
        out[f"h{n}_s"], out[f"h{n}_postings"], out[f"h{n}_requests"] = (
            r["elapsed_s"],
            r["postings"],
            r["requests"],
        )
    out["speedup"] = out["h1_s"] / out["h8_s"]
    return out


def _ashby_farm(postings: int) -> tuple[Path, dict]:
    """Ashby boards of 40 postings, replicated under new names (symlinks): `postings` postings in all."""
    base = OUT / "farm_mem_base"
    m = build_farm(base, 50, 2000, seed=5)
    src = [b for b in m["boards"] if b["source"] == "ashby"]
    farm = OUT / f"farm_mem_{postings}"
    (farm / "synth/ashby").mkdir(parents=True, exist_ok=True)
    boards, total, i = [], 0, 0
    while total < postings:
        b = src[i % len(src)]
        name = f"m{i:06d}"
        link = farm / "synth/ashby" / f"{name}.json"
        if not link.exists():
            os.symlink(base / "synth/ashby" / f"{b['board']}.json", link)
        take = min(b["postings"], postings - total)
        boards.append({"source": "ashby", "board": name, "postings": b["postings"]})
        total += take if take == b["postings"] else b["postings"]
        i += 1
    manifest = {"boards": boards, "postings": total}
    (farm / "manifest.json").write_text(json.dumps(manifest))
    return farm, manifest


def memory(sizes: tuple[int, ...] = (2_000, 20_000, 200_000)) -> list[dict]:
    """Peak RSS of one crawl per size, each in a fresh child process (50 ms sampler + ru_maxrss).

    One size alone: `python -c "from bench import bench_crawl as b; print(b.memory((200_000,)))"`.
    From the second size on, `postings_growth` and `rss_growth` compare with the size before:
    sub-linear means rss_growth well below postings_growth.
    """
    out: list[dict] = []
    for n in sizes:
        farm, manifest = _ashby_farm(n)
        with replay_servers(farm, 1) as urls:
            cfg = {"crawl": OPEN, "company": companies(manifest, urls)}
            r = run_child(
                "bench.crawl_child", {"config": cfg, "db": _fresh_db(f"mem{n}.duckdb")}, timeout=1800
            )
        r["target"] = n
        if out:
            r["postings_growth"] = round(r["postings"] / out[-1]["postings"], 2)
            r["rss_growth"] = round(r["peak_rss_mb"] / out[-1]["peak_rss_mb"], 2)
        out.append(r)
    return out


if __name__ == "__main__":
    import sys

    what = sys.argv[1] if len(sys.argv) > 1 else "throughput"
    fns: dict[str, Any] = {
        "throughput": throughput,
        "hosts": hosts,
        "memory": memory,
        "compare": compare,
        "parse": parse_floor,
    }
    print(json.dumps(fns[what]()))
