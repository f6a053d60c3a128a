"""Career pages for the `jsonld` source: recorded static job pages and a synthetic JavaScript site.

- `/static-careers/` lists every recorded page in `real/jsonld/`; each is served
  verbatim at `/static-careers/job/{stem}` (plain HTML: no browser needed).
- `/careers/` is a synthetic single-page listing (`synth/jsonld/careers/`): job
  links, and each job page's JSON-LD, exist only after the page's JavaScript ran.
- `/careers-never/` is a listing whose JavaScript never renders a job link.

See `tests/fixtures/synth/jsonld/README.md` for what each page exercises.
"""

from __future__ import annotations

import html
from pathlib import Path

from .server import ReplayRequest, ReplayResponse, route

REAL_PAGES = "real/jsonld"
SYNTH = "synth/jsonld"
CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "application/javascript; charset=utf-8",
    ".json": "application/json",
    ".css": "text/css",
    ".png": "image/png",
    ".woff2": "font/woff2",
    ".mp4": "video/mp4",
}


def _serve(base: Path, relative: str) -> ReplayResponse | None:
    path = (base / relative).resolve()
    # Paths come from the URL: never serve anything outside the fixture directory.
    if not path.is_relative_to(base.resolve()) or not path.is_file():
        return None
    ctype = CONTENT_TYPES.get(path.suffix, "application/octet-stream")
    return ReplayResponse(200, path.read_bytes(), {"Content-Type": ctype})


def _not_found(what: str) -> ReplayResponse:
    return ReplayResponse.html(
        f"<!doctype html><title>Not found</title><h1>{html.escape(what)} not found</h1>", 404
    )


# -- recorded static pages ------------------------------------------------------------------
@route("GET", r"/static-careers/?")
def static_listing(req: ReplayRequest) -> ReplayResponse:
    stems = sorted(p.stem for p in (req.recordings / REAL_PAGES).glob("*.html"))
    items = "\n".join(
        f'  <li><a href="/static-careers/job/{html.escape(s)}">{html.escape(s)}</a></li>' for s in stems
    )
    body = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Recorded job pages</title></head>
<body>
<nav><a href="/">Home</a> <a href="/static-careers/">Careers</a> <a href="mailto:jobs@example.org">Mail</a></nav>
<h1>Open roles</h1>
<ul>
{items}
</ul>
</body></html>
"""
    return ReplayResponse.html(body)


@route("GET", r"/static-careers/job/(?P<stem>[\w.-]+?)/?")
def static_job(req: ReplayRequest, stem: str) -> ReplayResponse:
    return _serve(req.recordings / REAL_PAGES, f"{stem}.html") or _not_found(f"job {stem}")


# -- synthetic JavaScript site --------------------------------------------------------------
@route("GET", r"/careers/?")
def js_listing(req: ReplayRequest) -> ReplayResponse | None:
    return _serve(req.recordings / SYNTH, "careers/index.html")


@route("GET", r"/careers/job/(?P<slug>[\w-]+)/?")
def js_job(req: ReplayRequest, slug: str) -> ReplayResponse | None:
    base = req.recordings / SYNTH
    if not (base / "careers" / "api" / "jobs" / f"{slug}.json").is_file():
        return _not_found(f"job {slug}")
    return _serve(base, "careers/job.html")


@route("GET", r"/careers/(?P<path>(?:api|static)/[\w./-]+|[\w-]+\.js)")
def js_asset(req: ReplayRequest, path: str) -> ReplayResponse:
    resp = _serve(req.recordings / SYNTH / "careers", path)
    if resp is None and path.endswith(".json"):
        return ReplayResponse.json({"error": f"no job {path}"}, 404)
    return resp or ReplayResponse(404, b"not found", {"Content-Type": "text/plain"})


@route("GET", r"/careers-never/?")
def js_never(req: ReplayRequest) -> ReplayResponse | None:
    return _serve(req.recordings / SYNTH, "never/index.html")
