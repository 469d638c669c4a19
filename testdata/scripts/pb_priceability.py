"""Oracle vectors for the priceability check: small random approval
elections with a selection each — a random one, Method of Equal Shares (no
completion: priceable by construction) or greedy by votes — and pabutools'
verdict (`priceable` with the allocation fixed, `exhaustive=False`; its
model also asks that the voters' money cover the budget, b·n ≥ L).

Usage: python3 pb_priceability.py > ../pb-priceability.json   (pabutools 1.2.3, PuLP/CBC)
"""
import json
import random
import sys

from pabutools.election import (ApprovalBallot, ApprovalProfile, Cost_Sat,
                                Instance, Project)
from pabutools.rules import method_of_equal_shares, greedy_utilitarian_welfare
from pabutools.election import Cardinality_Sat
from pabutools.analysis.priceability import priceable

rng = random.Random(2026)
cases = []
for index in range(150):
    m = rng.randint(2, 5)
    n = rng.randint(2, 7)
    costs = [rng.randint(1, 8) for _ in range(m)]
    budget = rng.randint(max(costs), sum(costs))
    projects = [Project(f"p{i}", costs[i]) for i in range(m)]
    instance = Instance(projects, budget_limit=budget)
    ballots = []
    for _ in range(n):
        k = rng.randint(1, m)
        ballots.append(sorted(rng.sample(range(m), k)))
    profile = ApprovalProfile([ApprovalBallot([projects[i] for i in b]) for b in ballots])
    kind = index % 3
    if kind == 0:
        chosen = rng.sample(range(m), rng.randint(0, m))
    elif kind == 1:
        chosen = [projects.index(p) for p in method_of_equal_shares(instance, profile, sat_class=Cost_Sat)]
    else:
        chosen = [projects.index(p) for p in greedy_utilitarian_welfare(instance, profile, sat_class=Cardinality_Sat)]
    selected = sorted(chosen)
    result = priceable(instance, profile, [projects[i] for i in selected], exhaustive=False)
    status = result.validate()
    if status is None:
        continue
    cases.append({"costs": costs, "budget": budget, "ballots": ballots,
                  "selected": selected, "priceable": bool(status)})
json.dump({"source": "pabutools 1.2.3, pabutools.analysis.priceability.priceable (exhaustive=False)",
           "cases": cases}, sys.stdout, indent=1)
print()
