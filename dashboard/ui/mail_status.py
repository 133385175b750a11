"""The Data page's Mail tab (admin): whether mail is on, the outbox's counts, and every message
that failed for good with the server's reply."""

from __future__ import annotations

import streamlit as st

from dashboard.core.access import Scope
from dashboard.ops import mail_schedule
from dashboard.ui import widgets


def mail_section(store, scope: Scope) -> None:
    """Mail on or off, the outbox, failed messages (their replies), and the commands."""
    status = mail_schedule.mail_status(store, scope)
    (st.text if status.on else st.warning)(status.settings_text)
    st.text(status.counts_text())
    if status.failed.height:
        st.error(
            f"{status.failed.height} message(s) could not be delivered. The server's reply says why; "
            "fix the address or the settings, then tell the person yourself."
        )
        widgets.table(status.failed, "data_mail_failed", "mail-failed.csv", "failed messages")
    else:
        st.text("No message has failed.")
    st.caption(
        "Send now: python -m dashboard mail send · list: python -m dashboard mail list · "
        "check the settings: python -m dashboard mail test --to ADDRESS (see docs/admin.md)."
    )
