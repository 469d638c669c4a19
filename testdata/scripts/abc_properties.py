"""Extracts abcvoting's handcrafted property instances (tests/test_properties.py,
MIT, commit 2c0c412) as JSON: the oracle for the committee checks.

Usage: python3 abc_properties.py PATH/TO/abcvoting/tests/test_properties.py > ../abcvoting-properties.json

The instance-building function is run with a stand-in Profile that records the
ballots; nothing of abcvoting's own code is needed.
"""
import json
import sys

PROPERTY_NAMES = ["pareto", "jr", "pjr", "ejr", "ejr+", "fjr", "priceability",
                  "stable-priceability", "core"]


class Profile:
    def __init__(self, num_cand):
        self.num_cand = num_cand
        self.voters = []

    def add_voters(self, voters):
        self.voters.extend(sorted(v) for v in voters)


class properties:  # noqa: N801 - stands in for the module
    PROPERTY_NAMES = PROPERTY_NAMES


def main(path):
    source = open(path).read()
    start = source.index("def _create_handcrafted_instances():")
    end = source.index("\ndef ", start + 1)
    namespace = {"Profile": Profile, "properties": properties}
    exec(source[start:end], namespace)
    cases = []
    for name, profile, committee, expected in namespace["_create_handcrafted_instances"]():
        cases.append({
            "property": name,
            "num_cand": profile.num_cand,
            "profile": profile.voters,
            "committee": sorted(committee),
            "expected": expected,
        })
    json.dump({"source": "abcvoting tests/test_properties.py, commit 2c0c412 (MIT)",
               "cases": cases}, sys.stdout, indent=1)
    print()


main(sys.argv[1])
