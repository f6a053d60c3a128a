"""Unit tests of the fetcher's network rules: bounded decoding, redirect scope, robots.txt parsing,
and the base_url check at config time (#13 items 2, 7, 8)."""

from __future__ import annotations

import asyncio
import gzip
import zlib

import pytest

from scraper.config import CrawlSettings, check_url, parse_config
from scraper.errors import ConfigError, FetchError
from scraper.fetch import _PIECE, BadEncoding, BodyDecoder, BodyTooLarge, Fetcher, content_codings
from scraper.netscope import hop_allowed, ip_scope, name_scope, widest
from scraper.replay import ReplayResponse
from scraper.robots import parse_robots, robots_lines
from tests.reliability.hostile_server import HostileServer


def decode(codings: list[str], body: bytes, limit: int = 10**9, chunk: int = 997) -> bytes:
    decoder = BodyDecoder(codings, limit)
    out = []
    for i in range(0, len(body), chunk):
        pieces = list(decoder.feed(body[i : i + chunk]))
        assert all(len(p) <= _PIECE for p in pieces)
        out += pieces
    decoder.finish()
    return b"".join(out)


# -- bounded decoding ------------------------------------------------------------------------------
def test_content_codings_in_applied_order() -> None:
    assert content_codings("gzip, identity, Deflate") == ["gzip", "deflate"]
    assert content_codings(None) == [] and content_codings(" identity ") == []


@pytest.mark.parametrize("chunk", [1, 997, 1 << 20])
def test_stacked_codings_decode_in_pieces(chunk: int) -> None:
    data = bytes(range(256)) * 2000 + b"end"
    body = gzip.compress(zlib.compress(data))  # deflate applied first, then gzip
    assert decode(["deflate", "gzip"], body, chunk=chunk) == data


def test_raw_deflate_and_multi_member_gzip() -> None:
    obj = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
    assert decode(["deflate"], obj.compress(b"raw" * 1000) + obj.flush()) == b"raw" * 1000
    assert decode(["gzip"], gzip.compress(b"one ") + gzip.compress(b"two")) == b"one two"


def test_each_layer_is_capped_before_it_is_inflated() -> None:
    """A 64 MB layer under a 1 MB cap stops after about 1 MB of output, not 64."""
    body = gzip.compress(gzip.compress(b"\0" * (64 << 20)))
    decoder = BodyDecoder(["gzip", "gzip"], 1 << 20)
    seen = 0
    with pytest.raises(BodyTooLarge):
        for piece in decoder.feed(body):
            seen += len(piece)
    assert seen <= (1 << 20)


def test_broken_and_short_streams_are_errors() -> None:
    with pytest.raises(BadEncoding):
        decode(["gzip"], b"not gzip at all")
    with pytest.raises(BadEncoding, match="ends early"):
        decode(["gzip"], gzip.compress(b"x" * 10_000)[:-20])


# -- redirect scope --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("host", "scope"),
    [
        ("8.8.8.8", "public"),
        ("2606:4700::1111", "public"),
        ("127.0.0.1", "loopback"),
        ("127.8.9.10", "loopback"),
        ("[::1]", "loopback"),
        ("::ffff:127.0.0.1", "loopback"),
        ("10.1.2.3", "private"),
        ("172.16.0.1", "private"),
        ("192.168.0.10", "private"),
        ("100.64.0.1", "private"),
        ("fd12::1", "private"),
        ("169.254.169.254", "link-local"),
        ("fe80::1", "link-local"),
        ("0.0.0.0", "other"),
        ("224.0.0.1", "other"),
        ("boards.greenhouse.io", None),
    ],
)
def test_ip_scope(host: str, scope: str | None) -> None:
    assert ip_scope(host) == scope


def test_scope_rules() -> None:
    assert name_scope("localhost") == "loopback" and name_scope("api.localhost.") == "loopback"
    assert name_scope("example.org") is None
    assert widest(["public", "private"]) == "private" and widest(["public"]) == "public"
    assert hop_allowed("public", "public") and hop_allowed("loopback", "public")
    assert hop_allowed("loopback", "loopback") and hop_allowed("private", "private")
    assert not hop_allowed("public", "loopback") and not hop_allowed("public", "private")
    assert not hop_allowed("loopback", "private") and not hop_allowed("public", "link-local")
    assert not hop_allowed(None, "loopback")  # a start that did not resolve is not a private network
    assert hop_allowed("public", None)  # an unresolvable hop fails to connect on its own


def test_public_start_may_not_be_redirected_to_loopback() -> None:
    """The rule the loopback tests cannot show end to end: a public board redirecting to 127.0.0.1.

    The start host's scope is pre-set (no DNS in tests); the hop check runs before any connection.
    """
    settings = CrawlSettings(per_host_delay_s=0, timeout_s=5, max_retries=0)

    async def check() -> FetchError:
        async with Fetcher(settings) as fetcher:
            fetcher._scopes["boards.example"] = "public"
            with pytest.raises(FetchError) as err:
                await fetcher._check_hop("https://boards.example/jobs", "http://127.0.0.1:6379/")
            return err.value

    error = asyncio.run(check())
    assert error.kind == "redirect"
    assert "127.0.0.1, a loopback address, while the request started on a public address" in str(error)


def test_307_keeps_the_method_and_body() -> None:
    seen: list[tuple[str, bytes]] = []

    def moved(req):  # type: ignore[no-untyped-def]
        return ReplayResponse(307, b"", {"Location": "/new"})

    def new(req):  # type: ignore[no-untyped-def]
        seen.append((req.method, req.body))
        return ReplayResponse.json({"ok": True})

    with HostileServer(max_requests=10, max_seconds=30) as srv:
        srv.overrides[("POST", "/old")] = moved
        srv.overrides[("POST", "/new")] = new
        settings = CrawlSettings(per_host_delay_s=0, timeout_s=5, max_retries=0)

        async def post() -> object:
            async with Fetcher(settings) as fetcher:
                return await fetcher.post_json(f"{srv.url}/old", {"q": 1})

        assert asyncio.run(post()) == {"ok": True}
    assert seen == [("POST", b'{"q":1}')]


# -- robots.txt ------------------------------------------------------------------------------------
def test_robots_bom_is_stripped() -> None:
    parser = parse_robots(b"\xef\xbb\xbfUser-agent: *\nDisallow: /\n")
    assert not parser.can_fetch("paybands", "https://x.example/jobs")


def test_truncated_robots_drops_its_half_line() -> None:
    body = b"User-agent: *\nDisallow: /private/\nDisallow: /pri"
    assert robots_lines(body, truncated=True) == ["User-agent: *", "Disallow: /private/"]
    assert robots_lines(body)[-1] == "Disallow: /pri"  # a complete file keeps its last line
    parser = parse_robots(body, truncated=True)
    assert parser.can_fetch("paybands", "https://x.example/primary")


# -- base_url at config time ----------------------------------------------------------------------
@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8080",
        "http://10.0.0.5",
        "https://[fd00::2]:8443",
        "http://localhost:1",
        "https://x.org",
    ],
)
def test_base_url_on_own_networks_is_allowed(url: str) -> None:
    assert check_url(url, "company 'A'") == url


@pytest.mark.parametrize(
    ("url", "what"),
    [
        ("http://169.254.169.254", "a link-local address"),
        ("http://[fe80::1]:80", "a link-local address"),
        ("http://0.0.0.0:8000", "an unspecified, multicast or reserved address"),
        ("http://224.0.0.1", "an unspecified, multicast or reserved address"),
    ],
)
def test_base_url_where_no_board_can_be_is_refused(url: str, what: str) -> None:
    with pytest.raises(ConfigError, match=what):
        parse_config({"company": [{"name": "A", "source": "greenhouse", "board": "a", "base_url": url}]})


def test_environment_proxy_is_used_as_httpx_clients_did(monkeypatch: pytest.MonkeyPatch) -> None:
    """HTTP_PROXY names the proxy (the fetcher speaks to httpx transports, which do not read it)."""
    for name in ("NO_PROXY", "no_proxy", "HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    with HostileServer(max_requests=10, max_seconds=30) as proxy:
        monkeypatch.setenv("HTTP_PROXY", proxy.url)
        monkeypatch.setenv("http_proxy", proxy.url)
        settings = CrawlSettings(per_host_delay_s=0, timeout_s=5, max_retries=0)

        async def fetch() -> object:
            async with Fetcher(settings) as fetcher:  # port 9 is closed: only the proxy can answer
                return await fetcher.get_json("http://127.0.0.1:9/v1/boards/gitlab/jobs")

        data = asyncio.run(fetch())
        assert isinstance(data, dict) and data.get("jobs")
        assert proxy.requests_to("/v1/boards/gitlab/jobs") == 1
        monkeypatch.setenv("NO_PROXY", "127.0.0.1")
        monkeypatch.setenv("no_proxy", "127.0.0.1")
        with pytest.raises(FetchError) as err:
            asyncio.run(fetch())
        assert err.value.kind == "network"


def test_what_follows_the_end_of_a_stream() -> None:
    """Padding after a gzip or deflate stream is ignored (no error, no endless loop); a second gzip
    member is read even when it starts exactly at a chunk boundary."""
    one, two = gzip.compress(b"one "), gzip.compress(b"two")
    assert decode(["gzip"], one + b"\0" * 50) == b"one "
    assert decode(["deflate"], zlib.compress(b"d") + b"garbage") == b"d"
    assert decode(["gzip"], one + two, chunk=len(one)) == b"one two"
    assert decode(["gzip"], one + two, chunk=len(one) + 1) == b"one two"
    assert decode(["gzip", "gzip"], gzip.compress(one + two), chunk=3) == b"one two"


def test_truncated_read_keeps_500_kib_under_a_smaller_cap() -> None:
    """RFC 9309's 500 KiB of robots.txt hold even with max_response_mb = 0.1; the rest is not read."""
    body = b"User-agent: *\n" + b"# padding\n" * 100_000 + b"Disallow: /\n"  # ~1 MB

    with HostileServer(max_requests=10, max_seconds=30) as srv:
        srv.overrides[("GET", "/robots.txt")] = lambda req: ReplayResponse(
            200, body, {"Content-Type": "text/plain"}
        )
        settings = CrawlSettings(per_host_delay_s=0, timeout_s=5, max_retries=0, max_response_mb=0.1)

        async def fetch() -> tuple[int, bool]:
            async with Fetcher(settings) as fetcher:
                resp = await fetcher.request("GET", f"{srv.url}/robots.txt", truncate_at=500 * 1024)
                return len(resp.body), resp.truncated

        assert asyncio.run(fetch()) == (500 * 1024, True)


def test_an_unresolvable_host_is_said_as_such():
    """Offline, every company failed 'robots.txt ... ConnectError ... Name or service not known', then
    again in the summary: the root cause now comes first, and the summary says each cause once."""
    import httpx

    from paybands.commands.crawl import summary_lines
    from scraper.crawl import RunResult
    from scraper.fetch import _network_failure
    from scraper.store import CompanyOutcome

    for message in (
        "[Errno -2] Name or service not known",
        "[Errno -3] Temporary failure in name resolution",
    ):
        said = _network_failure("https://boards-api.greenhouse.io/robots.txt", httpx.ConnectError(message))
        assert said.startswith("cannot resolve boards-api.greenhouse.io (no DNS answer")
    refused = _network_failure("https://a.example/x", httpx.ConnectError("[Errno 111] Connection refused"))
    assert refused == "https://a.example/x failed: ConnectError: [Errno 111] Connection refused"

    cause = "cannot resolve api.lever.co (no DNS answer: no network here, or no such host)"
    outcomes = [
        CompanyOutcome(name, "lever", name.lower(), "failed", error=cause)
        for name in ("Mistral AI", "Palantir")
    ] + [CompanyOutcome("X", "ashby", "x", "failed", error="other")]
    lines = summary_lines(RunResult(run_id=1, status="failed", outcomes=outcomes))
    failed = [line.strip() for line in lines if line.strip().startswith("failed")]
    assert failed == [
        f"failed (2): Mistral AI (lever:mistral ai), Palantir (lever:palantir): {cause}",
        "failed (1): X (ashby:x): other",
    ]


# -- connection pools ------------------------------------------------------------------------------
def test_a_hosts_connections_are_split_into_small_pools() -> None:
    """16 requests at once to one host: no pool holds more than LANE_SIZE connections (httpcore
    polls every connection of a pool when any request starts or ends), and a second wave reuses
    the connections the first opened instead of adding pools."""
    from scraper.fetch import LANE_SIZE

    def slow(req):  # type: ignore[no-untyped-def]
        import time

        time.sleep(0.05)  # the server thread per request: all 16 are in flight together
        return ReplayResponse.json({"path": req.path})

    with HostileServer(max_requests=100, max_seconds=30) as srv:
        for i in range(16):
            srv.overrides[("GET", f"/r{i}")] = slow
        settings = CrawlSettings(per_host_delay_s=0, per_host_concurrency=16, timeout_s=10, max_retries=0)

        async def waves() -> tuple[list[object], list[int], int]:
            async with Fetcher(settings) as fetcher:
                first = await asyncio.gather(*(fetcher.get_json(f"{srv.url}/r{i}") for i in range(16)))
                lanes = next(iter(fetcher._transports.values()))
                pools = [len(lane.transport._pool.connections) for lane in lanes]
                await asyncio.gather(*(fetcher.get_json(f"{srv.url}/r{i}") for i in range(16)))
                assert all(lane.in_flight == 0 for lane in lanes)
                return first, pools, len(next(iter(fetcher._transports.values())))

        first, pools, lanes_after = asyncio.run(waves())
    assert first == [{"path": f"/r{i}"} for i in range(16)]
    assert max(pools) <= LANE_SIZE and sum(pools) >= 16 // LANE_SIZE
    assert len(pools) == 16 // LANE_SIZE == lanes_after
