"""Browser crawl: N JavaScript-rendered JSON-LD job pages on 127.0.0.1, BrowserPool vs a naive loop.

The pages are the replay's synthetic JS career site (scraper/replay/pages.py): each job page is
an empty shell whose script fetches /careers/api/jobs/{slug}.json and only then writes the
JobPosting JSON-LD. `build_site` generates N such jobs (from the recorded synthetic job JSON,
new slugs/titles/ids). Both sides wait for the same thing (the JSON-LD <script> attached),
read the rendered HTML, and run `browser_pages` pages at once:

- ours: `BrowserPool` (one browser context, pages reused, images/fonts/media/CSS aborted);
- naive: a new browser context and page per URL, nothing blocked, closed after each page.
"""

from __future__ import annotations

import asyncio
import copy
import json
import shutil
import sys
import time
from pathlib import Path

from bench.common import OUT, ROOT, replay_servers

SELECTOR = 'script[type="application/ld+json"]'


def build_site(out: Path, n: int = 200) -> list[str]:
    src = ROOT / "tests/fixtures/synth/jsonld"
    dst = out / "synth/jsonld"
    if dst.exists():
        shutil.rmtree(dst)
    shutil.copytree(src, dst)
    (out / "real").mkdir(exist_ok=True)
    tpl = json.loads((src / "careers/api/jobs/ml-research-engineer.json").read_text())
    slugs = []
    for i in range(n):
        job = copy.deepcopy(tpl)
        slug = f"bench-job-{i:04d}"
        job["title"] = job["posting"]["title"] = f"{tpl['title']} {i}"
        job["posting"]["identifier"]["value"] = f"NW-B{i:04d}"
        (dst / "careers/api/jobs" / f"{slug}.json").write_text(json.dumps(job))
        slugs.append(slug)
    return slugs


async def ours(urls: list[str], pages: int) -> float:
    from scraper.browser import BrowserPool
    from scraper.config import CrawlSettings

    pool = await BrowserPool.start(CrawlSettings(browser_pages=pages, timeout_s=30))
    try:
        await pool.render(urls[0], SELECTOR)  # warm: the browser start is not per page
        t = time.perf_counter()
        out = await asyncio.gather(*(pool.render(u, SELECTOR) for u in urls))
        elapsed = time.perf_counter() - t
        assert all("JobPosting" in r.html for r in out)
        return elapsed
    finally:
        await pool.close()


async def naive(urls: list[str], pages: int) -> float:
    from playwright.async_api import async_playwright

    from scraper.browser import CHROMIUM_ARGS, chromium_or_error

    sem = asyncio.Semaphore(pages)
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=chromium_or_error(), args=list(CHROMIUM_ARGS))

        async def one(url: str) -> str:
            async with sem:
                ctx = await browser.new_context()
                try:
                    page = await ctx.new_page()
                    await page.goto(url)
                    await page.wait_for_selector(SELECTOR, state="attached", timeout=30_000)
                    return await page.content()
                finally:
                    await ctx.close()

        try:
            await one(urls[0])
            t = time.perf_counter()
            out = await asyncio.gather(*(one(u) for u in urls))
            elapsed = time.perf_counter() - t
            assert all("JobPosting" in h for h in out)
            return elapsed
        finally:
            await browser.close()


def run(n: int = 200, pages: int = 4) -> dict:
    site = OUT / "site"
    slugs = build_site(site, n)
    with replay_servers(site, 1, cache=False) as (url,):
        urls = [f"{url}/careers/job/{s}" for s in slugs]
        t_naive = asyncio.run(naive(urls, pages))
        t_ours = asyncio.run(ours(urls, pages))
    return {"pages": n, "browser_pages": pages, "ours_s": t_ours, "naive_s": t_naive,
            "ours_pps": n / t_ours, "naive_pps": n / t_naive}  # fmt: skip


if __name__ == "__main__":
    print(json.dumps(run(int(sys.argv[1]) if len(sys.argv) > 1 else 200)))
