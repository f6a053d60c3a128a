"""Lever: GET /v0/postings/{site}?mode=json&skip=&limit=."""

from __future__ import annotations

import html

from .server import ReplayRequest, ReplayResponse, find_recording, load_json, route

SITES = {
    "leverdemo": "real/lever/leverdemo_postings_limit3.json",
    "matchgroup": "real/lever/matchgroup_postings_2jobs.json",
    "spotify": "real/lever/ergon_spotify_postings_2jobs_trimmed.json",
}


@route("GET", r"/v0/postings/(?P<site>[^/]+)")
def postings(req: ReplayRequest, site: str) -> ReplayResponse:
    path = find_recording(req.recordings, f"synth/lever/{site}.json", SITES.get(site.lower(), "-"))
    if path is None:
        return ReplayResponse.json({"ok": False, "error": "Document not found"}, 404)
    items = load_json(path)
    wants_json = req.arg("mode") == "json" or "application/json" in req.headers.get("accept", "")
    if not wants_json:  # Lever's hosted HTML board, as a browser would get it
        rows = "".join(f"<div class='posting'><h5>{html.escape(p.get('text', ''))}</h5></div>" for p in items)
        return ReplayResponse.html(f"<html><body>{rows}</body></html>")
    skip = max(req.int_arg("skip", 0), 0)
    limit = req.int_arg("limit", 0)
    page = items[skip : skip + limit] if limit > 0 else items[skip:]
    return ReplayResponse.json(page)
