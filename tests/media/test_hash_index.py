"""The near-duplicate index finds exactly what a scan of every hash finds, and its cache keeps up."""

from __future__ import annotations

import random
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from backend.media.hash_index import HashCache, HashIndex, HashRow


def _neighbour(rng: random.Random, phash: int, bits: int) -> int:
    for bit in rng.sample(range(64), bits):
        phash ^= 1 << bit
    return phash


def test_near_finds_exactly_what_a_scan_finds() -> None:
    rng = random.Random(16)  # noqa: S311 - reproducible test data, not secrets
    stored = [rng.getrandbits(64) for _ in range(3000)]
    # Planted neighbours at every distance up to 20, so each radius has real answers.
    stored += [_neighbour(rng, stored[i], i % 21) for i in range(600)]
    index: HashIndex[int] = HashIndex()
    for key, phash in enumerate(stored):
        index.add(key, phash)
    queries = [_neighbour(rng, rng.choice(stored), rng.randint(0, 8)) for _ in range(40)]
    for radius in (0, 1, 2, 3, 4, 6, 8, 10, 12, 15, 16, 20):
        for query in queries:
            distances = {key: (h ^ query).bit_count() for key, h in enumerate(stored)}
            expected = {key: d for key, d in distances.items() if d <= radius}
            found = index.near(query, radius)
            assert dict(found) == expected, radius
            assert [d for _, d in found] == sorted(d for _, d in found)  # nearest first


def test_forgotten_keys_are_left_out_until_added_again() -> None:
    index: HashIndex[str] = HashIndex()
    index.add("a", 0x0F0F0F0F0F0F0F0F)
    index.add("b", 0x0F0F0F0F0F0F0F0E)
    index.forget("a")
    assert index.near(0x0F0F0F0F0F0F0F0F, 2) == [("b", 1)]
    assert len(index) == 1
    index.add("a", 0x0F0F0F0F0F0F0F0F)
    assert index.near(0x0F0F0F0F0F0F0F0F, 2) == [("a", 0), ("b", 1)]


class _Table:
    """Rows as another process would insert them, and the `since` each load asked for."""

    def __init__(self, workspace_id: uuid.UUID) -> None:
        self.workspace_id = workspace_id
        self.rows: list[HashRow] = []
        self.asked: list[datetime | None] = []

    async def load(self, workspace_id: uuid.UUID, namespace: str, since: datetime | None) -> Sequence[HashRow]:
        self.asked.append(since)
        if workspace_id != self.workspace_id or namespace != "test:a":
            return []
        return [row for row in self.rows if since is None or row[2] >= since]


async def test_cache_loads_once_then_reads_only_newer_rows() -> None:
    workspace = uuid.uuid4()
    table = _Table(workspace)
    cache = HashCache()
    cache.register("test:", table.load)
    start = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
    first, second, late = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    table.rows.append((first, "00000000000000ff", start))

    assert await cache.near(workspace, "test:a", 0xFF, 0) == [(first, 0)]
    assert table.asked == [None]  # the first lookup loads everything

    table.rows.append((second, "00000000000000fe", start + timedelta(minutes=5)))
    assert await cache.near(workspace, "test:a", 0xFF, 1) == [(first, 0), (second, 1)]
    assert table.asked[1] == start - cache.lookback  # then only rows from the newest one held

    # A row stamped a little before the newest one held (a late commit, a clock behind) still arrives.
    table.rows.append((late, "00000000000000fc", start + timedelta(minutes=5) - cache.lookback / 2))
    found = await cache.near(workspace, "test:a", 0xFF, 2)
    assert sorted(d for _, d in found) == [0, 1, 2]
    assert len(found) == 3  # rows read again inside the window are not doubled

    cache.forget(workspace, "test:a", [second])
    assert [key for key, _ in await cache.near(workspace, "test:a", 0xFF, 2)] == [first, late]
    # Namespaces and workspaces do not share an index.
    assert await cache.near(uuid.uuid4(), "test:a", 0xFF, 2) == []
    assert await cache.near(workspace, "test:b", 0xFF, 2) == []
