"""paybands analysis: everything that reads DuckDB."""
