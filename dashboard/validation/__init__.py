"""Pure statistics of the local validation study; imports nothing of the package but core.

(In fact it imports nothing of `dashboard` at all.) Three modules, each taking numpy arrays or polars
frames and returning polars frames or small frozen dataclasses that carry their n:

- `survival`: Kaplan-Meier retention, log-rank between profile bands, one-predictor Cox models.
- `validity`: Pearson r with its interval, range-restriction correction, power and hires needed.
- `group_gaps`: Cohen's d between groups, differential prediction (Cleary), rater-by-group gaps.

Where a quantity cannot be computed the result holds None (or an empty frame with the usual columns)
and a short reason; ordinary thin data never raises and never yields NaN.
"""
