#!/usr/bin/env python3
"""Issue 13 benchmark: pulling the team's state of a 200-module course.

In one run, against the local LRS (tests/lrs/harness.js, through its proxy,
which counts requests):
  1. seat A publishes a 200 modules x 100 pieces course (cc_gen_scorm) and
     syncs: 200 module documents and the course index in the LRS;
  2. seat B publishes the same course (no pull), then pulls once: every
     module is new to it (the first pull, merged in full);
  3. nothing changed: `coursecrew pull` on seat B against one curl process
     GETting the 200 module documents one after the other (keep-alive), in
     alternating pairs; the median of the per-pair ratios, and the requests
     the proxy counted per pull;
  4. one module changed (seat A sets one status and syncs): what seat B's
     pull fetched and merged, and the requests it made.

Usage: bench/pull_bench.py [BUILD_DIR=build] [PAIRS=11]
Needs: BUILD_DIR/bin/coursecrew and cc_gen_scorm, node 20 with
tests/lrs/node_modules (scripts/install-deps.sh), curl.
"""
import json
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "build"))
PAIRS = int(sys.argv[2]) if len(sys.argv) > 2 else 11
CLI = os.path.join(BUILD, "bin", "coursecrew")
IRI = "https://example.org/courses/pull-bench"
PROFILE = "https://w3id.org/xapi/coursecrew/documents/module-status"


def run(args, cwd, check=True):
    t = time.perf_counter()
    p = subprocess.run(args, cwd=cwd, capture_output=True, text=True, env=dict(os.environ, CC_BENCH_SECRET="bench"))
    elapsed = time.perf_counter() - t
    if check and p.returncode != 0:
        sys.exit(f"{' '.join(args)} exited {p.returncode}: {p.stderr}")
    return p, elapsed


def control(ready, path, body=None):
    req = urllib.request.Request(ready["control"] + path.lstrip("/"), data=body, method="POST" if body is not None else "GET")
    with urllib.request.urlopen(req) as r:
        return json.loads(r.read() or b"{}")


def seat(work, name, endpoint):
    d = os.path.join(work, name)
    os.makedirs(d)
    with open(os.path.join(d, "coursecrew.json"), "w") as f:
        json.dump({"course_iri": IRI, "store": "state.db",
                   "targets": [{"name": "lms", "kind": "xapi", "endpoint": endpoint,
                                "auth": {"type": "basic", "username": "bench", "password": {"env": "CC_BENCH_SECRET"}}}],
                   "pull": {"timeout_ms": 600000}}, f)
    return d


def main():
    work = tempfile.mkdtemp(prefix="cc-pull-bench-")
    course = os.path.join(work, "course")
    os.makedirs(course)
    subprocess.run([os.path.join(BUILD, "bin", "cc_gen_scorm"), course, "200", "100", "1", "--with-files"],
                   check=True, capture_output=True)
    ready_file = os.path.join(work, "ready.json")
    harness = subprocess.Popen(["node", os.path.join(ROOT, "tests/lrs/harness.js"), "--ready-file", ready_file, "--no-stdin"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(600):
            if os.path.exists(ready_file) and os.path.getsize(ready_file) > 0:
                break
            time.sleep(0.1)
        ready = json.load(open(ready_file))
        a = seat(work, "a", ready["proxy"])
        b = seat(work, "b", ready["proxy"])

        _, t = run([CLI, "publish", course, "--config", "coursecrew.json", "--timeout", "900"], a)
        print(f"seat A: publish and sync of 200 module documents: {t:.2f} s")
        run([CLI, "publish", course, "--config", "coursecrew.json", "--no-pull", "--no-wait"], b)
        p, t = run([CLI, "pull", "--config", "coursecrew.json", "--json"], b)
        first = json.loads(p.stdout)["targets"][0]
        print(f"seat B: first pull: {t:.3f} s, {first['modules_fetched']} modules fetched, "
              f"{first['modules_merged']} merged, {first['team_cells']} team cells")

        # The baseline: the same 200 documents, one curl process, one after the other.
        db = sqlite3.connect(os.path.join(b, "state.db"))
        modules = [r[0] for r in db.execute("SELECT DISTINCT module FROM pieces ORDER BY module")]
        db.close()
        urls = os.path.join(work, "urls.cfg")
        with open(urls, "w") as f:
            f.write('header = "X-Experience-API-Version: 1.0.3"\nuser = "bench:bench"\n')
            for m in modules:
                q = urllib.parse.urlencode({"activityId": f"{IRI}/modules/{m}", "profileId": PROFILE})
                f.write(f'url = "{ready["proxy"]}activities/profile?{q}"\noutput = "/dev/null"\n')
        p, t_curl = run(["curl", "-sS", "--fail", "-K", urls], work)
        first_ratio = t / t_curl

        # Nothing changed: ours and curl in alternating pairs.
        control(ready, "/reset", b"")
        ours, theirs, ratios = [], [], []
        for i in range(PAIRS):
            for which in ((0, 1) if i % 2 == 0 else (1, 0)):
                if which == 0:
                    p, t = run([CLI, "pull", "--config", "coursecrew.json", "--json"], b)
                    got = json.loads(p.stdout)["targets"][0]
                    assert got["modules_fetched"] == 0 and got["modules_merged"] == 0, got
                    ours.append(t)
                else:
                    _, t = run(["curl", "-sS", "--fail", "-K", urls], work)
                    theirs.append(t)
            ratios.append(ours[-1] / theirs[-1])
        stats = control(ready, "/stats")
        profile_gets = stats["requests"].get("GET /xAPI/activities/profile", 0) - PAIRS * len(modules)
        print(f"unchanged pull: ours median {statistics.median(ours) * 1000:.1f} ms, "
              f"curl x{len(modules)} median {statistics.median(theirs) * 1000:.1f} ms, "
              f"median ratio {statistics.median(ratios):.3f}x (target <= 1.2x), "
              f"{profile_gets / PAIRS:.1f} document requests per pull (the course index)")
        print(f"first pull (all {len(modules)} modules new, merged): {first_ratio:.2f}x one curl of the 200 documents")

        # One module changed on seat A.
        db = sqlite3.connect(os.path.join(a, "state.db"))
        piece, role, module = db.execute(
            "SELECT p.piece, p.role, pc.module FROM pairs p JOIN pieces pc USING (course, piece) "
            "ORDER BY pc.module DESC, p.piece LIMIT 1").fetchone()
        db.close()
        run([CLI, "status", "set", course, piece, role, "done", "--by", "ana@example.org", "--config",
             "coursecrew.json", "--no-pull"], a)
        control(ready, "/reset", b"")
        p, t = run([CLI, "pull", "--config", "coursecrew.json", "--json"], b)
        got = json.loads(p.stdout)["targets"][0]
        stats = control(ready, "/stats")
        print(f"one module changed ({module}): pull {t * 1000:.1f} ms, {got['modules_fetched']} fetched, "
              f"{got['modules_merged']} merged, {got['cells_changed']} pair changed, "
              f"{stats['requests'].get('GET /xAPI/activities/profile', 0)} document requests")
        db = sqlite3.connect(os.path.join(b, "state.db"))
        row = db.execute("SELECT status, \"by\", remote FROM pairs WHERE piece = ? AND role = ?", (piece, role)).fetchone()
        db.close()
        print(f"seat B now has {piece}/{role}: {row}")
    finally:
        harness.terminate()
        harness.wait()
        subprocess.run(["rm", "-rf", work])


if __name__ == "__main__":
    main()
