"""An independent reading of the conclusions rule (queries/rules/conclusions.rq, its comments) over the YAML
entries of data/, without peerkg: what the stored query `conclusions` must answer on the curated graph.

`python tests/conclusions_by_hand.py .` prints it as CSV (queries/expected/conclusions.csv was made so, and
checked against the Discussion in tests/test_conclusions.py); tests/test_conclusions.py runs it against the
stored query on every build. Plain Python and rdflib (for the vocabulary labels) only."""
import csv
import glob
import sys
from collections import defaultdict

import yaml
from rdflib import Graph, URIRef
from rdflib.namespace import SKOS

REPO = sys.argv[1] if len(sys.argv) > 1 else "."
vocab = Graph()
for f in glob.glob(f"{REPO}/ontology/vocab/*.ttl"):
    vocab.parse(f)
def label(scheme, slug):
    return str(vocab.value(URIRef(f"https://w3id.org/peerkg/vocab/{scheme}/{slug}"), SKOS.prefLabel))
RANK = {"high": 5, "moderate": 4, "low": 3, "low-or-critically-low": 2, "critically-low": 1}
def as_list(v):
    if v is None or (isinstance(v, str) and v.startswith("not ")):
        return []
    return v if isinstance(v, list) else [v]

groups = defaultdict(lambda: defaultdict(list))  # (outcome, population, format) -> review -> findings
for path in sorted(glob.glob(f"{REPO}/data/*.yaml")):
    with open(path, encoding="utf-8") as file:
        entry = yaml.safe_load(file)
    if entry.get("record") == "umbrella-review":
        continue
    rid = entry["id"]
    rating = max((RANK[r] for inc in entry.get("included_in", []) for r in as_list(inc.get("amstar2"))), default=0)
    review_pops = as_list(entry.get("populations"))
    review_formats = as_list(entry.get("formats"))
    for f in entry.get("findings", []):
        for finding, sub in [(f, False)] + [(s, True) for s in f.get("subgroups", [])]:
            outcome = finding["outcome"]
            pops = as_list(finding.get("populations")) or review_pops
            fmts = as_list(finding.get("formats")) or (review_formats if len(review_formats) == 1 else [])
            record = dict(synthesis=finding.get("synthesis"), direction=finding.get("direction"),
                          comparator=finding.get("comparator"), subgroup=sub, rating=rating)
            keys = [(outcome, "", "")] + [(outcome, p, "") for p in pops] + [(outcome, "", x) for x in fmts]
            for key in keys:
                groups[key][rid].append(record)

ACTIVE = {"active-treatment", "cognitive-behavioural-therapy", "group-cbt", "other-peer-support"}
rows = []
for (outcome, pop, fmt), reviews in groups.items():
    n_reviews = len(reviews)
    counts = dict(ma=0, improvement=0, no_effect=0, mixed=0, worsening=0)
    active = subgroups = 0
    comparators = set()
    best = 0
    for findings in reviews.values():
        counted = [f for f in findings if f["synthesis"] == "meta-analysis" and not f["subgroup"]
                   and f["comparator"] not in ACTIVE]
        active += sum(1 for f in findings if f["synthesis"] == "meta-analysis" and not f["subgroup"]
                      and f["comparator"] in ACTIVE)
        subgroups += sum(1 for f in findings if f["subgroup"])
        for f in findings:
            if f["synthesis"] == "meta-analysis" and not f["subgroup"]:
                comparators.add(label("comparator", f["comparator"]) if f["comparator"] and
                                not str(f["comparator"]).startswith("not ") else "not recorded")
        if counted:
            counts["ma"] += 1
            best = max(best, counted[0]["rating"])
            directions = {f["direction"] for f in counted}
            one = {"improvement": "improvement", "no-effect": "no_effect", "worsening": "worsening"}
            if len(directions) == 1 and next(iter(directions)) in one:
                counts[one[next(iter(directions))]] += 1
            else:
                counts["mixed"] += 1
    if counts["ma"] == 0:
        verdict = "insufficient evidence"
    elif counts["improvement"] == 0 and counts["mixed"] == 0:
        verdict = "no evidence of improvement"
    elif counts["worsening"] == 0 and 3 * counts["improvement"] >= 2 * counts["ma"]:
        verdict = "consistent evidence of improvement"
    else:
        verdict = "mixed"
    amstar = {v: k for k, v in RANK.items()}.get(best)
    rows.append([label("outcome", outcome), label("population", pop) if pop else "",
                 label("format", fmt) if fmt else "", n_reviews, counts["ma"], counts["improvement"],
                 counts["no_effect"], counts["mixed"], counts["worsening"], active, subgroups,
                 ";".join(sorted(comparators)), label("amstar2", amstar) if amstar else "", "", verdict, ""])
rows.sort(key=lambda r: (r[0], r[1], r[2]))
out = csv.writer(sys.stdout, lineterminator="\n")
out.writerow(["outcome", "population", "format", "reviews", "meta_analyses", "improvement", "no_effect", "mixed",
              "worsening", "against_active", "subgroups", "comparators", "best_amstar2", "best_certainty",
              "verdict", "overlap"])
out.writerows(rows)
