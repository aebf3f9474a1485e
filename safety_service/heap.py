"""The garbage collector and a long-running process's heap."""

import gc


def settle_heap() -> None:
    """Move everything loaded at start-up out of the garbage collector's reach (once per process, by its entry
    point: `serve`, `intake`, the intake's writer process, the benchmarks' servers).

    Modules, models and compiled statements live as long as the process; left in the collector's oldest
    generation, each full collection scanned them all and stalled the process under load (docs/performance.md
    has the figures).
    """
    gc.collect()
    gc.freeze()
