"""Helper of tests/sarif-validate.sh (python3 standard library only).

  sarif-validate.py canary SOURCE.sarif OUT.sarif
      Writes a copy of SOURCE (a drlint SARIF file with at least one result) whose results each
      break one of GitHub's rules, so the script can prove that the multitool really applies
      them with the configuration in use.

  sarif-validate.py summarize VALIDATION.sarif NAMES.tsv CANARY.sarif MODE
      Reads the multitool's validation log, counts errors, warnings and notes per validated file
      and per rule, prints both tables, checks the canary, and exits 1 in strict mode when any
      file (other than the canary) has an error or a warning; 2 when the validation itself failed.
"""

import json
import os
import re
import sys
from collections import defaultdict
from urllib.parse import unquote, urlparse

# The GitHub rules the canary must trigger (GH1002 and GH1004 need code flows or >1000 results,
# which the canary does not carry; the large generated plan exercises GH1004).
CANARY_RULES = {"GH1001", "GH1003", "GH1005", "GH1006", "GH1007"}


def canary(src, out):
    with open(src, encoding="utf-8") as f:
        log = json.load(f)
    run = log["runs"][0]
    if not run.get("results"):
        sys.exit(f"sarif-validate.py: {src} has no result to build the canary from")
    base = run["results"][0]

    def copy():
        return json.loads(json.dumps(base))

    no_locations = copy()
    no_locations.pop("locations", None)  # GH1001
    no_start_line = copy()
    no_start_line["locations"][0]["physicalLocation"]["region"] = {"charOffset": 0, "charLength": 1}  # GH1003
    web_uri = copy()
    web_uri["locations"][0]["physicalLocation"]["artifactLocation"] = {"uri": "https://example.invalid/plan.json"}  # GH1005
    file_uri = copy()
    file_uri["locations"][0]["physicalLocation"]["artifactLocation"] = {"uri": "file:///nowhere/plan.json"}  # GH1006
    no_text = copy()
    no_text["message"] = {"id": "default", "arguments": ["x"]}  # GH1007
    run["results"] = [no_locations, no_start_line, web_uri, file_uri, no_text]
    run.pop("invocations", None)  # no workingDirectory: GH1006 must not be excused
    with open(out, "w", encoding="utf-8") as f:
        json.dump(log, f, indent=2)


def path_of(uri):
    p = urlparse(uri)
    return os.path.realpath(unquote(p.path) if p.scheme == "file" else uri)


def render(rule, message):
    """The text of a validation result: its own text, else the rule's message string with
    {0}, {1}, ... replaced by the arguments."""
    if message.get("text"):
        return message["text"]
    template = (rule.get("messageStrings", {}).get(message.get("id", ""), {}) or {}).get("text")
    args = message.get("arguments", [])
    if not template:
        return " ".join(args)
    return re.sub(r"\{(\d+)\}", lambda m: args[int(m.group(1))] if int(m.group(1)) < len(args) else m.group(0), template)


def summarize(validation, names_tsv, canary_path, mode):
    names = {}
    with open(names_tsv, encoding="utf-8") as f:
        for line in f:
            name, path = line.rstrip("\n").split("\t")
            names[os.path.realpath(path)] = name
    canary_real = os.path.realpath(canary_path)
    names[canary_real] = "(canary)"

    with open(validation, encoding="utf-8") as f:
        log = json.load(f)
    failures = []
    per_file = defaultdict(lambda: {"error": 0, "warning": 0, "note": 0})
    # rule id -> {"name", "levels": {level: n}, "files": set, "example": (file, text)}
    per_rule = {}
    canary_rules = set()
    for run in log.get("runs", []):
        rules = run["tool"]["driver"].get("rules", [])
        for inv in run.get("invocations", []):
            if not inv.get("executionSuccessful", False):
                failures.append("the multitool reports executionSuccessful = false")
            for n in inv.get("toolExecutionNotifications", []) + inv.get("toolConfigurationNotifications", []):
                text = n.get("message", {}).get("text", "")
                level = n.get("level", "warning")
                rid = n.get("descriptor", {}).get("id", "")
                if rid == "WRN999.RuleExplicitlyDisabled" and "SARIF2006" in text:
                    continue  # expected: see tests/sarif-validate.config.xml
                if level == "error":
                    failures.append(f"multitool {rid}: {text}")
                else:
                    print(f"sarif-validate: multitool notification ({level}) {rid}: {text}", file=sys.stderr)
        for res in run.get("results", []):
            rid = res.get("ruleId", "?")
            rule = rules[res["ruleIndex"]] if "ruleIndex" in res and res["ruleIndex"] < len(rules) else {}
            level = res.get("level", "warning")
            uri = res["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            real = path_of(uri)
            name = names.get(real)
            if name is None:
                failures.append(f"a validation result for a file the script did not write: {uri}")
                continue
            if real == canary_real:
                canary_rules.add(rid)
                continue
            per_file[name][level if level in ("error", "warning") else "note"] += 1
            r = per_rule.setdefault(rid, {"name": rule.get("name", ""), "levels": defaultdict(int), "files": set(), "example": None})
            r["levels"][level] += 1
            r["files"].add(name)
            if r["example"] is None:
                r["example"] = (name, render(rule, res.get("message", {})))

    missing = CANARY_RULES - canary_rules
    if missing:
        failures.append(
            "the canary file did not trigger " + ", ".join(sorted(missing))
            + ": GitHub's rules are not applied (check --rule-kind and tests/sarif-validate.config.xml against the multitool version)"
        )

    files = sorted(set(names.values()) - {"(canary)"})
    print(f"\n== per file ({len(files)} SARIF files validated; files without errors, warnings or notes are not listed)")
    print(f"{'file':<52} {'errors':>7} {'warnings':>9} {'notes':>6}")
    tot = {"error": 0, "warning": 0, "note": 0}
    for name in files:
        c = per_file.get(name)
        if not c:
            continue
        for k in tot:
            tot[k] += c[k]
        print(f"{name:<52} {c['error']:>7} {c['warning']:>9} {c['note']:>6}")
    print(f"{'TOTAL':<52} {tot['error']:>7} {tot['warning']:>9} {tot['note']:>6}")

    order = {"error": 0, "warning": 1, "note": 2}
    print("\n== per rule (count by level, files affected of %d, one example)" % len(files))
    for rid, r in sorted(per_rule.items(), key=lambda kv: (min(order.get(l, 3) for l in kv[1]["levels"]), kv[0])):
        levels = ", ".join(f"{n} {l}" for l, n in sorted(r["levels"].items(), key=lambda kv: order.get(kv[0], 3)))
        ex_file, ex_text = r["example"]
        if len(ex_text) > 300:
            ex_text = ex_text[:297] + "..."
        print(f"{rid} {r['name']}: {levels}; {len(r['files'])}/{len(files)} files")
        print(f"    e.g. {ex_file}: {ex_text}")
    print(f"\ncanary: GitHub rules triggered on the deliberately broken file: {', '.join(sorted(canary_rules)) or 'none'}")

    if failures:
        for f in failures:
            print(f"sarif-validate: validation failed: {f}", file=sys.stderr)
        sys.exit(2)
    bad = tot["error"] + tot["warning"]
    if bad and mode == "strict":
        print(f"sarif-validate: {tot['error']} errors and {tot['warning']} warnings in drlint's SARIF (strict mode)", file=sys.stderr)
        sys.exit(1)
    print(f"sarif-validate: {tot['error']} errors, {tot['warning']} warnings, {tot['note']} notes ({mode})")


if __name__ == "__main__":
    cmd = sys.argv[1] if len(sys.argv) > 1 else ""
    if cmd == "canary" and len(sys.argv) == 4:
        canary(sys.argv[2], sys.argv[3])
    elif cmd == "summarize" and len(sys.argv) == 6:
        summarize(*sys.argv[2:6])
    else:
        sys.exit(__doc__)
