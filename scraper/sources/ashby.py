"""Ashby job boards (api.ashbyhq.com/posting-api).

Quirks kept here: pay sits in `compensation.compensationTiers[].components[]`;
only `Salary` components are pay bands (Equity/Bonus/Commission are not); a
tier `title` names the location zone; an "OTE" summary marks on-target pay.
"""

from __future__ import annotations

import re
from typing import Any

from ..models import PayBand, Posting
from ..salary import currency, structured_band
from ..salary.extract import pay_type_from_context, text_bands
from ..text import html_to_text
from . import register
from .base import (
    CrawlContext,
    Source,
    SourceError,
    as_dict,
    as_list,
    dedupe_bands,
    first_text,
    parse_datetime,
    pay_guard,
    posting_country,
)

PAY_COMPONENTS = ("Salary",)


@register
class Ashby(Source):
    name = "ashby"
    default_base_url = "https://api.ashbyhq.com"
    board_help = "the board name in jobs.ashbyhq.com/{name}"
    # The hosted board (also its embed script, jobs.ashbyhq.com/{name}/embed) and the API. Names keep
    # their case, dots and spaces ("Flock%20Safety" is "Flock Safety", "mistral.ai").
    url_patterns = (
        r"^jobs\.ashbyhq\.com/(?P<board>[^/?#]+)",
        r"^api\.ashbyhq\.com/posting-api/job-board/(?P<board>[^/?#]+)",
    )

    async def crawl(self, ctx: CrawlContext) -> list[Posting]:
        url = f"{self.base_url}/posting-api/job-board/{self.company.board}"
        data = await ctx.fetcher.get_json(url, params={"includeCompensation": "true"})
        if not isinstance(data, dict) or not isinstance(data.get("jobs"), list):
            raise SourceError(f"{url} did not return an Ashby job board")
        # Unlisted jobs are not on the board; a job without a usable id is skipped and reported.
        listed = [
            job
            for job in data["jobs"]
            if not (isinstance(job, dict) and job.get("isListed", True) is False)
            and self.listed_id(job) is not None
        ]
        return self.parse_each(listed, self.parse_job)

    def parse_raw(self, raw: Any) -> Posting:
        return self.parse_job(raw)

    def parse_job(self, job: dict[str, Any]) -> Posting:
        title = first_text(job.get("title")) or ""
        department = first_text(job.get("department"), job.get("team")) or ""
        plain = job.get("descriptionPlain")
        # (not first_text: it would split and re-join the whole description only to test it)
        description = plain.strip() if isinstance(plain, str) else None
        if not description:
            description = html_to_text(job.get("descriptionHtml"))
        secondary = [
            first_text(s.get("location"))
            for s in as_list(job.get("secondaryLocations"))
            if isinstance(s, dict)
        ]
        location = "; ".join(x for x in [first_text(job.get("location")), *secondary] if x) or None
        country = posting_country(location)
        bands: list[PayBand] = []
        warnings: list[str] = []
        comp = as_dict(job.get("compensation"))
        for tier in as_list(comp.get("compensationTiers")):
            if not isinstance(tier, dict):
                continue
            zone = _tier_zone(tier)
            where = f"ashby pay tier {zone!r}" if zone else "ashby pay tier"
            for part in as_list(tier.get("components")):
                if not isinstance(part, dict) or part.get("compensationType") not in PAY_COMPONENTS:
                    continue
                with pay_guard(warnings, where):
                    summary = first_text(part.get("summary"), tier.get("tierSummary")) or ""
                    # The kind of pay may be said by the tier rather than the component:
                    # additionalInformation "On-Target Earnings (OTE)" (Sierra).
                    label = " • ".join(
                        x for x in (summary, first_text(tier.get("additionalInformation")), "salary") if x
                    )
                    band = structured_band(
                        part.get("minValue"),
                        part.get("maxValue"),
                        part.get("currencyCode") or "USD",
                        part.get("interval"),
                        pay_type=pay_type_from_context(label, title, department),
                        zone=zone,
                        source_text=first_text(tier.get("tierSummary"), summary) or "",
                        rule="structured:ashby",
                        warnings=warnings,
                        label=where,
                    )
                    if band is not None:
                        bands.append(band)
        # The description too: it may state ranges the tiers do not (other zones, hourly rates) and it
        # names the zones of tiers whose titles name none; restatements of a tier are dropped below.
        with pay_guard(warnings, "ashby description"):
            bands.extend(text_bands(description, country=country))
        workplace = (first_text(job.get("workplaceType")) or "").lower()
        remote = {"remote": "remote", "hybrid": "hybrid", "onsite": "onsite"}.get(workplace)
        if remote is None and job.get("isRemote") is True:
            remote = "remote"
        return self.posting(
            job.get("id"),
            title,
            job,
            url=first_text(job.get("jobUrl")),
            location=location,
            department=department or None,
            employment_type=first_text(job.get("employmentType")),
            remote=remote,
            posted_at=parse_datetime(job.get("publishedAt")),
            description=description,
            bands=dedupe_bands(bands),
            warnings=warnings,
        )


def _tier_zone(tier: dict[str, Any]) -> str | None:
    """The zone a tier's pay applies to: its title, as the tier summary writes it.

    A qualifier the summary adds to the title is kept ("United States" titled, "United States
    (MG4) $287K – $373K" summarized: two levels of one country are two zones). A title that
    only names the currency ("EUR", "Euro", "GBP") is no zone.
    """
    title = first_text(tier.get("title"))
    if not title or currency.marker_currency(title) is not None:
        return None
    summary = first_text(tier.get("tierSummary")) or ""
    qualified = re.match(re.escape(title) + r"\s*\([^()]{1,40}\)", summary)
    return qualified.group(0) if qualified else title
