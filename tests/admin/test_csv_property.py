"""Property tests: whatever text a member types, the CSV cell is safe and reads back as written."""
import csv
import io

from hypothesis import given, settings
from hypothesis import strategies as st

from leap_members.core.csvsafe import FORMULA_TRIGGERS, csv_lines, neutralise


@given(st.text())
def test_no_cell_ever_starts_with_a_formula_trigger(text):
    assert not neutralise(text).startswith(FORMULA_TRIGGERS)


@given(st.text())
def test_neutralising_only_ever_adds_one_leading_apostrophe(text):
    cell = neutralise(text)
    if text.startswith(FORMULA_TRIGGERS):
        assert cell == "'" + text
    else:
        assert cell == text


@settings(max_examples=300)
@given(st.lists(st.lists(st.text(), min_size=1, max_size=5), min_size=1, max_size=5))
def test_any_rows_written_read_back_cell_for_cell(rows):
    width = max(len(row) for row in rows)
    rows = [row + [""] * (width - len(row)) for row in rows]
    header = [f"c{i}" for i in range(width)]
    text = b"".join(csv_lines(header, rows)).decode()
    assert text.startswith("\ufeff")
    parsed = list(csv.reader(io.StringIO(text[1:], newline="")))
    assert parsed[0] == header
    assert parsed[1:] == [[neutralise(cell) for cell in row] for row in rows]


@given(st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False)))
def test_non_text_values_become_plain_cells(value):
    cell = neutralise(value)
    assert isinstance(cell, str)
    if value is None:
        assert cell == ""
    elif isinstance(value, bool):
        assert cell in ("yes", "no")
    else:
        assert cell == str(value)
