"""The integer-id indexes of the join: the bitmap (dense ids) and the sorted one give the same
lookups as a dictionary, each finds the ids on more than one row, and a join through either
equals the pre-joined file."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.csv as pcsv
import pytest
from hypothesis import given
from hypothesis import strategies as st

from fairness import ColumnMapping, DatasetError, _join, assess
from fairness._join_index import NULL_ID, DenseIndex, IdBlocks, SortedIndex

INT64 = st.integers(-(2**63) + 1, 2**63 - 1)


def _blocks(ids: list[int | None], codes: list[int], cuts: list[int]) -> IdBlocks:
    blocks = IdBlocks()
    bounds = sorted({0, len(ids), *(c % (len(ids) + 1) for c in cuts)})
    for start, stop in zip(bounds, bounds[1:], strict=False):
        part = np.array([NULL_ID if v is None else v for v in ids[start:stop]], dtype=np.int64)
        blocks.add(part, np.array(codes[start:stop], dtype=np.uint8))
    return blocks


@st.composite
def id_tables(draw):
    """Distinct ids (a dense run, or spread over int64), some empty, each with a code."""
    if draw(st.booleans()):
        start = draw(st.integers(-(10**6), 10**12))
        present = draw(st.sets(st.integers(start, start + 300), min_size=1, max_size=120))
    else:
        present = draw(st.sets(INT64, min_size=1, max_size=120))
    ids: list[int | None] = list(present) + [None] * draw(st.integers(0, 3))
    ids = draw(st.permutations(ids))
    codes = draw(st.lists(st.integers(0, 9), min_size=len(ids), max_size=len(ids)))
    cuts = draw(st.lists(st.integers(0, 200), max_size=4))
    return ids, codes, cuts


@given(id_tables(), st.data())
def test_both_indexes_look_up_as_a_dictionary(table, data):
    ids, codes, cuts = table
    truth = {v: c for v, c in zip(ids, codes, strict=True) if v is not None}
    known = sorted(truth)
    queries = data.draw(
        st.lists(st.one_of(st.sampled_from(known), INT64.map(str), st.just("007"), st.just("")))
    )
    texts = pa.array([str(q) if isinstance(q, int) else q for q in queries], pa.string())
    texts = pa.array([None if t == "" else t for t in texts.to_pylist()], pa.string())
    expected = [int(t) in truth if t is not None and t == str(int(t)) else False for t in texts.to_pylist()]  # fmt: skip
    indexes: list[DenseIndex | SortedIndex | None] = [
        SortedIndex.build(_blocks(ids, codes, cuts), "id", 10)
    ]
    if known[-1] - known[0] < 10**6:  # a bitmap of a wider range is never built
        indexes.append(DenseIndex.build(_blocks(ids, codes, cuts), 10))
    for index in indexes:
        assert index is not None
        found, combos = index.lookup(texts)
        assert found.tolist() == expected
        matched = [int(t) for t, f in zip(texts.to_pylist(), found, strict=True) if f]
        assert combos.tolist() == [truth[v] for v in matched]
        assert index.unmatched() == len(truth) - len(set(matched)) + ids.count(None)


@pytest.mark.parametrize(
    ("ids", "kind"),
    [(np.arange(1000) * 7, DenseIndex), (np.arange(1000) * 10**9, SortedIndex)],
)
def test_dense_ids_take_the_bitmap_and_spread_ones_the_sorted_index(ids, kind):
    blocks = IdBlocks()
    blocks.add(ids.astype(np.int64), np.zeros(len(ids), dtype=np.uint8))
    assert type(blocks.index("id", 1)) is kind
    assert blocks.parts == []  # the blocks are freed once they are the index


@pytest.mark.parametrize("spread", [1, 10**9])
@pytest.mark.parametrize("same_block", [True, False])
def test_ids_on_more_than_one_row_are_listed_by_either_index(spread, same_block):
    ids = np.array([5, 1, 2, 5, 3, 1, 5], dtype=np.int64) * spread
    blocks = IdBlocks()
    if same_block:
        blocks.add(ids, np.zeros(len(ids), dtype=np.uint8))
    else:
        for part in np.split(ids, [3, 5]):
            blocks.add(part, np.zeros(len(part), dtype=np.uint8))
    with pytest.raises(DatasetError) as caught:
        blocks.index("id", 1)
    assert str(caught.value) == (
        f"The attributes file has 2 id(s) in column 'id' on more than one row: "
        f"'{spread} (2 rows)', '{5 * spread} (3 rows)'. Each id needs exactly one row of "
        "attributes."
    )


@pytest.mark.parametrize(
    ("ids", "strategy"),
    [
        (np.arange(3000) + 10**6, _join.DENSE_STRATEGY),
        (np.arange(3000) * 987_654_321_123 - 10**15, _join.SORTED_STRATEGY),
    ],
    ids=["dense", "spread"],
)
def test_a_join_through_either_index_equals_the_pre_joined_file(
    tmp_path, monkeypatch, ids, strategy
):
    rng = np.random.default_rng(5)
    n = len(ids)
    table = pa.table(
        {
            "id": ids,
            "sex": rng.choice(["F", "M", "X"], n),
            "race": rng.choice(["a", "b"], n),
            "p": rng.integers(0, 2, n),
        }
    )
    keep = np.sort(rng.choice(n, size=n - 100, replace=False))
    pcsv.write_csv(table.select(["id", "p"]).take(keep), tmp_path / "pred.csv")
    order = rng.permutation(n)
    pcsv.write_csv(table.select(["id", "sex", "race"]).take(order), tmp_path / "attr.csv")
    pcsv.write_csv(table.select(["sex", "race", "p"]).take(keep), tmp_path / "joined.csv")
    mapping = ColumnMapping(y_pred="p", sensitive=["sex", "race"])
    monkeypatch.setattr(_join, "JOIN_BLOCK_SIZE", 1 << 12)  # both sides in many blocks
    joined = assess(
        tmp_path / "pred.csv",
        ColumnMapping(y_pred="p", sensitive=["sex", "race"], id="id"),
        attributes=tmp_path / "attr.csv",
        bootstrap_draws=50,
    ).to_dict()
    whole = assess(tmp_path / "joined.csv", mapping, bootstrap_draws=50).to_dict()
    assert joined["input"]["unmatched"] == {"predictions": 0, "attributes": 100}
    assert joined["input"]["join"]["strategy"] == strategy
    for document in (joined, whole):
        del document["input"], document["warnings"]
    assert joined == whole


def test_spread_ids_grow_one_array_that_becomes_the_sorted_index():
    """Past the first block spanning 2**32, the ids go to one array grown in place (resized
    several times here), which the sorted index is built in: every id is found with its code."""
    rng = np.random.default_rng(9)
    ids = rng.permutation(200_000).astype(np.int64) * 987_654_321_123 - 10**17
    codes = rng.integers(0, 200, len(ids)).astype(np.uint8)
    blocks = IdBlocks()
    blocks.add(np.array([3, NULL_ID, 4], dtype=np.int64), np.array([7, 0, 8], dtype=np.uint8))
    for start in range(0, len(ids), 10_000):
        blocks.add(ids[start : start + 10_000], codes[start : start + 10_000])
    assert blocks.parts == [] and blocks.wide is not None
    index = blocks.index("id", 200)
    assert type(index) is SortedIndex and blocks.wide is None
    queries = pa.array([str(v) for v in ids[::-1]] + ["3", "4", "5", ""])
    queries = pa.array([None if q == "" else q for q in queries.to_pylist()], pa.string())
    found, combos = index.lookup(queries)
    assert found.tolist() == [True] * (len(ids) + 2) + [False, False]
    assert combos.tolist() == [*codes[::-1].tolist(), 7, 8]
    assert index.unmatched() == 1  # the empty id


def test_integer_blocks_then_a_text_id_fall_back_to_the_hash_join(tmp_path, monkeypatch):
    """Blocks of integer ids (one id empty) are turned back into text when a later block holds
    an id that is not an integer; the join then equals the pre-joined file."""
    monkeypatch.setattr(_join, "JOIN_BLOCK_SIZE", 1 << 12)
    rng = np.random.default_rng(2)
    ids = [str(i) for i in range(1, 2001)] + [f"A{i}" for i in range(20)]
    sex = rng.choice(["F", "M"], len(ids)).tolist()
    p = rng.integers(0, 2, len(ids)).tolist()
    attributes = ["id,sex", *(f"{i},{s}" for i, s in zip(ids, sex, strict=True))]
    attributes.insert(10, ",F")  # an empty id, in the first (integer) block
    (tmp_path / "attr.csv").write_text("\n".join(attributes) + "\n")
    kept = range(0, len(ids), 2)
    (tmp_path / "pred.csv").write_text("id,p\n" + "".join(f"{ids[k]},{p[k]}\n" for k in kept))
    (tmp_path / "joined.csv").write_text("sex,p\n" + "".join(f"{sex[k]},{p[k]}\n" for k in kept))
    joined = assess(
        tmp_path / "pred.csv",
        ColumnMapping(y_pred="p", sensitive=["sex"], id="id"),
        attributes=tmp_path / "attr.csv",
        bootstrap_draws=50,
    ).to_dict()
    whole = assess(
        tmp_path / "joined.csv", ColumnMapping(y_pred="p", sensitive=["sex"]), bootstrap_draws=50
    ).to_dict()
    assert joined["input"]["join"]["strategy"] == _join.STRATEGY
    assert joined["input"]["unmatched"] == {"predictions": 0, "attributes": len(ids) // 2 + 1}
    for document in (joined, whole):
        del document["input"], document["warnings"]
    assert joined == whole
