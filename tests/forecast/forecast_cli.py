#!/usr/bin/env python3
"""Issue 14 end to end: a team's history made with the real CLI, day by day
(`coursecrew status set --now DAY`), then reviews as of chosen days.

A SCORM 1.2 course written here: two modules x 30 pieces (each piece: a
page and an image, so a writer and an artist pair). The role map has a working calendar
(a holiday), two people, and due dates. From Monday 2026-11-02 on, on each
working day the writer marks three pairs of module m001 done and the artist
two; module m002 is left alone. Then:

  1. the review as of 2026-11-16 (after 10 working days; 30 writer and 20
     artist pairs done, 0 and 10 left): the forecast of m001 is exact (every
     sampled day is alike): the artist needs 5 working days, and the holiday
     on 2026-11-19 moves the finish to 2026-11-24 (p50 == p85), the artist
     is the bottleneck, m001's due date 2026-11-20 gives a forecast_late
     finding 2 working days late; m002 is stalled; the burn-up series hold
     the done line;
  2. replayed as of 2026-11-05 (--now): only the history up to that day
     counts (20 pairs done; too little history: 3 working days before it);
  3. --no-forecast: neither history nor forecast;
  4. the HTML page renders in headless Chromium at desktop and phone widths
     with its charts drawn (tests/html/render_check.sh); with --screenshot
     DIR the desktop picture of m001's chart is kept (the README's).

Usage: forecast_cli.py CLI WORK [--screenshot DIR]
"""
import json
import os
import shutil
import subprocess
import sys

CLI, WORK = sys.argv[1], sys.argv[2]
SHOT = sys.argv[sys.argv.index("--screenshot") + 1] if "--screenshot" in sys.argv else None
HERE = os.path.dirname(os.path.abspath(__file__))
RENDER = os.path.join(HERE, "..", "html", "render_check.sh")
failures = []


def check(ok, what):
    if not ok:
        failures.append(what)
        print("FAIL:", what)


def run(*args, ok=(0, 1)):
    p = subprocess.run([CLI, *args], capture_output=True, text=True)
    if p.returncode not in ok:
        sys.exit(f"coursecrew {' '.join(args)} exited {p.returncode}: {p.stderr}")
    return p


shutil.rmtree(WORK, ignore_errors=True)
os.makedirs(WORK)
course = os.path.join(WORK, "course")
os.makedirs(course)
items, resources = [], []
for m in (1, 2):
    children = []
    for n in range(1, 31):
        pid = f"m{m:03d}-p{n:03d}"
        children.append(f'<item identifier="{pid}" identifierref="r-{pid}"><title>Page {n}</title></item>')
        resources.append(f'<resource identifier="r-{pid}" type="webcontent" adlcp:scormtype="sco" '
                         f'href="{pid}/index.html"><file href="{pid}/index.html"/><file href="{pid}/photo.png"/></resource>')
        os.makedirs(os.path.join(course, pid))
        with open(os.path.join(course, pid, "index.html"), "w") as f:
            f.write(f"<html><body><h1>Page {n}</h1><img src='photo.png'></body></html>")
        with open(os.path.join(course, pid, "photo.png"), "wb") as f:
            f.write(b"\x89PNG\r\n\x1a\n" + bytes([m, n]))
    items.append(f'<item identifier="m{m:03d}"><title>Module {m}</title>{"".join(children)}</item>')
with open(os.path.join(course, "imsmanifest.xml"), "w") as f:
    f.write('<?xml version="1.0" encoding="UTF-8"?>\n<manifest identifier="com.example.forecast" version="1" '
            'xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2" xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2">'
            '<metadata><schema>ADL SCORM</schema><schemaversion>1.2</schemaversion></metadata>'
            '<organizations default="org"><organization identifier="org"><title>Forecast course</title>'
            + "".join(items) + '</organization></organizations><resources>' + "".join(resources) + '</resources></manifest>')
roles = os.path.join(WORK, "roles.json")
with open(roles, "w") as f:
    json.dump({
        "version": 1, "defaults": True,
        "calendar": {"holidays": ["2026-11-19"]},
        "people": [{"agent": {"mbox": "mailto:ana@example.org"}, "name": "Ana Lima", "roles": ["writer"]},
                   {"agent": {"mbox": "mailto:bo@example.org"}, "name": "Bo Stone", "roles": ["artist"]}],
        "schedule": [{"module": "m001", "due": "2026-11-20"}, {"module": "m002", "due": "2027-01-29"}],
    }, f)
store = os.path.join(WORK, "state.db")
ws = ["--roles", roles, "--store", store]
run("publish", course, *ws, "--now", "2026-11-02T08:00:00Z")

probe = json.loads(run("review", course, *ws, "--now", "2026-11-02T09:00:00Z", "--format", "json").stdout)
ids = [p["id"] for m in probe["modules"] if m["id"] == "m001" for p in m["pieces"]]
check(len(ids) == 30, f"m001 has 30 pieces: {len(ids)}")
days = ["2026-11-02", "2026-11-03", "2026-11-04", "2026-11-05", "2026-11-06",
        "2026-11-09", "2026-11-10", "2026-11-11", "2026-11-12", "2026-11-13"]
for d, day in enumerate(days):
    for k in range(3):
        run("status", "set", course, ids[d * 3 + k], "writer", "done", "--by", "Ana Lima", *ws,
            "--now", f"{day}T1{k}:00:00Z")
    for k in range(2):
        run("status", "set", course, ids[d * 2 + k], "artist", "done", "--by", "Bo Stone", *ws,
            "--now", f"{day}T1{k}:30:00Z")


def review(now, *extra, fmt="json"):
    return run("review", course, *ws, "--now", now, "--format", fmt, *extra).stdout


# 1. As of Monday 2026-11-16.
doc = json.loads(review("2026-11-16T12:00:00Z"))
mods = {m["id"]: m for m in doc["modules"]}
m1, m2 = mods["m001"], mods["m002"]
fc = m1.get("forecast", {})
check(fc.get("state") == "forecast", f"m001 forecast state: {fc}")
check(fc.get("as_of") == "2026-11-16", f"as_of: {fc.get('as_of')}")
# 10 artist pairs left at 2 a day: Tue 17, Wed 18, (Thu 19 holiday), Fri 20, Mon 23, Tue 24.
check(fc.get("p50") == "2026-11-24" and fc.get("p85") == "2026-11-24", f"p50/p85: {fc.get('p50')} {fc.get('p85')}")
check(fc.get("bottleneck") == "artist", f"bottleneck: {fc.get('bottleneck')}")
check(fc.get("late_days") == 2, f"late_days: {fc.get('late_days')}")
roles_fc = {r["role"]: r for r in fc.get("roles", [])}
check(roles_fc.get("writer", {}).get("state") == "done", f"writer: {roles_fc.get('writer')}")
check(roles_fc.get("artist", {}).get("remaining") == 10, f"artist remaining: {roles_fc.get('artist')}")
check(abs(roles_fc.get("artist", {}).get("throughput", 0) - 2.0) < 1e-9, f"artist throughput: {roles_fc.get('artist')}")
late = [f for f in doc["findings"] if f["kind"] == "forecast_late" and f.get("module") == "m001"]
check(len(late) >= 1 and "2026-11-24" in late[0]["message"] and "artist" in late[0]["message"].lower(),
      f"forecast_late finding: {late}")
check(m2.get("forecast", {}).get("state") in ("stalled", "too_little_history"), f"m002: {m2.get('forecast')}")
series = m1["history"]["overall"]
check(series[-1][0] == "2026-11-16" and series[-1][1] == 50 and series[-1][2] == 60, f"last point: {series[-1]}")
done_by_day = {p[0]: p[1] for p in series}
check(done_by_day.get("2026-11-02") == 5 and done_by_day.get("2026-11-06") == 25, f"series: {series}")
check("Ana Lima" in m1["history"]["by_person"], f"by person: {list(m1['history']['by_person'])}")

# 2. Replayed as of Thursday 2026-11-05 (a day counts whole: its tally holds all its changes).
early = {m["id"]: m for m in json.loads(review("2026-11-05T23:00:00Z"))["modules"]}["m001"]
check(early["forecast"]["state"] == "too_little_history", f"replay: {early['forecast']}")
check(early["history"]["overall"][-1][1] == 20, f"replay done: {early['history']['overall'][-1]}")

# 3. Without the forecast.
plain = {m["id"]: m for m in json.loads(review("2026-11-16T12:00:00Z", "--no-forecast"))["modules"]}["m001"]
check("forecast" not in plain and "history" not in plain, f"--no-forecast still has: {sorted(plain)}")

# The table and the series CSV.
table = review("2026-11-16T12:00:00Z", fmt="table")
check("2026-11-24" in table and "history:" in table, "the table shows the forecast and the sparkline")
csv = review("2026-11-16T12:00:00Z", "--series", fmt="csv")
check(csv.startswith("module,scope,key,date,done,total"), "series CSV header")
check("m001,module,m001,2026-11-16,50,60" in csv, "series CSV row of the day")

# 4. The page, in Chromium.
page = os.path.join(WORK, "review.html")
with open(page, "w") as f:
    f.write(review("2026-11-16T12:00:00Z", "--module", "m001", fmt="html"))
check("<svg" in open(page).read(), "the page has its chart")
shot = os.path.join(WORK, "review.png")
r = subprocess.run(["bash", RENDER, page, shot, '<meta name="generator" content="coursecrew ', ".burnup svg"],
                   capture_output=True, text=True)
if r.returncode == 77:
    print("skip: no Chromium for the render check")
else:
    check(r.returncode == 0, f"render check: {r.stdout}{r.stderr}")
    if SHOT and r.returncode == 0:
        os.makedirs(SHOT, exist_ok=True)
        shutil.copy(shot, os.path.join(SHOT, "forecast-review.png"))
        shutil.copy(shot.replace(".png", "-phone.png"), os.path.join(SHOT, "forecast-review-phone.png"))

if failures:
    sys.exit(f"{len(failures)} check(s) failed")
print("forecast_cli: all checks passed")
