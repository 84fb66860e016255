"""Where file bytes live. Content-addressed: a file's key is its SHA-256, so a repeat costs no space.

`LocalStorage` keeps files under the data folder; an S3-compatible store can
implement the same three calls later.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path
from typing import Protocol

import anyio.to_thread

from backend.settings import get_settings


class Storage(Protocol):
    async def put(self, data: bytes, extension: str) -> str: ...

    async def get(self, key: str) -> bytes: ...

    def local_path(self, key: str) -> Path | None: ...


class LocalStorage:
    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, key: str) -> Path:
        path = (self.root / key).resolve()
        if not path.is_relative_to(self.root.resolve()):
            raise ValueError(f"bad storage key {key!r}")
        return path

    async def put(self, data: bytes, extension: str) -> str:
        digest = hashlib.sha256(data).hexdigest()
        key = f"{digest[:2]}/{digest[2:4]}/{digest}.{extension}"
        path = self._path(key)

        def write() -> None:
            try:
                # Already stored: a repeat only refreshes its age, so the orphan sweep (`upkeep`),
                # which spares recent files, never deletes it while its row is on the way.
                os.utime(path)
                return
            except FileNotFoundError:
                pass
            path.parent.mkdir(parents=True, exist_ok=True)
            # Write then rename, so a reader never sees half a file.
            with tempfile.NamedTemporaryFile(dir=path.parent, delete=False) as tmp:
                tmp.write(data)
            os.replace(tmp.name, path)

        await anyio.to_thread.run_sync(write)
        return key

    async def get(self, key: str) -> bytes:
        return await anyio.to_thread.run_sync(self._path(key).read_bytes)

    def local_path(self, key: str) -> Path | None:
        return self._path(key)


def get_storage() -> Storage:
    return LocalStorage(get_settings().media.root)
