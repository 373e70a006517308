#!/usr/bin/env python3
"""Issue 13 end to end: several seats (separate `coursecrew` processes, each
with its own SQLite store) share one real LRS (Learning Locker's services
behind tests/lrs/harness.js's fault-injecting proxy) through the same sync
config, and each reads the team's module status documents back (the pull).

Scenarios (each can fail; --only NAME runs some of them):
  two_seats  A's change shows on B's review (table, JSON, CSV, HTML) with its
             author, marked as from another seat; and the reverse.
  three      three seats, 300 status changes in seeded random order, new
             package versions in between, the proxy cutting and refusing,
             one seat offline for half of the run: at the end the three
             reviews, the LRS documents and the record of the last change per
             cell agree, and the LRS holds exactly one statement per change.
  race       a seat pulls in a loop while another writes the same module
             document, with a delayed read that provokes a 412; both converge.
  offline    the LRS refusing, then a closed port: review exits 0 and says so,
             pull exits 4, the local state is intact; the pull is bounded by
             its timeout when the LRS hangs.
  scale      50 seats x 20 changes on a 200-module course (cc_gen_scorm):
             the 50 reviews are identical; the Activity Profile GETs grow with
             the modules changed, not with the course size (bound per run, and
             the same change set on a 50- and a 200-module course).

Usage: team_test.py --cli coursecrew --source ROOT --work DIR [--gen cc_gen_scorm]
                    [--seed N] [--only two_seats,three,...] [--keep]
Exit 77 (skipped) where Node.js or tests/lrs/node_modules is missing.
"""
import argparse
import base64
import calendar
import concurrent.futures
import csv
import io
import json
import os
import random
import re
import shutil
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

PROFILE = 'https://w3id.org/xapi/coursecrew'
DOC_STATUS = PROFILE + '/documents/module-status'
DOC_INDEX = PROFILE + '/documents/course-index'
VERB_STATUS = PROFILE + '/verbs/changed-status'
VERB_REOPENED = PROFILE + '/verbs/reopened'
VERB_PROGRESSED = 'http://adlnet.gov/expapi/verbs/progressed'
SECRET = 'team-test-secret-5d21'  # must never show up in output
PEOPLE = ['Ana Lima', 'Bob Stone', 'Chen Wei', 'Dora Kent', 'Eli Park']
STATUSES = ['not_started', 'in_progress', 'in_review', 'done', 'blocked']
SAMPLE_ID = 'com.example.safety-basics'

ARGS = None
T0 = time.monotonic()
ENV = dict(os.environ)
ENV['CC_LRS_SECRET'] = SECRET
ENV['NO_PROXY'] = ENV['no_proxy'] = '127.0.0.1,localhost'
ENV.pop('COURSECREW_PLUGIN', None)
TIMINGS = {}       # command name -> [count, total seconds, max seconds]
TIMINGS_LOCK = threading.Lock()


class Failure(Exception):
    pass


def log(msg):
    print('[%7.1fs] %s' % (time.monotonic() - T0, msg), flush=True)


def check(cond, msg):
    if not cond:
        raise Failure(msg)


def iso(t):
    return time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime(t))


def unix(text):
    return calendar.timegm(time.strptime(text, '%Y-%m-%dT%H:%M:%SZ'))


def cell_key(status, by, note, at):
    """The order every seat uses for the versions of one (piece, role) cell
    (issue 13): a real change beats a cell nobody touched (not_started by
    coursecrew); then the later change; a same-second tie goes to the
    greater (by, status, note). (A seat records its change a second after the
    cell's last change it knows, when that is the same second.)"""
    untouched = by == 'coursecrew' and status == 'not_started'
    return (not untouched, at, by or '', status, note or '')


# ---- HTTP (the test's own requests: never through the proxy's faults) ------

_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def http(method, url, body=None, timeout=60):
    data = body.encode() if isinstance(body, str) else body
    req = urllib.request.Request(url, data=data, method=method)
    req.add_header('X-Experience-API-Version', '1.0.3')
    req.add_header('Authorization', 'Basic ' + base64.b64encode(b'test:test').decode())
    if data is not None:
        req.add_header('Content-Type', 'application/json')
    try:
        with _OPENER.open(req, timeout=timeout) as r:
            return r.status, r.read().decode('utf-8', 'replace')
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode('utf-8', 'replace')


def closed_port():
    """A loopback port nothing listens on (bound, then closed)."""
    s = socket.socket()
    s.bind(('127.0.0.1', 0))
    port = s.getsockname()[1]
    s.close()
    return port


# ---- the LRS ---------------------------------------------------------------

class LRS:
    """tests/lrs/harness.js: Learning Locker's services behind the proxy."""

    def __init__(self, work):
        self.dir = os.path.join(work, 'lrs')
        shutil.rmtree(self.dir, ignore_errors=True)
        os.makedirs(self.dir)
        ready = os.path.join(self.dir, 'ready.json')
        self.log_path = os.path.join(self.dir, 'harness.log')
        self.log_file = open(self.log_path, 'w')
        # stdin stays a pipe: the harness exits when it closes, even if we crash.
        self.proc = subprocess.Popen(
            ['node', os.path.join(ARGS.source, 'tests/lrs/harness.js'), '--ready-file', ready,
             '--work', os.path.join(self.dir, 'services')],
            stdin=subprocess.PIPE, stdout=self.log_file, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 120
        while not os.path.exists(ready):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise Failure('the LRS harness did not start; its log:\n' + open(self.log_path).read()[-3000:])
            time.sleep(0.1)
        with open(ready) as f:
            d = json.load(f)
        self.proxy = d['proxy']
        self.statements_url = d['direct']['statements']
        self.activities_url = d['direct']['activities']
        self.control = d['control']
        self.pid = self.proc.pid
        log('LRS at %s (harness pid %d)' % (self.proxy, self.pid))

    def stop(self):
        if self.proc and self.proc.poll() is None:
            try:
                self.proc.stdin.close()
            except OSError:
                pass
            self.proc.terminate()
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log_file.close()

    def faults(self, rules):
        st, body = http('POST', self.control + 'faults', json.dumps(rules))
        check(st == 200, 'POST /faults: %s %s' % (st, body))

    def reset(self):
        st, body = http('POST', self.control + 'reset', '{}')
        check(st == 200, 'POST /reset: %s %s' % (st, body))

    def stats(self):
        st, body = http('GET', self.control + 'stats')
        check(st == 200, 'GET /stats: %s' % st)
        return json.loads(body)

    def statements(self, course_iri):
        """Every statement about the course (its grouping), in one page (see
        lrs_tests.cpp: the in-memory LRS's paging can repeat statements)."""
        st, body = http('GET', self.statements_url + 'statements?limit=1000000', timeout=120)
        check(st == 200, 'GET statements: %s %s' % (st, body[:300]))
        out = []
        for s in json.loads(body)['statements']:
            ca = s.get('context', {}).get('contextActivities', {})
            ids = [a.get('id') for a in ca.get('grouping', [])] + [s.get('object', {}).get('id')]
            if course_iri in ids:
                out.append(s)
        return out

    def document(self, activity, profile):
        q = urllib.parse.urlencode({'activityId': activity, 'profileId': profile})
        st, body = http('GET', self.activities_url + 'activities/profile?' + q)
        if st == 404:
            return None
        check(st == 200, 'GET document %s: %s %s' % (activity, st, body[:300]))
        return json.loads(body)


# ---- packages --------------------------------------------------------------

def sample_versions(root):
    """v1: the sample. v2: a new piece SCO-EXTRA (new file) in MOD-HAZARDS and
    a changed intro/welcome.html (its done pairs reopen). v3: a changed
    hazards/fire.html and SCO-SLIPS removed. Returns {1: path, 2: path, 3: path}."""
    sample = os.path.join(ARGS.source, 'samples/safety-basics')
    paths = {}
    for v in (1, 2, 3):
        paths[v] = os.path.join(root, 'course-v%d' % v)
        shutil.rmtree(paths[v], ignore_errors=True)
    shutil.copytree(sample, paths[1])
    shutil.copytree(sample, paths[2])
    man2 = os.path.join(paths[2], 'imsmanifest.xml')
    with open(man2) as f:
        text = f.read()
    item = ('        <item identifier="SCO-EXTRA" identifierref="RES-EXTRA">\n'
            '          <title>Ladders and heights</title>\n'
            '          <imsss:sequencing IDRef="SEQ-CONTENT"/>\n'
            '        </item>\n')
    anchor = '          <title>Fire and electrical hazards</title>\n          <imsss:sequencing IDRef="SEQ-CONTENT"/>\n        </item>\n'
    check(anchor in text, 'the sample manifest changed: no SCO-FIRE item to add after')
    text = text.replace(anchor, anchor + item, 1)
    res = ('    <resource identifier="RES-EXTRA" type="webcontent" adlcp:scormType="sco" href="hazards/extra.html">\n'
           '      <file href="hazards/extra.html"/>\n'
           '      <dependency identifierref="RES-COMMON"/>\n'
           '    </resource>\n')
    text = text.replace('    <resource identifier="RES-QUIZ"', res + '    <resource identifier="RES-QUIZ"', 1)
    with open(man2, 'w') as f:
        f.write(text)
    with open(os.path.join(paths[2], 'hazards/extra.html'), 'w') as f:
        f.write('<!DOCTYPE html><html><head><title>Ladders</title></head><body><p>Three points of contact.</p></body></html>\n')
    with open(os.path.join(paths[2], 'intro/welcome.html'), 'a') as f:
        f.write('<!-- v2: new welcome text -->\n')
    shutil.copytree(paths[2], paths[3])
    man3 = os.path.join(paths[3], 'imsmanifest.xml')
    with open(man3) as f:
        text = f.read()
    text = re.sub(r'\s*<item identifier="SCO-SLIPS".*?</item>', '', text, count=1, flags=re.S)
    text = re.sub(r'\s*<resource identifier="RES-SLIPS".*?</resource>', '', text, count=1, flags=re.S)
    check('SCO-SLIPS' not in text and 'SCO-EXTRA' in text, 'v3 is not v2 without SCO-SLIPS')
    with open(man3, 'w') as f:
        f.write(text)
    with open(os.path.join(paths[3], 'hazards/fire.html'), 'a') as f:
        f.write('<!-- v3: new fire text -->\n')
    return paths


# ---- a seat ----------------------------------------------------------------

class Seat:
    """One author's machine: its own folder, sync config and store."""

    def __init__(self, lrs, group, name, course_iri, endpoint=None, roles=True, pull_timeout_ms=3000,
                 retry=(100, 1000), request_timeout_ms=10000):
        self.lrs, self.name, self.course_iri = lrs, name, course_iri
        self.dir = os.path.join(ARGS.work, group, name)
        shutil.rmtree(self.dir, ignore_errors=True)
        os.makedirs(self.dir)
        self.config = os.path.join(self.dir, 'coursecrew.json')
        self.store = os.path.join(self.dir, 'state.db')
        self.roles = os.path.join(ARGS.source, 'samples/safety-basics.roles.json') if roles else None
        self.pull_timeout_ms, self.retry, self.request_timeout_ms = pull_timeout_ms, retry, request_timeout_ms
        self.write_config(endpoint or lrs.proxy)

    def write_config(self, endpoint):
        cfg = {'course_iri': self.course_iri, 'store': 'state.db',
               'targets': [{'name': 'lms', 'kind': 'xapi', 'endpoint': endpoint,
                            'auth': {'type': 'basic', 'username': 'test', 'password': {'env': 'CC_LRS_SECRET'}},
                            'retry': {'base_ms': self.retry[0], 'cap_ms': self.retry[1]},
                            'connect_timeout_ms': 1500, 'request_timeout_ms': self.request_timeout_ms}]}
        if self.pull_timeout_ms is not None:
            cfg['pull'] = {'timeout_ms': self.pull_timeout_ms}
        if self.roles:
            cfg['roles'] = self.roles
        tmp = self.config + '.tmp'
        with open(tmp, 'w') as f:
            json.dump(cfg, f, indent=1)
        os.replace(tmp, self.config)
        self.endpoint = endpoint

    def cc(self, *args, ok=(0,), timeout=240):
        cmd = [ARGS.cli, *args]
        t = time.monotonic()
        try:
            p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=ENV)
        except subprocess.TimeoutExpired as e:
            raise Failure('%s: `%s` did not finish within %ss\nstdout: %s\nstderr: %s' % (
                self.name, ' '.join(cmd), timeout, (e.stdout or b'')[-2000:], (e.stderr or b'')[-2000:]))
        took = time.monotonic() - t
        p.took = took
        name = args[0] + (' ' + args[1] if args[0] == 'status' else '')
        with TIMINGS_LOCK:
            c = TIMINGS.setdefault(name, [0, 0.0, 0.0])
            c[0] += 1
            c[1] += took
            c[2] = max(c[2], took)
        if SECRET in p.stdout or SECRET in p.stderr:
            raise Failure('%s: the LRS secret shows in the output of `%s`' % (self.name, ' '.join(cmd)))
        if ok is not None and p.returncode not in ok:
            raise Failure('%s: `%s` exited %d (expected %s) after %.1fs\nstdout:\n%s\nstderr:\n%s' % (
                self.name, ' '.join(cmd), p.returncode, ok, took, p.stdout[-4000:], p.stderr[-4000:]))
        return p

    @staticmethod
    def first_json(text):
        text = text.lstrip()
        if not text:
            return None
        obj, _ = json.JSONDecoder().raw_decode(text)
        return obj

    def publish(self, package, *extra, ok=(0,)):
        p = self.cc('publish', package, '--config', self.config, '--json', *extra, ok=ok)
        return self.first_json(p.stdout), p

    def set(self, package, piece, role, status, by, *extra, note=None, ok=(0,)):
        args = ['status', 'set', package, piece, role, status, '--by', by, '--config', self.config, '--json']
        if note:
            args += ['--note', note]
        p = self.cc(*args, *extra, ok=ok)
        return self.first_json(p.stdout), p

    def review(self, package, fmt='json', *extra, ok=(0,)):
        p = self.cc('review', package, '--config', self.config, '--format', fmt, *extra, ok=ok)
        return (json.loads(p.stdout) if fmt == 'json' else p.stdout), p

    def pull(self, ok=(0,), timeout=240):
        p = self.cc('pull', '--config', self.config, '--json', ok=ok, timeout=timeout)
        try:
            obj = json.loads(p.stdout)
        except ValueError:
            raise Failure('%s: pull --json printed no JSON (exit %d): %r\nstderr: %s' % (
                self.name, p.returncode, p.stdout[:500], p.stderr[-2000:]))
        return obj, p

    def sync(self, *extra, ok=(0,), timeout=240):
        return self.cc('sync', '--config', self.config, *extra, ok=ok, timeout=timeout)

    def query(self, sql, *params):
        db = sqlite3.connect('file:%s?mode=ro' % self.store, uri=True, timeout=30)
        try:
            return db.execute(sql, params).fetchall()
        finally:
            db.close()


# ---- reading a review and the LRS as (module, piece, role) -> cell ---------

def cell_value(status, by, at):
    """A cell as the seats must agree on it. The time of a cell nobody
    touched (not_started by coursecrew) is when this seat's publish created
    the pair: a local fact that a pull does not replace (plugin/store/team.cpp,
    settle_pairs), so it is left out."""
    untouched = status == 'not_started' and by in ('coursecrew', None)
    return (status, by, None if untouched else at)


def review_pairs(review):
    """{(module, piece, role): pair} of a review JSON."""
    out = {}
    for m in review['modules']:
        for p in m['pieces']:
            for pair in p['pairs']:
                out[(m['id'], p['id'], pair['role'])] = pair
    return out


def team_of(review):
    check('team' in review, 'the review JSON has no "team" object (a sync config is in use)')
    return review['team']


def review_matrix(review):
    """Every cell the seat knows: its pairs and the foreign cells (on another
    seat's version), as (module, piece, role) -> (status, by, since)."""
    out = {}
    for k, pair in review_pairs(review).items():
        out[k] = cell_value(pair['status'], pair['by'], pair['since'])
    for f in team_of(review).get('foreign', []):
        k = (f['module'], f['piece'], f['role'])
        check(k not in out, 'foreign cell %s is also one of the pairs' % (k,))
        out[k] = cell_value(f['status'], f['by'], f['at'])
    return out


def lrs_matrix(lrs, course_iri, modules):
    out = {}
    for m in modules:
        doc = lrs.document(course_iri + '/modules/' + m, DOC_STATUS)
        check(doc is not None, 'the LRS has no status document for module %s of %s' % (m, course_iri))
        for piece, p in doc.get('pieces', {}).items():
            for role, c in p.get('roles', {}).items():
                out[(m, piece, role)] = cell_value(c['status'], c['by'], c['at'])
    return out


def diff(a, b, name_a, name_b, limit=12):
    lines = []
    for k in sorted(set(a) | set(b)):
        if a.get(k) != b.get(k):
            lines.append('  %s: %s %s / %s %s' % ('/'.join(k), name_a, a.get(k), name_b, b.get(k)))
    return '\n'.join(lines[:limit]) + ('\n  ... %d more' % (len(lines) - limit) if len(lines) > limit else '')


def same_matrices(matrices, what):
    names = list(matrices)
    first = matrices[names[0]]
    for n in names[1:]:
        if matrices[n] != first:
            raise Failure('%s: %s and %s differ (%d cells vs %d):\n%s' % (
                what, names[0], n, len(first), len(matrices[n]), diff(first, matrices[n], names[0], n)))


def statement_ids(statements, verb):
    return [s['id'] for s in statements if s['verb']['id'] == verb]


# ---- scenario: two seats ---------------------------------------------------

def test_two_seats(lrs, pkgs):
    iri = 'https://example.org/courses/team-two'
    a = Seat(lrs, 'two', 'A', iri)
    b = Seat(lrs, 'two', 'B', iri)
    a.publish(pkgs[1])
    b.publish(pkgs[1])
    out, _ = a.set(pkgs[1], 'SCO-WELCOME', 'writer', 'done', 'Ana Lima', note='approved by the client')
    check(len(out['changes']) == 1, 'A: one change expected: %s' % out)
    a.sync('--timeout', '60')

    def expect_remote(seat, piece, role, status, author, other_piece, other_role):
        review, _ = seat.review(pkgs[1])
        pairs = review_pairs(review)
        k = next((k for k in pairs if k[1] == piece and k[2] == role), None)
        check(k, '%s: no pair %s/%s in the review' % (seat.name, piece, role))
        p = pairs[k]
        check(p['status'] == status and p['by'] == author,
              '%s: %s/%s is %s by %s, expected %s by %s (the other seat\'s change)' % (
                  seat.name, piece, role, p['status'], p['by'], status, author))
        check(p.get('remote') is True, '%s: %s/%s is not marked "remote": %s' % (seat.name, piece, role, p))
        check(p['since'], '%s: %s/%s has no "since"' % (seat.name, piece, role))
        own = next(v for k, v in pairs.items() if k[1] == other_piece and k[2] == other_role)
        check(not own.get('remote'), '%s: its own pair %s/%s is marked remote: %s' % (seat.name, other_piece, other_role, own))
        team = team_of(review)
        check(team.get('pulled_at') and not team.get('stale') and not team.get('error'),
              '%s: the team state is not fresh: %s' % (seat.name, team))
        check(team.get('foreign', []) == [], '%s: foreign cells on the same version: %s' % (seat.name, team.get('foreign')))

        table, _ = seat.review(pkgs[1], 'table')
        check(author in table, '%s: the table does not name %s:\n%s' % (seat.name, author, table))
        check('another seat' in table, '%s: the table does not mark the change as from another seat:\n%s' % (seat.name, table))
        check('Team state as of' in table and 'pulled from the LRS' in table,
              '%s: the table has no "Team state as of ... (pulled from the LRS)" line:\n%s' % (seat.name, table))
        check('could not be reached' not in table, '%s: the table says the LRS could not be reached:\n%s' % (seat.name, table))

        text, _ = seat.review(pkgs[1], 'csv')
        rows = list(csv.DictReader(io.StringIO(text)))
        check(rows and list(rows[0].keys())[-1] == 'changed_on',
              '%s: the CSV\'s last column is not changed_on: %s' % (seat.name, list(rows[0].keys()) if rows else text[:300]))
        row = [r for r in rows if r.get('piece') == piece and r.get('role') == role]
        check(len(row) == 1, '%s: CSV rows for %s/%s: %s' % (seat.name, piece, role, row))
        check(row[0]['changed_on'] == 'another seat' and author in row[0].values(),
              '%s: CSV row for %s/%s: %s' % (seat.name, piece, role, row[0]))
        state = [r for r in rows if r['changed_on'] == 'team state']
        check(len(state) == 1 and 'Team state as of' in ','.join(state[0].values()),
              '%s: no CSV row with the team state: %s' % (seat.name, state))
        others = {r['changed_on'] for r in rows if r.get('piece') and (r['piece'], r['role']) != (piece, role)}
        check(others == {'this seat'}, '%s: CSV changed_on of the other rows: %s' % (seat.name, others))

        html, _ = seat.review(pkgs[1], 'html')
        check(author in html and 'another seat' in html,
              '%s: the HTML review does not show %s\'s change as from another seat' % (seat.name, author))
        check('Team state as of' in html, '%s: the HTML review has no team-state line' % seat.name)

    expect_remote(b, 'SCO-WELCOME', 'writer', 'done', 'Ana Lima', 'SCO-FIRE', 'writer')
    # B's store: the pulled cell is remote, with a `pulled` history row, and no statement of its own.
    rows = b.query("SELECT status, \"by\", remote FROM pairs WHERE piece='SCO-WELCOME' AND role='writer'")
    check(rows == [('done', 'Ana Lima', 1)], 'B\'s store: %s' % rows)
    check(b.query("SELECT count(*) FROM history WHERE kind='pulled' AND piece='SCO-WELCOME' AND role='writer'")[0][0] == 1,
          'B\'s store has no (or more than one) `pulled` history row for SCO-WELCOME/writer')
    check(b.query("SELECT count(*) FROM events WHERE kind='status'")[0][0] == 0, 'B made a status statement of A\'s change')

    # The reverse: B's change on A's review.
    out, _ = b.set(pkgs[1], 'SCO-FIRE', 'expert', 'in_review', 'Dora Kent', note='check the extinguisher classes')
    check(len(out['changes']) == 1, 'B: one change expected: %s' % out)
    b.sync('--timeout', '60')
    expect_remote(a, 'SCO-FIRE', 'expert', 'in_review', 'Dora Kent', 'SCO-WELCOME', 'writer')

    sts = lrs.statements(iri)
    ids = statement_ids(sts, VERB_STATUS)
    check(len(ids) == 2, 'the LRS holds %d changed-status statements, expected 2 (one per change)' % len(ids))
    for s in (a, b):
        check(s.query("SELECT count(*) FROM events WHERE kind='status'")[0][0] == 1,
              '%s: expected exactly one status event (its own change)' % s.name)


# ---- scenario: offline -----------------------------------------------------

def test_offline(lrs, pkgs):
    iri = 'https://example.org/courses/team-offline'
    a = Seat(lrs, 'offline', 'A', iri, pull_timeout_ms=2000, retry=(100, 500))
    b = Seat(lrs, 'offline', 'B', iri, pull_timeout_ms=2000, retry=(100, 500))
    a.publish(pkgs[1])
    b.publish(pkgs[1])
    a.set(pkgs[1], 'SCO-QUIZ', 'designer', 'in_progress', 'Chen Wei')
    pulled, _ = b.pull()
    check(pulled.get('complete') is True and pulled.get('pulled_at'), 'B: pull not complete: %s' % pulled)
    before, _ = b.review(pkgs[1])
    when = team_of(before)['pulled_at']

    def expect_offline(what, status):
        t = time.monotonic()
        review, p = b.review(pkgs[1])
        check(p.took < 15, '%s: review took %.1fs with the LRS unreachable' % (what, p.took))
        team = team_of(review)
        check(team.get('stale') is True and team.get('error'), '%s: team state not stale / no error: %s' % (what, team))
        check(team.get('pulled_at') == when, '%s: pulled_at moved from %s to %s' % (what, when, team.get('pulled_at')))
        check(team.get('attempted_at') and team['attempted_at'] >= when, '%s: attempted_at %s' % (what, team.get('attempted_at')))
        pair = review_pairs(review)[('MOD-ASSESS', 'SCO-QUIZ', 'designer')]
        check(pair['status'] == 'in_progress' and pair['by'] == 'Chen Wei' and pair.get('remote') is True,
              '%s: the last pulled state is gone: %s' % (what, pair))
        table, p = b.review(pkgs[1], 'table', ok=(0,))
        check('could not be reached' in table and 'Team state as of' in table,
              '%s: the table does not say the LRS could not be reached / the team state\'s age:\n%s' % (what, table))
        pulled, p = b.pull(ok=(4,))
        check(p.stderr.strip(), '%s: pull exited 4 without saying why' % what)
        check(pulled.get('complete') is False and pulled['targets'][0]['state'] == 'failed' and pulled['targets'][0]['error'],
              '%s: pull --json: %s' % (what, pulled))
        p = b.cc('pull', '--config', b.config, ok=(4,))
        check(p.stderr.strip(), '%s: pull (no --json) exited 4 without saying why' % what)
        # Local work goes on: a change is recorded (and waits in the outbox).
        out, _ = b.set(pkgs[1], 'SCO-FIRE', 'writer', status, 'Ana Lima', '--no-wait', note=what)
        check(len(out['changes']) == 1, '%s: status set offline changed nothing: %s' % (what, out))
        log('offline (%s): review, pull (exit 4) and status set took %.1fs' % (what, time.monotonic() - t))

    # 1. The LRS refusing every connection.
    lrs.faults([{'kind': 'refuse', 'ms': 60000, 'now': True}])
    time.sleep(0.3)
    expect_offline('refusing', 'in_progress')
    lrs.reset()
    # 2. A closed port (the LRS gone).
    b.write_config('http://127.0.0.1:%d/xAPI/' % closed_port())
    expect_offline('closed port', 'in_review')
    # 3. An LRS that accepts and never answers: the pull gives up after its timeout (2 s).
    b.write_config(lrs.proxy)
    lrs.faults([{'kind': 'delay', 'ms': 25000, 'method': 'GET', 'path': '/xAPI/activities/profile', 'count': 50}])
    review, p = b.review(pkgs[1], 'json', '--no-pull')
    check(p.took < 5, 'review --no-pull took %.1fs (it should not touch the LRS)' % p.took)
    review, p = b.review(pkgs[1])
    check(p.took < 2 + 8, 'review took %.1fs with a hanging LRS and a pull timeout of 2 s' % p.took)
    check(team_of(review).get('stale') is True, 'hanging LRS: the team state is not stale: %s' % team_of(review))
    lrs.reset()
    # Back: the pull works, the queued changes go out.
    pulled, _ = b.pull()
    check(pulled['complete'] is True, 'after the outage: %s' % pulled)
    b.sync('--timeout', '60')
    pulled, _ = a.pull()
    review, _ = a.review(pkgs[1])
    pair = review_pairs(review)[('MOD-HAZARDS', 'SCO-FIRE', 'writer')]
    check(pair['status'] == 'in_review' and pair['by'] == 'Ana Lima' and pair.get('remote') is True
          and pair['note'] == 'closed port',
          'A does not see B\'s offline change after B came back: %s' % pair)
    check(not team_of(review).get('stale'), 'A\'s team state is stale: %s' % team_of(review))
    sts = lrs.statements(iri)
    check(len(statement_ids(sts, VERB_STATUS)) == 3, 'expected 3 changed-status statements, the LRS has %d' %
          len(statement_ids(sts, VERB_STATUS)))


# ---- scenario: pull during a write -----------------------------------------

def test_race(lrs, pkgs):
    iri = 'https://example.org/courses/team-race'
    a = Seat(lrs, 'race', 'A', iri, retry=(50, 500))
    b = Seat(lrs, 'race', 'B', iri, retry=(50, 500))
    a.publish(pkgs[1])
    b.publish(pkgs[1])
    lrs.reset()

    # 1. A 412 on purpose: B's first read of the documents is held 2 s while A
    #    writes the same module document; B's write then carries a stale
    #    ETag, gets 412, reads again and merges.
    lrs.faults([{'kind': 'delay', 'ms': 2000, 'method': 'GET', 'path': '/xAPI/activities/profile'}])
    pb = subprocess.Popen([ARGS.cli, 'status', 'set', pkgs[1], 'SCO-SLIPS', 'writer', 'blocked', '--by', 'Ana Lima',
                           '--note', 'race-b', '--config', b.config, '--no-pull', '--timeout', '60'],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=ENV)
    time.sleep(0.7)
    a.set(pkgs[1], 'SCO-FIRE', 'writer', 'in_progress', 'Chen Wei', '--no-pull', '--timeout', '60', note='race-a')
    out, err = pb.communicate(timeout=90)
    check(pb.returncode == 0, 'B\'s status set during A\'s write exited %d: %s %s' % (pb.returncode, out, err))
    st = lrs.stats()
    check(st['faults'].get('delay', 0) == 1, 'the delay rule was not used: %s' % st)
    log('race: %d answers 412, %d 409 (a conflict provoked by the delayed read)' % (
        st['statuses'].get('412', 0), st['statuses'].get('409', 0)))
    check(st['statuses'].get('412', 0) + st['statuses'].get('409', 0) >= 1,
          'no 412/409: B\'s write did not meet A\'s (stats: %s)' % st['statuses'])
    doc = lrs.document(iri + '/modules/MOD-HAZARDS', DOC_STATUS)
    check(doc['pieces']['SCO-SLIPS']['roles']['writer']['status'] == 'blocked' and
          doc['pieces']['SCO-FIRE']['roles']['writer']['status'] == 'in_progress',
          'the module document lost one of the two writes: %s' % json.dumps(doc['pieces']))

    # 2. A pulls in a loop while B (and A, now and then) write the same module.
    stop = threading.Event()
    pulls, errors = [], []

    def puller():
        while not stop.is_set():
            try:
                obj, p = a.pull(ok=(0,))
                check(obj.get('complete') is True, 'A: pull during B\'s writes not complete: %s' % obj)
                pulls.append(obj)
            except Failure as e:
                errors.append(str(e))
                return

    th = threading.Thread(target=puller)
    th.start()
    rng = random.Random(ARGS.seed + 3)
    cells = [('SCO-SLIPS', 'writer'), ('SCO-SLIPS', 'artist'), ('SCO-SLIPS', 'expert'), ('SCO-FIRE', 'writer'),
             ('SCO-FIRE', 'expert')]
    try:
        for i in range(24):
            piece, role = rng.choice(cells)
            seat = a if i % 6 == 5 else b
            if i % 4 == 0:  # now and then a held read, to interleave with A's pulls
                lrs.faults([{'kind': 'delay', 'ms': 700, 'method': 'GET', 'path': '/xAPI/activities/profile'}])
            status = rng.choice(STATUSES[1:])
            _, p = seat.set(pkgs[1], piece, role, status, rng.choice(PEOPLE), '--timeout', '60', note='w%d' % i,
                            ok=(0, 1))
            check(p.returncode == 0 or re.search(r'already %s\b' % status, p.stderr),
                  '%s: status set exited 1: %s' % (seat.name, p.stderr))
    finally:
        stop.set()
        th.join(120)
    check(not errors, errors[0] if errors else '')
    check(len(pulls) >= 3, 'A pulled only %d times during B\'s writes' % len(pulls))
    lrs.reset()
    b.sync('--timeout', '60')
    a.sync('--timeout', '60')
    for s in (a, b):
        obj, _ = s.pull()
        check(obj['complete'], '%s: final pull: %s' % (s.name, obj))
    ra, _ = a.review(pkgs[1])
    rb, _ = b.review(pkgs[1])
    ma, mb = review_matrix(ra), review_matrix(rb)
    same_matrices({'A': ma, 'B': mb}, 'race: the two reviews')
    ml = lrs_matrix(lrs, iri, ['MOD-INTRO', 'MOD-HAZARDS', 'MOD-ASSESS'])
    same_matrices({'review': ma, 'LRS documents': ml}, 'race: review vs LRS')
    log('race: A pulled %d times during 24 writes; fetched %d module documents in all' % (
        len(pulls), sum(p['targets'][0].get('modules_fetched', 0) for p in pulls)))


# ---- scenario: three seats, 300 changes ------------------------------------

class Model:
    """The test's own record: every change made (from the commands' output),
    per cell, with the logical time it was made at."""

    def __init__(self):
        self.changes = {}     # (module, piece, role) -> [(at, by, status, note, seat)]
        self.made = {}        # seat -> status changes made (status set)
        self.reopened = {}    # seat -> reopens made (publish)

    def add(self, cell, at, by, status, note, seat):
        self.changes.setdefault(cell, []).append((at, by, status, note, seat))

    def expected(self, cell):
        ch = self.changes.get(cell)
        if not ch:
            return None
        return max(ch, key=lambda c: cell_key(c[2], c[1], c[3], c[0]))


def piece_modules(review):
    return {p['id']: m['id'] for m in review['modules'] for p in m['pieces']}


def test_three(lrs, pkgs):
    seed = ARGS.seed
    rng = random.Random(seed)
    log('three: seed %d (rerun with --seed %d --only three)' % (seed, seed))
    iri = 'https://example.org/courses/team-three-%d' % seed
    seats = [Seat(lrs, 'three', n, iri, pull_timeout_ms=3000, retry=(50, 800)) for n in ('S0', 'S1', 'S2')]
    model = Model()
    # The pairs of each version, and which module each piece is in.
    versions = {}
    module_of = {}
    for v in (1, 2, 3):
        store = os.path.join(ARGS.work, 'three', 'plain-v%d.db' % v)
        p = subprocess.run([ARGS.cli, 'review', pkgs[v], '--roles', seats[0].roles, '--store', store, '--format', 'json'],
                           capture_output=True, text=True, env=ENV)
        check(p.returncode == 0, 'review of v%d: %s' % (v, p.stderr))
        r = json.loads(p.stdout)
        versions[v] = sorted(review_pairs(r))
        module_of.update(piece_modules(r))
    check(any(k[1] == 'SCO-EXTRA' for k in versions[2]) and not any(k[1] == 'SCO-SLIPS' for k in versions[3]),
          'the versions do not differ as planned')

    clock = [int(time.time()) - 4 * 3600]  # logical time (--now): in the past, one second per change

    def tick(tie=False):
        if not tie:
            clock[0] += 1
        return clock[0]

    version = {s.name: 0 for s in seats}
    closed = 'http://127.0.0.1:%d/xAPI/' % closed_port()
    counts = {'set': 0, 'changes': 0, 'ties': 0, 'publish': 0, 'pull': 0, 'sync': 0, 'review': 0,
              'faults': 0, 'exit4': 0, 'noop': 0}

    def publish(seat, v):
        at = tick()
        wait = ['--no-wait'] if seat.endpoint == closed else ['--timeout', '20']
        out, p = seat.publish(pkgs[v], '--now', str(at), *wait, ok=(0, 4))
        version[seat.name] = v
        counts['publish'] += 1
        for c in out.get('changes', []):
            if c['kind'] in ('added', 'archived', 'restored'):
                continue
            cell = (c.get('module') or module_of[c['piece']], c['piece'], c['role'])
            model.add(cell, at, c.get('by') or 'coursecrew', c['to'], c.get('note') or '', seat.name)
            model.reopened[seat.name] = model.reopened.get(seat.name, 0) + 1
            log('three: %s published v%d: %s/%s %s -> %s (%s)' % (seat.name, v, c['piece'], c['role'], c['from'],
                                                                  c['to'], c.get('note', '')))

    def set_status(seat, cell, status, by, note, at, extra):
        out, p = seat.set(pkgs[version[seat.name]], cell[1], cell[2], status, by, '--now', str(at), *extra,
                          note=note, ok=(0, 1, 4))
        counts['set'] += 1
        counts['exit4'] += p.returncode == 4
        if p.returncode == 1:  # the pair already has that status here: nothing changes
            check(re.search(r'already %s\b' % status, p.stderr), '%s: status set exited 1: %s' % (seat.name, p.stderr))
            counts['noop'] += 1
            return
        ch = [c for c in out['changes'] if c['piece'] == cell[1] and c['role'] == cell[2]]
        check(len(ch) <= 1 and len(out['changes']) == len(ch), '%s: status set: unexpected changes %s' % (seat.name, out))
        if not ch:
            counts['noop'] += 1
            return
        c = ch[0]
        check(c['to'] == status and (c.get('by') in (None, by)), '%s: status set reported %s' % (seat.name, c))
        # The seat records a change a second after the cell's last change it
        # knows when that is this same second (it replaced it knowingly), so
        # the record takes the time the seat recorded.
        recorded = int(seat.query('SELECT since FROM pairs WHERE piece=? AND role=?', cell[1], cell[2])[0][0])
        check(at <= recorded <= at + 3, '%s: status set at %d recorded at %d' % (seat.name, at, recorded))
        model.add(cell, recorded, by, status, note, seat.name)
        model.made[seat.name] = model.made.get(seat.name, 0) + 1
        counts['changes'] += 1

    # Each seat moves to v2 and v3 at its own step; S2 is offline for the middle half.
    switch = {s.name: (rng.randint(50, 140), rng.randint(160, 250)) for s in seats}
    offline = (75, 225)
    fault_menu = [
        {'kind': 'cut_after_upstream', 'method': 'POST', 'path': '/xAPI/statements'},
        {'kind': 'status', 'status': 503, 'method': 'POST', 'path': '/xAPI/statements', 'retry_after': '1'},
        {'kind': 'refuse'},
        {'kind': 'status', 'status': 503, 'method': 'PUT', 'path': '/xAPI/activities/profile'},
        {'kind': 'cut_after_upstream', 'method': 'PUT', 'path': '/xAPI/activities/profile'},
        {'kind': 'status', 'status': 503, 'method': 'GET', 'path': '/xAPI/activities/profile'},
        {'kind': 'cut_body', 'method': 'GET', 'path': '/xAPI/activities/profile'},
    ]
    for s in seats:
        publish(s, 1)
    t_start = time.monotonic()
    step = 0
    last_cell = None
    while counts['changes'] < 300:
        step += 1
        for s in seats:
            for v, at_step in zip((2, 3), switch[s.name]):
                if step == at_step and version[s.name] < v:
                    publish(s, v)
        s2 = seats[2]
        if step == offline[0]:
            s2.write_config(closed)
            log('three: step %d: S2 goes offline (its endpoint: a closed port)' % step)
        elif step == offline[1]:
            s2.write_config(lrs.proxy)
            log('three: step %d: S2 is back online' % step)
        if rng.random() < 0.06:
            rule = dict(rng.choice(fault_menu))
            rule['count'] = rng.randint(1, 3)
            if rule['kind'] == 'refuse':
                rule['ms'] = rng.randint(300, 1200)
                rule['count'] = 1
            lrs.faults([rule])
            counts['faults'] += 1
        seat = rng.choice(seats)
        r = rng.random()
        if r < 0.80:
            # A same-second conflict now and then: another seat sets the cell
            # just changed, at the same logical second.
            tie = last_cell is not None and rng.random() < 0.08 and last_cell[0] is not seat and \
                last_cell[1] in versions[version[seat.name]]
            if tie:
                cell = last_cell[1]
                counts['ties'] += 1
            else:
                cell = rng.choice(versions[version[seat.name]])
            at = tick(tie)
            local = seat.query('SELECT status FROM pairs WHERE piece=? AND role=?', cell[1], cell[2])
            status = rng.choice([x for x in STATUSES if not local or x != local[0][0]])
            extra = []
            if rng.random() < 0.6 or (seat is s2 and s2.endpoint == closed):
                extra.append('--no-wait')
            else:
                extra += ['--timeout', '15']
            if rng.random() < 0.3:
                extra.append('--no-pull')
            set_status(seat, cell, status, rng.choice(PEOPLE), 'c%d' % counts['set'], at, extra)
            last_cell = (seat, cell)
        elif r < 0.88:
            obj, p = seat.pull(ok=(0, 4))
            counts['pull'] += 1
            check(p.returncode == 0 or obj.get('complete') is False, '%s: pull exited 4 but says complete' % seat.name)
        elif r < 0.95:
            seat.sync('--timeout', '3' if seat.endpoint == closed else '15', ok=(0, 4))
            counts['sync'] += 1
        else:
            review, _ = seat.review(pkgs[version[seat.name]], 'json', '--now', str(clock[0]))
            counts['review'] += 1
            check(review_pairs(review), '%s: empty review' % seat.name)
    log('three: %d steps in %.1fs: %s' % (step, time.monotonic() - t_start, counts))

    # The end: no more faults, every seat on v3, everything delivered, then every seat pulls.
    lrs.reset()
    for s in seats:
        if version[s.name] < 3:
            publish(s, 3)
    for s in seats:
        s.sync('--timeout', '120')
    pulled = {}
    for s in seats:
        pulled[s.name], _ = s.pull()
        check(pulled[s.name]['complete'] is True, '%s: final pull: %s' % (s.name, pulled[s.name]))
    reviews = {s.name: s.review(pkgs[3], 'json', '--now', str(clock[0]))[0] for s in seats}
    matrices = {n: review_matrix(r) for n, r in reviews.items()}
    same_matrices(matrices, 'three: the three reviews')
    lrs_cells = lrs_matrix(lrs, iri, sorted({k[0] for k in versions[1]}))
    same_matrices({'S0 review': matrices['S0'], 'LRS documents': lrs_cells}, 'three: review vs LRS')

    # Every cell carries its last writer.
    wrong = []
    for cell, got in sorted(matrices['S0'].items()):
        exp = model.expected(cell)
        if exp is None:
            if got[0] != 'not_started' or got[1] not in ('coursecrew', None):
                wrong.append('  %s: nobody changed it, the review has %s' % ('/'.join(cell), got))
            continue
        at, by, status, note, seat = exp
        if (got[0], got[1], got[2] and unix(got[2])) != (status, by, at):
            hist = sorted(model.changes[cell], key=lambda c: cell_key(c[2], c[1], c[3], c[0]))[-4:]
            wrong.append('  %s: review %s, expected %s by %s at %s (%s on %s); last changes: %s' % (
                '/'.join(cell), got, status, by, iso(at), note, seat, hist))
    for cell in model.changes:
        if cell not in matrices['S0']:
            wrong.append('  %s: changed %d times, missing from the review' % ('/'.join(cell), len(model.changes[cell])))
    check(not wrong, 'three: %d cells do not carry their last change:\n%s' % (len(wrong), '\n'.join(wrong[:15])))
    remote = sum(1 for r in reviews.values() for p in review_pairs(r).values() if p.get('remote'))
    check(remote > 0, 'three: no pair is marked remote on any seat')

    # Exactly one statement per change: no echo of a pulled change, nothing lost.
    sts = lrs.statements(iri)
    for kind, verb, made in (('status', VERB_STATUS, model.made), ('reopened', VERB_REOPENED, model.reopened)):
        uuids = []
        for s in seats:
            rows = [r[0] for r in s.query('SELECT uuid FROM events WHERE kind=?', kind)]
            check(len(rows) == made.get(s.name, 0), 'three: %s has %d `%s` events, it made %d changes of that kind' % (
                s.name, len(rows), kind, made.get(s.name, 0)))
            uuids += rows
        check(len(set(uuids)) == len(uuids), 'three: the seats share %s statement ids' % kind)
        ids = statement_ids(sts, verb)
        check(len(ids) == len(set(ids)), 'three: duplicate %s statements in the LRS' % kind)
        check(set(ids) == set(uuids), 'three: LRS %s statements %d, the seats made %d (missing %d, extra %d)' % (
            kind, len(ids), len(uuids), len(set(uuids) - set(ids)), len(set(ids) - set(uuids))))
    # Every seat's own statements of the other kinds reached the LRS too: a
    # shared id would have made the LRS refuse a whole batch (409).
    for kind, verb in (('progressed', VERB_PROGRESSED), ('published', PROFILE + '/verbs/published')):
        uuids = [r[0] for s in seats for r in s.query('SELECT uuid FROM events WHERE kind=?', kind)]
        check(len(set(uuids)) == len(uuids), 'three: the seats share %s statement ids' % kind)
        ids = statement_ids(sts, verb)
        check(set(ids) == set(uuids), 'three: LRS %s statements %d, the seats made %d (missing %d, extra %d)' % (
            kind, len(ids), len(uuids), len(set(uuids) - set(ids)), len(set(ids) - set(uuids))))
    for s in seats:
        left = s.query('SELECT count(*) FROM outbox_pending')[0][0]
        docs = s.query('SELECT count(*) FROM documents WHERE pending <> 0 OR dead <> 0')[0][0]
        check(left == 0 and docs == 0, 'three: %s still has %d statements and %d documents queued' % (s.name, left, docs))
    log('three: %d changes (%d same-second conflicts, %d no-ops), %d reopens; %d cells, %d remote pairs; '
        '%d statements; reviews, documents and the record agree' % (
            counts['changes'], counts['ties'], counts['noop'], sum(model.reopened.values()), len(matrices['S0']),
            remote, len(sts)))


# ---- scenario: scale -------------------------------------------------------

def gen_course(name, modules, pieces):
    d = os.path.join(ARGS.work, 'scale', name)
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    p = subprocess.run([ARGS.gen, d, str(modules), str(pieces), '1', '--with-files'], capture_output=True, text=True)
    check(p.returncode == 0, 'cc_gen_scorm: %s' % p.stderr)
    return d


class Runner:
    """Runs seat jobs `jobs` at a time, never two of one seat at once, in the
    order given. Records each job's start and end (for the GET bound)."""

    def __init__(self, jobs):
        self.jobs = jobs

    def run(self, tasks):
        """tasks: [(seat, fn)]; returns [(seat, start, end, result)] in task order."""
        results = [None] * len(tasks)
        busy = set()
        lock = threading.Condition()
        pending = list(range(len(tasks)))
        errors = []

        def worker():
            while True:
                with lock:
                    while True:
                        if errors or not pending:
                            return
                        i = next((i for i in pending if tasks[i][0].name not in busy), None)
                        if i is not None:
                            break
                        lock.wait()
                    pending.remove(i)
                    seat = tasks[i][0]
                    busy.add(seat.name)
                    start = time.monotonic()
                try:
                    res = tasks[i][1]()
                except Exception as e:  # noqa: BLE001 (reported below)
                    with lock:
                        errors.append(e)
                        busy.discard(seat.name)
                        lock.notify_all()
                    return
                with lock:
                    results[i] = (seat, start, time.monotonic(), res)
                    busy.discard(seat.name)
                    lock.notify_all()

        threads = [threading.Thread(target=worker) for _ in range(self.jobs)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        if errors:
            raise errors[0] if isinstance(errors[0], Failure) else Failure(repr(errors[0]))
        return results


def import_rows(seat, course_id, rows, tag, *extra):
    path = os.path.join(seat.dir, 'changes-%s.csv' % tag)
    with open(path, 'w', newline='') as f:
        w = csv.writer(f)
        w.writerow(['piece', 'role', 'status', 'by', 'note'])
        for r in rows:
            w.writerow(r)
    return seat.cc('status', 'import', path, '--config', seat.config, '--course', course_id, '--json',
                   '--timeout', '60', *extra)


def change_run(seat, course_id, rows, tag):
    """One seat's turn: pull, then import `rows` (piece, role, by, note) with
    statuses that differ from what the seat now has (an import with a row
    that sets a pair's current status changes nothing: exit 1)."""
    seat.pull()
    current = {(piece, role): st for piece, role, st in
               seat.query('SELECT piece, role, status FROM pairs WHERE course=?', course_id)}
    rng = random.Random('%d/%s/%s' % (ARGS.seed, seat.course_iri, tag))
    out = []
    for piece, role, by, note in rows:
        status = rng.choice([x for x in STATUSES[1:] if x != current.get((piece, role))])
        current[(piece, role)] = status
        out.append((piece, role, status, by, note))
    return import_rows(seat, course_id, out, tag, '--no-pull')


def scale_run(lrs, package, modules, n_seats, n_changes, runs_per_seat, module_pool, rng, label):
    """n_seats seats publish `package` (with the sync config, delivered) and
    pull; then (counters reset) they make n_changes each in runs_per_seat
    runs (`pull`, then `status import`, which delivers), in random order,
    and each pulls once more. Returns (seats, runs, stats) where runs are
    (seat, start, end, modules it wrote), in start order."""
    iri = 'https://example.org/courses/team-%s-%d' % (label, ARGS.seed)
    seats = [Seat(lrs, 'scale-' + label, 'seat%02d' % i, iri, roles=False, pull_timeout_ms=30000,
                  retry=(100, 1000), request_timeout_ms=20000) for i in range(n_seats)]
    t = time.monotonic()
    # One publish time for all (--now): the cells nobody touched are then the
    # same on every seat, and a later seat's publish does not rewrite every
    # document with a newer "untouched" time (the three-seat scenario covers that).
    now = str(int(time.time()) - 60)
    first, _ = seats[0].publish(package, '--timeout', '300', '--now', now)
    course_id = first['course']
    Runner(3).run([(s, (lambda s=s: s.publish(package, '--timeout', '300', '--now', now))) for s in seats[1:]])
    Runner(3).run([(s, (lambda s=s: s.pull())) for s in seats])
    setup = time.monotonic() - t
    # The change set, fixed before anything runs.
    runs = []
    for s in seats:
        rows = []
        for _ in range(n_changes):
            m = rng.choice(module_pool)
            rows.append(('m%03d_p%03d' % (m, rng.randint(1, 2)), 'writer', rng.choice(PEOPLE), label))
        per = n_changes // runs_per_seat
        for k in range(runs_per_seat):
            runs.append((s, rows[k * per:(k + 1) * per], k))
    # Random order, each seat's runs in their own order.
    order = []
    queues = {s.name: [r for r in runs if r[0] is s] for s in seats}
    while any(queues.values()):
        name = rng.choice(sorted(n for n, q in queues.items() if q))
        order.append(queues[name].pop(0))
    lrs.reset()
    t = time.monotonic()
    results = Runner(3).run([(s, (lambda s=s, rows=rows, k=k: change_run(s, course_id, rows, '%d' % k)))
                             for s, rows, k in order])
    change_phase = time.monotonic() - t
    t = time.monotonic()
    finals = Runner(3).run([(s, (lambda s=s: s.pull())) for s in seats])
    final_phase = time.monotonic() - t
    st = lrs.stats()
    for s, _, _, (obj, p) in finals:
        check(obj['complete'] is True, '%s: final pull: %s' % (s.name, obj))
    done = [(seat, start, end, {int(r[0][1:4]) for r in rows}) for (seat, start, end, _), (_, rows, _) in
            zip(results, order)]
    done += [(seat, start, end, set()) for seat, start, end, _ in finals]
    log('scale %s: %d seats, %d modules: setup (publish, pull) %.1fs, %d import runs %.1fs, %d final pulls %.1fs; '
        'GET /xAPI/activities/profile: %d; answers %s' % (
            label, n_seats, modules, setup, len(results), change_phase, len(finals), final_phase,
            st['requests'].get('GET /xAPI/activities/profile', 0), st['statuses']))
    return seats, sorted(done, key=lambda r: r[1]), st


def get_bound(runs):
    """What a pull that reads only changed modules may GET: per run, the
    course index and the modules changed since its seat's previous run began
    (by anyone; it may also have written them: x2, read before the write),
    plus the index again for its own writes."""
    bound = 0
    prev = {}
    for seat, start, end, mods in runs:
        since = prev.get(seat.name, float('-inf'))
        window = set(mods)
        for _, s2, e2, m2 in runs:
            if e2 >= since and s2 <= end:
                window |= m2
        bound += 2 + 2 * len(window)
        prev[seat.name] = start
    return bound


def test_scale(lrs, pkgs):
    if not ARGS.gen:
        log('scale: SKIPPED: no --gen (cc_gen_scorm is built with COURSECREW_BUILD_BENCH=ON)')
        return
    rng = random.Random(ARGS.seed + 5)
    big = gen_course('course-200', 200, 2)

    # 1. 50 seats x 20 changes on a 200-module course, in 25 of its modules.
    hot = sorted(rng.sample(range(1, 201), 25))
    seats, runs, st = scale_run(lrs, big, 200, 50, 20, 4, hot, rng, 'big')
    reviews = Runner(3).run([(s, (lambda s=s: s.review(big, 'json', '--no-pull')[0])) for s in seats])
    matrices = {s.name: review_matrix(r) for s, _, _, r in reviews}
    same_matrices(matrices, 'scale: the 50 reviews')
    lrs_cells = lrs_matrix(lrs, seats[0].course_iri, ['m%03d' % m for m in range(1, 201)])
    same_matrices({'seat00 review': matrices['seat00'], 'LRS documents': lrs_cells}, 'scale: review vs LRS')
    changed = sum(1 for v in matrices['seat00'].values() if v[1] not in ('coursecrew', None))
    check(changed >= 25, 'scale: only %d cells changed' % changed)
    gets = st['requests'].get('GET /xAPI/activities/profile', 0)
    bound = get_bound(runs)
    conflicts = st['statuses'].get('412', 0) + st['statuses'].get('409', 0)
    naive = len(runs) * 200
    log('scale: %d GET /xAPI/activities/profile for %d runs; bound by modules changed %d (+2 x %d conflicts); '
        'reading the whole course each run: >= %d' % (gets, len(runs), bound, conflicts, naive))
    check(gets <= bound + 2 * conflicts,
          'scale: %d GET /xAPI/activities/profile in %d runs, more than the bound by modules changed (%d + 2 x %d)' % (
              gets, len(runs), bound, conflicts))

    # 2. The same change set (modules 1-20) on a 50- and a 200-module course:
    #    the GETs must not grow with the course size.
    small = gen_course('course-50', 50, 2)
    counts = {}
    for label, pkg, mods in (('m50', small, 50), ('m200', big, 200)):
        _, _, st2 = scale_run(lrs, pkg, mods, 10, 10, 2, list(range(1, 21)), random.Random(ARGS.seed + 7), label)
        counts[label] = st2['requests'].get('GET /xAPI/activities/profile', 0)
    log('scale: the same changes, GET /xAPI/activities/profile: 50 modules %d, 200 modules %d' % (
        counts['m50'], counts['m200']))
    check(counts['m200'] <= counts['m50'] * 1.25 + 10,
          'scale: %d GETs on the 200-module course vs %d on the 50-module one: the pull reads by course size' % (
              counts['m200'], counts['m50']))


# ---- main ------------------------------------------------------------------

TESTS = [('two_seats', test_two_seats), ('offline', test_offline), ('race', test_race), ('three', test_three),
         ('scale', test_scale)]


def main():
    global ARGS
    ap = argparse.ArgumentParser()
    ap.add_argument('--cli', required=True)
    ap.add_argument('--source', required=True)
    ap.add_argument('--work', required=True)
    ap.add_argument('--gen')
    ap.add_argument('--seed', type=int, default=None)
    ap.add_argument('--only')
    ap.add_argument('--keep', action='store_true', help='keep the work folder')
    ARGS = ap.parse_args()
    ARGS.cli = os.path.realpath(ARGS.cli)
    ARGS.source = os.path.realpath(ARGS.source)
    if ARGS.seed is None:
        ARGS.seed = int(os.environ.get('CC_TEAM_SEED') or random.SystemRandom().randrange(1, 10**6))
    if not shutil.which('node'):
        print('SKIP: node is not installed (scripts/install-deps.sh installs it)')
        return 77
    mods = os.path.join(ARGS.source, 'tests/lrs/node_modules')
    if not (os.path.isdir(os.path.join(mods, 'xapi-statements')) and os.path.isdir(os.path.join(mods, 'xapi-activities'))):
        print('SKIP: the LRS services are not installed (cd tests/lrs && npm ci)')
        return 77
    shutil.rmtree(ARGS.work, ignore_errors=True)
    os.makedirs(ARGS.work)
    ARGS.work = os.path.realpath(ARGS.work)
    only = set(ARGS.only.split(',')) if ARGS.only else None
    log('seed %d' % ARGS.seed)
    pkgs = sample_versions(ARGS.work)
    lrs = LRS(ARGS.work)
    failed = []
    try:
        for name, fn in TESTS:
            if only and name not in only:
                continue
            t = time.monotonic()
            log('== %s' % name)
            try:
                fn(lrs, pkgs)
                log('%s: ok (%.1fs)' % (name, time.monotonic() - t))
            except Failure as e:
                failed.append(name)
                log('%s: FAILED (%.1fs)\n%s' % (name, time.monotonic() - t, e))
            finally:
                try:
                    lrs.reset()
                except Exception:  # noqa: BLE001 (the harness may be gone)
                    pass
    finally:
        lrs.stop()
    log('commands: ' + ', '.join('%s %d (mean %.2fs, max %.1fs)' % (k, c[0], c[1] / c[0], c[2])
                                 for k, c in sorted(TIMINGS.items())))
    if failed:
        log('FAILED: %s (seed %d; the work folder %s is kept)' % (', '.join(failed), ARGS.seed, ARGS.work))
        return 1
    log('all ok (seed %d)' % ARGS.seed)
    if not ARGS.keep:
        shutil.rmtree(ARGS.work, ignore_errors=True)
    return 0


if __name__ == '__main__':
    sys.exit(main())
