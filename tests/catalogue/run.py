#!/usr/bin/env python3
"""The catalogue of bad inputs: runs every case of cases.tsv through the
coursecrew CLI, as a user runs it, and checks what happened.

    python3 run.py --cli build/bin/coursecrew [--work DIR] [--only REGEX] [--sanitized] [--xfail-known]

Per case: the exit status; no signal and no sanitizer report; the diagnostic
code (inspect: in the --json output; other commands: a regular expression
over stderr) and its place (file:line of that diagnostic, or a JSON pointer
or CSV line named on stderr); the store unchanged, absent, or still holding
the undelivered rows; wall time, peak memory (RSS of the CLI, from wait4) and
output size under the case's bounds; no secret in any output.

The columns of cases.tsv are described at its top. Cases with a `known`
entry fail today for a reason being fixed elsewhere (issue 10); they still
count as failures unless --xfail-known is given, which expects them to fail
and reports those that pass now.
"""
import argparse
import http.server
import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.dirname(os.path.dirname(HERE))
SAMPLE = os.path.join(SOURCE, "samples", "safety-basics")
sys.path.insert(0, HERE)
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
import gen  # noqa: E402  (beside this file; its INDEX page)

# Secrets the cases hand to the CLI: none may appear in any output.
SECRETS = {"file": "s3cr3t-from-file-0600", "env": "s3cr3t-from-env", "inline": "hunter2-inline"}
SANITIZER_MARKS = ("AddressSanitizer", "LeakSanitizer", "UndefinedBehaviorSanitizer", "runtime error:")
COLUMNS = ["name", "input", "run", "exit", "code", "where", "secs", "mb", "kb", "store", "known"]


# --- the cases ----------------------------------------------------------------------------------
def load_cases(path):
    cases = []
    for number, line in enumerate(open(path, encoding="utf-8"), 1):
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.rstrip("\n").split("\t")
        if len(fields) != len(COLUMNS):
            sys.exit("%s:%d: %d columns, expected %d (%s)" % (path, number, len(fields), len(COLUMNS),
                                                              " ".join(COLUMNS)))
        case = dict(zip(COLUMNS, (f.strip() for f in fields)))
        case["line"] = number
        cases.append(case)
    names = [c["name"] for c in cases]
    duplicates = {n for n in names if names.count(n) > 1}
    if duplicates:
        sys.exit("cases.tsv: duplicate names: " + ", ".join(sorted(duplicates)))
    return cases


# --- a scripted LRS -----------------------------------------------------------------------------
# Each scenario answers one kind of request badly; every other request gets a
# correct answer, so the case tests exactly that answer.
# Big bodies are built per request (a callable), so the runner stays small
# and each CLI it forks starts small.
HUGE = 32 << 20
DEEP = b"[" * 1_000_000 + b"]" * 1_000_000  # 2 MB
SCENARIOS = {
    "ok": {},
    "about-not-json": {"about": (200, b"<html>It works!</html>")},
    "about-truncated": {"about": (200, b'{"version": ["1.0.')},
    "about-wrong-types": {"about": (200, b'{"version": 103}')},
    "about-huge": {"about": (200, lambda: b'{"version": ["1.0.3"], "extensions": {"x": "' + b"x" * HUGE + b'"}}')},
    "about-deep": {"about": (200, lambda: b'{"version": ["1.0.3"], "x": ' + DEEP + b"}")},
    "about-length-lies-long": {"about": ("lie", 1000, b'{"version": ["1.0.3"]}')},
    "about-length-lies-short": {"about": ("lie", 5, b'{"version": ["1.0.3"]}')},
    "about-not-http": {"about": ("raw", b"SSH-2.0-OpenSSH_9.2\r\n")},
    "statements-cut": {"statements": ("lie", 4096, b'["')},
    "statements-not-json-500": {"statements": (500, lambda: b"<html>" + b"oops " * 200_000 + b"</html>")},
    "statements-retry-after-huge": {"statements": (503, b"", {"Retry-After": "99999999999999999999"})},
    "statements-hang": {"statements": ("hang",)},
    "document-not-json": {"get_document": (200, b"{not json")},
    "document-deep": {"get_document": (200, lambda: DEEP)},
    "document-wrong-types": {"get_document": (200, b'{"cells": "everything", "version": []}')},
    "document-huge": {"get_document": (200, lambda: b'{"x": "' + b"y" * HUGE + b'"}')},
}


class Lrs(http.server.ThreadingHTTPServer):
    daemon_threads = True
    scenario = {}
    puts = 0  # documents written

    def handle_error(self, request, client_address):
        # A client that gives up on a huge or endless answer closes the
        # connection: expected here, not worth a traceback.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class LrsHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def answer(self, status, body=b"", headers=None):
        self.send_response(status)
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def scripted(self, kind):
        rule = self.server.scenario.get(kind)
        if rule is None:
            return False
        if rule[0] == "lie":  # a Content-Length that is not the body's
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(rule[1]))
            self.end_headers()
            self.wfile.write(rule[2])
            self.wfile.flush()
            self.close_connection = True
        elif rule[0] == "raw":  # not HTTP at all
            self.wfile.write(rule[1])
            self.close_connection = True
        elif rule[0] == "hang":  # holds the request until the client gives up
            time.sleep(30)
            self.close_connection = True
        else:
            body = rule[1]() if callable(rule[1]) else rule[1]
            self.answer(rule[0], body, rule[2] if len(rule) > 2 else None)
        return True

    def body(self):
        return self.rfile.read(int(self.headers.get("Content-Length", 0)))

    def do_GET(self):
        if self.path.endswith("/about"):
            if not self.scripted("about"):
                self.answer(200, b'{"version": ["1.0.3"]}')
        elif "/activities/profile" in self.path:
            if not self.scripted("get_document"):
                self.answer(404, b"")
        else:
            self.answer(404, b"")

    def do_POST(self):
        data = self.body()
        if "/statements" in self.path and not self.scripted("statements"):
            ids = [s.get("id") for s in json.loads(data)]
            self.answer(200, json.dumps(ids).encode())

    def do_PUT(self):
        self.body()
        self.server.puts += 1
        if not self.scripted("put_document"):
            self.answer(204)


# --- running one case ---------------------------------------------------------------------------
class Result:
    def __init__(self):
        self.problems = []
        self.exit = None
        self.secs = 0.0
        self.mb = 0.0
        self.kb = 0.0


TIME = "/usr/bin/time"  # GNU time (Debian package "time"): the CLI's own peak RSS


def run_cli(cli, args, cwd, env, timeout):
    """Runs the CLI in cwd; returns (status, seconds, peak RSS in MB or None,
    stdout, stderr). status is the exit code, or -SIGNAL, or None on a timeout
    (then killed). The RSS comes from GNU time, which forks the CLI from its
    own small process: the RSS wait4 gives for a child of this (big) Python
    process would count the pages the child shared with it before exec."""
    out_path, err_path = os.path.join(cwd, ".stdout"), os.path.join(cwd, ".stderr")
    rss_path = os.path.join(cwd, ".rss")
    actions = [(os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
               (os.POSIX_SPAWN_OPEN, 1, out_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644),
               (os.POSIX_SPAWN_OPEN, 2, err_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)]
    measure = [TIME, "-f", "%M", "-o", rss_path] if os.access(TIME, os.X_OK) else []
    if os.path.exists(rss_path):
        os.unlink(rss_path)
    start = time.monotonic()
    pid = os.posix_spawn((measure or ["/usr/bin/env"])[0], measure + ["env", "-C", cwd, cli] + args, env,
                         file_actions=actions, setsid=True)
    status = None
    while True:
        done, wstatus, _ = os.wait4(pid, os.WNOHANG)
        if done:
            status = os.waitstatus_to_exitcode(wstatus)
            break
        if time.monotonic() - start > timeout:
            os.killpg(pid, signal.SIGKILL)
            os.wait4(pid, 0)
            break
        time.sleep(0.01)
    secs = time.monotonic() - start
    rss = None
    if measure and status is not None and os.path.exists(rss_path):
        lines = open(rss_path).read().splitlines()
        killed = [line for line in lines if line.startswith("Command terminated by signal")]
        if killed:  # time exits 128+N then; say it was a signal
            status = -int(killed[0].split()[-1])
        if lines and lines[-1].strip().isdigit():
            rss = int(lines[-1]) / 1024.0
    with open(out_path, "rb") as out, open(err_path, "rb") as err:
        return status, secs, rss, out.read(), err.read()


# The digest cache (file_digests) only remembers file hashes; a failed command
# may refresh it. Everything else must be left exactly as it was.
CACHE_TABLES = ("file_digests",)
# With a sync config every command first pulls the team's state from the LRS
# (one team, many seats); what that pull recorded (when it was tried, and why
# it failed) is not the failed command's doing. Cells it merged would be, and
# are still counted.
PULL_TABLES = ("pulls", "pull_state")
# The store's own identity (a random seat id, written when it is created):
# not content a command put there.
IDENTITY_TABLES = ("seat",)


def open_ro(path):
    return sqlite3.connect("file:%s?mode=ro" % path, uri=True)


def store_digest(path):
    """Every row of every table but the cache, in order, as bytes (a failed
    command must not leave invalid UTF-8 behind either): equal digests mean an
    unchanged store."""
    if not os.path.exists(path):
        return None
    db = open_ro(path)
    db.text_factory = bytes
    try:
        tables = [t.decode() for (t,) in db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        digest = []
        for t in tables:
            if t in CACHE_TABLES:
                continue
            columns = len(db.execute('SELECT * FROM "%s" LIMIT 0' % t).description)
            order = ", ".join(str(i + 1) for i in range(columns))
            digest.append((t, db.execute('SELECT * FROM "%s" ORDER BY %s' % (t, order)).fetchall()))
        return digest
    finally:
        db.close()


def content_rows(path):
    """'table: N rows, ...' for the tables (the cache aside) that hold rows."""
    db = open_ro(path)
    try:
        tables = [t for (t,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
                  if t not in CACHE_TABLES and t not in PULL_TABLES and t not in IDENTITY_TABLES]
        counts = [(t, db.execute('SELECT count(*) FROM "%s"' % t).fetchone()[0]) for t in tables]
        return ", ".join("%s: %d rows" % (t, n) for t, n in counts if n)
    finally:
        db.close()


def query_one(path, sql):
    """The first row of sql over the store, or None when there is no store."""
    if not os.path.exists(path):
        return None
    db = open_ro(path)
    try:
        return db.execute(sql).fetchone()
    finally:
        db.close()


def document_rows(path):
    """(module documents, of them still pending or dead-lettered)."""
    return query_one(path, "SELECT count(*), coalesce(sum(pending <> 0 OR dead <> 0), 0) FROM documents") or (0, 0)


def outbox_rows(path):
    """(events recorded for delivery, of them still queued or dead-lettered)."""
    return query_one(path, "SELECT (SELECT count(*) FROM events), (SELECT count(*) FROM outbox_pending)") or (0, 0)


class Runner:
    def __init__(self, args):
        self.cli = os.path.abspath(args.cli)
        self.work = os.path.abspath(args.work)
        self.sanitized = args.sanitized
        self.xfail_known = args.xfail_known
        # Sanitizers cost time and shadow memory: the bounds grow with them.
        self.time_scale = 6.0 if args.sanitized else 1.0
        self.mem_scale = 4.0 if args.sanitized else 1.0
        self.lrs = None
        self.env = dict(os.environ)
        self.env["LRS_SECRET"] = SECRETS["env"]
        self.env.pop("COURSECREW_PLUGIN", None)
        self.env.setdefault("ASAN_OPTIONS", "detect_leaks=1")

    def start_lrs(self):
        self.lrs = Lrs(("127.0.0.1", 0), LrsHandler)
        threading.Thread(target=self.lrs.serve_forever, daemon=True).start()

    def seed_store(self):
        """A store holding the sample course and one status change: what a
        failed command must leave exactly as it was."""
        seed = os.path.join(self.work, "seed")
        shutil.rmtree(seed, ignore_errors=True)
        os.makedirs(seed)
        store = os.path.join(seed, "state.db")
        for args in (["publish", SAMPLE, "--store", store],
                     ["status", "set", SAMPLE, "SCO-WELCOME", "writer", "in_progress", "--by", "ana@example.org",
                      "--store", store]):
            status, _, _, out, err = run_cli(self.cli, args, seed, self.env, 120)
            if status != 0:
                sys.exit("cannot seed the store (%s): %s" % (" ".join(args), err.decode(errors="replace")))
        db = sqlite3.connect(store)  # one file, no WAL beside it, so a copy is the whole store
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        db.close()
        return store

    def input_path(self, case):
        name = case["input"]
        if name.startswith("gen/"):
            return os.path.join(self.work, name)
        if name.startswith("lrs/") or name == "-":
            return None
        return os.path.join(HERE, "inputs", name)

    def prepare(self, case, casedir):
        """Expands the placeholders of the run column; returns (steps, store):
        the argument lists of its steps and the case's store path."""
        src = self.input_path(case)
        store = os.path.join(casedir, "state.db")
        with open(os.path.join(casedir, "secret.key"), "w") as f:
            f.write(SECRETS["file"])
        os.chmod(os.path.join(casedir, "secret.key"), 0o600)
        with open(os.path.join(casedir, "world.key"), "w") as f:
            f.write(SECRETS["file"])
        os.chmod(os.path.join(casedir, "world.key"), 0o644)

        def expand(match):
            key, _, arg = match.group(1).partition(":")
            if key == "in":
                return place(src, os.path.join(casedir, os.path.basename(src)))
            if key == "copy":
                return place(src, os.path.join(casedir, arg))
            if key == "pkg":  # a package folder: the input under this name, beside index.html
                pkg = os.path.join(casedir, "pkg")
                os.makedirs(pkg, exist_ok=True)
                place(src, os.path.join(pkg, arg))
                with open(os.path.join(pkg, "index.html"), "wb") as f:
                    f.write(gen.INDEX)
                return pkg
            if key == "gen":  # another generated input, read in place
                return os.path.join(self.work, "gen", arg)
            if key == "sample":
                return SAMPLE
            if key == "store":  # the seeded store
                if not os.path.exists(store):
                    shutil.copyfile(self.seed, store)
                return store
            if key == "newstore":  # a store that does not exist yet
                return store
            if key == "cfg":  # a sync config, pointing at the scripted LRS
                text = open(src if src else os.path.join(HERE, "inputs", "configs", "lrs.json"),
                            "rb").read()
                text = text.replace(b"@LRS@", b"http://127.0.0.1:%d/xAPI/" % self.lrs.server_address[1])
                text = text.replace(b"@INLINE_SECRET@", SECRETS["inline"].encode())
                dst = os.path.join(casedir, "config.json")
                with open(dst, "wb") as f:
                    f.write(text)
                return dst
            raise ValueError("unknown placeholder {%s}" % match.group(1))

        steps = [[re.sub(r"\{([^}]*)\}", expand, a) for a in step.split()]
                 for step in case["run"].split(";;")]
        return steps, store

    def run_case(self, case):
        r = Result()
        casedir = os.path.join(self.work, "cases", case["name"])
        shutil.rmtree(casedir, ignore_errors=True)
        os.makedirs(casedir)
        self.lrs.puts = 0
        self.lrs.scenario = SCENARIOS.get(case["input"][4:], {}) if case["input"].startswith("lrs/") else {}
        if case["input"].startswith("lrs/") and case["input"][4:] not in SCENARIOS:
            r.problems.append("unknown LRS scenario " + case["input"])
            return r
        try:
            steps, store = self.prepare(case, casedir)
        except (OSError, ValueError) as e:
            r.problems.append("setup: %s" % e)
            return r
        for step in steps[:-1]:  # the steps before the one under test must succeed
            status, _, _, _, err = run_cli(self.cli, step, casedir, self.env, 60 * self.time_scale)
            if status != 0:
                r.problems.append("setup step 'coursecrew %s' exited %s: %s" % (
                    " ".join(step[:2]), status, last_line(err.decode("utf-8", errors="replace"))))
                return r
        args = steps[-1]
        store_mode = case["store"]
        before = store_digest(store) if store_mode == "same" else None
        secs = float(case["secs"]) * self.time_scale
        status, r.secs, r.mb, out, err = run_cli(self.cli, args, casedir, self.env, secs)
        r.exit = status
        r.kb = (len(out) + len(err)) / 1024.0
        text_err = err.decode("utf-8", errors="replace")

        # No crash, no sanitizer report, within the bounds.
        if status is None:
            r.problems.append("timeout: killed after %.1f s" % secs)
        elif status < 0:
            r.problems.append("killed by signal %d (%s)" % (-status, signal.Signals(-status).name))
        for mark in SANITIZER_MARKS:
            if mark in text_err:
                r.problems.append("sanitizer report: " + first_line_with(text_err, mark))
                break
        if r.mb is None:
            r.mb = 0.0
            if status is not None:
                r.problems.append("peak memory not measured (install GNU time: apt-get install time)")
        elif r.mb > float(case["mb"]) * self.mem_scale:
            r.problems.append("peak memory %.0f MB over %s MB" % (r.mb, case["mb"]))
        if r.kb > float(case["kb"]):
            r.problems.append("output %.0f KB over %s KB" % (r.kb, case["kb"]))
        for kind, secret in SECRETS.items():
            if secret.encode() in out or secret.encode() in err:
                r.problems.append("the %s secret appears in the output" % kind)
            for name in sorted(os.listdir(casedir)):  # the store, its WAL and journal included
                if ".db" in name and secret.encode() in open(os.path.join(casedir, name), "rb").read():
                    r.problems.append("the %s secret is written in %s" % (kind, name))

        # The exit status, code and place.
        if status is not None and status >= 0 and str(status) != case["exit"]:
            r.problems.append("exit %d, expected %s: %s" % (status, case["exit"], last_line(text_err)))
        if status is not None and status >= 0:
            if args[0] == "inspect":
                self.check_diagnostic(case, out, r)
            else:
                self.check_message(case, out.decode("utf-8", errors="replace"), text_err, r)

        # The store.
        if store_mode == "same":
            after = store_digest(store)
            if after != before:
                changed = sorted({t for t, rows in (after or []) if (t, rows) not in (before or [])})
                r.problems.append("the store changed although the command failed (%s)" % (
                    ", ".join(changed) or "removed"))
        elif store_mode == "absent":
            for made in sorted(f for f in os.listdir(casedir) if f.endswith(".db")):
                rows = content_rows(os.path.join(casedir, made))
                if rows:
                    r.problems.append("the failed command left %s holding %s" % (made, rows))
        elif store_mode == "pending":
            events, pending = outbox_rows(store)
            if events == 0 or pending < events:
                r.problems.append("%d of %d events still queued (expected every one kept)" % (pending, events))
        elif store_mode == "documents-kept":
            # The LRS's document could not be read: ours must not replace it,
            # and stays queued.
            total, waiting = document_rows(store)
            if self.lrs.puts or total == 0 or waiting < total:
                r.problems.append("%d PUT(s) over a document that could not be read; %d of %d documents "
                                  "still queued" % (self.lrs.puts, waiting, total))
        elif store_mode == "delivered":
            events, pending = outbox_rows(store)
            if events == 0 or pending:
                r.problems.append("%d events, %d still queued after a successful sync" % (events, pending))
        return r

    def check_diagnostic(self, case, out, r):
        try:
            doc = json.loads(out)
        except ValueError:
            r.problems.append("stdout is not the inspect JSON (%d bytes)" % len(out))
            return
        diags = doc.get("diagnostics", [])
        if case["exit"] == "0" and not doc.get("usable"):
            r.problems.append("not usable: " + ", ".join(d["code"] for d in diags if d["severity"] == "error"))
        if case["code"] == "-":
            return
        found = [d for d in diags if d.get("code") == case["code"]]
        if not found:
            r.problems.append("no %s diagnostic; got %s" % (case["code"], ", ".join(
                sorted({d.get("code", "?") for d in diags})) or "none"))
            return
        where = case["where"]
        if where == "-":
            return
        file, _, line = where.rpartition(":")
        if not line.isdigit():  # no line given (a zip entry such as C:/x may hold ':')
            file, line = where, ""
        if not any(d.get("file") == file and (not line or str(d.get("line")) == line) for d in found):
            d = found[0]
            r.problems.append("%s at %s:%s, expected %s" % (case["code"], d.get("file"), d.get("line"), where))

    def check_message(self, case, out, err, r):
        code = case["code"]
        if code.startswith("!out:"):
            bad = re.search(code[5:], out, re.MULTILINE)
            if bad:
                r.problems.append("stdout matches /%s/: %r" % (code[5:], out[max(0, bad.start() - 40):bad.end() + 40]))
        elif code.startswith("out:"):
            if not re.search(code[4:], out, re.MULTILINE):
                r.problems.append("stdout does not match /%s/" % code[4:])
        elif code != "-" and not re.search(code, err):
            r.problems.append("stderr does not match /%s/: %s" % (code, last_line(err)))
        if case["where"] != "-" and case["where"] not in err:
            r.problems.append("stderr does not name %s" % case["where"])


def place(src, dst):
    """The input at dst: a hard link (the 300 MB sparse manifest stays a few
    KB on disk, and nothing is copied per case), else a copy."""
    try:
        os.link(src, dst)
    except OSError:
        shutil.copyfile(src, dst)
    return dst


def first_line_with(text, mark):
    return next((line.strip() for line in text.splitlines() if mark in line), mark)[:160]


def last_line(text):
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return (lines[-1] if lines else "(nothing on stderr)")[:160]


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--cli", required=True, help="the coursecrew executable")
    p.add_argument("--work", default=os.path.join(os.getcwd(), "catalogue-work"),
                   help="scratch folder (generated inputs, one folder per case)")
    p.add_argument("--only", help="run only the cases whose name matches this regular expression")
    p.add_argument("--sanitized", action="store_true", help="an ASan/UBSan build: wider time and memory bounds")
    p.add_argument("--xfail-known", action="store_true",
                   help="expect the cases with a `known` entry to fail; report those that pass")
    p.add_argument("--keep", action="store_true", help="keep the scratch folder")
    args = p.parse_args()

    cases = load_cases(os.path.join(HERE, "cases.tsv"))
    if args.only:
        cases = [c for c in cases if re.search(args.only, c["name"])]
    runner = Runner(args)
    shutil.rmtree(runner.work, ignore_errors=True)
    os.makedirs(runner.work)
    # In a child process: the runner stays small, and so does the peak RSS each
    # forked CLI inherits before exec.
    subprocess.run([sys.executable, os.path.join(HERE, "gen.py"), runner.work], check=True)
    runner.start_lrs()
    runner.seed = runner.seed_store()

    rows, failed, xfailed, xpassed = [], [], [], []
    for case in cases:
        r = runner.run_case(case)
        known = case["known"] != "-"
        if r.problems and known and args.xfail_known:
            verdict = "xfail"
            xfailed.append((case, r))
        elif r.problems:
            verdict = "FAIL"
            failed.append((case, r))
        elif known and args.xfail_known:
            verdict = "XPASS"
            xpassed.append((case, r))
        else:
            verdict = "ok"
        rows.append((case, r, verdict))
        print("%-5s %-40s exit %-4s %6.2f s %7.1f MB %8.1f KB" % (
            verdict, case["name"], "?" if r.exit is None else r.exit, r.secs, r.mb, r.kb), flush=True)

    def table(title, entries):
        print("\n%s (%d):" % (title, len(entries)))
        print("  %-38s %-5s %-28s %-26s %s" % ("case", "exit", "expected code", "expected where", "known"))
        for case, r in entries:
            print("  %-38s %-5s %-28s %-26s %s" % (case["name"], case["exit"], case["code"][:28],
                                                  case["where"][:26], case["known"]))
            for problem in r.problems:
                print("      - " + problem)
            print("      (cases.tsv line %d; input %s; run: coursecrew %s)" % (case["line"], case["input"],
                                                                           case["run"]))

    if failed:
        table("FAILED", failed)
    if xfailed:
        table("failing as known (issue 10, being fixed)", xfailed)
    if xpassed:
        table("known failures that now pass (remove their `known` entry)", xpassed)
    print("\n%d cases: %d ok, %d failed%s" % (
        len(rows), sum(1 for _, _, v in rows if v == "ok"), len(failed),
        ", %d known failures, %d now passing" % (len(xfailed), len(xpassed)) if args.xfail_known else ""))
    if not args.keep:
        # Keep only what explains a failure: the failed cases' folders (their
        # inputs are hard links, so they survive the generated set).
        if failed:
            shutil.rmtree(os.path.join(runner.work, "gen"), ignore_errors=True)
            for case, _, verdict in rows:
                if verdict != "FAIL":
                    shutil.rmtree(os.path.join(runner.work, "cases", case["name"]), ignore_errors=True)
            print("the failed cases' folders are kept in %s/cases" % runner.work)
        else:
            shutil.rmtree(runner.work, ignore_errors=True)
    runner.lrs.shutdown()
    # A known failure that now passes fails the run too: its `known` entry must go.
    return 1 if failed or xpassed else 0


if __name__ == "__main__":
    sys.exit(main())
