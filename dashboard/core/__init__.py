"""The vocabulary every other package shares: the data contract (`contract`), roles and scopes
(`access`), the crash tests' pause points, named-query files, statistics (`stats`), labels and
number formats, and neutralised exports. Pure: no database, no Streamlit. Layer 1: imports nothing
of the package.
"""
