"""Blind review: a stable code in place of each applicant's name until a decision is recorded.

The code is a keyed hash (HMAC-SHA256) of the application id, so nobody without this database's
secret can recompute it. The secret is a random token made once when the database is created
(`db.ensure_schema`); reading it never writes.
"""

from __future__ import annotations

import hashlib
import hmac

import polars as pl

from dashboard.store.db import BLIND_SECRET_KEY


def blind_secret(store) -> str:
    """This database's blind-review key (made with the database, kept in app_meta)."""
    found = store.query("app_meta_for_key", key=BLIND_SECRET_KEY)
    if found.height == 0:
        raise RuntimeError(
            "this database has no blind-review key; open it once with write access "
            "(python -m dashboard load --check ..., or the app) to create it"
        )
    return found["value"][0]


def blind_code(secret: str, application_id: str) -> str:
    """A stable code for an application: a keyed hash, so it cannot be reversed without the key."""
    digest = hmac.new(secret.encode(), application_id.encode(), hashlib.sha256).hexdigest()
    return "Applicant " + digest[:8].upper()


def blind(store, frame: pl.DataFrame) -> pl.DataFrame:
    """Replace each name by its code until a decision is recorded on the application."""
    secret = blind_secret(store)
    codes = [blind_code(secret, a) for a in frame["application_id"].to_list()]
    return frame.with_columns(
        pl.when(pl.col("decision").is_null())
        .then(pl.Series("codes", codes, dtype=pl.String))
        .otherwise(pl.col("full_name"))
        .alias("candidate")
    )
