"""Hiring: Screening's ranked applicants, Candidate and Compare (`screening`), applicants' names hidden
for blind review (`hidden_names`), finding a person (`people_search`) and an excerpt in its
transcript (`passages`). May import layers 1-3 (`core`, `codebook`, `store`, `charts`, `validation`,
`notify`, `refiqda`, `scorecards`).
"""
