"""Near-duplicate lookup over 100,000 stored perceptual hashes (Hamming <= 6): the index vs scans.

Compared per lookup, over the same stored hashes and the same queries:
- index: `backend.media.hash_index.HashIndex` (multi-index hashing, what media and collect use);
- scan: a linear scan in Python over the hashes as ints (`(h ^ q).bit_count() <= r`);
- BK-tree: the structure first planned (a plain one, here for the record);
- media before: what an upload did before the index, per stored row: `same_picture` on hex
  strings (imagehash parses both each time) - over a sample of lookups, it is slow.
The stored hashes are random 64-bit values plus planted neighbours (1 to 6 bits away from a
stored one); half the queries are near a planted pair, half are random. Every method's answer
is checked against the scan's before any timing. Rounds interleave the methods; figures are
min / median / max over rounds. Build time and memory (tracemalloc) of the index are measured
for the same 100,000 hashes with UUID keys, as the media index holds them.

    uv run python bench/near_duplicates.py [--hashes 100000] [--queries 400] [--rounds 5]
"""

from __future__ import annotations

import argparse
import gc
import random
import statistics
import sys
import time
import tracemalloc
import uuid
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from backend.media.hash_index import HashIndex
from backend.media.images import same_picture
from bench._harness import machine, spread

RADIUS = 6


class BKTree:
    """A plain BK-tree: node = [hash, key, {distance: child}]."""

    def __init__(self) -> None:
        self.root: list[object] | None = None

    def add(self, key: int, phash: int) -> None:
        if self.root is None:
            self.root = [phash, key, {}]
            return
        node = self.root
        while True:
            distance = (phash ^ node[0]).bit_count()  # type: ignore[operator]
            children: dict[int, list[object]] = node[2]  # type: ignore[assignment]
            child = children.get(distance)
            if child is None:
                children[distance] = [phash, key, {}]
                return
            node = child

    def near(self, phash: int, radius: int) -> list[tuple[int, int]]:
        found: list[tuple[int, int]] = []
        stack = [self.root] if self.root is not None else []
        while stack:
            node = stack.pop()
            distance = (phash ^ node[0]).bit_count()  # type: ignore[operator]
            if distance <= radius:
                found.append((node[1], distance))  # type: ignore[arg-type]
            for edge, child in node[2].items():  # type: ignore[attr-defined]
                if distance - radius <= edge <= distance + radius:
                    stack.append(child)
        return found


def _flip(rng: random.Random, phash: int, bits: int) -> int:
    for bit in rng.sample(range(64), bits):
        phash ^= 1 << bit
    return phash


def _data(count: int, queries: int, seed: int) -> tuple[list[int], list[int]]:
    rng = random.Random(seed)  # noqa: S311 - reproducible benchmark data
    planted = count // 100
    stored = [rng.getrandbits(64) for _ in range(count - planted)]
    stored += [_flip(rng, rng.choice(stored), rng.randint(1, RADIUS)) for _ in range(planted)]
    near = [_flip(rng, rng.choice(stored[-planted:]), rng.randint(0, 3)) for _ in range(queries // 2)]
    far = [rng.getrandbits(64) for _ in range(queries - len(near))]
    return stored, near + far


def _scan(stored: list[int]) -> Callable[[int], list[tuple[int, int]]]:
    def near(query: int) -> list[tuple[int, int]]:
        found = []
        for key, phash in enumerate(stored):
            distance = (phash ^ query).bit_count()
            if distance <= RADIUS:
                found.append((key, distance))
        return found

    return near


def _media_before(stored: list[int]) -> Callable[[int], list[tuple[int, int]]]:
    rows = [{"id": key, "sha256": "", "phash": f"{phash:016x}"} for key, phash in enumerate(stored)]

    def near(query: int) -> list[tuple[int, int]]:
        mine = f"{query:016x}"
        found = []
        for row in rows:
            if same_picture("x", mine, False, row["sha256"], row["phash"], RADIUS):  # type: ignore[arg-type]
                found.append((row["id"], (int(row["phash"], 16) ^ query).bit_count()))  # type: ignore[call-overload]
        return found

    return near


def _per_lookup_us(near: Callable[[int], object], queries: list[int]) -> float:
    started = time.perf_counter()
    for query in queries:
        near(query)
    return (time.perf_counter() - started) / len(queries) * 1e6


def _build_and_memory(stored: list[int]) -> tuple[float, float]:
    keys = [uuid.uuid4() for _ in stored]
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    index: HashIndex[uuid.UUID] = HashIndex()
    for key, phash in zip(keys, stored, strict=True):
        index.add(key, phash)
    memory = tracemalloc.get_traced_memory()[0] - before
    tracemalloc.stop()
    started = time.perf_counter()
    again: HashIndex[uuid.UUID] = HashIndex()
    for key, phash in zip(keys, stored, strict=True):
        again.add(key, phash)
    return time.perf_counter() - started, memory / 1024 / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hashes", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=400)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument(
        "--before-queries", type=int, default=1, help="lookups per round for the old media loop (seconds each)"
    )
    args = parser.parse_args()

    stored, queries = _data(args.hashes, args.queries, seed=16)
    index: HashIndex[int] = HashIndex()
    tree = BKTree()
    for key, phash in enumerate(stored):
        index.add(key, phash)
        tree.add(key, phash)
    scan, before = _scan(stored), _media_before(stored)
    methods: dict[str, Callable[[int], list[tuple[int, int]]]] = {
        "index": lambda q: index.near(q, RADIUS),
        "scan": scan,
        "bk-tree": lambda q: tree.near(q, RADIUS),
    }
    matches = 0
    for query in queries:
        expected = sorted(scan(query))
        matches += len(expected)
        for name, near in methods.items():
            assert sorted(near(query)) == expected, f"{name} disagrees with the scan"
    for query in queries[: args.before_queries]:
        assert sorted(before(query)) == sorted(scan(query)), "the old media loop disagrees with the scan"

    figures: dict[str, list[float]] = {name: [] for name in (*methods, "media before")}
    for round_number in range(args.rounds):
        order = list(methods.items())
        if round_number % 2:
            order.reverse()
        for name, near in order:
            figures[name].append(_per_lookup_us(near, queries))
        figures["media before"].append(_per_lookup_us(before, queries[: args.before_queries]))
    build_seconds, memory_mib = _build_and_memory(stored)

    print(f"machine: {machine()}")
    print(
        f"command: python bench/near_duplicates.py --hashes {args.hashes} --queries {args.queries} "
        f"--rounds {args.rounds} --before-queries {args.before_queries}"
    )
    print(
        f"{len(stored):,} stored hashes, {len(queries)} lookups at Hamming <= {RADIUS}, "
        f"{matches} matches in all; µs per lookup, min / median / max of {args.rounds} rounds:"
    )
    for name, values in figures.items():
        print(f"  {name:13} {spread(values)}")
    for name in ("scan", "bk-tree", "media before"):
        ratios = [other / mine for other, mine in zip(figures[name], figures["index"], strict=True)]
        print(f"  index vs {name:13} {spread(ratios)} × faster (median {statistics.median(ratios):.1f}×)")
    print(f"index build for {len(stored):,} hashes: {build_seconds:.2f} s, memory {memory_mib:.1f} MiB")


if __name__ == "__main__":
    main()
