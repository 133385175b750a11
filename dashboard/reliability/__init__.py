"""Reliability: agreement statistics (`agreement`), inter-rater reliability, rater calibration and the
consensus queue (`inter_rater`). May import layers 1-3.
"""
