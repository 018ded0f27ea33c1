"""Rule tables (thresholds) as TOML files naming their document, edition, clause and source."""
