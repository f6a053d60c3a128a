"""The named queries: one `.sql` file each, shipped as package data and found with importlib.resources.

Each file is also plain SQL any DuckDB client can run (see analysis/queries.py for the header format).
"""
