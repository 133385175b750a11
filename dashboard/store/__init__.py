"""Storage: the DuckDB connection and named queries (`db`), which cached reads a write makes stale
(`versions`), the materialized tables (`derived`), the upgrade of older databases (`migrations`)
and the audit log (`audit`). May import `core` and `codebook`.
"""
