"""The `aiga-bot` console script: a thin door to bot.cli.

Why a door: a process that starts a child with multiprocessing's "spawn" (the chart process,
handlers/results/chart_process.py) has the child import its main script again. The console
script imports only this module, so the chart child does not load the whole command line
(SQLAlchemy, settings, the store: about 33 MiB) to draw a PNG.
"""

from __future__ import annotations


def main() -> int:
    from bot.cli import main as cli_main

    return cli_main()


if __name__ == "__main__":  # `python -m bot.entry serve`: the same door (the benchmarks use it)
    import sys

    sys.exit(main())
