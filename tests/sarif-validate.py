"""Helper of tests/sarif-validate.sh (python3 standard library only).

  sarif-validate.py canary SOURCE.sarif OUT.sarif
      Writes a copy of SOURCE (a drlint SARIF file with at least one result) whose results each
      break one of GitHub's rules, so the script can prove that the multitool really applies
      them with the configuration in use.

  sarif-validate.py summarize VALIDATION.sarif NAMES.tsv CANARY.sarif MODE
      Reads the multitool's validation log, adds the script's own checks (below), counts errors,
      warnings and notes per validated file and per rule, prints both tables, checks the canary,
      and exits 1 in strict mode when any file (other than the canary) has an error or a
      warning; 2 when the validation itself failed. NAMES.tsv: name, SARIF path, checkout root.

The script's own checks (errors), for what the multitool does not check:
  script/SARIF-3.27.10  a result whose kind is not "fail" must have level "none" (SARIF 2.1.0
                        section 3.27.10); code scanning shows `kind: review, level: note` as a note.
  script/URI-IN-CHECKOUT a relative result URI must name a file under the checkout root (the
                        folder a workflow runs drlint in), or code scanning cannot show the alert
                        in the file. Absolute URIs are left to GH1005/GH1006.
"""

import json
import os
import re
import sys
from collections import defaultdict
from urllib.parse import unquote, urlparse

# The GitHub rules the canary must trigger (GH1002 and GH1004 need code flows or >1000 results,
# which the canary does not carry; the large generated plan exercises GH1004).
CANARY_RULES = {"GH1001", "GH1003", "GH1005", "GH1006", "GH1007", "script/SARIF-3.27.10", "script/URI-IN-CHECKOUT"}
OWN_RULES = {
    "script/SARIF-3.27.10": "KindOtherThanFailHasLevelNone",
    "script/URI-IN-CHECKOUT": "RelativeUrisNameFilesInTheCheckout",
}


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
    review_note = copy()
    review_note["kind"], review_note["level"] = "review", "note"  # script/SARIF-3.27.10
    missing_file = copy()
    missing_file["locations"][0]["physicalLocation"]["artifactLocation"] = {"uri": "no/such/plan.json"}  # script/URI-IN-CHECKOUT
    run["results"] = [no_locations, no_start_line, web_uri, file_uri, no_text, review_note, missing_file]
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


def own_checks(sarif_path, root):
    """(rule id, level, message) of the script's own checks on one SARIF file."""
    with open(sarif_path, encoding="utf-8") as f:
        log = json.load(f)
    root = os.path.realpath(root)
    found = []
    for r, run in enumerate(log.get("runs", [])):
        bases = run.get("originalUriBaseIds", {})
        for i, res in enumerate(run.get("results", [])):
            ptr = f"runs[{r}].results[{i}]"
            kind, level = res.get("kind", "fail"), res.get("level")
            if kind != "fail" and level not in (None, "none"):
                found.append(("script/SARIF-3.27.10", f"{ptr}: kind '{kind}' with level '{level}': a result whose kind is not 'fail' must have level 'none' (SARIF 2.1.0 section 3.27.10)"))
            locs = [("locations", l) for l in res.get("locations", [])] + [("relatedLocations", l) for l in res.get("relatedLocations", [])]
            for j, (prop, loc) in enumerate(locs):
                art = loc.get("physicalLocation", {}).get("artifactLocation", {})
                uri = art.get("uri")
                if uri is None or urlparse(uri).scheme:
                    continue
                base = root
                base_uri = bases.get(art.get("uriBaseId", ""), {}).get("uri", "")
                if urlparse(base_uri).scheme == "file":
                    base = os.path.realpath(unquote(urlparse(base_uri).path))
                target = os.path.realpath(os.path.join(base, unquote(uri)))
                if not (target.startswith(root + os.sep) and os.path.isfile(target)):
                    found.append(("script/URI-IN-CHECKOUT", f"{ptr}.{prop}: '{uri}' does not name a file under the checkout root {root}"))
    return found


def summarize(validation, names_tsv, canary_path, mode):
    names, roots = {}, {}
    with open(names_tsv, encoding="utf-8") as f:
        for line in f:
            name, path, root = line.rstrip("\n").split("\t")
            names[os.path.realpath(path)] = name
            roots[os.path.realpath(path)] = root
    canary_real = os.path.realpath(canary_path)
    names[canary_real] = "(canary)"
    roots[canary_real] = os.getcwd()

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

    for real, name in names.items():
        for rid, text in own_checks(real, roots[real]):
            if real == canary_real:
                canary_rules.add(rid)
                continue
            per_file[name]["error"] += 1
            r = per_rule.setdefault(rid, {"name": OWN_RULES[rid], "levels": defaultdict(int), "files": set(), "example": None})
            r["levels"]["error"] += 1
            r["files"].add(name)
            if r["example"] is None:
                r["example"] = (name, text)

    missing = CANARY_RULES - canary_rules
    if missing:
        failures.append(
            "the canary file did not trigger " + ", ".join(sorted(missing))
            + ": GitHub's rules are not applied (check --rule-kind and tests/sarif-validate.config.xml against the multitool version)"
        )

    files = sorted(set(names.values()) - {"(canary)"})
    print(f"\n== per file ({len(files)} SARIF files validated; files without errors, warnings or notes are not listed)")
    w = max([len(n) for n in files] + [5])
    print(f"{'file':<{w}} {'errors':>7} {'warnings':>9} {'notes':>6}")
    tot = {"error": 0, "warning": 0, "note": 0}
    for name in files:
        c = per_file.get(name)
        if not c:
            continue
        for k in tot:
            tot[k] += c[k]
        print(f"{name:<{w}} {c['error']:>7} {c['warning']:>9} {c['note']:>6}")
    print(f"{'TOTAL':<{w}} {tot['error']:>7} {tot['warning']:>9} {tot['note']:>6}")

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
