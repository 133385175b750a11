"""Training: each trainee's growth, development plans and the curriculum's gaps (`tracking` reads,
`growth_rules` holds the pure rules). May import layers 1-3.
"""
