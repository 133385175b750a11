"""Leadership's aggregates: the aggregate gate every leadership frame passes (`privacy`), Overview,
Evidence and Fairness. Never a person-level row. May import layers 1-3.
"""
