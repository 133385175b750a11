"""Report commands: each prints, as CSV or JSON, the same table a page shows."""

from __future__ import annotations

from dashboard.cli import report


@report("counts", "rows per table and the last import")
def counts_report(store, args):
    """Rows per contract table."""
    from dashboard.home import data_summary

    return data_summary(store)


import dashboard.fairness  # noqa: E402,F401 - registers the fairness report
import dashboard.leadership  # noqa: E402,F401 - registers the overview and evidence reports
import dashboard.reliability  # noqa: E402, F401 - registers the reliability report
import dashboard.screening  # noqa: E402, F401 - registers `report screening`
import dashboard.training  # noqa: E402, F401 - registers curriculum-gaps and trainee-plan
