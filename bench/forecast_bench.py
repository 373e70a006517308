#!/usr/bin/env python3
"""Issue 14 benchmark: the review with its forecast, against the review without.

In one run:
  1. a 200 modules x 100 pieces course (cc_gen_scorm DIR 200 100 3 --with-files:
     20,000 pieces, 60,000 pairs) is published a year before the review day with a role map
     of five roles, eight people, a due date per module and a working calendar;
  2. a year of history is written into the store: about a million status
     changes (in_progress, in_review, rework, done, and content reopening done
     pairs), module after module, as a team working through the course would
     leave them; the store's daily tallies follow through its own trigger;
  3. `coursecrew review --format json` (and --format html) as of the review
     day, with the forecast and with --no-forecast, alternating, PAIRS times:
     the median of each, and the median of the per-pair ratios.

Usage: bench/forecast_bench.py [BUILD_DIR=build] [PAIRS=7]
"""
import json
import os
import random
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "build"))
PAIRS = int(sys.argv[2]) if len(sys.argv) > 2 else 7
BIN = os.path.join(BUILD, "bin")
CLI = os.path.join(BIN, "coursecrew")
DAY = 86400
REVIEW_DAY = "2026-12-04"       # a Friday
START = 1764806400              # 2025-12-04T00:00:00Z: a year before the review day
TARGET_ROWS = 1_000_000


def run(args):
    t = time.perf_counter()
    p = subprocess.run(args, capture_output=True, text=True)
    elapsed = time.perf_counter() - t
    if p.returncode not in (0, 1):  # 1: findings (overdue work) are not a failure here
        sys.exit(f"{' '.join(args)} exited {p.returncode}: {p.stderr[-2000:]}")
    return p, elapsed


def role_map(path, modules):
    people = [
        ("ana", "Ana Lima", ["writer"]), ("bo", "Bo Stone", ["writer"]),
        ("chen", "Chen Wei", ["designer"]), ("dora", "Dora Kent", ["designer", "reviewer"]),
        ("eli", "Eli Park", ["artist"]), ("fay", "Fay Moss", ["artist"]),
        ("gus", "Gus Hale", ["expert"]), ("hana", "Hana Ito", ["reviewer"]),
    ]
    due = []
    for i, m in enumerate(modules):
        # Module i is due about 1.6 days after module i-1, the last ones after the review day.
        y, mo, d = time.gmtime(START + DAY * (40 + int(i * 1.75)))[:3]
        due.append({"module": m, "due": f"{y:04d}-{mo:02d}-{d:02d}"})
    doc = {
        "version": 1,
        "defaults": True,
        "calendar": {"working_days": ["mon", "tue", "wed", "thu", "fri"],
                     "holidays": ["2025-12-25", "2025-12-26", "2026-01-01", "2026-05-01", "2026-12-24", "2026-12-25"]},
        "people": [{"agent": {"mbox": f"mailto:{k}@example.org"}, "name": n, "roles": r} for k, n, r in people],
        "schedule": due,
    }
    doc["people"][0]["away"] = [{"from": "2026-12-07", "to": "2026-12-11"}]
    with open(path, "w") as f:
        json.dump(doc, f)
    return [n for _, n, _ in people]


def write_history(store, names):
    db = sqlite3.connect(store)
    course = db.execute("SELECT DISTINCT course FROM pairs").fetchone()[0]
    rows = db.execute("SELECT p.piece, p.role, pc.module FROM pairs p JOIN pieces pc USING (course, piece) "
                      "WHERE p.course = ? ORDER BY pc.module, p.piece, p.role", (course,)).fetchall()
    modules = sorted({m for _, _, m in rows})
    order = {m: i for i, m in enumerate(modules)}
    per_pair = max(3, TARGET_ROWS // len(rows))
    end = START + 365 * DAY
    rng = random.Random(14)
    history, finals = [], []
    for piece, role, module in rows:
        # The team works through the modules in order: module i from about day 1.6 i.
        t = START + DAY * (int(order[module] * 1.6) + rng.randint(1, 30)) + rng.randint(8, 17) * 3600
        status = "not_started"
        for k in range(per_pair):
            if t >= end:
                break
            if k == per_pair - 1 or (k >= 4 and rng.random() < 0.08):
                nxt = "done"
            elif status == "done":
                nxt = "in_progress"  # content changed after done
            elif status == "in_progress":
                nxt = "in_review"
            else:
                nxt = "in_progress"
            kind = "content_changed_after_done" if status == "done" else "status"
            history.append((course, piece, role, status, nxt, names[rng.randrange(len(names))], "", t, "", kind))
            status = nxt
            t += rng.randint(1800, int(DAY * 2.5))
        finals.append((status, min(t, end), course, piece, role))
    t0 = time.perf_counter()
    with db:
        db.executemany('INSERT INTO history (course, piece, role, from_status, to_status, "by", note, at, '
                       "fingerprint, kind) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", history)
        db.executemany("UPDATE pairs SET status = ?, since = ? WHERE course = ? AND piece = ? AND role = ?", finals)
    n = db.execute("SELECT count(*) FROM history").fetchone()[0]
    tallies = db.execute("SELECT count(*) FROM sqlite_master WHERE type = 'trigger'").fetchone()[0]
    db.close()
    print(f"history: {n:,} rows written in {time.perf_counter() - t0:.1f} s ({tallies} trigger(s) keep the tallies); "
          f"{len(rows):,} pairs, {len(modules)} modules")


def main():
    work = tempfile.mkdtemp(prefix="cc-forecast-bench-")
    course = os.path.join(work, "course")
    os.makedirs(course)
    subprocess.run([os.path.join(BIN, "cc_gen_scorm"), course, "200", "100", "3", "--with-files"], check=True,
                   capture_output=True)
    modules = [f"m{i:03d}" for i in range(1, 201)]
    roles = os.path.join(work, "roles.json")
    names = role_map(roles, modules)
    store = os.path.join(work, "state.db")
    start_day = time.strftime("%Y-%m-%d", time.gmtime(START))
    run([CLI, "publish", course, "--roles", roles, "--store", store, "--now", start_day])
    write_history(store, names)
    base = [CLI, "review", course, "--roles", roles, "--store", store, "--now", REVIEW_DAY]
    for fmt in ("json", "html"):
        with_f, without, ratio = [], [], []
        out, _ = run(base + ["--format", fmt])
        plain, _ = run(base + ["--format", fmt, "--no-forecast"])
        for _ in range(PAIRS):
            _, a = run(base + ["--format", fmt])
            _, b = run(base + ["--format", fmt, "--no-forecast"])
            with_f.append(a)
            without.append(b)
            ratio.append(a / b)
        print(f"review --format {fmt}: with forecast median {statistics.median(with_f) * 1e3:.0f} ms "
              f"({len(out.stdout):,} bytes), without {statistics.median(without) * 1e3:.0f} ms "
              f"({len(plain.stdout):,} bytes); ratio median of {PAIRS} pairs {statistics.median(ratio):.2f}x "
              f"(target <= 2x)")
    if fmt == "html" and os.environ.get("KEEP"):
        print("kept:", work)
    else:
        subprocess.run(["rm", "-rf", work])


if __name__ == "__main__":
    main()
