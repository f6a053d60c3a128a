"""Eightfold career-site hosts and the tenant domain each serves (the `board` of the eightfold source).

An Eightfold site answers for a tenant *domain* (`?domain=netflix.com`) that neither its host nor its
URLs need to show (explore.jobs.netflix.net serves netflix.com; join.matchgroupcareers.com serves
gotinder.com), so detection reads it from this table rather than deriving it from the host.

Built from the public lists in the registry's sources (all MIT; see registry/sources/PROVENANCE.md),
no entry guessed: openings-mcp `eightfold/companies.yaml` (tenant + domain, host
`{tenant}.eightfold.ai`), freehire `sources/eightfold.yml` (board = `{host}/{domain}`) and
kalil0321/ats-scrapers `eightfold.csv` (url + domain, where filled). The three agree on every host
they share; a host they disagreed on would be left out. Letters after each entry: o = openings-mcp,
f = freehire, k = kalil0321.
"""

from __future__ import annotations

TENANT_DOMAINS: dict[str, str] = {
    "10xgenomics.eightfold.ai": "10xgenomics.com",  # o
    "albemarle.eightfold.ai": "albemarle.com",  # f
    "alnylam.eightfold.ai": "alnylam.com",  # o
    "amdocs.eightfold.ai": "amdocs.com",  # fo
    "appliedmaterials.eightfold.ai": "appliedmaterials.com",  # fo
    "apply.careers.microsoft.com": "microsoft.com",  # f
    "apply.houstonisd.org": "houstonisd.org",  # k
    "apply.starbucks.com": "starbucks.com",  # f
    "arcadis.eightfold.ai": "arcadis.com",  # o
    "astrazeneca.eightfold.ai": "astrazeneca.com",  # fo
    "atb.eightfold.ai": "atb.com",  # o
    "bayer.eightfold.ai": "bayer.com",  # fo
    "bcg.eightfold.ai": "bcg.com",  # o
    "bluecrabconsulting.eightfold.ai": "bluecrabconsulting.com",  # o
    "bms.eightfold.ai": "bms.com",  # fo
    "bostonscientific.eightfold.ai": "bostonscientific.com",  # fo
    "britishcouncil.eightfold.ai": "britishcouncil.org",  # o
    "caci.eightfold.ai": "caci.com",  # o
    "careers.deere.com": "johndeere.com",  # k
    "careers.elcompanies.com": "elcompanies.com",  # f
    "careers.micron.com": "micron.com",  # f
    "careers.vizientinc.com": "vizientinc.com",  # f
    "ccep.eightfold.ai": "ccep.com",  # fo
    "circana.eightfold.ai": "circana.com",  # o
    "citi.eightfold.ai": "citi.com",  # fo
    "climate.eightfold.ai": "climate.com",  # o
    "coca-colafemsa.eightfold.ai": "coca-colafemsa.com",  # o
    "corteva.eightfold.ai": "corteva.com",  # o
    "deloitte.eightfold.ai": "deloitte.de",  # k
    "dexcom.eightfold.ai": "dexcom.com",  # fo
    "dolby.eightfold.ai": "dolby.com",  # fo
    "dsm.eightfold.ai": "dsm.com",  # fo
    "eaton.eightfold.ai": "eaton.com",  # fo
    "elcompanies.eightfold.ai": "elcompanies.com",  # o
    "ericsson.eightfold.ai": "ericsson.com",  # fo
    "explore.jobs.netflix.net": "netflix.com",  # f
    "faurecia.eightfold.ai": "faurecia.com",  # fo
    "fcx.eightfold.ai": "fcx.com",  # ko
    "ford.eightfold.ai": "ford.com",  # fo
    "fortive.eightfold.ai": "fortive.com",  # fo
    "ftr.eightfold.ai": "ftr.com",  # fko
    "globalfoundries.eightfold.ai": "globalfoundries.com",  # fk
    "grupobimbo.eightfold.ai": "grupobimbo.com",  # o
    "houstonisd.eightfold.ai": "houstonisd.org",  # o
    "hp.eightfold.ai": "hp.com",  # fo
    "hsbc.eightfold.ai": "hsbc.com",  # fo
    "infineon.eightfold.ai": "infineon.com",  # fo
    "insight.eightfold.ai": "insight.com",  # fo
    "jhu.eightfold.ai": "jhu.edu",  # ko
    "johndeere.eightfold.ai": "johndeere.com",  # fo
    "join.matchgroupcareers.com": "gotinder.com",  # f
    "kdrp.eightfold.ai": "kdrp.com",  # fo
    "lamresearch.eightfold.ai": "lamresearch.com",  # fo
    "lgcns.eightfold.ai": "lgcns.com",  # o
    "libertymutual.eightfold.ai": "libertymutual.com",  # fo
    "mercadolibre.eightfold.ai": "mercadolibre.com",  # o
    "micron.eightfold.ai": "micron.com",  # o
    "microsoft.eightfold.ai": "microsoft.com",  # o
    "mlp.eightfold.ai": "mlp.com",  # o
    "mm-group.eightfold.ai": "mm-group.com",  # o
    "morganstanley.eightfold.ai": "morganstanley.com",  # fo
    "mtsi-va.eightfold.ai": "mtsi-va.com",  # o
    "netapp.eightfold.ai": "netapp.com",  # o
    "newyorklife.eightfold.ai": "newyorklife.com",  # o
    "nformal.eightfold.ai": "nformal.com",  # o
    "ngc.eightfold.ai": "ngc.com",  # fo
    "nttdata.eightfold.ai": "nttdata.com",  # f
    "nvidia.eightfold.ai": "nvidia.com",  # fo
    "paypal.eightfold.ai": "paypal.com",  # fo
    "plexus.eightfold.ai": "plexus.com",  # o
    "premierhealth.eightfold.ai": "premierhealth.com",  # o
    "ptc.eightfold.ai": "ptc.com",  # f
    "puertoricogov.eightfold.ai": "puertoricogov.com",  # o
    "qualcomm.eightfold.ai": "qualcomm.com",  # fo
    "ralliant.eightfold.ai": "ralliant.com",  # o
    "rotoplas.eightfold.ai": "rotoplas.com",  # o
    "sephora.eightfold.ai": "sephora.com",  # o
    "slb.eightfold.ai": "slb.com",  # fo
    "softtek.eightfold.ai": "softtek.com",  # fo
    "starbucks.eightfold.ai": "starbucks.com",  # o
    "stmicroelectronics.eightfold.ai": "stmicroelectronics.com",  # fko
    "symetra.eightfold.ai": "symetra.com",  # fo
    "tailoredbrands.eightfold.ai": "tailoredbrands.com",  # o
    "telekom-growthhub.eightfold.ai": "telekom-growthhub.com",  # o
    "telekom.eightfold.ai": "telekom.com",  # f
    "tevapharm.eightfold.ai": "tevapharm.com",  # o
    "trimble.eightfold.ai": "trimble.com",  # o
    "trinet.eightfold.ai": "trinet.com",  # o
    "twilio.eightfold.ai": "twilio.com",  # o
    "ukg.eightfold.ai": "ukg.com",  # fo
    "vale.eightfold.ai": "vale.com",  # fko
    "vialto.eightfold.ai": "vialto.com",  # fo
    "vodafone.eightfold.ai": "vodafone.com",  # fo
    "whirlpool.eightfold.ai": "whirlpool.com",  # fo
    "worley.eightfold.ai": "worley.com",  # o
}
