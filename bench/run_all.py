"""Run every paybands bench and print one table (figures are ratios against same-run baselines).

    .venv/bin/python -m bench.run_all            # everything: 12 min on a quiet 2-core machine (bench/RESULTS.md)
    .venv/bin/python -m bench.run_all --only crawl,text --store-postings 100000

Generated data goes to bench/out/ (gitignored); results to bench/out/results.json.
"""

from __future__ import annotations

import argparse
import json
import os
import time

from bench.common import OUT, RESULTS, WORSE, machine, read_previous, run_child, table, with_previous


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--only", default="crawl,crawlcpu,hosts,browser,text,salary,store,storecmp,queries,memory"
    )
    ap.add_argument("--store-postings", type=int, default=1_000_000)
    ap.add_argument("--memory-sizes", default="2000,20000,200000")
    ap.add_argument("--browser-pages", type=int, default=200)
    a = ap.parse_args()
    only = set(a.only.split(","))
    OUT.mkdir(parents=True, exist_ok=True)
    res: dict = {"machine": machine(), "load_avg": {"start": os.getloadavg()}}
    rows: list[list] = []
    t_all = time.perf_counter()

    def step(name: str, fn):
        t = time.perf_counter()
        print(f"[bench] {name} ...", flush=True)
        try:
            res[name] = fn()
        except Exception as exc:  # one broken bench must not hide the others
            res[name] = {"error": f"{type(exc).__name__}: {exc}"[:2000]}
        failed = res[name].get("error") if isinstance(res[name], dict) else None
        if failed:  # a step that failed is a row that says so, never a row left out
            rows.append([f"{name}: FAILED", failed.splitlines()[0][:160], "-", "FAILED"])
        res.setdefault("step_s", {})[name] = time.perf_counter() - t
        res["load_avg"][name] = os.getloadavg()  # 1/5/15-min load average right after the step
        print(f"[bench] {name} done in {time.perf_counter() - t:.0f}s", flush=True)
        (OUT / "results.json").write_text(json.dumps(res, indent=1, default=str))

    if "crawl" in only:
        from bench import bench_crawl

        step("crawl", bench_crawl.throughput)
        r = res["crawl"]
        if "pps" in r:
            rows.append(["1 crawl throughput (500 boards, 20k postings, 1 replay process)",
                         f"{r['pps']:.0f} postings/s ({r['postings']} in {r['elapsed_s']:.1f}s)", ">= 2000/s",
                         "MET" if r["pps"] >= 2000 else "NOT MET"])  # fmt: skip
    if "crawlcpu" in only:
        from bench import bench_crawl

        # Issue 16: crawl CPU per posting against the tree before it, side by side in this run.
        step("crawlcpu", bench_crawl.compare)
        r = res["crawlcpu"]
        if "ratio" in r:
            rows.append([f"1 crawl CPU per posting vs before issue 16 ({r['baseline_commit']}), 20k postings, "
                         f"median of {r['rounds']} rounds each",
                         f"{r['ratio']:.2f}x ({r['current_cpu_ms']:.2f} vs {r['baseline_cpu_ms']:.2f} ms CPU a posting)",
                         "<= 0.5x", "MET" if r["ratio"] <= 0.5 else "NOT MET"])  # fmt: skip
    if "hosts" in only:
        from bench import bench_crawl

        step("hosts", bench_crawl.hosts)
        r = res["hosts"]
        if "speedup" in r:
            rows.append([f"1 8 hosts vs 1 host ({r['h1_postings']} postings, 100 ms responses, delay {r['per_host_delay_s']}s, conc 2)",
                         f"{r['speedup']:.1f}x ({r['h1_s']:.1f}s vs {r['h8_s']:.1f}s)", ">= 6x",
                         "MET" if r["speedup"] >= 6 else "NOT MET"])  # fmt: skip
    if "browser" in only:
        from bench import bench_browser

        step("browser", lambda: bench_browser.run(a.browser_pages))
        r = res["browser"]
        if "ours_pps" in r:
            ratio = r["ours_pps"] / r["naive_pps"]
            rows.append([f"2 browser: {r['pages']} JS JSON-LD pages, BrowserPool vs naive",
                         f"{ratio:.1f}x ({r['ours_pps']:.1f} vs {r['naive_pps']:.1f} pages/s)", ">= 3x",
                         "MET" if ratio >= 3 else "NOT MET"])  # fmt: skip
    if "text" in only:
        step("text", lambda: run_child("bench.bench_text", {}))
        r = res["text"]
        if "selectolax_dps" in r:
            rows.append(["3 normalizer parse_pay_text, corpus / real descriptions",
                         f"{r['corpus_parser_tps']:.0f} / {r['desc_parser_tps']:.0f} texts/s "
                         f"(naive regex {r['corpus_naive_tps'] / r['corpus_parser_tps']:.0f}x / "
                         f"{r['desc_naive_tps'] / r['desc_parser_tps']:.0f}x faster)", "report", "-"])  # fmt: skip
            rows.append([f"3 HTML->text, {r['html_docs']} recorded descriptions",
                         f"{r['selectolax_dps'] / r['bs4_dps']:.1f}x BeautifulSoup ({r['selectolax_dps']:.0f} vs "
                         f"{r['bs4_dps']:.0f} docs/s)", "report", "-"])  # fmt: skip
    if "salary" in only:
        from bench import bench_salary

        step("salary", bench_salary.run)  # its three sides run in their own processes
        r = res["salary"]
        if "current_tps" in r:
            rows.append([f"3 normalizer vs before issue 12 ({r['baseline_commit']}) vs naive regex, {r['texts']:,} corpus texts",
                         f"{r['current_tps']:,.0f} / {r['baseline_tps']:,.0f} / {r['naive_tps']:,.0f} texts/s "
                         f"({r['current_vs_baseline']:.2f}x before; naive {r['naive_vs_current']:.0f}x faster)",
                         f">= {r['floor_tps']:,} texts/s on 2 cores (here {r['current_two_core_cpu_tps']:,.0f})",
                         "MET" if r["floor_met"] else "NOT MET"])  # fmt: skip
            bench_salary.write_results_section(r, res["machine"])  # bench/RESULTS.md, salary section only
    if "store" in only:
        step("store", lambda: run_child("bench.bench_store", {"db": str(OUT / "store.duckdb"),
                                                             "postings": a.store_postings}, timeout=3000))  # fmt: skip
        r = res["store"]
        if "load_s" in r:
            m = r["postings"] / 1e6
            bulk_rate = r["postings"] / r["load_s"]
            rbr_rate = r["rowbyrow_postings"] / r["rowbyrow_s"]
            sample_rate = r["bulk_sample_postings"] / r["bulk_sample_s"]
            rows.append(
                [
                    f"4 store load {r['postings']:,} postings / {r['bands']:,} bands",
                    f"{r['load_s']:.1f}s ({bulk_rate:,.0f}/s)",
                    "<= 10s",
                    "MET" if r["load_s"] <= 10 * m else "NOT MET",
                ]
            )
            rows.append(
                [
                    f"4 bulk ({r['bulk_sample_postings']:,}-posting sample, {r['bulk_sample_s']:.1f}s) vs row-by-row "
                    f"executemany ({r['rowbyrow_postings']:,}-posting slice, {r['rowbyrow_s']:.1f}s; "
                    f"~{r['rowbyrow_s'] * r['bulk_sample_postings'] / r['rowbyrow_postings']:.0f}s for "
                    f"{r['bulk_sample_postings']:,} extrapolated)",
                    f"{sample_rate / rbr_rate:.0f}x per-posting rate; {bulk_rate / rbr_rate:.0f}x at the 1M load rate",
                    ">= 50x",
                    "MET" if sample_rate / rbr_rate >= 50 else "NOT MET",
                ]
            )
            rows.append(
                [
                    f"4 re-crawl {r['recrawl_postings']:,} unchanged postings",
                    f"{r['recrawl_s']:.1f}s",
                    "<= 40s",
                    "MET" if r["recrawl_s"] <= 40 * m else "NOT MET",
                ]
            )
            rows.append(
                ["4 database file size", f"{r['size_mb'] / m:,.0f} MB per million postings", "report", "-"]
            )
            if "taxonomy_s" in r:
                rows.append(["4/5 taxonomy refresh (scraper.enrich)", f"{r['taxonomy_s']:.1f}s for {r['taxonomy_rows']:,}",
                             "report", "-"])  # fmt: skip
    if "storecmp" in only:
        from bench import bench_store

        # Issue 16: the 1M load beside the tree before it, side by side (the machine's speed varies).
        step("storecmp", bench_store.compare_load)
        r = res["storecmp"]
        if "ratio" in r:
            rows.append([f"4 store load 1M postings vs before issue 16 ({r['baseline_commit']}), median of 2 each",
                         f"{r['ratio']:.2f}x ({r['current_load_s']:.1f} vs {r['baseline_load_s']:.1f}s)",
                         "report", "-"])  # fmt: skip
    if "queries" in only:
        from bench import bench_queries

        step("queries", lambda: bench_queries.run(OUT / "store.duckdb"))
        for q in res["queries"] if isinstance(res["queries"], list) else []:
            if q.get("floor"):
                rows.append([f"5 floor: {q['query']}", f"{q['median_ms']:.0f} ms median", "report", "-"])
            elif "error" in q:
                rows.append([f"5 query {q['query']}", q["error"], "<= 100 ms", "ERROR"])
            else:
                rows.append([f"5 query {q['query']}", f"{q['median_ms']:.0f} ms median ({q['rows']} rows)",
                             "<= 100 ms", "MET" if q["median_ms"] <= 100 else "NOT MET"])  # fmt: skip
    if "memory" in only:
        from bench import bench_crawl

        sizes = tuple(int(x) for x in a.memory_sizes.split(","))
        step("memory", lambda: bench_crawl.memory(sizes))
        for r in res["memory"] if isinstance(res["memory"], list) else []:
            rows.append([f"6 crawl peak RSS at {r['postings']:,} postings",
                         f"{r['peak_rss_mb']:.0f} MB ({r['postings'] / r['elapsed_s']:.0f} postings/s)",
                         "<= 1024 MB at 200k, sub-linear", "MET" if r["peak_rss_mb"] <= 1024 else "NOT MET"])  # fmt: skip
    res["total_s"] = time.perf_counter() - t_all
    (OUT / "results.json").write_text(json.dumps(res, indent=1, default=str))
    print()
    print(f"machine: {res['machine']}")
    rows = with_previous(rows, read_previous(RESULTS))
    print(table(rows, ["bench", "figure", "previous (RESULTS.md)", "target", "status"]))
    worse = [r[0] for r in rows if r[-1].endswith(WORSE)]
    if worse:
        print(f"\n{len(worse)} figure(s) more than 10% worse than bench/RESULTS.md: {'; '.join(worse)}")
    print(f"\ntotal {res['total_s']:.0f}s; details in {OUT / 'results.json'}")


if __name__ == "__main__":
    main()
