"""SplitMix64 outputs for testdata/determinism.json, computed independently of the
Rust copies (points-bank's sample, petition-triage's CodeRng, deliberation's lottery
and the facade's sample each keep one, because domain crates may not share code).

The `ln` section is not computed here: it pins the bit patterns of the workspace's
own deterministic logarithm, so that its two copies cannot drift apart.

    python3 determinism.py  # prints the splitmix64 section
"""

import json

M = (1 << 64) - 1


def splitmix64(seed, n):
    s, out = seed, []
    for _ in range(n):
        s = (s + 0x9E3779B97F4A7C15) & M
        z = s
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M
        out.append(str(z ^ (z >> 31)))
    return out


SEEDS = [0, 1, 7, 2025, 2026, 0x5EED0FC0FFEE0000, (1 << 64) - 1]
print(json.dumps([{"seed": str(s), "outputs": splitmix64(s, 6)} for s in SEEDS], indent=1))
