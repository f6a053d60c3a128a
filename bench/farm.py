"""A generated replay farm: N boards in the real Greenhouse/Lever/Ashby/Workday shapes.

Every posting is a real recorded posting (tests/fixtures/real, plus the
generated Workday details the tests use) with a new id, a new title from an
ML/AI title list, a scaled structured pay range and a varied location; the
descriptions, HTML and field layout stay the recorded ones. Files are written
where `ReplayServer(recordings_dir)` looks for them: `synth/<source>/<board>.json`
(Workday: `synth/workday/<tenant>_jobs.json` + `_details.json`, registered by
`register_workday`). Deterministic for a given (boards, postings, seed).

    .venv/bin/python -m bench.farm --boards 500 --postings 20000 --out bench/out/farm
"""

from __future__ import annotations

import argparse
import copy
import html
import json
import random
import re
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
REAL = ROOT / "tests" / "fixtures" / "real"
SYNTH = ROOT / "tests" / "fixtures" / "synth"

# Share of boards per source (Workday needs one detail request per posting, so it is the smallest share).
MIX = (("ashby", 0.35), ("greenhouse", 0.30), ("lever", 0.25), ("workday", 0.10))

TITLES = [
    "Machine Learning Engineer", "Senior Machine Learning Engineer", "Staff Machine Learning Engineer",
    "Research Scientist, Pretraining", "Applied Scientist II", "Data Scientist, Ranking",
    "ML Infrastructure Engineer", "Software Engineer, Inference", "Research Engineer, Reinforcement Learning",
    "Principal AI Engineer", "Engineering Manager, ML Platform", "Product Manager, AI",
    "Computer Vision Engineer", "NLP Scientist", "MLOps Engineer", "AI Solutions Architect",
    "Senior Data Engineer", "Deep Learning Compiler Engineer", "Account Executive, AI Native",
    "Technical Program Manager, Safety",
]  # fmt: skip
LOCATIONS = [
    "San Francisco, CA", "New York, NY", "Seattle, WA", "Remote - US", "London, UK", "Berlin, Germany",
    "Toronto, Canada", "Paris, France", "Bengaluru, India", "Austin, TX", "Boston, MA", "Remote",
]  # fmt: skip


def _templates() -> dict[str, list[dict[str, Any]]]:
    def load(rel: str) -> Any:
        return json.loads((REAL / rel).read_text("utf-8"))

    ashby = [
        j
        for p in sorted((REAL / "ashby").glob("*_comp*.json"))
        for j in json.loads(p.read_text("utf-8"))["jobs"]
        if j.get("isListed", True) is not False
    ]
    detail = load("greenhouse/anthropic_job_4461450008_pay_transparency.json")
    gh_detail = {
        k: v
        for k, v in detail.items()
        if k not in ("questions", "compliance", "demographic_questions", "location_questions")
    }
    greenhouse = [*load("greenhouse/gitlab_jobs_content_2jobs.json")["jobs"], gh_detail]
    lever = [*load("lever/leverdemo_postings_limit3.json"), *load("lever/matchgroup_postings_2jobs.json")]
    wd_details = [load("workday/nvidia_job_detail_JR2015916.json")]
    for rel in ("workday/nvidia_details.json", "workday/synthlabs_details.json"):
        wd_details.extend(json.loads((SYNTH / rel).read_text("utf-8")).values())
    wd_list = load("workday/nvidia_jobs_search_golang.json")
    return {
        "ashby": ashby,
        "greenhouse": greenhouse,
        "lever": lever,
        "workday": wd_details,
        "_wd_list": [wd_list],
    }


def _sizes(boards: int, postings: int, rng: random.Random) -> list[int]:
    """Board sizes with a long tail (most boards small, a few large), summing to `postings`."""
    weights = [rng.paretovariate(1.6) for _ in range(boards)]
    total = sum(weights)
    sizes = [max(1, int(postings * w / total)) for w in weights]
    i = 0
    while sum(sizes) != postings:  # fix rounding, one posting at a time
        d = 1 if sum(sizes) < postings else -1
        if sizes[i % boards] + d >= 1:
            sizes[i % boards] += d
        i += 1
    return sizes


def _scale(v: Any, f: float) -> Any:
    return (
        round(v * f, -2 if v > 1000 else 0) if isinstance(v, int | float) and not isinstance(v, bool) else v
    )


def _ashby_job(t: dict, n: int, board: str, rng: random.Random) -> dict:
    j = copy.deepcopy(t)
    jid = f"{rng.getrandbits(32):08x}-{n:04x}-4{rng.getrandbits(12):03x}-a{rng.getrandbits(12):03x}-{rng.getrandbits(48):012x}"
    j["id"] = jid
    j["title"] = rng.choice(TITLES)
    j["location"] = rng.choice(LOCATIONS)
    j["jobUrl"] = f"https://jobs.ashbyhq.com/{board}/{jid}"
    j["applyUrl"] = j["jobUrl"] + "/application"
    f = rng.uniform(0.7, 1.5)
    for tier in (j.get("compensation") or {}).get("compensationTiers") or []:
        for c in tier.get("components") or []:
            c["minValue"], c["maxValue"] = _scale(c.get("minValue"), f), _scale(c.get("maxValue"), f)
    return j


def _greenhouse_job(t: dict, n: int, board: str, rng: random.Random) -> dict:
    j = copy.deepcopy(t)
    jid = 4_000_000_000 + rng.getrandbits(28) * 16 + n % 16
    j["id"] = jid
    j["title"] = rng.choice(TITLES)
    j["location"] = {"name": rng.choice(LOCATIONS)}
    j["absolute_url"] = f"https://job-boards.greenhouse.io/{board}/jobs/{jid}"
    f = rng.uniform(0.7, 1.5)
    for r in j.get("pay_input_ranges") or []:
        r["min_cents"], r["max_cents"] = _scale(r.get("min_cents"), f), _scale(r.get("max_cents"), f)
    if not j.get("pay_input_ranges") and rng.random() < 0.5:  # half of the rest state pay in structured form
        lo = rng.randrange(120, 260) * 1000_00
        j["pay_input_ranges"] = [
            {"min_cents": lo, "max_cents": int(lo * 1.35), "currency_type": "USD", "title": "Annual Salary",
             "blurb": html.escape("<p>Base salary range for this role.</p>")}
        ]  # fmt: skip
    return j


def _lever_job(t: dict, n: int, board: str, rng: random.Random) -> dict:
    j = copy.deepcopy(t)
    jid = f"{rng.getrandbits(32):08x}-{n:04x}-4{rng.getrandbits(12):03x}-8{rng.getrandbits(12):03x}-{rng.getrandbits(48):012x}"
    j["id"] = jid
    j["text"] = rng.choice(TITLES)
    j.setdefault("categories", {})["location"] = rng.choice(LOCATIONS)
    j["hostedUrl"] = f"https://jobs.lever.co/{board}/{jid}"
    j["applyUrl"] = j["hostedUrl"] + "/apply"
    f = rng.uniform(0.7, 1.5)
    sr = j.get("salaryRange")
    if isinstance(sr, dict):
        sr["min"], sr["max"] = _scale(sr.get("min"), f), _scale(sr.get("max"), f)
    elif rng.random() < 0.6:
        lo = rng.randrange(110, 250) * 1000
        j["salaryRange"] = {"interval": "per-year-salary", "currency": "USD", "min": lo, "max": int(lo * 1.3)}
    return j


_NUM_RE = re.compile(r"(\d{2,3}),(\d{3})")


def _workday_detail(t: dict, n: int, tenant: str, rng: random.Random) -> tuple[dict, dict]:
    d = copy.deepcopy(t)
    info = d["jobPostingInfo"]
    title = rng.choice(TITLES)
    req = f"JR{2_100_000 + n}"
    slug = re.sub(r"[^A-Za-z0-9]+", "-", title).strip("-")
    loc = rng.choice(LOCATIONS)
    path = f"/job/{re.sub(r'[^A-Za-z0-9]+', '-', loc).strip('-')}/{slug}_{req}"
    f = rng.uniform(0.7, 1.5)
    info.update(
        title=title,
        location=loc,
        jobReqId=req,
        jobPostingId=f"{slug}_{req}",
        externalUrl=f"https://{tenant}.wd1.myworkdayjobs.com/Careers{path}",
        jobDescription=_NUM_RE.sub(
            lambda m: f"{int(int(m[1] + m[2]) * f):,}", info.get("jobDescription") or ""
        ),
    )
    item = {"title": title, "externalPath": path, "locationsText": loc, "postedOn": "Posted 3 Days Ago",
            "bulletFields": [req]}  # fmt: skip
    return item, d


def build_farm(
    out: Path, boards: int = 500, postings: int = 20_000, seed: int = 7, mix: tuple = MIX
) -> dict[str, Any]:
    """Write the farm under `out`; returns a manifest (also written to out/manifest.json)."""
    rng = random.Random(seed)
    tpl = _templates()
    sizes = _sizes(boards, postings, rng)
    out.mkdir(parents=True, exist_ok=True)
    for src in ("ashby", "greenhouse", "lever", "workday"):
        (out / "synth" / src).mkdir(parents=True, exist_ok=True)
    cut = []
    acc = 0.0
    for name, share in mix:
        acc += share
        cut.append((name, acc))
    manifest: dict[str, Any] = {"boards": [], "postings": postings, "seed": seed}
    for b, size in enumerate(sizes):
        x = (b + 0.5) / boards
        source = next(name for name, edge in cut if x <= edge + 1e-9)
        board = f"{source[:2]}{b:05d}"
        n0 = b * 100_000
        if source == "ashby":
            jobs = [_ashby_job(rng.choice(tpl["ashby"]), n0 + i, board, rng) for i in range(size)]
            data: Any = {"jobs": jobs, "apiVersion": "1"}
            (out / "synth/ashby" / f"{board}.json").write_text(json.dumps(data, ensure_ascii=False))
        elif source == "greenhouse":
            jobs = [_greenhouse_job(rng.choice(tpl["greenhouse"]), n0 + i, board, rng) for i in range(size)]
            data = {"jobs": jobs, "meta": {"total": len(jobs)}}
            (out / "synth/greenhouse" / f"{board}.json").write_text(json.dumps(data, ensure_ascii=False))
        elif source == "lever":
            jobs = [_lever_job(rng.choice(tpl["lever"]), n0 + i, board, rng) for i in range(size)]
            (out / "synth/lever" / f"{board}.json").write_text(json.dumps(jobs, ensure_ascii=False))
        else:
            pairs = [_workday_detail(rng.choice(tpl["workday"]), n0 + i, board, rng) for i in range(size)]
            listing = copy.deepcopy(tpl["_wd_list"][0])
            listing["jobPostings"] = [item for item, _ in pairs]
            listing["total"] = len(pairs)
            (out / "synth/workday" / f"{board}_jobs.json").write_text(json.dumps(listing, ensure_ascii=False))
            details = {item["externalPath"]: d for item, d in pairs}
            (out / "synth/workday" / f"{board}_details.json").write_text(
                json.dumps(details, ensure_ascii=False)
            )
        manifest["boards"].append({"source": source, "board": board, "postings": size})
    (out / "manifest.json").write_text(json.dumps(manifest))
    return manifest


def register_workday(recordings: Path) -> None:
    """Teach the replay's Workday routes the generated tenants (call in the server process)."""
    from scraper.replay import workday

    manifest = json.loads((recordings / "manifest.json").read_text())
    for b in manifest["boards"]:
        if b["source"] == "workday":
            workday.BOARDS[(b["board"], "careers")] = {
                "list": f"synth/workday/{b['board']}_jobs.json",
                "details": [],
                "generated": f"synth/workday/{b['board']}_details.json",
            }


def companies(manifest: dict[str, Any], base_urls: list[str]) -> list[dict[str, Any]]:
    """[[company]] tables for the farm; boards are spread round-robin over `base_urls` (hosts)."""
    out = []
    for i, b in enumerate(manifest["boards"]):
        board = f"{b['board']}/Careers" if b["source"] == "workday" else b["board"]
        out.append(
            {"name": f"Co {b['board']}", "source": b["source"], "board": board,
             "base_url": base_urls[i % len(base_urls)]}
        )  # fmt: skip
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--boards", type=int, default=500)
    ap.add_argument("--postings", type=int, default=20_000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "farm")
    a = ap.parse_args()
    m = build_farm(a.out, a.boards, a.postings, a.seed)
    print(f"{len(m['boards'])} boards, {m['postings']} postings in {a.out}")


if __name__ == "__main__":
    main()
