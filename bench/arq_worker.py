"""arq's own worker, as `arq <settings>` runs it, on the event loop a benchmark names.

    python bench/arq_worker.py uvloop|asyncio <worker settings>

`sellpilot worker` runs on uvloop (WORKER_UVLOOP) and uvicorn runs the API on it:
the jobs benchmark runs bare arq's worker through this on the loop the engine's
`sellpilot worker` has, so neither is credited with the other's.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import uvloop
from arq.cli import cli
from arq.utils import import_string


def main() -> None:
    loop, settings = sys.argv[1], sys.argv[2]
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the settings' modules, as `arq` finds them
    # Imported first: Piccolo's engine runs `asyncio.run` when it is made, which leaves no current loop.
    import_string(settings)
    # arq's Worker takes the loop asyncio calls current.
    asyncio.set_event_loop(uvloop.new_event_loop() if loop == "uvloop" else asyncio.new_event_loop())
    sys.argv = ["arq", settings]
    cli()


if __name__ == "__main__":
    main()
