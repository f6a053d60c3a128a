"""Hostile-server modes of #13's "sources" items: one bad posting on a board, boards that never end,
and paging that ends before the board's own total.

Every board here is generated (no recording shows these faults): `n` plain postings with ids
"p0".."p{n-1}" (Greenhouse and Eightfold: numbers), one of which may carry a hostile value. The bodies
are written as bytes, so a value JSON itself can carry but Python's json.dumps never writes (a
5,001-digit integer, a raw NUL inside a string) reaches the client as a hostile server sends it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from scraper.replay import ReplayRequest, ReplayResponse
from tests.reliability.hostile_server import HostileServer, mode

# Hostile values, as the raw JSON token the server writes in place of the marker.
BAD_VALUES: dict[str, bytes] = {
    "amount 10**400": b"1" + b"0" * 400,  # an integer literal: float() of it overflows
    "5,001-digit integer": b"9" * 5001,  # longer than Python's int() accepts (4,300 digits)
    "list id": b"[1, 2]",
    "raw NUL byte": b'"Title with a raw \x00 NUL"',  # invalid in strict JSON: the whole body failed
}
# Where each hostile value goes: an amount of pay (or a number the source reads), the id, the title.
SLOT = {"amount 10**400": "amount", "5,001-digit integer": "amount", "list id": "id", "raw NUL byte": "title"}
BAD_INDEX = 1  # the second posting of the board is the hostile one
_MARK = "@@HOSTILE@@"


def _body(data: Any) -> bytes:
    return json.dumps(data).encode()


def _raw(data: Any, token: bytes | None) -> bytes:
    body = json.dumps(data).encode()
    return body.replace(json.dumps(_MARK).encode(), token) if token is not None else body


def _json(body: bytes) -> ReplayResponse:
    return ReplayResponse(200, body, {"Content-Type": "application/json"})


def _fixed(body: bytes) -> Callable[[ReplayRequest], ReplayResponse]:
    """A handler answering `body` (JSON) to every request."""
    return lambda req: _json(body)


def _pick(i: int, slot: str, bad: str | None, good: Any) -> Any:
    """The value of field `slot` of posting `i`: the marker for the hostile posting's slot, else `good`."""
    return _MARK if bad is not None and i == BAD_INDEX and SLOT[bad] == slot else good


# -- one board per source, posting `BAD_INDEX` carrying `bad` --------------------------------------
def _greenhouse(srv: HostileServer, board: str, n: int, bad: str | None) -> None:
    jobs = [
        {
            "id": _pick(i, "id", bad, 1000 + i),
            "title": _pick(i, "title", bad, f"ML Engineer {i}"),
            "content": "&lt;p&gt;Build models.&lt;/p&gt;",
            "absolute_url": f"https://example.com/jobs/{i}",
            "location": {"name": "Remote"},
            "pay_input_ranges": [
                {
                    "min_cents": _pick(i, "amount", bad, 15_000_000),
                    "max_cents": 20_000_000,
                    "currency_type": "USD",
                    "title": "Annual Salary",
                }
            ],
        }
        for i in range(n)
    ]
    body = _raw({"jobs": jobs}, BAD_VALUES.get(bad or ""))
    srv.overrides[("GET", f"/v1/boards/{board}/jobs")] = lambda req: _json(body)


def _ashby(srv: HostileServer, board: str, n: int, bad: str | None) -> None:
    jobs = [
        {
            "id": _pick(i, "id", bad, f"p{i}"),
            "title": _pick(i, "title", bad, f"ML Engineer {i}"),
            "descriptionPlain": "Build models.",
            "location": "Remote",
            "jobUrl": f"https://example.com/jobs/{i}",
            "compensation": {
                "compensationTiers": [
                    {
                        "title": "US",
                        "components": [
                            {
                                "compensationType": "Salary",
                                "interval": "1 YEAR",
                                "currencyCode": "USD",
                                "minValue": _pick(i, "amount", bad, 150_000),
                                "maxValue": 200_000,
                            }
                        ],
                    }
                ]
            },
        }
        for i in range(n)
    ]
    body = _raw({"jobs": jobs}, BAD_VALUES.get(bad or ""))
    srv.overrides[("GET", f"/posting-api/job-board/{board}")] = lambda req: _json(body)


def _lever_item(i: int, bad: str | None) -> dict[str, Any]:
    return {
        "id": _pick(i, "id", bad, f"p{i}"),
        "text": _pick(i, "title", bad, f"ML Engineer {i}"),
        "descriptionPlain": "Build models.",
        "hostedUrl": f"https://jobs.lever.co/acme/p{i}",
        "categories": {"location": "Remote"},
        "salaryRange": {
            "min": _pick(i, "amount", bad, 150_000),
            "max": 200_000,
            "currency": "USD",
            "interval": "per-year-salary",
        },
    }


def _lever_pages(srv: HostileServer, site: str, items: Callable[[int, int], bytes]) -> None:
    """Lever's paging (skip/limit) over `items(skip, limit)` -> the page's body."""

    def page(req: ReplayRequest) -> ReplayResponse:
        return _json(items(max(req.int_arg("skip", 0), 0), req.int_arg("limit", 100)))

    srv.overrides[("GET", f"/v0/postings/{site}")] = page


def _lever(srv: HostileServer, board: str, n: int, bad: str | None) -> None:
    token = BAD_VALUES.get(bad or "")
    _lever_pages(
        srv,
        board,
        lambda skip, limit: _raw([_lever_item(i, bad) for i in range(skip, min(skip + limit, n))], token),
    )


def _smartrecruiters(srv: HostileServer, board: str, n: int, bad: str | None) -> None:
    token = BAD_VALUES.get(bad or "")
    listed = [
        {"id": _pick(i, "id", bad, f"p{i}"), "name": _pick(i, "title", bad, f"ML Engineer {i}")}
        for i in range(n)
    ]
    body = _raw({"offset": 0, "limit": 100, "totalFound": n, "content": listed}, token)
    srv.overrides[("GET", f"/v1/companies/{board}/postings")] = lambda req: _json(body)
    for i in range(n):
        detail = {
            "id": f"p{i}",
            "name": f"ML Engineer {i}",
            "location": {"city": "Boston", "country": "us"},
            "compensation": {
                "min": _pick(i, "amount", bad, 150_000),
                "max": 200_000,
                "currency": "USD",
                "period": "year",
            },
            "jobAd": {"sections": {"jobDescription": {"title": "Job", "text": "Build models."}}},
        }
        detail_body = _raw(detail, token)
        srv.overrides[("GET", f"/v1/companies/{board}/postings/p{i}")] = _fixed(detail_body)


def _workday(srv: HostileServer, board: str, n: int, bad: str | None) -> None:
    token = BAD_VALUES.get(bad or "")
    tenant, site = board.split("/")
    api = f"/wday/cxs/{tenant}/{site}"
    listed = [
        {
            "title": _pick(i, "title", bad, f"ML Engineer {i}"),
            "externalPath": _pick(i, "id", bad, f"/job/Remote/ML-Engineer_JR{i}"),
            "locationsText": "Remote",
        }
        for i in range(n)
    ]
    body = _raw({"total": n, "jobPostings": listed}, token)
    srv.overrides[("POST", f"{api}/jobs")] = lambda req: _json(
        body if req.json_body().get("offset", 0) == 0 else _raw({"total": 0, "jobPostings": []}, None)
    )
    for i in range(n):
        info = {
            "title": f"ML Engineer {i}",
            "jobDescription": "<p>Build models.</p>",
            "location": "Remote",
            "payRange": {
                "min": _pick(i, "amount", bad, 150_000),
                "max": 200_000,
                "currency": "USD",
                "frequency": "Annual",
            },
        }
        detail_body = _raw({"jobPostingInfo": info}, token)
        srv.overrides[("GET", f"{api}/job/Remote/ML-Engineer_JR{i}")] = _fixed(detail_body)


def _eightfold(srv: HostileServer, board: str, n: int, bad: str | None) -> None:
    # Eightfold states pay in text only: the hostile number is the position's epoch `t_create`.
    token = BAD_VALUES.get(bad or "")
    positions = [
        {
            "id": _pick(i, "id", bad, 7000 + i),
            "name": _pick(i, "title", bad, f"ML Engineer {i}"),
            "locations": ["USA - Remote"],
            "t_create": _pick(i, "amount", bad, 1_700_000_000),
        }
        for i in range(n)
    ]
    body = _raw({"count": n, "positions": positions}, token)
    srv.overrides[("GET", "/api/apply/v2/jobs")] = lambda req: _json(
        body if req.int_arg("start", 0) == 0 else b'{"count": 0, "positions": []}'
    )
    for i in range(n):
        detail = _raw(
            {"id": 7000 + i, "job_description": "<p>Build models. $150,000 - $200,000 a year.</p>"}, None
        )
        srv.overrides[("GET", f"/api/apply/v2/jobs/{7000 + i}")] = _fixed(detail)


def _jsonld(srv: HostileServer, board: str, n: int, bad: str | None) -> None:
    # `board` is the careers page path. Postings are inline JSON-LD blocks of the listing.
    token = BAD_VALUES.get(bad or "")
    blocks = []
    for i in range(n):
        posting = {
            "@context": "https://schema.org",
            "@type": "JobPosting",
            "identifier": _pick(i, "id", bad, f"p{i}"),
            "title": _pick(i, "title", bad, f"ML Engineer {i}"),
            "url": f"https://example.com/jobs/{i}",
            "description": "Build models.",
            "jobLocation": {
                "@type": "Place",
                "address": {"addressLocality": "Boston", "addressCountry": "US"},
            },
            "baseSalary": {
                "@type": "MonetaryAmount",
                "currency": "USD",
                "value": {
                    "@type": "QuantitativeValue",
                    "minValue": _pick(i, "amount", bad, 150_000),
                    "maxValue": 200_000,
                    "unitText": "YEAR",
                },
            },
        }
        blocks.append(b'<script type="application/ld+json">' + _raw(posting, token) + b"</script>")
    page = (
        b"<html><head><title>Careers</title></head><body>"
        + b"".join(blocks)
        + b"<p>Our open roles.</p></body></html>"
    )
    srv.overrides[("GET", board)] = lambda req: ReplayResponse(
        200, page, {"Content-Type": "text/html; charset=utf-8"}
    )


BOARDS: dict[str, Callable[[HostileServer, str, int, str | None], None]] = {
    "greenhouse": _greenhouse,
    "ashby": _ashby,
    "lever": _lever,
    "smartrecruiters": _smartrecruiters,
    "workday": _workday,
    "eightfold": _eightfold,
    "jsonld": _jsonld,
}


@mode(
    "one-hostile-posting",
    "a board of n postings of one source whose second posting carries a hostile value "
    "(10**400 amount, 5,001-digit integer, a list as id, a raw NUL byte)",
)
def one_hostile_posting(srv: HostileServer, *, source: str, board: str, n: int = 5, bad: str | None) -> None:
    BOARDS[source](srv, board, n, bad)


@mode("lever-endless", "a Lever board that never ends: every page is full of postings never seen before")
def lever_endless(srv: HostileServer, *, site: str) -> None:
    _lever_pages(
        srv, site, lambda skip, limit: _raw([_lever_item(i, None) for i in range(skip, skip + limit)], None)
    )


@mode(
    "paging-ends-early",
    "a paged board of n postings whose pages after the first answer [] (or HTTP 503) "
    "while its own total says more",
)
def paging_ends_early(
    srv: HostileServer, *, source: str, board: str, n: int, fail: bool = False, times: int | None = None
) -> None:
    """Pages after the first answer nothing (`fail`: HTTP 503), the first `times` times (None: always)."""
    later = {"asked": 0}

    def broken(first: bool) -> bool:
        if first:
            return False
        later["asked"] += 1
        return times is None or later["asked"] <= times

    def answer(first: bool, body: Callable[[bool], bytes]) -> ReplayResponse:
        """The page (`body(empty)`), or, on a broken later page, a 503 or the empty page."""
        if broken(first):
            return _UNAVAILABLE if fail else _json(body(True))
        return _json(body(False))

    if source == "lever":

        def lever(req: ReplayRequest) -> ReplayResponse:
            skip, limit = max(req.int_arg("skip", 0), 0), req.int_arg("limit", 100)
            items = [_lever_item(i, None) for i in range(skip, min(skip + limit, n))]
            return answer(skip == 0, lambda empty: _body([] if empty else items))

        srv.overrides[("GET", f"/v0/postings/{board}")] = lever
    elif source == "smartrecruiters":
        path = f"/v1/companies/{board}/postings"
        listed = [{"id": f"p{i}", "name": f"ML Engineer {i}"} for i in range(n)]

        def sr(req: ReplayRequest) -> ReplayResponse:
            offset, limit = req.int_arg("offset", 0), req.int_arg("limit", 100)
            page = listed[offset : offset + limit]
            return answer(
                offset == 0,
                lambda empty: _body({"offset": offset, "totalFound": n, "content": [] if empty else page}),
            )

        srv.overrides[("GET", path)] = sr
        for i in range(n):
            detail = _body({"id": f"p{i}", "name": f"ML Engineer {i}", "jobAd": {"sections": {}}})
            srv.overrides[("GET", f"{path}/p{i}")] = _fixed(detail)
    elif source == "workday":
        tenant, site = board.split("/")
        api = f"/wday/cxs/{tenant}/{site}"
        listed = [{"title": f"ML Engineer {i}", "externalPath": f"/job/Remote/ML_JR{i}"} for i in range(n)]

        def wd(req: ReplayRequest) -> ReplayResponse:
            asked = req.json_body() or {}
            offset, limit = int(asked.get("offset", 0)), int(asked.get("limit", 20))
            page = listed[offset : offset + limit]
            # Workday fills `total` on the first page only.
            return answer(
                offset == 0,
                lambda empty: _body({"total": n if offset == 0 else 0, "jobPostings": [] if empty else page}),
            )

        srv.overrides[("POST", f"{api}/jobs")] = wd
        for i in range(n):
            detail = _body(
                {"jobPostingInfo": {"title": f"ML Engineer {i}", "jobDescription": "<p>Build.</p>"}}
            )
            srv.overrides[("GET", f"{api}/job/Remote/ML_JR{i}")] = _fixed(detail)
    elif source == "eightfold":
        path = "/api/apply/v2/jobs"
        positions = [
            {"id": 7000 + i, "name": f"ML Engineer {i}", "locations": ["USA - Remote"]} for i in range(n)
        ]

        def ef(req: ReplayRequest) -> ReplayResponse:
            start = req.int_arg("start", 0)
            page = positions[start : start + 10]  # Eightfold's own page size
            return answer(start == 0, lambda empty: _body({"count": n, "positions": [] if empty else page}))

        srv.overrides[("GET", path)] = ef
        for i in range(n):
            detail = _body({"id": 7000 + i, "job_description": "<p>Build models.</p>"})
            srv.overrides[("GET", f"{path}/{7000 + i}")] = _fixed(detail)
    else:
        raise ValueError(f"paging-ends-early has no {source} board")


_UNAVAILABLE = ReplayResponse(
    503, b'{"error": "hostile: page unavailable"}', {"Content-Type": "application/json"}
)
