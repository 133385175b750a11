"""The board report: a tagged PDF/UA-1 document of the same suppressed aggregates the pages show.

May import core, charts, leadership, reliability, training, validation (data) — typeset.py itself is
pure: a small document model in, PDF (or Markdown) bytes out, no database and no Streamlit."""
