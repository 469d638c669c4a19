"""Side-by-side times of the tools the issue-18 ratios compare against, on the
same inputs as the criterion benches, so a ratio can be read on any machine
instead of scaling an absolute target by a calibration figure.

Not part of the test command or the benches: run it by hand on a quiet machine,
right before or after the criterion benches it is compared with.

    pip install numpy pabutools pymcdm pref_voting
    python3 benches/oracles.py hamilton    # vs apportion/hamilton/1000000
    python3 benches/oracles.py mes         # vs pb/mes/budapest-2024 (~10-20 s)
    python3 benches/oracles.py wsm         # vs needs/wsm/1000000
    python3 benches/oracles.py schulze     # vs tally/schulze/10000x20

`hamilton`: numpy's float largest remainder (quotas, floors, `argpartition` of
the remainders) on the bench's weights: SplitMix64 from seed 2026, `1 + z %
10^7`, a million of them, total 12,345,678,901. Floats are not exact here (the
quotas reach 10^4 with 10^-12 steps), which is why ours is integer; only the
time is compared. Median of 21 runs.

`mes`: pabutools' Method of Equal Shares with cost satisfaction on
`testdata/pabulib/Hungary_Budapest_2024.pb`, parsed once outside the timing (as
the bench parses once). One run.

`wsm`: pymcdm's weighted sum with min-max normalisation on a million households
of five uniform values (SplitMix64 from seed 2026, as the bench draws them),
weights 25/20/20/15/20, the third a cost. Median of 5 runs as called by
default (with pymcdm's input validation, nearly all of its time) and of 5
without it (`validation=False`), which the ratio should also be read against.

`schulze`: pref_voting's Schulze (`beat_path`) on 10,000 full rankings of 20
candidates (SplitMix64 from seed 2026, Fisher-Yates as the bench shuffles),
building the `Profile` from the rankings inside the timing, as the bench
compiles its ballots from names inside its own. Median of 5 runs.
"""
import statistics
import sys
import time
from pathlib import Path

MASK = (1 << 64) - 1
ROOT = Path(__file__).resolve().parent.parent


def splitmix(seed):
    state = seed
    while True:
        state = (state + 0x9E3779B97F4A7C15) & MASK
        z = state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        yield z ^ (z >> 31)


def splitmix_weights(n, seed):
    state = seed
    out = []
    for _ in range(n):
        state = (state + 0x9E3779B97F4A7C15) & MASK
        z = state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        z ^= z >> 31
        out.append(1 + z % 10_000_000)
    return out


def hamilton():
    import numpy as np

    total = 12_345_678_901
    weights = np.array(splitmix_weights(1_000_000, 2026), dtype=np.float64)

    def largest_remainder(w):
        quotas = w * (total / w.sum())
        floors = np.floor(quotas)
        k = int(total - floors.sum())
        remainders = quotas - floors
        if k > 0:
            top = np.argpartition(-remainders, k - 1)[:k]
            floors[top] += 1
        return floors

    times = []
    for _ in range(21):
        start = time.perf_counter()
        largest_remainder(weights)
        times.append(time.perf_counter() - start)
    print(f"numpy float largest remainder, 1,000,000 weights: "
          f"median {statistics.median(times) * 1e3:.1f} ms, min {min(times) * 1e3:.1f} ms")


def mes():
    from pabutools.election import Cost_Sat, parse_pabulib
    from pabutools.rules import method_of_equal_shares

    path = ROOT / "testdata" / "pabulib" / "Hungary_Budapest_2024.pb"
    instance, profile = parse_pabulib(str(path))
    start = time.perf_counter()
    chosen = method_of_equal_shares(instance, profile, sat_class=Cost_Sat)
    elapsed = time.perf_counter() - start
    print(f"pabutools MES (cost satisfaction), Budapest 2024: {elapsed:.2f} s, "
          f"{len(chosen)} projects")


def wsm():
    import numpy as np
    from pymcdm.methods import WSM
    from pymcdm.normalizations import minmax_normalization

    stream = splitmix(2026)
    values = [(next(stream) >> 11) / float(1 << 53) * 100.0 for _ in range(5_000_000)]
    matrix = np.array(values, dtype=np.float64).reshape(1_000_000, 5)
    weights = np.array([0.25, 0.20, 0.20, 0.15, 0.20])
    types = np.array([1, 1, -1, 1, 1])
    method = WSM(normalization_function=minmax_normalization)
    for validation in (True, False):
        times = []
        for _ in range(5):
            start = time.perf_counter()
            method(matrix, weights, types, validation=validation)
            times.append(time.perf_counter() - start)
        print(f"pymcdm WSM (min-max), 1,000,000 x 5, validation={validation}: "
              f"median {statistics.median(times) * 1e3:.0f} ms")


def schulze():
    from pref_voting.margin_based_methods import beat_path
    from pref_voting.profiles import Profile

    stream = splitmix(2026)
    rankings = []
    for _ in range(10_000):
        ranking = list(range(20))
        for i in range(19, 0, -1):
            j = next(stream) % (i + 1)
            ranking[i], ranking[j] = ranking[j], ranking[i]
        rankings.append(ranking)
    times = []
    for _ in range(5):
        start = time.perf_counter()
        beat_path(Profile(rankings))
        times.append(time.perf_counter() - start)
    print(f"pref_voting Schulze (beat_path), 10,000 x 20 with the profile built: "
          f"median {statistics.median(times) * 1e3:.0f} ms")


if __name__ == "__main__":
    which = sys.argv[1:] or ["hamilton", "mes", "wsm", "schulze"]
    for name in which:
        {"hamilton": hamilton, "mes": mes, "wsm": wsm, "schulze": schulze}[name]()
