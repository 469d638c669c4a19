"""Instant-runoff with ties for last: reference winners from pref_voting.

Writes ../irv-ties.json: random profiles of complete rankings, small enough that
ties for last are common, with the winners of pref_voting's three rules:
`instant_runoff` (tied last candidates go out together: RunoffTies::All),
`instant_runoff_put` (every order of elimination: RunoffTies::ParallelUniverse)
and `instant_runoff_tb` (one at a time by an order: RunoffTies::TieBreak).
pref_voting's tie_breaker lists the candidate eliminated first first; the JSON's
`tie_break` lists the favoured first (guided-community's convention), so it is
the reverse.

    pip install pref_voting==1.18.2 && python3 irv_ties.py
"""

import json
import os
import random

import pref_voting
from pref_voting.profiles import Profile
from pref_voting.voting_methods import instant_runoff, instant_runoff_put, instant_runoff_tb

NAMES = "ABCDEF"
rng = random.Random(2026)
cases = []
while len(cases) < 300:
    m = rng.randint(3, 6)
    n = rng.randint(2, 11)
    rankings = [rng.sample(range(m), m) for _ in range(n)]
    profile = Profile(rankings)
    eliminated_first = rng.sample(range(m), m)
    name = lambda cs: sorted(NAMES[c] for c in cs)
    cases.append(
        {
            "candidates": list(NAMES[:m]),
            "ballots": [{"ranking": [NAMES[c] for c in r], "count": 1} for r in rankings],
            "tie_break": [NAMES[c] for c in reversed(eliminated_first)],
            "winners": {
                "all": name(instant_runoff(profile)),
                "parallel-universe": name(instant_runoff_put(profile)),
                "tie-break": name(instant_runoff_tb(profile, tie_breaker=eliminated_first)),
            },
        }
    )

out = os.path.join(os.path.dirname(__file__), "..", "irv-ties.json")
with open(out, "w") as f:
    json.dump(
        {
            "source": f"pref_voting {pref_voting.__version__}: instant_runoff, instant_runoff_put, "
            "instant_runoff_tb on random complete rankings (testdata/scripts/irv_ties.py, seed 2026)",
            "cases": cases,
        },
        f,
        ensure_ascii=False,
        separators=(",", ":"),
    )
differ = sum(len({tuple(v) for v in c["winners"].values()}) > 1 for c in cases)
print(f"{len(cases)} cases, {differ} where the three rules disagree")
