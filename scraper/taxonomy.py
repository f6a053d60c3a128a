"""ML/AI role taxonomy: is a posting an ML/AI role, which role family, which seniority.

Pure rules, no model: it runs on every stored posting (up to ~1M per refresh),
so everything is a precompiled regex and the title half is memoized (titles
repeat a lot across boards). The rules and their reasons are documented in
docs/TAXONOMY.md; tests/taxonomy/titles.csv is the labeled set they are
measured against.

Only the title decides the role family and the seniority. The description
can only turn a *generic technical* title ("Software Engineer", "Technical
Director", "Data Engineer") into an ML/AI role, and only on several distinct
strong ML signals, so company boilerplate ("we are an AI company") does not
make every role ML/AI. Non-technical titles (recruiters, sales, designers...)
are never ML/AI, whatever the description says.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate
from typing import Literal, get_args

from .locations import Location, classify_remote, normalize_location

__all__ = [
    "ROLE_FAMILIES",
    "SENIORITIES",
    "SENIORITY_LEVELS",
    "TAXONOMY_VERSION",
    "Location",
    "RoleFamily",
    "RoleInfo",
    "Seniority",
    "classify",
    "classify_remote",
    "description_ml_score",
    "normalize_location",
]

# Bump on ANY rule change: scraper/enrich.py reclassifies every stored posting
# whose taxonomy_version differs.
TAXONOMY_VERSION = "2026.12.2"

RoleFamily = Literal[
    "ml_engineer",
    "ml_platform",
    "research_scientist",
    "applied_scientist",
    "research_engineer",
    "data_scientist",
    "data_engineer",
    "software_engineer",
    "engineering_manager",
    "product_manager",
    "program_manager",
    "other",
]
# "unstated": the title names no level. It is not "mid": a PM chart that counted every
# "Product Manager" as mid showed Senior paid below Mid. Stats, charts and filters keep it apart.
Seniority = Literal[
    "intern", "junior", "mid", "senior", "staff", "principal", "director", "executive", "unstated"
]
ROLE_FAMILIES: tuple[RoleFamily, ...] = get_args(RoleFamily)
SENIORITIES: tuple[Seniority, ...] = get_args(Seniority)
SENIORITY_LEVELS: tuple[Seniority, ...] = SENIORITIES[:-1]  # the stated levels, lowest first


@dataclass(slots=True, frozen=True)
class RoleInfo:
    is_ai_ml: bool
    role_family: RoleFamily
    seniority: Seniority


# Families that are ML/AI by definition (their rules require an ML signal or an
# ML-only job title such as "Research Engineer").
_ML_FAMILIES = frozenset(
    {"ml_engineer", "ml_platform", "research_scientist", "applied_scientist", "research_engineer"}
)
# A description needs this many points of distinct strong ML signals to tip a
# generic title; one buzzword (2 points at most) never does.
DESCRIPTION_THRESHOLD = 4


def _rx(pattern: str, *, word: bool = True) -> re.Pattern[str]:
    """A pattern over lowercased text. `word` anchors every alternative at a word
    start, which lets the regex engine skip mid-word positions: on 1M titles
    that is the difference between minutes and seconds."""
    return re.compile(rf"\b(?:{pattern})" if word else pattern, re.VERBOSE)


# ---------------------------------------------------------------- title cleanup

# "(m/w/d)", "(H/F)", "(f/m/x)", "(all genders)": legal suffixes, not part of the role.
_GENDER = _rx(
    r"\(\s*(?:[mwfhdx]\s*/\s*){1,3}[mwfhdx]\s*\)|\(\s*all\s+genders?\s*\)|\b[mwf]/[mwf]/[dx]\b", word=False
)
# "Scale.ai" is a company name; its "ai" is not an ML signal.
_DOMAIN_AI = _rx(r"\b(\w+)\.ai\b")
# Segment boundaries: a title is "Role, Team (Location) - Qualifier | Company".
_SEGMENT_SPLIT = re.compile(r"\s*[,;:|()\[\]_]\s*|\s+[-/]\s+|\s+-|-\s+")


# "Darwin AI - Fullstack Engineer": a one-word company name ending in "AI" in
# front of the role (aggregator boards prefix titles with the company).
_COMPANY_AI_PREFIX = re.compile(r"^([a-z0-9][\w.&'-]*)\s+ai\s+[-|]\s+(.+)$")
_NOT_A_COMPANY = frozenset(
    {
        *("applied", "responsible", "generative", "conversational", "ethical", "trustworthy", "safe", "open"),
        *("enterprise", "agentic", "physical", "embodied", "edge", "creative", "gen", "core", "data"),
        *("vertical", "frontier"),
    }
)


def _normalize(title: str) -> str:
    t = unicodedata.normalize("NFKC", title).lower()
    t = t.replace("\u2013", " - ").replace("\u2014", " - ").replace("\u2012", " - ")
    t = _GENDER.sub(" ", t)
    t = _DOMAIN_AI.sub(r"\1", t)
    t = " ".join(t.split())
    m = _COMPANY_AI_PREFIX.match(t)
    if (
        m
        and m.group(1) not in _NOT_A_COMPANY
        and not _ROLE_NOUN.search(m.group(1))
        and _ROLE_NOUN.search(m.group(2))
    ):
        t = f"{m.group(1)} - {m.group(2)}"
    return t


# ---------------------------------------------------------------- ML signals in titles

# Words that make an engineer/PM/manager title ML/AI. "model" only when not a
# data/financial/business model; "agent" is an AI agent only next to a
# technical role (a "Customer Service Agent" has no technical head noun).
_ML_TITLE = _rx(
    r"""
    machine[\s-]?learning | \bml\b | \bmle\b | \bml[\s-]?ops\b | \bllm[\s-]?ops\b | \bai\b | \ba\.i\. |
    artificial\s+intelligence | \bgen[\s-]?ai\b | generative | \bllms?\b | large\s+language | language\s+models? |
    foundation\s+models? | deep[\s-]?learning | neural | reinforcement\s+learning | computer\s+vision |
    machine\s+vision | \bnlp\b | natural\s+language | speech\s+(?:recognition|synthesis|scien|engineer|research|
    processing|model|technolog) | \basr\b | text[\s-]to[\s-]speech | conversational | perception |
    recommend(?:ation|er)s? | \brecsys\b | ranking | relevance | personali[sz]ation | (?<!causal\s)\binference\b |
    (?<!data\s)(?<!financial\s)(?<!business\s)(?<!risk\s)(?<!pricing\s)(?<!operating\s)(?<!3d\s)\bmodels?\b |
    \bagents?\b | \bagentic\b | \bprompt | \bevals?\b | alignment | interpretability | pre[\s-]?training |
    post[\s-]?training | fine[\s-]?tuning | multimodal | \bki\b | \bmcp\b | \brag\b | data\s+science |
    applied\s+science | robot\s+learning |
    (?:ingénieur|ingeniero|engenheiro|ingegnere|développeur|desarrollador|experte?|especialista|chef\s+de\s+projet)
        \s+(?:en\s+|de\s+)?ia\b
    """
)
# ML infrastructure: the ml_platform family (platform, infra, serving, compilers, MLOps).
_ML_PLATFORM = _rx(
    r"""
    (?<!causal\s)\binference\b | \bml[\s-]?ops\b | \bllm[\s-]?ops\b | \bml[\s-]?infra | \bai[\s-]?infra |
    (?:machine\s+learning|\bml|model)\s+operations |
    (?:\bml|machine\s+learning|\bai|deep\s+learning|\bdl|\bllm|\bgen[\s-]?ai|model)\s+
        (?:platform|infrastructure|infra|compilers?|serving|cloud|runtime|performance|acceleration|
        training\s+infrastructure|systems?\s+performance) |
    model\s+(?:serving|deployment) | training\s+infrastructure | \bai\s+cloud\b |
    (?:\bml|deep\s+learning|\bai)\s+(?:\w+\s+)?(?:compilers?|kernels?|accelerators?) |
    deep\s+learning\s+(?:performance|compilers?|frameworks?|inference|systems?)
    """
)

# A title naming a non-ML specialty says what the role works on: "Storage Engineering Manager",
# "Security Engineer - Architecture", "Principal Product Manager – Networking". At an AI company
# the description speaks of AI anyway (its GPUs, its customers' models, its mission), so it cannot
# make such a title ML/AI; an ML word in the title still does ("ML Security Engineer").
_NON_ML_SPECIALTY = _rx(
    r"""
    secur | \bappsec | \bsecops | \bnetwork | \bstorage\b | data[\s-]?cent(?:er|re) | \bhpc\b | \bfacilit |
    \bfirmware | \bhardware | \basic\b | \bfpga | \brtl\b | \bsilicon | \bpcb\b | \belectrical | \bmechanical |
    \bthermal | supply\s+chain | procurement | \bit\s+(?:support|operations|systems|engineer|admin) | help\s*desk |
    \bcorporate\s+it\b
    """
)

# ---------------------------------------------------------------- role heads

# Roles that are never ML/AI and whose family is `other`: go-to-market, people,
# finance, legal, design, operations, care. Checked on the head segment only,
# so "Software Engineer, Revenue Finance Infrastructure" stays an engineer.
_BUSINESS = _rx(
    r"""
    recruit | sourc(?:er|ing) | \btalent\b | \bhr\b | human\s+resource | \bpeople\s+(?:partner|ops|operations|team) |
    payroll | benefits | compensation | \baccount\s+(?:executive|manager|director|lead|associate|strategist) |
    \bsales\b | business\s+development | \bbdr\b | \bsdr\b | marketing | marketer | \bbrand\b | \bcontent\b |
    editorial | \beditor\b | writer | copywrit | communications | public\s+relations | \bevents?\b | community |
    customer\s+(?:success|support|happiness|experience|service|engineer) | \bsupport\b | client |
    implementation | onboarding | enablement | partner | alliances | \bchannel\b | renewal | \bfinanc |
    accountant | accounting | \btax\b | treasury | \baudit | controller | fp&a | investor\s+relations |
    corporate\s+development | \blegal\b | counsel | paralegal | attorney | lawyer | compliance | \bpolicy\b |
    \boffice\b | workplace | real\s+estate | facilities | coordinator | assistant | chief\s+of\s+staff |
    (?<!learning\s)(?<!\bml\s)(?<!model\s)operations | strateg | consult | advisor | adviser | designer | \bdesign\s+(?:manager|lead|director) |
    product\s+design | \bux\b | user\s+experience | user\s+research | creative | \bvideo\b | pricing |
    procurement | supply\s+chain | logistics | fulfillment | (?<!data\s)\bwarehouse\b | data\s+center | technician |
    therap | behavior | \bbcba | patholog | \bnurs | clinical | physician | trainer | coach | teacher | tutor |
    interviewer | advocate | evangelist | \bgtm\b | go[\s-]to[\s-]market | growth\s+market | membership |
    wealth\s+management | \bquant | \btrader\b | actuar | economist | knowledge | \bprocess\b | \bseo\b |
    \baeo\b | \bsales\s+engineer | solutions?\s+engineer | \bvalue\b | deployment\s+strategist |
    security\s+analyst | \banalyst\b | representative | receptionist | \bbanking\b |
    \bmanufactur | \bstudio\s+(?:manager|coordinator) | \bproducer\b
    """
)
# Technical roles outside the software ladder (hardware, networking, field and
# solutions engineering): family `other`, but an ML title signal (or a strong
# description) still makes them ML/AI ("Solutions Architect - Machine Learning").
_TECH_OTHER = _rx(
    r"""
    hardware | electrical | mechanical | \bnetwork(?:ing)?\s+engineer | \brf\b | \basic\b | \bfpga\b | \brtl\b |
    silicon | analog | circuit | \bpcb\b | \bcad\b | physical\s+design | \bcivil\b | chemical | structural | \bhpc\b |
    integration\s+engineer | field\s+engineer | solutions?\s+architect | \bsystems?\s+architect |
    \bgpu\s+architect | \bcpu\s+architect | \barchitect\b | \bdatabase\s+administrator | \bsysadmin
    """
)
# Research that is not ML research.
_NON_ML_RESEARCH = _rx(
    r"""
    \bux\b | user\s+(?:experience|research) | \bquant | market | clinical | design\s+research | \bpolicy |
    econom | chemist | biolog | immunolog | oncolog | material | formulation | survey
    """
)
# Sciences whose "Research Scientist" is a lab job, not ML research.
_NON_ML_SCIENCE = _rx(
    r"""chemi | biolog | immunolog | oncolog | patholog | pharma | clinical | protein | genomic | materials? |
    formulation | neuroscien | physics | geolog | ecolog | agronom | food | toxicolog | virolog | cell\b"""
)
# Heads naming a program, not a job: their family comes from the domain.
_TRAINEE_HEAD = _rx(
    r"\bintern(?:ship)?s?\b|werkstudent|working\s+student|\bstudent\b|praktik|stagiaire|apprentice|trainee|"
    r"\bresiden(?:t|cy)\b|^associate$|\bfellow(?:s|ship)?\b(?!.*\b(?:technical|distinguished|corporate))"
)
_ANALYTICS_DS = _rx(
    r"analytics|analyst|decision\s+scien|insights|experimentation|\bbusiness\b|marketing|\bfinance|causal"
)

_CHIEF_OFFICER = _rx(
    r"\bchief\s+(?:[\w&]+\s+){1,3}officer\b|\bc(?:eo|to|fo|oo|po|io|iso|so|ro|mo|ao|aio|ds?o|tio)\b"
)
_LEADERSHIP = _rx(
    r"""\bmanager\b | \bmgr\b | \bmanagement\b | \bdirector\b | \bdir\b | \bhead\s+of\b | \bhead\b |
    \bvp\b | \bsvp\b | \bevp\b | vice\s+president | \bpresident\b | \bchief\b"""
)
_PM = _rx(
    r"product\s+manag|product\s+owner|product\s+lead|\bapm\b|\bgpm\b|product\s+management|\bhead\s+of\s+product\b"
)
# A project manager is a program manager only on technical work ("Technical Project Manager").
_PROGRAM = _rx(
    r"program(?:me)?\s+manag|\btpm\b|technical\s+project\s+manag|(?:software|it|engineering)\s+project\s+manag"
)
_EM = _rx(
    r"""engineering\s+manag | \beng\.?\s+manag | \bmanager\b.*\b(?:engineering|software|eng)\b |
    engineering\s+(?:director|lead\s+manager) | tech(?:nical)?\s+lead\s+manager | \btlm\b |
    (?:head|director|vp|vice\s+president|svp|evp)\s+(?:of\s+|,\s*)?(?:\w+\s+)?(?:engineering|software)"""
)
_TECH_DIRECTOR = _rx(r"technical\s+director|technology\s+director|director\s+of\s+technology")
# Animation / VFX craft "technical directors" are artists, not engineering leaders.
_CRAFT_TD = _rx(
    r"""(?:lighting|character|creature|\bfx|effects|shading|rigging|pipeline|layout|look\s*dev|surfacing|
    \bcfx|groom|simulation|crowd|environment|animation|assets?|compositing)\s+(?:technical\s+director|\btd\b)"""
)
# Domains that make a generic leadership title (Manager, Head of, Director, VP)
# an engineering leadership role.
_TECH_DOMAIN = _rx(
    r"""engineering | software | \beng\b | technolog | technical | \bdata\b | machine\s+learning | \bml\b | \bai\b |
    artificial | deep\s+learning | research | science | scien | platform | infrastructure | \binfra\b |
    security | \bhpc\b | cloud | systems | devops | \bsre\b | reliability | \bqa\b | quality\s+engineering |
    architecture | developer | storage | computer\s+vision | robotics | \bmodels?\b | \bllm | \bagents?\b"""
)

_RESEARCH_ENGINEER = _rx(r"research\s+engineer")
_APPLIED_SCIENTIST = _rx(
    r"""applied\s+(?:scientist|researcher|research\s+scientist|science) |
    (?:machine\s+learning|\bml|\bai|speech|nlp|language|vision)\s+scientist"""
)
_DATA_SCIENTIST = _rx(r"data\s+scien|decision\s+scien|\bdata\s+science")
_RESEARCHER = _rx(
    r"""research\s+scientist | researcher | research\s+intern | research\s+fellow | research\s+resident |
    student\s+research | \bphd\s+(?:intern|resident) | \bscientist\b | \bresearch\b"""
)
_DATA_ENGINEER = _rx(
    # "Data Backend Engineer", "Data Visualization Engineer": one word may sit between.
    r"""data\s+(?!ai\b|ml\b|scien|center)[a-z]+\s+(?:engineer|developer) |
    (?:\bdata|analytics|\betl|\bbi|business\s+intelligence|data\s+warehouse|warehouse|big\s+data|
    data\s+platform|data\s+pipeline|data\s+infrastructure|database)\s+(?:engineer|developer)|
    \betl\b|data\s+architect|analytics\s+engineering|data\s+engineering"""
)
_ENGINEER = _rx(
    # not word-anchored: German compounds ("Softwareentwickler") end in the noun
    r"""engineer | \beng\b | developer | \bdevelopment\b | programmer | \bswe\b | \bsde\b | \bsre\b | \bmle\b |
    technical\s+staff | \bmts\b | tech(?:nical)?\s+lead | \bdevops\b | ingénieur | ingenieur | ingeniero |
    engenheiro | entwickler | développeur | desarrollador | \bcoder\b""",
    word=False,
)
# Nouns naming a person's job (not a domain like "Data Science" or "Engineering").
_PERSON_NOUN = _rx(
    r"""engineer(?!ing) | \beng\b | developer | programmer | scientist | researcher | analyst | designer |
    architect | recruiter | accountant | counsel | consultant | \bstrats?\b | technician | \bswe\b | \bsde\b"""
)
_SOFTWARE = _rx(r"software|\bswe\b|\bsde\b|full[\s-]?stack|back[\s-]?end|front[\s-]?end")
_LEAD = _rx(r"\blead\b")
# A segment holding one of these is a role, not a team, company or location.
_ROLE_NOUN = _rx(
    r"""engineer | \beng\b | developer | \bdevelopment\b | programmer | \bswe\b | \bsde\b | \bsre\b | \bmle\b |
    scien | research | architect | manag | \bmgr\b | owner | designer | recruit | sourc | analyst | accountant |
    counsel | attorney | paralegal | technician | therap | representative | executive | specialist | consultant |
    coordinator | assistant | advisor | strategist | trainer | intern | student | praktik | stagiaire |
    werkstudent | apprentice | technical\s+staff | \blead\b | \bhead\b | director | \bdir\b | \bvp\b |
    president | \bchief\b | officer | \bc[etfopi]o\b | associate | partner | operations | ingénieur |
    ingenieur | ingeniero | entwickler | développeur | \bstaff\b | founder | agent | advocate"""
)


def _segments(norm: str) -> tuple[list[str], int]:
    """The title's segments and the index of the one naming the role (the rest: team, location...)."""
    segments = [s.strip() for s in _SEGMENT_SPLIT.split(norm) if s and s.strip()]
    if not segments:
        return [""], 0
    head_i = next((i for i, s in enumerate(segments) if _ROLE_NOUN.search(s)), 0)
    # A bare leadership segment followed by a person noun is a bank corporate
    # title ("Vice President, Lead Software Engineer"): the person is the role.
    # Followed by a domain ("Manager, Data Science", "VP, Machine Learning") it
    # stays the head.
    if _LEADERSHIP.fullmatch(segments[head_i]) or _CORPORATE_RANK.fullmatch(segments[head_i]):
        later = next((i for i, s in enumerate(segments) if i > head_i and _PERSON_NOUN.search(s)), None)
        if later is not None:
            head_i = later
    return segments, head_i


# ---------------------------------------------------------------- role family


def _trainee_family(whole: str) -> tuple[RoleFamily, bool]:
    if _BUSINESS.search(whole) and not _ML_TITLE.search(whole):
        return "other", True
    if _APPLIED_SCIENTIST.search(whole) or re.search(r"applied\s+research", whole):
        return "applied_scientist", False
    if re.search(r"\bresearch|\bresiden", whole):
        # Like a bare "Researcher": research on a job board is ML research unless a lab science is named.
        if _NON_ML_RESEARCH.search(whole) or (_NON_ML_SCIENCE.search(whole) and not _ML_TITLE.search(whole)):
            return "other", False
        return "research_scientist", False
    if _DATA_SCIENTIST.search(whole):
        return "data_scientist", False
    if _ML_PLATFORM.search(whole):
        return "ml_platform", False
    if _ML_TITLE.search(whole):
        return "ml_engineer", False
    if _DATA_ENGINEER.search(whole):
        return "data_engineer", False
    if re.search(r"software|engineering|developer|development|programming|\bit\b|computer\s+science", whole):
        return "software_engineer", False
    if _PM.search(whole) or re.search(r"\bproduct\b", whole):
        return "product_manager", False
    return "other", True


def _family(norm: str, segments: list[str], head_i: int) -> tuple[RoleFamily, bool]:
    """(family, business): business roles are never ML/AI, whatever the description says."""
    head = segments[head_i]
    rest = " ".join(s for i, s in enumerate(segments) if i != head_i)
    whole = norm
    if not head:
        return "other", True
    if "chief of staff" in whole:
        return "other", True
    if _CHIEF_OFFICER.search(head) or re.search(r"\bchief\s+scientist\b", head):
        if re.search(r"chief\s+scientist|science\s+officer|research\s+officer", head):
            return "research_scientist", False
        if re.search(r"\bcpo\b|product", head):
            return "product_manager", False
        if re.search(
            r"\bc(?:to|ao|aio|io|iso|tio|ds?o)\b|technolog|\bai\b|artificial|machine|data|information|security|engineering",
            head,
        ):
            return "engineering_manager", False
        return "other", True
    if _CRAFT_TD.search(head):
        return "other", True
    if (
        _BUSINESS.search(head)
        and not _PM.search(head)
        and not re.search(r"\bdata\s+scien|applied\s+scien", head)
    ):
        # "Technical Program Manager" contains no business word; "Product
        # Marketing Manager" does and is marketing, not product management.
        return "other", True
    if _PM.search(head):
        return "product_manager", False
    if _PROGRAM.search(head):
        return "program_manager", False
    if _EM.search(head) or _TECH_DIRECTOR.search(head):
        return "engineering_manager", False
    if _LEADERSHIP.search(head) and not _PERSON_NOUN.search(head):
        # A bare "Manager"/"Head of"/"Director"/"VP" takes its domain from the rest of the title.
        domain = f"{head} {rest}"
        if _BUSINESS.search(domain) and not _ML_TITLE.search(domain):
            return "other", True
        if _PM.search(domain) or re.search(r"\bproduct\b", domain):
            return "product_manager", False
        if _PROGRAM.search(domain):
            return "program_manager", False
        if re.search(r"\bdata\s+scientists?\b|applied\s+scien|data\s+science", domain) or _TECH_DOMAIN.search(
            domain
        ):
            return "engineering_manager", False
        return "other", True
    if _TRAINEE_HEAD.search(head) and not _PERSON_NOUN.search(head):
        # "Machine Learning Intern", "Summer Intern - Data Science", "AI Residency",
        # "Associate, Software Engineering": the family comes from the domain.
        return _trainee_family(whole)
    if _RESEARCH_ENGINEER.search(head):
        return "research_engineer", False
    if _APPLIED_SCIENTIST.search(head):
        return "applied_scientist", False
    if _DATA_SCIENTIST.search(head):
        return "data_scientist", False
    if _RESEARCHER.search(head) and not _ENGINEER.search(head):
        if _NON_ML_RESEARCH.search(head):
            return "other", True
        if _NON_ML_SCIENCE.search(whole) and not _ML_TITLE.search(whole):
            return "other", False  # a lab scientist ("Research Scientist, Immunology")
        if re.search(r"\bscientist\b", head) and not re.search(r"research\s+scientist", head):
            # A bare "Scientist" is an ML role only with an ML word, and then an applied
            # one, like "Machine Learning Scientist" ("Distinguished Scientist, Machine Learning").
            return ("applied_scientist", False) if _ML_TITLE.search(whole) else ("other", False)
        return "research_scientist", False
    if _DATA_ENGINEER.search(head) and not re.search(r"\bdata\s+(?:ai|ml)\b", head):
        return "data_engineer", False
    if _ENGINEER.search(head) or re.search(r"\bmember\s+of\s+technical\s+staff\b|\bfounding\b", head):
        if _TECH_OTHER.search(head) and not _SOFTWARE.search(head):
            if _ML_PLATFORM.search(head):  # "Deep Learning Performance Architect"
                return "ml_platform", False
            return "other", False
        if _ML_PLATFORM.search(whole):
            return "ml_platform", False
        if _ML_TITLE.search(whole):
            return "ml_engineer", False
        return "software_engineer", False
    if _TECH_OTHER.search(head):
        if _ML_PLATFORM.search(head):
            return "ml_platform", False
        if re.search(r"\b(?:software|cloud|platform)\s+architect", head):
            return "software_engineer", False
        return "other", False
    if _LEAD.search(head):
        # "Evals Lead" is ML work; "Technical Lead" software; "Editorial Lead" other.
        if _ML_TITLE.search(whole):
            return "ml_engineer", False
        if _TECH_DOMAIN.search(head):
            return "software_engineer", False
        return "other", True
    # Anything else is not an engineering or science job (including human
    # "agents": insurance, travel, customer service).
    return "other", True


# ---------------------------------------------------------------- seniority

_INTERN = _rx(
    r"""\bintern(?:ship)?s?\b | werkstudent | working\s+student | \bstudent\b | praktik | stagiaire | \bstage\b |
    \bco[\s-]?op\b | \btrainee(?:ship)?\b(?=.*\bprogram) | \bfellowship\b | \bfellows\s+program |
    (?<!technical\s)(?<!distinguished\s)(?<!corporate\s)(?<!engineering\s)(?<!senior\s)(?<!research\s)
    (?<!postdoctoral\s)(?<!^)\bfellows?\b"""
)
_PRESIDENT = _rx(
    r"(?<!vice\s)\bpresident\b|\bmanaging\s+director\b|(?<!ex-)(?<!ex\s)\b(?:co-?)?founder\b(?!\w)"
)
_VP = _rx(r"\bvp\b|\bsvp\b|\bevp\b|\bavp\b|vice\s+president")
# Bank corporate ranks (Analyst < Associate < AVP < VP < SVP/Director/ED < MD), when
# a segment is nothing but the rank.
_CORPORATE_RANK = re.compile(
    r"(?P<analyst>analyst)|(?P<associate>associate)|(?P<avp>avp|a\.v\.p\.|assistant\s+vice\s+president|"
    r"associate\s+vice\s+president)|(?P<vp>vp|vice\s+president)|(?P<svp>svp|senior\s+vice\s+president)|"
    r"(?P<director>dir|director|executive\s+director|ed)|(?P<md>md|managing\s+director)"
)
_AVP = re.compile(r"avp|a\.v\.p\.|assistant\s+vice\s+president|associate\s+vice\s+president")
_CORPORATE_LEVELS: dict[str, Seniority] = {
    "analyst": "junior",
    "associate": "mid",
    "avp": "mid",
    "vp": "senior",
    "svp": "staff",
    "director": "staff",
    "md": "executive",
}
_ASSISTANT_TO = _rx(r"(?:assistant|advisor|adviser|aide|secretary)\s+to\s+.*$")
_DIRECTOR = _rx(r"\bhead\s+of\b|\bhead\b|\bdirector\b|\bdir\b")
_ACCOUNT_DIRECTOR = _rx(r"\baccount\s+director\b|\bclient\s+director\b")
# A Technical/Distinguished/Senior Fellow (or a bare "Fellow") is the top IC rung; a
# program fellow ("AI Safety Fellow") is an intern and a research fellow a postdoc.
_PRINCIPAL = _rx(r"\bprincipal\b|\bprin\b|\bdistinguished\b|(?<!research\s)(?<!postdoctoral\s)\bfellow\b")
_STAFF = _rx(r"\bstaff\b")
_NOT_STAFF = _rx(
    r"member\s+of\s+(?:the\s+)?technical\s+staff|\bchief\s+of\s+staff\b|"
    r"\bstaff\s+(?:accountant|auditor|nurse|attorney|pharmacist|physician|writer|assistant|member|augmentation)|"
    r"\bstaffing\b|\bmedical\s+staff"
)
_GROUP_PM = _rx(r"\bgroup\s+product\s+manager\b|\bgpm\b")
_SENIOR = _rx(r"\bsenior\b|\bsr\b\.?|\bsnr\b|\blead\b|\bfounding\b|\bexperienced\b")
_SEMI_SENIOR = _rx(r"\bssr\b|semi[\s-]?senior|\bmid[\s-]?(?:level|senior)\b")
_JUNIOR = _rx(
    r"""\bjunior\b | \bjr\b\.? | \bnew\s+grad | \bgraduate\b | \bgrad\b | entry[\s-]?level | early[\s-]?career |
    \bapprentice | \btrainee\b | \bpost[\s-]?doc | postdoctoral | research\s+fellow | \bresiden(?:t|cy)\b |
    \bassociate\s+(?!director|vice|principal|partner|general|dean|professor)[a-z]"""
)
# Level codes (Google/Meta/Netflix ladders): L3/E3 new grad ... L7+ principal.
_LEVEL_CODE = re.compile(r"\b(?:l|e|ic|p)\s?(\d{1,2})\b|\blevel\s+(\d)\b")
_CODE_LEVELS: dict[str, dict[int, Seniority]] = {
    "l": {1: "junior", 2: "junior", 3: "junior", 4: "mid", 5: "senior", 6: "staff"},
    "e": {1: "junior", 2: "junior", 3: "junior", 4: "mid", 5: "senior", 6: "staff"},
    "ic": {1: "junior", 2: "junior", 3: "mid", 4: "senior", 5: "staff"},
    "p": {1: "junior", 2: "mid", 3: "senior", 4: "staff"},
}
_CODE_TOP: dict[str, tuple[int, Seniority]] = {
    "l": (7, "principal"),
    "e": (7, "principal"),
    "ic": (6, "principal"),
    "p": (5, "principal"),
}
# Roman numerals and trailing numbers after a role noun ("Engineer II", "Software Engineer 5").
_ROLE_NUMBER = _rx(
    r"""(?:engineer|scientist|developer|analyst|manager|designer|researcher|architect|specialist|consultant|
    administrator|technician|programmer|\bsde|\bswe|\bmle|\beng)\s+(i{1,3}|iv|v|[1-8])\b"""
)
_ROMAN: dict[str, Seniority] = {"i": "junior", "ii": "mid", "iii": "senior", "iv": "staff", "v": "principal"}
# Arabic 1-3 read like I-III; 4-8 follow the L-ladder (Netflix "Software Engineer 5" = L5 = senior).
_ARABIC: dict[str, Seniority] = {
    "1": "junior",
    "2": "mid",
    "3": "senior",
    "4": "mid",
    "5": "senior",
    "6": "staff",
    "7": "principal",
    "8": "principal",
}


def _code_level(norm: str) -> Seniority | None:
    for m in _LEVEL_CODE.finditer(norm):
        if m.group(2):
            return None
        prefix = re.match(r"[a-z]+", m.group(0).lower())
        if prefix is None:
            continue
        kind, n = prefix.group(0), int(m.group(1))
        top_n, top = _CODE_TOP[kind]
        if n >= top_n:
            return top
        level = _CODE_LEVELS[kind].get(n)
        if level is not None:
            return level
    number = _ROLE_NUMBER.search(norm)
    if number:
        token = number.group(1)
        return _ARABIC[token] if token.isdigit() else _ROMAN[token]
    return None


def _corporate_rank(segments: list[str], head_i: int) -> Seniority | None:
    """Bank corporate title standing as its own segment next to the role
    ("Lead Engineer (Vice President)", "Trading Assistant - Analyst",
    "Data AI Engineer, Dir, P4"); a leading bare "VP, ..." or "Director, ..." is a
    real leadership title instead."""
    rank: Seniority | None = None
    for i, seg in enumerate(segments):
        m = _CORPORATE_RANK.fullmatch(seg)
        if m is None or (i == head_i and i == 0 and not _AVP.fullmatch(seg)):
            continue
        level = _CORPORATE_LEVELS[m.lastgroup or ""]
        if rank is None or SENIORITY_LEVELS.index(level) > SENIORITY_LEVELS.index(rank):
            rank = level
    return rank


def _seniority(norm: str, segments: list[str], head_i: int) -> Seniority:
    t = _CRAFT_TD.sub(" ", norm)  # a VFX "Technical Director" is a craft title, not a level
    if _INTERN.search(t):
        return "intern"
    if re.search(r"\bchief\s+of\s+staff\b", t):
        return "senior"
    t = _ASSISTANT_TO.sub(" ", t)  # "Executive Assistant to the CEO" is not the CEO
    if (
        _CHIEF_OFFICER.search(t)
        or re.search(r"\bchief\s+(?:scientist|architect|engineer)\b", t)
        or _PRESIDENT.search(t)
    ):
        return "executive"
    corporate = _corporate_rank(segments, head_i)
    words = _level_words(t, corporate is not None)
    if corporate is None:
        return words or _code_level(t) or "unstated"
    if words is None:
        return corporate
    # "Vice President - Prin Software Eng" is principal, "Director, Lead Software Engineer" staff.
    return max(corporate, words, key=SENIORITY_LEVELS.index)


def _level_words(t: str, has_corporate: bool) -> Seniority | None:
    if _ACCOUNT_DIRECTOR.search(t):
        return "senior"
    if not has_corporate:
        if _VP.search(t):
            return "executive"
        if _DIRECTOR.search(t):
            return "director"
    if _PRINCIPAL.search(t):
        return "principal"
    if (_STAFF.search(_NOT_STAFF.sub(" ", t))) or _GROUP_PM.search(t):
        return "staff"
    if _SEMI_SENIOR.search(t):  # before Senior: "Semi Senior", "Mid-Senior"
        return "mid"
    if _SENIOR.search(t):
        return "senior"
    if _JUNIOR.search(t):
        return "junior"
    return None


# ---------------------------------------------------------------- description signals

# Sections of a posting that describe the company or its benefits, not the
# role: their ML words ("we train foundation models") say nothing about the job.
_BOILERPLATE_HEADER = _rx(
    r"""about\s+(?!(?:the|this|your)\s+(?:role|job|position|team|opportunity|work)|you\b)|who\s+we\s+are|
    our\s+(?:mission|story|company|values|culture|commitment)|the\s+company|company\s+(?:overview|description)|
    why\s+(?:join|work)|life\s+at|benefits|perks|what\s+we\s+offer|compensation|salary|pay\b|
    equal\s+(?:employment|opportunity)|eeo|diversity|accommodation|privacy|location|how\s+we"""
)
_ROLE_HEADER = _rx(
    r"""about\s+(?:the|this|your)\s+|the\s+(?:role|job|position|team|opportunity)|your\s+role|in\s+this\s+role|
    what\s+you|responsibilit|requirements|qualifications|you\s+will|you'll|who\s+you\s+are|about\s+you"""
)
# A paragraph selling the company ("Lambda's mission is...", "join us", "backed
# by..."), wherever it stands, even without an "About us" header.
_COMPANY_PARAGRAPH = _rx(
    r"""our\s+mission\b | mission\s+is\b | join\s+us\b | we\s+are\s+(?:a|an|the)\b | we're\s+(?:a|an|the)\b |
    founded\s+(?:in|by)\b | backed\s+by\b | headquartered\b | investors\b | series\s+[a-f]\b | raised\s+\$ |
    valuation\b | is\s+(?:a|an|the)\s+(?:leading|fast[\s-]growing|world's)\b | company\s+(?:that|building|on\s+a)\b |
    our\s+customers\s+include\b"""
)
# Cheap literal pre-check before running _COMPANY_PARAGRAPH on a line.
_COMPANY_HINTS = (
    "mission",
    "join us",
    "we are ",
    "we're ",
    "founded",
    "backed",
    "headquartered",
    "investors",
    "series ",
    "raised",
    "valuation",
    "leading",
    "growing",
    "world's",
    "company ",
    "customers include",
)

# Distinct ML signals and their weight: each counts once however often it
# appears. Matching is on words and word pairs (a dictionary lookup per token,
# not a regex alternation per character), so a 10k-character posting costs
# well under a millisecond.
_SIGNAL_WEIGHT: dict[str, int] = {
    "ml": 2,  # machine learning, deep learning, neural networks
    "abbrev": 1,  # "ML", "NLP": often one item of a technology list ("RPA, NLP, OCR, ML")
    "llm": 2,  # LLMs, language / foundation models
    "genmodel": 2,  # generative / diffusion models
    "pretrain": 2,  # pre/post-training, fine-tuning, RLHF, reinforcement learning
    "training": 2,  # model training, distributed training, "train ... models"
    "serving": 2,  # model serving, inference optimization, "serve ... models"
    "inference": 1,
    "framework": 2,  # PyTorch, TensorFlow, JAX, vLLM...
    "cuda": 1,
    "gpu": 1,
    "field": 2,  # computer vision, NLP spelled out, speech recognition, recommender systems
    "features": 2,  # feature store / engineering / pipelines
    "mlops": 2,
    "data": 1,  # datasets, training data
    "embeddings": 1,
    "evals": 1,
    "people": 1,  # research scientists, ML engineers as colleagues
    "multimodal": 1,
    "agents": 1,  # AI agents, agentic
}
_UNIGRAMS: dict[str, str] = {
    **dict.fromkeys(("ml", "nlp"), "abbrev"),
    **dict.fromkeys(("llm", "llms"), "llm"),
    **dict.fromkeys(
        (
            "pretraining",
            "pre-training",
            "pretrained",
            "pre-trained",
            "post-training",
            "posttraining",
            "fine-tuning",
            "finetuning",
            "fine-tune",
            "fine-tuned",
            "finetune",
            "rlhf",
        ),
        "pretrain",
    ),
    **dict.fromkeys(("model-serving",), "serving"),
    "inference": "inference",
    **dict.fromkeys(
        (
            "pytorch",
            "tensorflow",
            "jax",
            "keras",
            "huggingface",
            "vllm",
            "tensorrt",
            "tensorrt-llm",
            "onnx",
            "deepspeed",
            "megatron",
            "megatron-lm",
            "scikit-learn",
            "xgboost",
            "sglang",
        ),
        "framework",
    ),
    **dict.fromkeys(("cuda", "triton", "nccl"), "cuda"),
    **dict.fromkeys(("gpu", "gpus", "tpu", "tpus"), "gpu"),
    "recsys": "field",
    **dict.fromkeys(("mlops", "llmops"), "mlops"),
    **dict.fromkeys(("dataset", "datasets"), "data"),
    **dict.fromkeys(("embedding", "embeddings", "rag"), "embeddings"),
    "evals": "evals",
    **dict.fromkeys(("multimodal", "multi-modal"), "multimodal"),
    "agentic": "agents",
}
_BIGRAMS: dict[str, str] = {
    **dict.fromkeys(
        ("machine learning", "deep learning", "neural network", "neural networks", "neural net"), "ml"
    ),
    **dict.fromkeys(
        ("language model", "language models", "foundation model", "foundation models", "space models"), "llm"
    ),
    **dict.fromkeys(
        ("generative model", "generative models", "diffusion model", "diffusion models", "multimodal models"),
        "genmodel",
    ),
    **dict.fromkeys(("reinforcement learning",), "pretrain"),
    **dict.fromkeys(
        (
            "model training",
            "distributed training",
            "training runs",
            "training jobs",
            "training clusters",
            "training infrastructure",
            "training pipeline",
            "training pipelines",
        ),
        "training",
    ),
    **dict.fromkeys(
        (
            "model serving",
            "model deployment",
            "inference optimization",
            "inference engine",
            "inference engines",
            "inference server",
            "inference serving",
            "inference latency",
            "inference stack",
            "inference performance",
            "low-latency inference",
            "high-throughput inference",
            "llm inference",
            "model inference",
        ),
        "serving",
    ),
    **dict.fromkeys(
        (
            "computer vision",
            "speech recognition",
            "recommendation systems",
            "recommendation system",
            "recommendation models",
            "recommendation engine",
            "recommender systems",
            "ranking models",
            "ranking systems",
            "personalization models",
        ),
        "field",
    ),
    **dict.fromkeys(
        ("feature store", "feature engineering", "feature pipelines", "feature pipeline"), "features"
    ),
    **dict.fromkeys(("model registry", "model monitoring", "model evaluation"), "mlops"),
    **dict.fromkeys(("training data",), "data"),
    **dict.fromkeys(("vector search", "vector database", "vector store"), "embeddings"),
    **dict.fromkeys(("model evaluations",), "evals"),
    **dict.fromkeys(("research scientists", "ml engineers", "ml researchers"), "people"),
    **dict.fromkeys(("ai agents", "ai agent"), "agents"),
    **dict.fromkeys(("hugging face",), "framework"),
}
_TRIGRAMS: dict[str, str] = {
    "natural language processing": "field",
    "machine learning engineers": "people",
    "retrieval augmented generation": "embeddings",
}
# "train(s) ... models" / "serve(s) ... models" within one clause.
_TRAIN_WORDS = frozenset({"train", "trains", "training", "trained"})
_SERVE_WORDS = frozenset({"serve", "serves", "serving"})
_MODEL_WORDS = frozenset({"model", "models"})
_PUNCT = frozenset(".,;:!?()")
_UNIGRAM_KEYS = frozenset(_UNIGRAMS)
# Tokens that may start a phrase or a "train ... models" window.
_WINDOW_STARTS = frozenset(k.split(" ", 1)[0] for k in (*_BIGRAMS, *_TRIGRAMS)) | _TRAIN_WORDS | _SERVE_WORDS
_DESC_TOKEN = re.compile(r"[a-z0-9][a-z0-9+#]*(?:[-'][a-z0-9+#]+)*|[.,;:!?()]")


def _role_text(description: str) -> str:
    """The lowercased description without company/benefits sections and company-selling paragraphs."""
    text = description.lower()
    lines = text.split("\n")
    # Lines holding a company hint, found with str.find (C speed) instead of a
    # regex over every line; only those lines get the regex.
    ends = list(accumulate(len(line) + 1 for line in lines))
    suspect: set[int] = set()
    for hint in _COMPANY_HINTS:
        i = text.find(hint)
        while i != -1:
            suspect.add(bisect_right(ends, i))
            i = text.find(hint, i + len(hint))
    keep: list[str] = []
    skipping = False
    for n, line in enumerate(lines):
        s = line.strip()
        if len(s) <= 70 and s and not s.endswith("."):
            s = s.lstrip("#*•-– ")
            boiler, role = _BOILERPLATE_HEADER.match(s), _ROLE_HEADER.match(s)
            if boiler or role:
                skipping = bool(boiler) and not role
                continue
        if skipping or (n in suspect and _COMPANY_PARAGRAPH.search(s)):
            continue
        keep.append(s)
    return "\n".join(keep)


def _signals(text: str) -> set[str]:
    tokens = _DESC_TOKEN.findall(text)
    vocabulary = set(tokens)
    # Single words by set intersection (C speed); "llm-based" counts as "llm".
    found = {_UNIGRAMS[t] for t in vocabulary & _UNIGRAM_KEYS}
    found.update(_UNIGRAMS[h] for t in vocabulary if "-" in t and (h := t.split("-", 1)[0]) in _UNIGRAMS)
    if not vocabulary & _WINDOW_STARTS:
        return found
    n = len(tokens)
    for i in [i for i, t in enumerate(tokens) if t in _WINDOW_STARTS]:
        tok = tokens[i]
        if i + 1 < n:
            pair = f"{tok} {tokens[i + 1]}"
            sig = _BIGRAMS.get(pair) or (_TRIGRAMS.get(f"{pair} {tokens[i + 2]}") if i + 2 < n else None)
            if sig:
                found.add(sig)
        if tok in _TRAIN_WORDS or tok in _SERVE_WORDS:
            for nxt in tokens[i + 1 : i + 7]:
                if nxt in _PUNCT:
                    break
                if nxt in _MODEL_WORDS:
                    found.add("training" if tok in _TRAIN_WORDS else "serving")
                    break
    return found


# Long postings put the role first; the tail is benefits and legal text. The
# cap keeps the worst case bounded on 1M postings.
_MAX_DESCRIPTION = 12_000


def description_ml_score(description: str | None) -> int:
    """Points of distinct ML signals in the role part of a description (>= DESCRIPTION_THRESHOLD tips a title)."""
    if not description:
        return 0
    return sum(_SIGNAL_WEIGHT[s] for s in _signals(_role_text(description[:_MAX_DESCRIPTION])))


# ---------------------------------------------------------------- classify


@lru_cache(maxsize=65_536)
def _classify_title(title: str) -> tuple[RoleFamily, Seniority, bool | None]:
    """(family, seniority, is_ai_ml from the title: True/False, or None = let the description decide)."""
    norm = _normalize(title)
    segments, head_i = _segments(norm)
    family, business = _family(norm, segments, head_i)
    seniority = _seniority(norm, segments, head_i)
    if business:
        return family, seniority, False
    if family in _ML_FAMILIES:
        return family, seniority, True
    if family == "data_scientist":
        ml = bool(_ML_TITLE.search(norm)) or not _ANALYTICS_DS.search(norm)
        return family, seniority, ml
    if _ML_TITLE.search(norm):
        return family, seniority, True
    if _NON_ML_SPECIALTY.search(norm):
        return family, seniority, False
    return family, seniority, None


def ml_evidence(title: str, description: str | None = None) -> str:
    """Why `classify` says ML/AI or not, in words: the title decided, or the description's signals
    and their points against DESCRIPTION_THRESHOLD (`paybands classify --description` shows it)."""
    _family_, _seniority_, ml = _classify_title(title or "")
    if ml is not None:
        return f"title ({'ML/AI' if ml else 'not ML/AI'} by its words; the description is not read)"
    if not description:
        return "title (names no ML/AI and no description was given)"
    signals = sorted(_signals(_role_text(description[:_MAX_DESCRIPTION])))
    score = sum(_SIGNAL_WEIGHT[s] for s in signals)
    verdict = "ML/AI" if score >= DESCRIPTION_THRESHOLD else "not ML/AI"
    found = ", ".join(signals) if signals else "none"
    return f"description: {verdict}, {score} points (needs {DESCRIPTION_THRESHOLD}) from signals: {found}"


def classify(title: str, description: str | None = None) -> RoleInfo:
    """Role family, seniority and ML/AI-ness of one posting."""
    family, seniority, ml = _classify_title(title or "")
    if ml is None:
        ml = description_ml_score(description) >= DESCRIPTION_THRESHOLD
    return RoleInfo(is_ai_ml=ml, role_family=family, seniority=seniority)
