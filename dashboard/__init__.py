"""Vocation: hire and train therapists who stay passionately committed to the work.

The folder tree is the architecture (docs/development.md): one package per capability, in one-way
layers — `core` and `codebook` (vocabulary), `store` (DuckDB), `charts` and `validation` (pure),
`notify`, `refiqda` and `scorecards`, then `hiring`, `training`, `reliability`, `leadership`,
`ingest` and `ops`, then `demo` and `board`, `ui` and `reports`, the page scripts in `views`, the
benchmark in `bench`, and the entry points `app.py` (Streamlit) and `cli.py` (`python -m dashboard`).
"""
