#!/usr/bin/env python3
"""Turns the runs of `SUITE=peers bash benches/run.sh` (a CSV, one line per process run) into the
Markdown table of BENCHMARKS.md and a log-log scaling plot (SVG, no dependencies).

    python3 benches/report.py PLOT.svg RUNS.csv [MORE.csv ...] > table.md

Per tool and input: the best wall time of its runs, the largest peak RSS and the least CPU time
(user + system; steadier than wall time on a loaded machine). A run that hit the
timeout is shown as "> N s"; a tool that was not run is "-".
"""

import csv
import math
import sys
from collections import defaultdict

TOOLS = ["limit", "drlint", "checkov", "trivy"]
COLORS = {"limit": "#777777", "drlint": "#1f77b4", "checkov": "#d62728", "trivy": "#2ca02c"}
LABELS = {
    "limit": "parse limit (serde IgnoredAny)",
    "drlint": "drlint",
    "checkov": "Checkov 3.3.30",
    "trivy": "Trivy 0.76.0",
}


def load(paths):
    runs = defaultdict(list)  # (tool, input) -> [(wall, rss_kb, status, cpu)]
    inputs = {}  # input -> (resources, bytes), in file order
    for path in paths:
        with open(path, newline="") as f:
            for row in csv.DictReader(f):
                key = (row["tool"], row["input"])
                cpu = float(row.get("cpu_s") or "nan")
                runs[key].append((float(row["wall_s"]), int(row["rss_kb"]), row["status"], cpu))
                inputs.setdefault(row["input"], (int(row["resources"]), int(row["bytes"])))
    return runs, inputs


def best(runs, tool, name):
    """(best wall, max rss kb, timed_out) of the successful runs, or None."""
    rs = runs.get((tool, name))
    if not rs:
        return None
    ok = [r for r in rs if r[2] == "ok"]
    if not ok:
        return (max(r[0] for r in rs), max(r[1] for r in rs), True, max(r[3] for r in rs))
    return (min(r[0] for r in ok), max(r[1] for r in ok), False, min(r[3] for r in ok))


def fmt_s(b):
    if b is None:
        return "-"
    if b[2]:
        return f"> {b[0]:.0f} (timeout)"
    return f"{b[0]:.3f}" if b[0] < 10 else f"{b[0]:.1f}"


def table(runs, inputs):
    out = []
    out.append(
        "| input | resources | size (MB) | limit (s) | drlint (s) | drlint MB/s | drlint RSS (MB) "
        "| RSS / size | drlint / limit | CPU: drlint / limit | Checkov (s) | Checkov RSS (MB) | Checkov / drlint "
        "| Trivy (s) | Trivy RSS (MB) | Trivy / drlint |"
    )
    out.append("|" + "---|" * 16)
    for name, (n, size) in inputs.items():
        mb = size / 1e6
        lim, dr = best(runs, "limit", name), best(runs, "drlint", name)
        row = [name, f"{n:,}", f"{mb:.2f}" if mb < 10 else f"{mb:.0f}", fmt_s(lim), fmt_s(dr)]
        if dr and not dr[2] and dr[0] > 0:
            row += [f"{mb / dr[0]:.0f}", f"{dr[1] / 1024:.0f}", f"{dr[1] * 1024 / size:.2f}x"]
        else:
            row += ["-", "-", "-"]
        row.append(f"{dr[0] / lim[0]:.1f}x" if dr and lim and lim[0] > 0 else "-")
        row.append(f"{dr[3] / lim[3]:.1f}x" if dr and lim and lim[3] > 0 else "-")
        for peer in ("checkov", "trivy"):
            p = best(runs, peer, name)
            row += [fmt_s(p), f"{p[1] / 1024:.0f}" if p else "-"]
            if p and dr and dr[0] > 0:
                row.append(("> " if p[2] else "") + f"{p[0] / dr[0]:.0f}x")
            else:
                row.append("-")
        out.append("| " + " | ".join(row) + " |")
    return "\n".join(out)


def plot(runs, inputs, path):
    """Wall time against resources, log-log, minified inputs only (one per size)."""
    W, H, L, R, T, B = 800, 470, 70, 240, 30, 50
    pts = defaultdict(list)
    for name, (n, _) in inputs.items():
        if "pretty" in name:
            continue
        for tool in TOOLS:
            b = best(runs, tool, name)
            if b and b[0] > 0:
                pts[tool].append((n, b[0], b[2]))
    allx = [p[0] for ps in pts.values() for p in ps]
    ally = [p[1] for ps in pts.values() for p in ps]
    if not allx:
        return
    x0, x1 = math.floor(math.log10(min(allx))), math.ceil(math.log10(max(allx)))
    y0, y1 = math.floor(math.log10(min(ally))), math.ceil(math.log10(max(ally)))
    x1, y1 = max(x1, x0 + 1), max(y1, y0 + 1)

    def sx(v):
        return L + (math.log10(v) - x0) / (x1 - x0) * (W - L - R)

    def sy(v):
        return H - B - (math.log10(v) - y0) / (y1 - y0) * (H - T - B)

    s = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" '
        f'viewBox="0 0 {W} {H}" font-family="sans-serif" font-size="12">',
        f'<rect width="{W}" height="{H}" fill="white"/>',
        f'<text x="{L}" y="18" font-size="14">Wall time per whole process (best run), '
        "generated two-region plans, log-log</text>",
    ]
    for e in range(x0, x1 + 1):
        x = sx(10**e)
        s.append(f'<line x1="{x:.1f}" y1="{T}" x2="{x:.1f}" y2="{H - B}" stroke="#ddd"/>')
        s.append(f'<text x="{x:.1f}" y="{H - B + 16}" text-anchor="middle">{10**e:,}</text>')
    for e in range(y0, y1 + 1):
        y = sy(10**e)
        label = f"{10.0**e:g} s"
        s.append(f'<line x1="{L}" y1="{y:.1f}" x2="{W - R}" y2="{y:.1f}" stroke="#ddd"/>')
        s.append(f'<text x="{L - 6}" y="{y + 4:.1f}" text-anchor="end">{label}</text>')
    s.append(
        f'<text x="{(L + W - R) / 2:.0f}" y="{H - 12}" text-anchor="middle">resources in the plan</text>'
    )
    s.append(f'<rect x="{L}" y="{T}" width="{W - L - R}" height="{H - T - B}" fill="none" stroke="#333"/>')
    ly = T + 10
    for tool in TOOLS:
        ps = sorted(pts.get(tool, []))
        if not ps:
            continue
        c = COLORS[tool]
        line = " ".join(f"{sx(n):.1f},{sy(t):.1f}" for n, t, _ in ps)
        dash = ' stroke-dasharray="5,4"' if tool == "limit" else ""
        s.append(f'<polyline points="{line}" fill="none" stroke="{c}" stroke-width="2"{dash}/>')
        for n, t, timeout in ps:
            fill = "white" if timeout else c
            s.append(f'<circle cx="{sx(n):.1f}" cy="{sy(t):.1f}" r="4" fill="{fill}" stroke="{c}"/>')
        s.append(f'<line x1="{W - R + 12}" y1="{ly}" x2="{W - R + 36}" y2="{ly}" stroke="{c}" stroke-width="2"{dash}/>')
        s.append(f'<text x="{W - R + 42}" y="{ly + 4}">{LABELS[tool]}</text>')
        ly += 20
    s.append(f'<text x="{W - R + 12}" y="{ly + 8}" fill="#555">open circle: timed out</text>')
    s.append("</svg>")
    with open(path, "w") as f:
        f.write("\n".join(s) + "\n")


def main():
    if len(sys.argv) < 3:
        sys.exit("usage: report.py PLOT.svg RUNS.csv [MORE.csv ...]")
    runs, inputs = load(sys.argv[2:])
    print(table(runs, inputs))
    plot(runs, inputs, sys.argv[1])


if __name__ == "__main__":
    main()
