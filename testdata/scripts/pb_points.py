"""pabutools' Method of Equal Shares with points utility (`Additive_Cardinal_Sat`:
a voter's satisfaction is the points they gave) on the cumulative elections of
`testdata/pabulib/`, written to `testdata/pb-points.json`.

    pip install pabutools==1.2.3
    python3 testdata/scripts/pb_points.py

Read by `crates/participatory-budgeting/tests/pabulib.rs`
(`mes_with_points_equals_pabutools`), which runs our MES with `Utility::Points`
on the same files and compares the chosen sets.
"""
import json
from pathlib import Path

import pabutools
from pabutools.election import Additive_Cardinal_Sat, parse_pabulib
from pabutools.rules import method_of_equal_shares

ROOT = Path(__file__).resolve().parents[1]
FILES = ["Poland_Czestochowa_2020_Grabowka.pb", "Switzerland_Zurich_D10.pb"]

out = {
    "source": "pabutools plain MES with Additive_Cardinal_Sat (points utility), "
    "default tie-breaking; see testdata/scripts/pb_points.py",
    "files": {},
}
for name in FILES:
    instance, profile = parse_pabulib(str(ROOT / "pabulib" / name))
    chosen = method_of_equal_shares(instance, profile, sat_class=Additive_Cardinal_Sat)
    out["files"][name] = sorted(str(p.name) for p in chosen)
    print(name, len(chosen), "chosen")
(ROOT / "pb-points.json").write_text(json.dumps(out, indent=2) + "\n")
