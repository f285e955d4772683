"""Print, per document, the gold keys missed and the extracted keys not in gold (development aid)."""
import sys
from collections import defaultdict

from pipeline.tools.evaluate import evaluate_folder, fact_key, load_gold

folder = sys.argv[1]
only = set(sys.argv[2:])
_, gold = load_gold(folder)
res, pred = evaluate_folder(folder)
g, p = defaultdict(dict), defaultdict(dict)
for f in gold:
    g[f["doc_id"]][fact_key(f)] = f
for f in pred:
    p[f["doc_id"]].setdefault(fact_key(f), f)
for d in sorted(set(g) | set(p)):
    if only and d not in only:
        continue
    miss = [k for k in g[d] if k not in p[d]]
    extra = [k for k in p[d] if k not in g[d]]
    if miss or extra:
        print("=====", d)
        for k in miss:
            print("  MISS", k, "|", g[d][k]["evidence"][:110])
        for k in extra:
            print("  XTRA", k, "|", p[d][k]["evidence"][:110], p[d][k]["rule"])
