"""Presentation shared by the pages: tables, charts, downloads and pickers (`widgets`), the signed-in
session (`signin`), the pages and who may open them (`navigation`), the scorecard's widgets
(`scorecard_form`), the panels (`panel_ui`) and the Data page's roles section (`admin_ui`). May import
layers 1-5.
"""
