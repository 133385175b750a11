"""Interviews scheduled in Vocation, their panels and the scorecards raters fill: scheduling and statuses
(`interviews`), the cards (`cards`), what a card holds (`card_rules`) and the blind rule (`blind_rule`:
who may not yet see another rater's card). May import `core`, `codebook`, `store`, `notify`.
"""
