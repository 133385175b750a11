"""Storage: the DuckDB connection and named queries (`db`), the materialized tables (`derived`), the
upgrade of older databases (`migrations`) and the audit log (`audit`). May import `core` and `codebook`.
"""
