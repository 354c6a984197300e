"""The attributes side of a join on integer ids: built block by block, looked up without hashing.

:class:`IdBlocks` keeps each block of attribute ids as it is read, in 4 bytes an id when the block's
ids span less than 2**32 (ids numbered by a database do), with the block's combination codes in 1
byte while there are at most 256 combinations; from the first block whose ids span more, every id
goes into one int64 array grown in place. Once the file is read, the ids become one of two indexes
(each block freed as it is used, so the blocks and the index are never both whole):

- :class:`DenseIndex` when the ids fill their range densely enough (at most
  :data:`DENSE_SPAN_PER_ID` integers of range per id, as for ids numbered by a database): a
  bitmap of the range, the count of ids before each 64-bit word (the rank), and the combinations
  in id order. About 6 bytes a person, no sort; a lookup is a bit test and a rank.
- :class:`SortedIndex` otherwise: one sorted int64 a person packing ``(id - low) << bits |
  combination``, looked up with ``searchsorted``.

Both keep file order on the predictions side (a lookup per block, no reordering), so error lines
stay exact, and both find every id that is on more than one row.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ._errors import DUPLICATE_IDS, dataset_error, quote_list

NULL_ID = np.iinfo(np.int64).min
#: An empty id in a block stored as 4-byte offsets.
_NULL32 = np.uint32(0xFFFFFFFF)
#: Widest range of ids, per id, that the bitmap index takes: its bitmap and ranks then cost at
#: most 4 bytes a person, against the 8 of a sorted int64.
DENSE_SPAN_PER_ID = 16
CANONICAL_INTEGER = r"^(0|-?[1-9][0-9]*)$"
_POWERS = 10 ** np.arange(1, 19, dtype=np.int64)


def canonical_ints(ids: pa.Array) -> np.ndarray | None:
    """The ids as int64 (null ids as :data:`NULL_ID`) if each is an integer written canonically.

    An id that parses as an integer is canonical when its text is as long as the integer's
    digits (and its sign): that rejects ``007``, ``+5`` and ``-0`` without printing every
    integer back to text (what this did before, half the time of reading a predictions block).
    """
    try:
        ints = pc.cast(ids, pa.int64())
    except pa.ArrowInvalid:
        return None
    values: np.ndarray = pc.fill_null(ints, NULL_ID).to_numpy(zero_copy_only=False)
    length = pc.fill_null(pc.utf8_length(ids), 0).to_numpy(zero_copy_only=False)
    negative = values < 0
    # |int64 min| does not fit: it has the 19 digits of int64 max.
    magnitude = np.abs(np.where(values == NULL_ID, np.iinfo(np.int64).max, values))
    expected = np.searchsorted(_POWERS, magnitude, side="right") + 1 + negative
    if ids.null_count:
        expected[~ids.is_valid().to_numpy(zero_copy_only=False)] = 0
    if not np.array_equal(length, expected):
        return None
    return values


def lookup_ints(ids: pa.Array) -> np.ndarray:
    """A block of prediction ids as int64; an id that is not a canonical integer (it matches no
    integer id) and an empty one are :data:`NULL_ID`."""
    ints = canonical_ints(ids)
    if ints is None:
        canonical = pc.fill_null(pc.match_substring_regex(ids, CANONICAL_INTEGER), False)
        mask = canonical.to_numpy(zero_copy_only=False)
        ints = np.full(len(ids), NULL_ID, dtype=np.int64)
        if mask.any():
            ints[mask] = pc.cast(ids.filter(canonical), pa.int64()).to_numpy()
    return ints


def code_type(count: int) -> type[np.integer]:
    """The narrowest unsigned type for combination codes below ``count``."""
    return np.uint8 if count <= 1 << 8 else np.uint16 if count <= 1 << 16 else np.uint32


@dataclass
class IdBlocks:
    """The attribute ids and combination codes, block by block, as compact as they come."""

    parts: list[tuple[int, np.ndarray]] = field(default_factory=list)
    combos: list[np.ndarray] = field(default_factory=list)
    valid: int = 0
    low: int = 0
    high: int = -1
    #: Once a block's ids span 2**32 or more (ids spread over int64), every id from then on is in
    #: this one int64 array, grown in place (``realloc``), with its codes: the sorted index is
    #: built in it, instead of in a copy of the blocks (which glibc would not give back).
    wide: np.ndarray | None = None
    wide_codes: np.ndarray | None = None
    filled: int = 0

    def add(self, ints: np.ndarray, combo: np.ndarray) -> None:
        present = ints[ints != NULL_ID]
        base = top = 0
        if len(present):
            base, top = int(present.min()), int(present.max())
            self.low = base if not self.valid else min(self.low, base)
            self.high = top if not self.valid else max(self.high, top)
            self.valid += len(present)
        del present
        if self.wide is None and top - base < int(_NULL32):
            offsets = (ints - base).astype(np.uint32)  # an empty id wraps: set below
            offsets[ints == NULL_ID] = _NULL32
            self.parts.append((base, offsets))
            self.combos.append(combo)
            return
        if self.wide is None:  # the first wide block: the compact ones move into the array
            for earlier, codes in self.blocks(free=True):
                self._append(earlier, codes)
        self._append(ints, combo)

    def _append(self, ints: np.ndarray, codes: np.ndarray) -> None:
        need = self.filled + len(ints)
        if self.wide is None or self.wide_codes is None:
            self.wide = np.empty(max(need, 1 << 16), dtype=np.int64)
            self.wide_codes = np.empty(len(self.wide), dtype=codes.dtype)
        elif need > len(self.wide):
            # By a quarter: numpy zero-fills the new part, so spare room is resident memory.
            size = max(need, len(self.wide) + len(self.wide) // 4)
            self.wide.resize(size, refcheck=False)  # no view of it is kept
            self.wide_codes.resize(size, refcheck=False)
        if codes.dtype.itemsize > self.wide_codes.dtype.itemsize:
            self.wide_codes = self.wide_codes.astype(codes.dtype)
        self.wide[self.filled : need] = ints
        self.wide_codes[self.filled : need] = codes
        self.filled = need

    @staticmethod
    def _ints(base: int, part: np.ndarray) -> np.ndarray:
        if part.dtype == np.int64:
            return part
        ints = part.astype(np.int64) + base
        ints[part == _NULL32] = NULL_ID
        return ints

    def blocks(self, *, free: bool = False) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        """Each block's ids as int64 (empty ones :data:`NULL_ID`) and its codes; with ``free``,
        each block is dropped once it is handed out."""
        if self.wide is not None and self.wide_codes is not None:
            yield self.wide[: self.filled], self.wide_codes[: self.filled]
            if free:
                self.wide = self.wide_codes = None
                self.filled = 0
            return
        if not free:
            for (base, part), combo in zip(self.parts, self.combos, strict=True):
                yield self._ints(base, part), combo
            return
        self.parts.reverse()  # popped from the end: no list shifting
        self.combos.reverse()
        while self.parts:
            base, part = self.parts.pop()
            yield self._ints(base, part), self.combos.pop()
            del part

    def gathered(self, code_dtype: type[np.integer]) -> tuple[np.ndarray, np.ndarray, int]:
        """Every present id as one int64 array, its codes, and the number of empty ids; the
        blocks are freed (the wide array becomes the result itself when it holds no empty id)."""
        wide, codes = self.wide, self.wide_codes
        if wide is not None and codes is not None:
            self.wide = self.wide_codes = None
            wide.resize(self.filled, refcheck=False)
            codes.resize(self.filled, refcheck=False)
            valid = wide != NULL_ID
            null_rows = int(len(wide) - np.count_nonzero(valid))
            if null_rows:
                wide, codes = wide[valid], codes[valid]
            return wide, codes, null_rows
        ints = np.empty(self.valid, dtype=np.int64)
        combo = np.empty(self.valid, dtype=code_dtype)
        filled = null_rows = 0
        for part, block_codes in self.blocks(free=True):  # each block freed once copied
            valid = part != NULL_ID
            count = int(np.count_nonzero(valid))
            null_rows += len(part) - count
            ints[filled : filled + count] = part[valid]
            combo[filled : filled + count] = block_codes[valid]
            filled += count
        return ints, combo, null_rows

    def texts(self) -> tuple[list[pa.Array], list[np.ndarray]]:
        """The ids back as (canonical) text, nulls for empty ones, and the codes (for the hash
        join, when a later block holds an id that is not an integer); the blocks are dropped."""
        texts = [
            pc.cast(pa.array(ints, mask=ints == NULL_ID), pa.string()) for ints, _ in self.blocks()
        ]
        combos, self.parts, self.combos = self.combos, [], []
        return texts, combos

    def index(self, column: str, combos: int) -> DenseIndex | SortedIndex:
        """The lookup of these ids (and their codes below ``combos``), freeing the blocks.

        Raises ``duplicate_ids`` (a :class:`DatasetError`) for an id on more than one row.
        """
        span = self.high - self.low + 1
        if self.wide is None and self.valid and span <= DENSE_SPAN_PER_ID * self.valid:
            dense = DenseIndex.build(self, combos)
            if dense is not None:
                return dense
        return SortedIndex.build(self, column, combos)


@dataclass
class DenseIndex:
    """A bitmap of the ids' range, each 64-bit word's rank, and the combinations in id order."""

    low: int
    high: int
    bitmap: np.ndarray
    rank: np.ndarray
    combo: np.ndarray
    hit: np.ndarray
    null_rows: int

    @classmethod
    def build(cls, blocks: IdBlocks, combos: int) -> DenseIndex | None:
        """The index, or None when an id is on more than one row (:class:`SortedIndex` lists
        them; that is the error, so its memory does not matter)."""
        low, high = blocks.low, blocks.high
        bitmap = np.zeros((high - low) // 64 + 1, dtype=np.uint64)
        for ints, _ in blocks.blocks():
            offsets = ints[ints != NULL_ID] - low
            words = offsets >> 6
            bits = np.left_shift(np.uint64(1), (offsets & 63).astype(np.uint64))
            # A plain scatter keeps one bit per word of the block; the few ids sharing a word
            # with another id of the block get theirs from ufunc.at (ten times slower per id).
            bitmap[words] |= bits
            lost = (bitmap[words] & bits) == 0
            if lost.any():
                np.bitwise_or.at(bitmap, words[lost], bits[lost])
        counts = np.bitwise_count(bitmap)
        if int(counts.sum(dtype=np.int64)) != blocks.valid:
            return None  # fewer bits than ids: some id is on more than one row
        rank = np.cumsum(counts, dtype=np.int64)
        rank -= counts
        del counts
        combo = np.zeros(blocks.valid, dtype=code_type(combos))
        null_rows = 0
        for ints, codes in blocks.blocks(free=True):
            valid = ints != NULL_ID
            null_rows += int(len(ints) - valid.sum())
            combo[cls._positions(ints[valid] - low, bitmap, rank)] = codes[valid]
        return cls(low, high, bitmap, rank, combo, np.zeros(len(combo), dtype=bool), null_rows)

    @staticmethod
    def _positions(offsets: np.ndarray, bitmap: np.ndarray, rank: np.ndarray) -> np.ndarray:
        """Where each present id (as an offset from ``low``) sits in id order."""
        words = offsets >> 6
        below = np.left_shift(np.uint64(1), (offsets & 63).astype(np.uint64)) - np.uint64(1)
        positions: np.ndarray = rank[words] + np.bitwise_count(bitmap[words] & below)
        return positions

    def lookup(self, ids: pa.Array) -> tuple[np.ndarray, np.ndarray]:
        """(matched mask, combination of each matched id) for one block of prediction ids."""
        ints = lookup_ints(ids)
        usable = (ints >= self.low) & (ints <= self.high)  # NULL_ID is below every low
        offsets = np.where(usable, ints - self.low, 0)
        words = offsets >> 6
        bits = np.left_shift(np.uint64(1), (offsets & 63).astype(np.uint64))
        found = usable & ((self.bitmap[words] & bits) != 0)
        positions = self._positions(offsets[found], self.bitmap, self.rank)
        self.hit[positions] = True
        return found, self.combo[positions]

    def unmatched(self) -> int:
        return int(len(self.hit) - np.count_nonzero(self.hit)) + self.null_rows


@dataclass
class SortedIndex:
    """The attribute ids sorted, for ``searchsorted`` lookups: ordered, bounded, no hashing.

    One int64 per person packs ``(id - low) << bits | combination`` (``bits`` wide enough for
    the combination codes), sorted: the id part orders it, and the combination rides along, so
    there is no separate permutation or combination array. Ids spread too widely to pack are the
    rare case; they keep ``bits`` = 0 and a separate combination array in id order.
    """

    packed: np.ndarray
    bits: int
    low: int
    hit: np.ndarray
    null_rows: int
    combo: np.ndarray | None = None

    @classmethod
    def build(cls, blocks: IdBlocks, column: str, combos: int) -> SortedIndex:
        """Raises ``duplicate_ids`` for an id on more than one row."""
        ints, combo, null_rows = blocks.gathered(code_type(combos))
        bits = max(int(combo.max()).bit_length(), 1) if len(combo) else 1
        low, high = blocks.low, blocks.high
        separate: np.ndarray | None = None
        if high - low < 1 << (62 - bits):
            ints -= low  # in place: the ids become the packed keys, no second array
            ints <<= bits
            ints |= combo
            del combo
            ints.sort()
        else:
            order = np.argsort(ints, kind="stable")
            ints, separate, bits, low = ints[order], combo[order], 0, 0
            del order
        index = cls(ints, bits, low, np.zeros(len(ints), dtype=bool), null_rows, separate)
        index._check_duplicates(column)
        return index

    def _ids(self, start: int = 0, stop: int | None = None) -> np.ndarray:
        return (self.packed[start:stop] >> self.bits) + self.low

    def _check_duplicates(self, column: str) -> None:
        # By blocks of 1M: a whole-array comparison would make two more 10M temporaries.
        step, repeated = 1 << 20, []
        for start in range(0, max(len(self.packed) - 1, 0), step):
            ids = self._ids(start, start + step + 1)
            repeated.append(ids[1:][ids[1:] == ids[:-1]])
        found = np.unique(np.concatenate(repeated)) if repeated else np.zeros(0, np.int64)
        if len(found):
            ids = self._ids()
            shown = [f"{v} ({int((ids == v).sum())} rows)" for v in found[:10]]
            raise dataset_error(
                DUPLICATE_IDS, column=column, count=len(found),
                values=quote_list(shown) + (f" and {len(found) - 10} more" if len(found) > 10 else ""),
            )  # fmt: skip

    def lookup(self, ids: pa.Array) -> tuple[np.ndarray, np.ndarray]:
        """(matched mask, combination of each matched id) for one block of prediction ids."""
        ints = lookup_ints(ids)
        if not len(self.packed):
            return np.zeros(len(ints), dtype=bool), np.zeros(0, dtype=np.int32)
        if self.bits:
            span = (1 << (63 - self.bits)) - 1
            offset = ints - self.low  # wraps only for ids 2**63 apart: then negative
            usable = (ints != NULL_ID) & (ints >= self.low) & (offset >= 0) & (offset <= span)
            query = np.where(usable, offset, 0) << self.bits
        else:
            usable, query = ints != NULL_ID, ints
        position = np.minimum(np.searchsorted(self.packed, query), len(self.packed) - 1)
        stored = self.packed[position]
        found = usable & ((stored >> self.bits) == (query >> self.bits))
        matched = position[found]
        self.hit[matched] = True
        if self.combo is not None:
            return found, self.combo[matched]
        return found, (stored[found] & ((1 << self.bits) - 1)).astype(np.int32)

    def unmatched(self) -> int:
        return int(len(self.hit) - self.hit.sum()) + self.null_rows
