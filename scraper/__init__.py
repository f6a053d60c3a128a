"""paybands scraper: everything that gets postings into DuckDB.

Flow: config -> sources (one module each) -> fetch (HTTP / browser) ->
extract -> salary normalization -> store.
"""
