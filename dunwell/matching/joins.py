"""Equi-joins on integer keys in numpy: faster than a DataFrame merge, and many-to-many."""

from __future__ import annotations

import numpy as np


def equi_join(left: np.ndarray, right: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Positions (i, j) of every pair with left[i] == right[j], ordered by i then j."""
    order = np.argsort(right, kind="stable")
    ordered = right[order]
    lo = np.searchsorted(ordered, left, side="left")
    hi = np.searchsorted(ordered, left, side="right")
    counts = hi - lo
    li = np.repeat(np.arange(len(left)), counts)
    offsets = np.arange(int(counts.sum())) - np.repeat(np.cumsum(counts) - counts, counts)
    return li, order[np.repeat(lo, counts) + offsets]


def pair_keys(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """One int64 per (a, b) pair of non-negative ints below 2**31."""
    return (a.astype(np.int64) << 31) | b.astype(np.int64)
