"""Tests for dashboard.leadership.privacy: hand-made tables, properties, and brute-force disclosure checks."""

import itertools

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from dashboard.leadership import privacy


def _long(matrix):
    """A long-form frame (site, theme, n) from a nested list."""
    return pl.DataFrame(
        [(f"s{r}", f"t{c}", v) for r, row in enumerate(matrix) for c, v in enumerate(row)],
        schema=["site", "theme", "n"],
        orient="row",
    )


def test_primary_display_and_zero_shown():
    out = privacy.suppress_counts([0, 10, 11, 40, 50], total_shown=False)
    assert out["count_display"].to_list() == ["0", "<11", "11", "40", "50"]
    assert out["count"].to_list() == [0, None, 11, 40, 50]
    assert out["suppression"].to_list() == [None, "primary", None, None, None]


def test_one_line_with_total_hides_next_smallest():
    out = privacy.suppress_counts([5, 30, 20, 0])
    assert out["suppressed"].to_list() == [True, False, True, False]
    assert out["suppression"].to_list() == ["primary", None, "complementary", None]
    assert out["count_display"].to_list() == ["<11", "30", "suppressed", "0"]
    assert out["margins_safe"].all()


def test_one_line_two_primary_cells_need_no_complement():
    out = privacy.suppress_counts([5, 7, 30])
    assert out["suppression"].to_list() == ["primary", "primary", None]


def test_one_line_bounds_leak_gets_a_third_cell():
    # hidden 1 and 11 with total 42 - 30 = 12: "<11" means >= 1, "suppressed" means >= 11
    out = privacy.suppress_counts([1, 11, 30, 50])
    assert out["suppressed"].to_list() == [True, True, True, False]
    assert out["margins_safe"].all()


def test_line_whose_only_count_is_small_marks_margins_unsafe():
    out = privacy.suppress_counts([0, 4, 0])
    assert out["suppressed"].to_list() == [False, True, False]
    assert not out["margins_safe"].any()


def test_table_complementary_in_rows_and_columns():
    table = [[3, 20, 30], [15, 25, 40], [12, 18, 22]]
    out = privacy.suppress_table(_long(table), "site", "theme", "n")
    grid = np.array(out["suppression"].to_list(), dtype=object).reshape(3, 3)
    assert grid.tolist() == [
        ["primary", "complementary", None],
        [None, None, None],
        ["complementary", "complementary", None],
    ]
    assert out["n"].null_count() == 4 and out["margins_safe"].all()
    assert out.columns == [
        "site",
        "theme",
        "n",
        "count_display",
        "suppressed",
        "suppression",
        "margins_safe",
    ]


def test_table_without_totals_only_primary():
    out = privacy.suppress_table(_long([[3, 20], [15, 25]]), "site", "theme", "n", totals=False)
    assert out["suppressed"].to_list() == [True, False, False, False]


def test_table_threshold_parameter():
    out = privacy.suppress_table(_long([[3, 20], [15, 25]]), "site", "theme", "n", threshold=5)
    assert out["count_display"][0] == "<6"
    assert out["suppressed"].sum() == 4  # 3 forces a row and a column partner, then the corner


def test_table_absent_cell_counts_as_zero_and_row_alone_is_unsafe():
    frame = _long([[3, 20], [15, 25]])
    frame = frame.filter(~((pl.col("site") == "s0") & (pl.col("theme") == "t1")))
    out = privacy.suppress_table(frame, "site", "theme", "n")
    # row s0 holds only the 3, so its total would reveal it whatever else is hidden
    assert out["suppression"].to_list() == ["primary", "complementary", "complementary"]
    assert not out["margins_safe"].any()


def test_table_refuses_bad_input():
    with pytest.raises(ValueError):
        privacy.suppress_table(_long([[1, -2]]), "site", "theme", "n")
    with pytest.raises(ValueError):
        privacy.suppress_table(pl.concat([_long([[1]]), _long([[2]])]), "site", "theme", "n")
    with pytest.raises(ValueError):
        privacy.suppress_counts([1, None])


def test_suppress_shares():
    frame = pl.DataFrame(
        {
            "k": [None, 5, 30, 40, 0, 30],
            "n": [50, 50, 35, 60, 60, 30],
        }
    ).with_columns(share=pl.col("k") / pl.col("n"))
    out = privacy.suppress_shares(frame, "k", "n", "share")
    # hidden k; small k; n - k = 5 reveals the 5 others; fine; k = 0 fine; everyone (k = n) fine
    assert out["share"].is_null().to_list() == [True, True, True, False, False, False]


def _lines(mask):
    return list(mask) + list(mask.T)


tables = st.integers(2, 5).flatmap(
    lambda rows: st.integers(2, 5).flatmap(
        lambda cols: st.lists(
            st.lists(st.sampled_from([0, 1, 3, 9, 10, 11, 12, 15, 30, 80]), min_size=cols, max_size=cols),
            min_size=rows,
            max_size=rows,
        )
    )
)


@settings(max_examples=100, deadline=None)
@given(tables)
def test_every_line_hides_zero_or_at_least_two(table):
    values = np.array(table)
    primary, hidden, safe = privacy.suppress_matrix(values)
    assert (primary == ((values >= 1) & (values <= 10))).all()
    assert not (hidden & (values == 0)).any()
    assert (hidden >= primary).all()
    if safe:
        assert all(line.sum() != 1 for line in _lines(hidden))
    else:
        # unsafe only when some line has a lone small count with no non-zero cell to pair it with
        assert (
            any(
                line_h.sum() == 1 and (line_v[~line_h] == 0).all()
                for line_h, line_v in zip(_lines(hidden), _lines(values))
            )
            or len(privacy.disclosed_cells(values, hidden, primary)) > 0
        )


def _completions(values, hidden, primary, threshold):
    """Every whole-number filling of the hidden cells that fits line totals and display bounds."""
    rows, cols = values.sum(1), values.sum(0)
    cells = list(zip(*np.nonzero(hidden)))
    ranges = [
        range(1, threshold + 1) if primary[c] else range(threshold + 1, min(rows[c[0]], cols[c[1]]) + 1)
        for c in cells
    ]
    base = np.where(hidden, 0, values)
    for combo in itertools.product(*ranges):
        trial = base.copy()
        trial[hidden] = combo  # np.nonzero and boolean indexing share row-major order
        if (trial.sum(1) == rows).all() and (trial.sum(0) == cols).all():
            yield combo


def _canonical_tables(shape, levels):
    """Every table over levels, one per class under row/column reordering and transposition."""
    seen = set()
    for flat in itertools.product(levels, repeat=shape[0] * shape[1]):
        m = np.array(flat).reshape(shape)
        variants = [
            v[np.ix_(rp, cp)]
            for v in (m, m.T)
            for rp in itertools.permutations(range(shape[0]))
            for cp in itertools.permutations(range(shape[1]))
        ]
        key = min(v.tobytes() for v in variants)
        if key not in seen:
            seen.add(key)
            yield m


def _check_no_cell_pinned(values, threshold):
    primary, hidden, safe = privacy.suppress_matrix(values, threshold)
    options = list(_completions(values, hidden, primary, threshold))
    assert options, "the true table must be one of the completions"
    pinned = [len({o[i] for o in options}) == 1 for i in range(int(hidden.sum()))]
    # margins_safe must be exactly "no hidden cell has a single possible value"
    assert safe == (not any(pinned)), values.tolist()


def test_brute_force_every_2x2_table():
    for values in _canonical_tables((2, 2), range(6)):
        _check_no_cell_pinned(values, threshold=2)


def test_brute_force_every_3x3_table():
    for values in _canonical_tables((3, 3), (0, 1, 3)):
        _check_no_cell_pinned(values, threshold=2)


@settings(max_examples=30, deadline=None)
@given(
    st.lists(
        st.lists(st.sampled_from([0, 1, 2, 3, 4, 6]), min_size=3, max_size=3),
        min_size=3,
        max_size=3,
    )
)
def test_brute_force_random_3x3_tables(table):
    _check_no_cell_pinned(np.array(table), threshold=3)


def _pinned_by_linprog(values, hidden, primary, threshold, axes):
    """The audit by linear programming: min and max of each hidden cell under the margins."""
    cells = list(zip(*np.nonzero(hidden)))
    lines = [line for line in privacy._lines(values.shape, axes) if any(hidden[c] for c in line)]
    a_eq = np.array([[1.0 if c in line else 0.0 for c in cells] for line in lines])
    b_eq = np.array([sum(values[c] for c in line if hidden[c]) for line in lines])
    if not cells or not lines:
        return []
    bounds = [(1, threshold) if primary[c] else (threshold + 1, None) for c in cells]
    found = []
    for i, cell in enumerate(cells):
        unit = np.eye(len(cells))[i]
        low = linprog(unit, A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs")
        high = linprog(-unit, A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs")
        if high.status == 0 and -high.fun - low.fun < 0.5:
            found.append(cell)
    return found


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.lists(st.sampled_from([0, 1, 2, 3, 5, 12, 15, 40]), min_size=4, max_size=4),
        min_size=1,
        max_size=4,
    ),
    st.sampled_from([(0, 1), (1,), (0,)]),
    st.data(),
)
def test_cycle_audit_matches_linear_programming(table, axes, data):
    values = np.array(table)
    primary = (values >= 1) & (values <= 10)
    extra = np.array(data.draw(st.lists(st.booleans(), min_size=values.size, max_size=values.size)))
    hidden = primary | (extra.reshape(values.shape) & (values > 10))
    found = privacy.disclosed_cells(values, hidden, primary, 10, axes)
    assert found == _pinned_by_linprog(values, hidden, primary, 10, axes)
