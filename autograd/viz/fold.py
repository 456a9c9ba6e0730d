"""Finding repeated blocks: runs of a sequence in which one unit of tokens repeats back to
back (a tandem repeat), such as [Linear, Sigmoid] 50 times, or the five operations of one
step of an unrolled RNN 400 times."""
from dataclasses import dataclass

MIN_REPEATS = 3     # fewer repeats than this are drawn as they are
MAX_PERIOD = 64     # the longest unit looked for, in tokens


@dataclass(frozen=True)
class Run:
    start: int      # index of the first token of the first repeat
    period: int     # tokens per repeat
    repeats: int

    @property
    def stop(self):
        return self.start + self.period * self.repeats


def _best_run(tokens, lo, hi):
    """The run in tokens[lo:hi] that covers most tokens (the shorter period on ties)."""
    best = None
    for period in range(1, min(MAX_PERIOD, (hi - lo) // MIN_REPEATS) + 1):
        i = lo
        while i + period < hi:
            if tokens[i] != tokens[i + period]:
                i += 1
                continue
            j = i
            while j + period < hi and tokens[j] == tokens[j + period]:
                j += 1
            repeats = (j - i + period) // period
            if repeats >= MIN_REPEATS and (best is None or
                                           repeats * period > best.repeats * best.period):
                best = Run(i, period, repeats)
            i = j + 1
    return best


def find_runs(tokens):
    """Non-overlapping runs covering as much of `tokens` as the greedy choice finds: the
    largest run first, then the largest in what lies before and after it, and so on."""
    runs, pending = [], [(0, len(tokens))]
    while pending:
        lo, hi = pending.pop()
        run = _best_run(tokens, lo, hi)
        if run is None:
            continue
        runs.append(run)
        pending += [(lo, run.start), (run.stop, hi)]
    return sorted(runs, key=lambda r: r.start)
