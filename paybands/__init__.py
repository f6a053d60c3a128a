"""paybands command-line interface (thin click layer)."""
