"""Oracle vectors for the tally axioms: random impartial-culture profiles of
3 and 4 candidates and 1 to 9 voters (more ballots with clones planted: a
candidate copied next to another on every ballot), each method's winner set
and pref_voting's verdict for each axiom it shares with us.

Axiom functions (pref_voting 1.18.2): has_condorcet_winner_violation,
has_condorcet_loser_violation, has_reversal_symmetry_violation,
has_monotonicity_violation (one-rank lifts), has_participation_violation
(violation_type="Addition", single-winner), has_independence_of_clones_violation
(Tideman clone sets).

pref_voting 1.18.2 misses clone sets that end at the last place of the
first ballot: `convex_nonsingleton_proper_sublists` takes `list[i:j]` for
`j in range(i+2, len(list))`, never `j = len(list)`. With 2 > 1 > 0 first,
{1, 0} is never tried even when every ballot keeps 1 and 0 together. The
script patches it to every interval of two or more but not all (Tideman's
definition); the verdicts below are the patched ones.

Usage: python3 axioms_pref_voting.py > ../axioms-pref-voting.json
"""
import json
import random
import sys

from pref_voting.profiles import Profile
from pref_voting.voting_methods import plurality, borda, instant_runoff_put, beat_path, copeland
from pref_voting.dominance_axioms import has_condorcet_winner_violation, has_condorcet_loser_violation
from pref_voting.other_axioms import has_reversal_symmetry_violation
from pref_voting.monotonicity_axioms import has_monotonicity_violation
from pref_voting.variable_voter_axioms import has_participation_violation
import pref_voting.variable_candidate_axioms as vca
from pref_voting.variable_candidate_axioms import has_independence_of_clones_violation


def _proper_intervals(ranking):
    n = len(ranking)
    return [ranking[i:j] for i in range(n) for j in range(i + 2, n + 1) if j - i < n]


vca.convex_nonsingleton_proper_sublists = _proper_intervals

METHODS = {"plurality": plurality, "borda": borda, "irv": instant_runoff_put,
           "schulze": beat_path, "copeland": copeland}
AXIOMS = {
    "condorcet-winner": lambda p, vm: has_condorcet_winner_violation(p, vm),
    "condorcet-loser": lambda p, vm: has_condorcet_loser_violation(p, vm),
    "reversal-symmetry": lambda p, vm: has_reversal_symmetry_violation(p, vm),
    "monotonicity": lambda p, vm: has_monotonicity_violation(p, vm, one_rank_monotonicity=True),
    "participation": lambda p, vm: has_participation_violation(p, vm, violation_type="Addition"),
    "independence-of-clones": lambda p, vm: has_independence_of_clones_violation(p, vm),
}

rng = random.Random(2026)
cases = []
for index in range(400):
    m = rng.choice([3, 4])
    n = rng.randint(1, 9)
    rankings = [rng.sample(range(m), m) for _ in range(n)]
    if index % 2 == 1:
        # Plant clones: candidate m (new) next to a random candidate c.
        c = rng.randrange(m)
        planted = []
        for r in rankings:
            at = r.index(c) + rng.choice([0, 1])
            planted.append(r[:at] + [m] + r[at:])
        rankings, m = planted, m + 1
    profile = Profile(rankings)
    case = {"candidates": m, "rankings": rankings, "methods": {}}
    for name, vm in METHODS.items():
        winners = sorted(int(w) for w in vm(profile))
        verdicts = {axiom: bool(fn(profile, vm)) for axiom, fn in AXIOMS.items()}
        case["methods"][name] = {"winners": winners, "violations": verdicts}
    cases.append(case)
json.dump({"source": "pref_voting 1.18.2 axiom functions (see the script)", "cases": cases},
          sys.stdout, indent=None)
print()
