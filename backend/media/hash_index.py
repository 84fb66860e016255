"""Near-duplicate lookup over 64-bit perceptual hashes, without comparing against every stored hash.

`HashIndex` answers "which stored hashes are within Hamming distance r of this one" by
**multi-index hashing** (Norouzi et al., 2012) held in memory: each 64-bit hash is cut into
four 16-bit chunks, and each chunk value is a key of its own table. Two hashes within r bits
differ by at most t_i bits in at least one chunk i whenever sum(t_i) = r - 3 (the generalised
pigeonhole principle), so a lookup probes each chunk's table at its own value and its
neighbours within t_i bits, and measures the full distance only for the few hashes found
there. For r = 6 that is 52 table probes and, over 100,000 stored hashes, about a hundred
distance checks instead of 100,000.

Why not a BK-tree (the structure first planned here): a BK-tree prunes a subtree only when
the query's distance to a node is more than r away from the edge's distance, and between
random 64-bit hashes distances bunch at 32 ± 4. At r = 6 nearly every edge is within reach:
measured over 100,000 random hashes, a BK-tree search visits ~22 % of the nodes and is
*slower* than a plain scan in Python (0.4-0.6 times its speed); it only wins for r ≤ 2. Multi-index hashing
is 20-100 times faster than the scan at r = 6 (`bench/near_duplicates.py`, figures in
bench/README.md). The cost is memory: four dicts of chunk values, about 35 MB per 100,000
hashes (measured by the benchmark), hence the bounded cache below.

`HashCache` keeps one `HashIndex` per (workspace, namespace) in this process. The first lookup
loads every hash of the namespace in one query (through the namespace's `HashLoader`); each
later lookup first asks only for rows created since the newest one held, minus a look-back
window: a row whose transaction committed late, or whose process's clock is a little behind,
still arrives, and rows seen twice are skipped by key. So uploads made by other processes are
seen on the next lookup, and no lookup reads every hash. Rows deleted since they were loaded
are the caller's to re-check (`HashCache.forget` drops them from the index); the namespaces
kept are an LRU of a bounded size (`MEDIA_HASH_INDEX_NAMESPACES`).
"""

from __future__ import annotations

import asyncio
import uuid
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable, Iterable, Sequence
from datetime import datetime, timedelta
from itertools import combinations
from typing import Generic, TypeVar

from backend.settings import get_settings

K = TypeVar("K", bound=Hashable)

CHUNKS = 4
CHUNK_BITS = 16
_MASK = (1 << CHUNK_BITS) - 1

HashRow = tuple[Hashable, str, datetime]
"""What a loader returns per stored image: (key, pHash as 16 hex digits, created_at)."""

HashLoader = Callable[[uuid.UUID, str, datetime | None], Awaitable[Sequence[HashRow]]]
"""async (workspace_id, namespace, created_since) -> rows created at or after `created_since`
(every row of the namespace when None). Rows with an empty pHash are skipped by the cache;
a loader leaves out rows that must never match by pHash (e.g. media's flat pictures)."""


def _flip_masks(bits: int) -> list[list[int]]:
    """For each radius t, every chunk mask with at most t bits set (t = 0 is [0])."""
    by_radius: list[list[int]] = [[0]]
    for radius in range(1, 4):
        masks = list(by_radius[-1])
        for chosen in combinations(range(bits), radius):
            masks.append(sum(1 << b for b in chosen))
        by_radius.append(masks)
    return by_radius


_FLIPS = _flip_masks(CHUNK_BITS)


def _radii(max_distance: int) -> list[int]:
    """Per-chunk probe radius: sum = max_distance - CHUNKS + 1, spread evenly; -1 skips a chunk."""
    total = max_distance - CHUNKS + 1
    base, extra = divmod(total, CHUNKS)
    return [base + 1 if i < extra else base for i in range(CHUNKS)]


class HashIndex(Generic[K]):
    """Keys by 64-bit perceptual hash; `near` finds every key within a Hamming distance."""

    def __init__(self) -> None:
        self._hashes: list[int] = []
        self._keys: list[K] = []
        # chunk value -> one position, or a list of them (most chunk values are held by one hash,
        # and a bare int costs a tenth of a one-item list).
        self._tables: list[dict[int, int | list[int]]] = [{} for _ in range(CHUNKS)]
        self._forgotten: set[K] = set()

    def __len__(self) -> int:
        return len(self._hashes) - len(self._forgotten)

    def add(self, key: K, phash: int) -> None:
        if not 0 <= phash < 1 << 64:
            raise ValueError(f"a perceptual hash has 64 bits; got {phash:#x}")
        position = len(self._hashes)
        self._hashes.append(phash)
        self._keys.append(key)
        self._forgotten.discard(key)
        for chunk, table in enumerate(self._tables):
            value = (phash >> (chunk * CHUNK_BITS)) & _MASK
            held = table.get(value)
            if held is None:
                table[value] = position
            elif isinstance(held, int):
                table[value] = [held, position]
            else:
                held.append(position)

    def forget(self, key: K) -> None:
        """Leave `key` out of every later answer (its row is gone)."""
        self._forgotten.add(key)

    def near(self, phash: int, max_distance: int) -> list[tuple[K, int]]:
        """Every key whose hash is within `max_distance` bits of `phash`, nearest first."""
        if max_distance < 0:
            return []
        if max_distance >= CHUNKS * 4:
            # Past the probe tables' reach (and past any sensible "same picture"): a scan is exact.
            found = {key: (h ^ phash).bit_count() for h, key in zip(self._hashes, self._keys, strict=True)}
            return self._answer({k: d for k, d in found.items() if d <= max_distance})
        hashes, keys = self._hashes, self._keys
        distances: dict[K, int] = {}
        for chunk, (table, radius) in enumerate(zip(self._tables, _radii(max_distance), strict=True)):
            if radius < 0:
                continue
            value = (phash >> (chunk * CHUNK_BITS)) & _MASK
            for flip in _FLIPS[radius]:
                held = table.get(value ^ flip)
                if held is None:
                    continue
                for position in (held,) if isinstance(held, int) else held:
                    distance = (hashes[position] ^ phash).bit_count()
                    if distance <= max_distance:
                        distances[keys[position]] = distance
        return self._answer(distances)

    def _answer(self, distances: dict[K, int]) -> list[tuple[K, int]]:
        found = [(key, d) for key, d in distances.items() if key not in self._forgotten]
        found.sort(key=lambda item: item[1])
        return found


class _Namespace:
    def __init__(self) -> None:
        self.index: HashIndex[Hashable] = HashIndex()
        self.newest: datetime | None = None
        self.loaded = False
        # Keys created within the look-back window of `newest`: a refresh sees them again.
        self.recent: dict[Hashable, datetime] = {}
        self.lock = asyncio.Lock()


class HashCache:
    """One `HashIndex` per (workspace, namespace), loaded once and then kept up to date cheaply.

    Its size and look-back are read from the settings on each lookup (tests change them)."""

    def __init__(self) -> None:
        self._loaders: dict[str, HashLoader] = {}
        self._spaces: OrderedDict[tuple[uuid.UUID, str], _Namespace] = OrderedDict()

    def register(self, prefix: str, loader: HashLoader) -> None:
        """Namespaces starting with `prefix` (the longest registered prefix wins) load through `loader`."""
        self._loaders[prefix] = loader

    def _loader(self, namespace: str) -> HashLoader:
        matches = [prefix for prefix in self._loaders if namespace.startswith(prefix)]
        if not matches:
            raise LookupError(f"no hash namespace is registered for {namespace!r}")
        return self._loaders[max(matches, key=len)]

    async def near(
        self, workspace_id: uuid.UUID, namespace: str, phash: int, max_distance: int
    ) -> list[tuple[Hashable, int]]:
        """Keys of `namespace` within `max_distance` bits of `phash`, nearest first, as of now."""
        space = await self._fresh(workspace_id, namespace)
        return space.index.near(phash, max_distance)

    def forget(self, workspace_id: uuid.UUID, namespace: str, keys: Iterable[Hashable]) -> None:
        """The caller found these keys' rows gone: leave them out from now on."""
        space = self._spaces.get((workspace_id, namespace))
        if space is not None:
            for key in keys:
                space.index.forget(key)

    def drop(self, workspace_id: uuid.UUID, namespace: str) -> None:
        """Forget a whole namespace (e.g. its collection was deleted); the next lookup reloads it."""
        self._spaces.pop((workspace_id, namespace), None)

    @property
    def lookback(self) -> timedelta:
        return timedelta(seconds=get_settings().media.hash_index_lookback_seconds)

    async def _fresh(self, workspace_id: uuid.UUID, namespace: str) -> _Namespace:
        loader = self._loader(namespace)
        max_namespaces = get_settings().media.hash_index_namespaces
        slot = (workspace_id, namespace)
        space = self._spaces.get(slot)
        if space is None:
            space = self._spaces[slot] = _Namespace()
            while len(self._spaces) > max_namespaces:
                self._spaces.popitem(last=False)
        self._spaces.move_to_end(slot)
        # One refresh at a time per namespace: two at once would each add the first load's rows.
        async with space.lock:
            since = space.newest - self.lookback if space.newest is not None else None
            rows = await loader(workspace_id, namespace, since)
            self._take(space, rows)
        return space

    def _take(self, space: _Namespace, rows: Sequence[HashRow]) -> None:
        lookback = self.lookback
        held_before = space.newest - lookback if space.loaded and space.newest is not None else None
        for key, phash_hex, created_at in rows:
            if not phash_hex or key in space.recent:
                continue
            if held_before is not None and created_at < held_before:
                continue  # older than the window, so already held (a loader that ignored `since`)
            space.index.add(key, int(phash_hex, 16))
            space.recent[key] = created_at
            if space.newest is None or created_at > space.newest:
                space.newest = created_at
        space.loaded = True
        if space.newest is not None:
            horizon = space.newest - lookback
            for key in [k for k, at in space.recent.items() if at < horizon]:
                del space.recent[key]
