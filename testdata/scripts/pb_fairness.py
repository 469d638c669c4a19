"""Oracle vectors for the budget fairness checks: small random approval
elections, a random selection each, and pabutools' verdicts (EJR and PJR,
exact, up to one and up to any, cardinality and cost satisfaction).

Usage: python3 pb_fairness.py > ../pb-fairness.json   (pabutools 1.2.3)
"""
import json
import random

from pabutools.election import (ApprovalBallot, ApprovalProfile, Cardinality_Sat,
                                Cost_Sat, Instance, Project)
from pabutools.analysis.justifiedrepresentation import (
    is_EJR_any_approval, is_EJR_approval, is_EJR_one_approval,
    is_PJR_any_approval, is_PJR_approval, is_PJR_one_approval)

CHECKS = {
    ("ejr", "exact"): is_EJR_approval, ("ejr", "one"): is_EJR_one_approval,
    ("ejr", "any"): is_EJR_any_approval, ("pjr", "exact"): is_PJR_approval,
    ("pjr", "one"): is_PJR_one_approval, ("pjr", "any"): is_PJR_any_approval,
}
SATS = {"cardinality": Cardinality_Sat, "cost": Cost_Sat}

rng = random.Random(2026)
cases = []
for _ in range(60):
    m = rng.randint(2, 4)
    n = rng.randint(2, 6)
    costs = [rng.randint(1, 6) for _ in range(m)]
    budget = rng.randint(max(costs), sum(costs))
    projects = [Project(f"p{i}", costs[i]) for i in range(m)]
    instance = Instance(projects, budget_limit=budget)
    ballots = []
    for _ in range(n):
        k = rng.randint(1, m)
        ballots.append(sorted(rng.sample(range(m), k)))
    profile = ApprovalProfile([ApprovalBallot([projects[i] for i in b]) for b in ballots])
    selected = sorted(rng.sample(range(m), rng.randint(0, m)))
    allocation = [projects[i] for i in selected]
    verdicts = {}
    for (prop, up), fn in CHECKS.items():
        for sname, sat in SATS.items():
            verdicts[f"{prop}/{up}/{sname}"] = bool(fn(instance, profile, sat, allocation))
    cases.append({"costs": costs, "budget": budget, "ballots": ballots,
                  "selected": selected, "verdicts": verdicts})
json.dump({"source": "pabutools 1.2.3, pabutools.analysis.justifiedrepresentation",
           "cases": cases}, __import__("sys").stdout, indent=1)
print()
