"""Hostile modes for #13's output items: server text that would act on a terminal or a spreadsheet.

Every payload is something a real terminal or spreadsheet acts on: CSI colours and cursor moves,
an OSC-8 link (shows one text, opens another URL), an OSC 0 window title, 8-bit C1 CSI/OSC, bidi
overrides and isolates, zero-width marks, and cells that Excel, LibreOffice and Sheets read as
formulas.
"""

from __future__ import annotations

from typing import Any

from scraper.replay import ReplayResponse
from scraper.replay.server import Fault, ReplayRequest
from tests.reliability.hostile_server import HostileServer, mode

ESCAPES = {
    "csi": "\x1b[31;1mRED\x1b[0m\x1b[2J\x1b[H",
    "osc8-bel": "\x1b]8;;http://evil.example/\x07click me\x1b]8;;\x07",
    "osc8-st": "\x1b]8;;http://evil.example/\x1b\\click\x1b]8;;\x1b\\",
    "osc0-title": "\x1b]0;pwned\x07",
    "c1": "\x9b31m\x9d0;pwn\x9c\x85",
    "bidi": "\u202egnp.exe\u202c\u2066x\u2069\u200b",
}
FORMULAS = {
    "hyperlink": '=HYPERLINK("http://evil.example","click")',
    "plus": "+1+cmd|' /C calc'!A0",
    "minus": "-2+3+cmd|' /C calc'!A0",
    "at": "@SUM(1+1)*cmd|' /C calc'!A0",
}
# A C1 CSI and OSC in a header value: HTTP allows bytes 0x80-0xFF there (obs-text), a terminal
# that reads 8-bit controls acts on them.
C1_CONTENT_TYPE = "text/html\x9b31m\x9d0;pwned\x9c"
LEVER_ERROR = "board gone " + ESCAPES["osc8-bel"] + ESCAPES["csi"] + ESCAPES["c1"] + ESCAPES["bidi"]


def hostile_jobs(amount: int = 150_000) -> list[dict[str, Any]]:
    """One Ashby job per escape and per formula, each carrying it in every text field."""
    jobs = []
    payloads = [*ESCAPES.items(), *FORMULAS.items()]
    for i, (name, text) in enumerate(payloads):
        jobs.append(
            {
                "id": f"{text}-{name}-{i}",
                "title": f"{text} Machine Learning Engineer {name}",
                "department": text,
                "team": text,
                "employmentType": "FullTime",
                "location": f"{text} San Francisco",
                "isListed": True,
                "isRemote": False,
                "publishedAt": "2026-11-01T00:00:00.000+00:00",
                "jobUrl": text if name in FORMULAS else f"https://jobs.example/{name}{text}",
                "descriptionPlain": f"Build models. {text}",
                "descriptionHtml": f"<p>Build models. {text}</p>",
                "compensation": {
                    "compensationTierSummary": f"$150K {text}",
                    "compensationTiers": [
                        {
                            "id": f"tier-{i}",
                            "title": text,
                            "tierSummary": f"$150K {text}",
                            "components": [
                                {
                                    "id": f"comp-{i}",
                                    "summary": f"Base {text}",
                                    "compensationType": "Salary",
                                    "interval": "1 YEAR",
                                    "currencyCode": "USD",
                                    "minValue": amount,
                                    "maxValue": amount + 50_000,
                                }
                            ],
                        }
                    ],
                },
            }
        )
    return jobs


@mode(
    "escapes-in-board",
    "an Ashby board whose ids, titles, urls, locations and teams carry ESC/CSI, OSC-8 links, an OSC 0 "
    "title, 8-bit C1 CSI/OSC, bidi and zero-width marks, and formula-leading cells (=, +, -, @)",
)
def escapes_in_board(
    srv: HostileServer, path: str = "/posting-api/job-board/hostileco", amount: int = 150_000
) -> None:
    jobs = hostile_jobs(amount)

    def board(req: ReplayRequest) -> ReplayResponse:
        return ReplayResponse.json({"apiVersion": "1", "jobs": jobs})

    srv.overrides[("GET", path)] = board


@mode(
    "escapes-in-lever-error",
    'Lever answers {"ok": false, "error": ...} whose error holds an OSC-8 link, a CSI clear-screen, '
    "C1 bytes and bidi marks",
)
def escapes_in_lever_error(srv: HostileServer, path: str = "/v0/postings/hostile-lever") -> None:
    def error(req: ReplayRequest) -> ReplayResponse:
        return ReplayResponse.json({"ok": False, "error": LEVER_ERROR})

    srv.overrides[("GET", path)] = error


@mode(
    "c1-content-type",
    "a Greenhouse board answers HTML instead of JSON with a Content-Type header carrying 8-bit C1 CSI and OSC",
)
def c1_content_type(srv: HostileServer, path: str = "/v1/boards/hostile-gh/jobs") -> None:
    srv.faults[path] = Fault(status=200, body=b"<html>not json</html>", content_type=C1_CONTENT_TYPE)
