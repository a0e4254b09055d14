"""Reading a table editor's edits (ui/editor.py): what every editable table of the workbench relies on."""
from ui.editor import edits, rows_after

BASE = [{"id": 1, "v": "a"}, {"id": 2, "v": "b"}, {"id": 3, "v": "c"}]
STATE = {"edited_rows": {"0": {"v": "A"}, 2: {"v": "C"}}, "deleted_rows": [1],
         "added_rows": [{"v": "new"}, {"v": None}, {"v": ""}]}


def test_edits_name_rows_by_index_and_drop_empty_new_rows():
    e = edits(STATE)
    assert e.changed == {0: {"v": "A"}, 2: {"v": "C"}}
    assert e.deleted == [1]
    assert e.added == [{"v": "new"}]            # a row added and left empty is not a row


def test_rows_after_applies_the_edits_in_order():
    assert rows_after(BASE, STATE) == [{"id": 1, "v": "A"}, {"id": 3, "v": "C"}, {"v": "new"}, {"v": None}, {"v": ""}]
    assert BASE[0] == {"id": 1, "v": "a"}       # the rows shown are not changed


def test_nothing_edited():
    for value in (None, {}, "not a dict"):
        assert edits(value).changed == {} and edits(value).added == [] and edits(value).deleted == []
        assert rows_after(BASE, value) == BASE
    assert rows_after(BASE, {"edited_rows": {"7": {"v": "x"}}}) == BASE    # an index beyond the table
