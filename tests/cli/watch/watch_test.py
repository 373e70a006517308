#!/usr/bin/env python3
"""`coursecrew watch` driven through real folder changes, made the way
authoring tools make them: file by file, delete and rewrite, a zip written
under a temporary name then renamed, two courses at once, a broken package,
a stop signal during a publish; with a real LRS (tests/lrs/harness.js, when
node and tests/lrs/node_modules are there), a second seat's watch pulling the
first seat's change before it publishes.

Each scenario starts its own watcher (--json, a short --settle-ms, its own
store) on its own scratch folder and checks the JSON lines it prints, one
per publish. Writes come GAP seconds apart, well under the settle time, so a
watcher that published before a course settled prints more lines than
expected and the scenario fails.

Usage: watch_test.py --cli coursecrew --sample samples/safety-basics --work DIR
"""
import argparse
import io
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import zipfile

SETTLE_MS = 400
GAP = 0.08     # seconds between two writes of a "slow" tool
QUIET = 1.5    # seconds during which no further line may come
TIMEOUT = 20   # seconds to wait for an expected line (a loaded machine)

ARGS = None
RUNNING = []  # watchers to kill when a scenario fails


class Failure(Exception):
    pass


class Watcher:
    """A running `coursecrew watch`, its stdout JSON lines and stderr lines."""

    def __init__(self, name, folders, *extra, json_lines=True):
        self.name = name
        store = os.path.join(ARGS.work, name + '.db')
        cmd = [ARGS.cli, 'watch', *folders, '--verbose', '--settle-ms', str(SETTLE_MS), '--store', store, *extra]
        if json_lines:
            cmd.append('--json')
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        RUNNING.append(self.proc)
        self.lines = []   # (arrival time, parsed object)
        self.errors = []  # stderr lines
        self.cond = threading.Condition()
        threading.Thread(target=self._read_out, daemon=True).start()
        threading.Thread(target=self._read_err, daemon=True).start()
        # Ready once the watches are in place.
        self.wait_for(lambda: any('coursecrew: watching' in e for e in self.errors), 'the start message')

    def _read_out(self):
        for line in self.proc.stdout:
            try:
                obj = json.loads(line)
            except ValueError:
                obj = {'unparsable': line}
            with self.cond:
                self.lines.append((time.monotonic(), obj))
                self.cond.notify_all()

    def _read_err(self):
        for line in self.proc.stderr:
            with self.cond:
                self.errors.append(line.rstrip('\n'))
                self.cond.notify_all()

    def wait_for(self, predicate, what, timeout=TIMEOUT):
        with self.cond:
            if not self.cond.wait_for(lambda: predicate() or self.proc.poll() is not None, timeout) \
                    or not predicate():
                raise Failure('%s: no %s within %ss%s' % (self.name, what, timeout, self.dump()))

    def wait_lines(self, n):
        self.wait_for(lambda: len(self.lines) >= n, '%d output line(s)' % n)
        return [obj for _, obj in self.lines]

    def expect_exactly(self, n):
        """n lines, and no other during QUIET seconds."""
        objs = self.wait_lines(n)
        time.sleep(QUIET)
        with self.cond:
            if len(self.lines) != n:
                raise Failure('%s: %d output lines, expected %d%s' % (self.name, len(self.lines), n, self.dump()))
        return objs

    def stop(self, sig=signal.SIGTERM, timeout=15):
        self.proc.send_signal(sig)
        try:
            rc = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            raise Failure('%s: did not stop within %ss after %s%s' % (self.name, timeout, sig.name, self.dump()))
        time.sleep(0.1)  # the reader threads take the last lines
        if any('Sanitizer' in e or 'runtime error:' in e for e in self.errors):
            raise Failure('%s: sanitizer report%s' % (self.name, self.dump()))
        return rc

    def dump(self):
        return '\n  stdout:\n    ' + '\n    '.join(json.dumps(o) for _, o in self.lines) + \
               '\n  stderr (last 30 lines):\n    ' + '\n    '.join(self.errors[-30:])


def scratch(name):
    path = os.path.join(ARGS.work, name)
    shutil.rmtree(path, ignore_errors=True)
    os.makedirs(path)
    return os.path.realpath(path)


def sample_files(manifest_last=False):
    """The sample's files (relative paths), the manifest first or last."""
    others = []
    for dirpath, _, names in sorted(os.walk(ARGS.sample)):
        for n in sorted(names):
            rel = os.path.relpath(os.path.join(dirpath, n), ARGS.sample)
            if rel != 'imsmanifest.xml':
                others.append(rel)
    return others + ['imsmanifest.xml'] if manifest_last else ['imsmanifest.xml'] + others


def copy_sample_file(rel, dst, identifier=None):
    """Writes the sample's file `rel` under dst (its manifest with another
    identifier, when given)."""
    target = os.path.join(dst, rel)
    os.makedirs(os.path.dirname(target), exist_ok=True)
    with open(os.path.join(ARGS.sample, rel), 'rb') as f:
        data = f.read()
    if identifier and rel == 'imsmanifest.xml':
        data = with_identifier(data, identifier)
    with open(target, 'wb') as f:
        f.write(data)


def write_slowly(dst, manifest_last=False, identifier=None):
    """Copies the sample into dst file by file, GAP seconds apart, as a slow
    tool does. Returns the time of the last write."""
    for rel in sample_files(manifest_last):
        copy_sample_file(rel, dst, identifier)
        time.sleep(GAP)
    return time.monotonic() - GAP


def with_identifier(manifest_bytes, identifier):
    return manifest_bytes.replace(b'identifier="com.example.safety-basics"',
                                  b'identifier="%s"' % identifier.encode(), 1)


def copy_sample(dst, identifier=None):
    shutil.copytree(ARGS.sample, dst)
    if identifier:
        path = os.path.join(dst, 'imsmanifest.xml')
        with open(path, 'rb') as f:
            data = f.read()
        with open(path, 'wb') as f:
            f.write(with_identifier(data, identifier))


def check_published(obj, package, course='com.example.safety-basics'):
    if 'unparsable' in obj:
        raise Failure('not JSON: %r' % obj['unparsable'])
    if 'error' in obj:
        raise Failure('publish of %s failed: %s' % (package, obj['error']))
    if obj.get('package') != package or obj.get('course') != course:
        raise Failure('expected a publish of %s (%s), got %s' % (package, course, json.dumps(obj)))
    if not re.fullmatch(r'\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ', obj.get('at', '')):
        raise Failure('"at" is not an ISO 8601 UTC time: %s' % json.dumps(obj))
    if not obj.get('pieces'):
        raise Failure('no pieces: %s' % json.dumps(obj))


# ---- the scenarios ------------------------------------------------------------

def test_written_file_by_file():
    """A package written file by file, slowly: one publish, after the last write."""
    root = scratch('slow')
    w = Watcher('slow', [root])
    course = os.path.join(root, 'Course - Storyline output')
    last = write_slowly(course)
    [obj] = w.expect_exactly(1)
    check_published(obj, course)
    if obj['added'] == 0:
        raise Failure('a new course added no pairs: %s' % json.dumps(obj))
    arrived = w.lines[0][0]
    if arrived < last + SETTLE_MS / 1000.0 - 0.05:
        raise Failure('published %.3fs after the last write, before the settle time' % (arrived - last))
    if w.stop(signal.SIGINT) != 0:
        raise Failure('SIGINT: exit status %s%s' % (w.proc.returncode, w.dump()))


def test_existing_courses_at_start():
    """Courses already there are published once at start, not with --skip-existing."""
    root = scratch('existing')
    copy_sample(os.path.join(root, 'A'))
    w = Watcher('existing', [root])
    [obj] = w.expect_exactly(1)
    check_published(obj, os.path.join(root, 'A'))
    w.stop()
    w = Watcher('existing', [root], '--skip-existing')  # the same store
    w.expect_exactly(0)
    w.stop()


def test_delete_and_rewrite():
    """The whole output folder deleted and written again: one publish, unchanged."""
    root = scratch('rewrite')
    course = os.path.join(root, 'Course')
    copy_sample(course)
    w = Watcher('rewrite', [root])
    [first] = w.expect_exactly(1)
    check_published(first, course)
    shutil.rmtree(course)
    time.sleep(GAP)
    write_slowly(course, manifest_last=True)
    objs = w.expect_exactly(2)
    check_published(objs[1], course)
    if objs[1]['added'] or objs[1]['archived'] or objs[1]['reopened']:
        raise Failure('the same content republished changed the store: %s' % json.dumps(objs[1]))
    w.stop()


def test_watched_folder_is_the_package():
    """The watched folder is itself the package, deleted and written again."""
    course = os.path.join(ARGS.work, 'self')
    copy_sample(course)
    w = Watcher('self', [course])
    [first] = w.expect_exactly(1)
    check_published(first, course)
    shutil.rmtree(course)
    time.sleep(GAP)
    write_slowly(course)
    objs = w.expect_exactly(2)
    check_published(objs[1], course)
    w.stop()


def sample_zip():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, 'w', zipfile.ZIP_DEFLATED) as z:
        for rel in sample_files():
            z.write(os.path.join(ARGS.sample, rel), rel)
    return buf.getvalue()


def test_zip_written_then_renamed():
    """A zip written in chunks under a temporary name, then renamed: one publish."""
    root = scratch('zip')
    w = Watcher('zip', [root])
    data = sample_zip()
    temp = os.path.join(root, 'course.zip.part')
    chunk = len(data) // 8 + 1
    with open(temp, 'wb') as f:
        for i in range(0, len(data), chunk):
            f.write(data[i:i + chunk])
            f.flush()
            time.sleep(GAP)
    time.sleep(SETTLE_MS / 1000.0 * 2)  # the temporary file alone settles: still nothing
    if w.lines:
        raise Failure('a temporary file was published%s' % w.dump())
    final = os.path.join(root, 'course.zip')
    os.rename(temp, final)
    [obj] = w.expect_exactly(1)
    check_published(obj, final)
    w.stop()


def test_two_courses_at_once():
    """Two courses written into one folder at once: one publish each, each on its own time."""
    root = scratch('two')
    w = Watcher('two', [root])
    a, b = os.path.join(root, 'A'), os.path.join(root, 'B')
    files = sample_files()
    for rel in files:  # interleaved, file by file
        for dst, ident in ((a, None), (b, 'com.example.safety-basics-b')):
            copy_sample_file(rel, dst, ident)
        time.sleep(GAP)
    # B goes on being written (extra media) well past A's settle time.
    for i in range(15):
        with open(os.path.join(b, 'shared', 'extra-%d.txt' % i), 'w') as f:
            f.write('more %d\n' % i)
        time.sleep(GAP)
    b_done = time.monotonic()
    objs = w.expect_exactly(2)
    by_package = {o.get('package'): (t, o) for t, o in w.lines}
    if set(by_package) != {a, b}:
        raise Failure('expected one publish each of A and B%s' % w.dump())
    check_published(by_package[a][1], a)
    check_published(by_package[b][1], b, 'com.example.safety-basics-b')
    if by_package[a][0] > b_done:
        raise Failure('A was published only after B settled: the two did not settle independently')
    del objs
    w.stop()


def test_broken_package():
    """A broken package is reported once, watching goes on, fixing it publishes it."""
    root = scratch('broken')
    w = Watcher('broken', [root])
    course = os.path.join(root, 'Course')
    staging = os.path.join(ARGS.work, 'broken-staging')
    shutil.rmtree(staging, ignore_errors=True)
    copy_sample(staging)
    manifest = os.path.join(staging, 'imsmanifest.xml')
    with open(manifest, 'rb') as f:
        good = f.read()
    with open(manifest, 'wb') as f:
        f.write(good[:len(good) // 2])  # cut off mid-file, as a crashed tool leaves it
    shutil.copytree(staging, course)
    [report] = w.expect_exactly(1)
    if report.get('package') != course or not report.get('error'):
        raise Failure('expected an error report for %s, got %s' % (course, json.dumps(report)))
    if w.proc.poll() is not None:
        raise Failure('the watcher stopped after a broken package%s' % w.dump())
    with open(os.path.join(course, 'imsmanifest.xml'), 'wb') as f:
        f.write(good)
    objs = w.expect_exactly(2)
    check_published(objs[1], course)
    w.stop()


def test_change_during_publish():
    """A change made as a publish starts is not lost: exactly one more publish."""
    root = scratch('during')
    course = os.path.join(root, 'A')
    copy_sample(course)
    with open(os.path.join(course, 'shared', 'video.bin'), 'wb') as f:  # a slower publish
        f.write(os.urandom(24 * 1024 * 1024))
    w = Watcher('during', [root])
    w.wait_for(lambda: any('coursecrew: publishing ' in e for e in w.errors), 'publish start')
    page = os.path.join(course, 'intro', 'welcome.html')
    with open(page, 'a') as f:
        f.write('<!-- edited -->\n')
    objs = w.expect_exactly(2)
    for obj in objs:
        check_published(obj, course)
    w.stop()


def test_sigterm_during_publish():
    """SIGTERM during a publish: that publish completes and is reported, no
    other starts, exit status 0, and the store is usable afterwards."""
    root = scratch('sigterm')
    count = 6
    for i in range(count):
        course = os.path.join(root, 'C%d' % i)
        copy_sample(course, 'com.example.safety-basics-%d' % i)
        with open(os.path.join(course, 'shared', 'video.bin'), 'wb') as f:  # slows the publish down
            f.write(os.urandom(24 * 1024 * 1024))
    w = Watcher('sigterm', [root])
    w.wait_for(lambda: any('publishing' in e for e in w.errors), 'publish start', timeout=TIMEOUT + 10)
    rc = w.stop(signal.SIGTERM)
    if rc != 0:
        raise Failure('exit status %s after SIGTERM%s' % (rc, w.dump()))
    started = [e for e in w.errors if 'coursecrew: publishing ' in e]
    done = [o for _, o in w.lines]
    if len(done) != len(started) or any('error' in o for o in done):
        raise Failure('%d publishes started, %d reported%s' % (len(started), len(done), w.dump()))
    if len(started) >= count:
        raise Failure('all %d courses were published after SIGTERM%s' % (count, w.dump()))
    rc = subprocess.run([ARGS.cli, 'publish', os.path.join(root, 'C0'), '--store',
                         os.path.join(ARGS.work, 'sigterm.db')], capture_output=True).returncode
    if rc != 0:
        raise Failure('the store is not usable after the stop (publish exited %d)' % rc)
    shutil.rmtree(root)  # 144 MB


def test_queue_overflow_rescans():
    """More changes than the kernel queues (the watcher stopped meanwhile): it
    says so, looks at every course again and publishes each once."""
    root = scratch('overflow')
    a = os.path.join(root, 'A')
    copy_sample(a)
    junk = os.path.join(root, 'junk')  # watched from the start
    os.makedirs(junk)
    w = Watcher('overflow', [root])
    w.expect_exactly(1)
    try:
        limit = int(open('/proc/sys/fs/inotify/max_queued_events').read())
    except OSError:
        limit = 16384
    w.proc.send_signal(signal.SIGSTOP)
    try:
        b = os.path.join(root, 'B')
        copy_sample(b, 'com.example.safety-basics-b')
        for i in range(limit // 2 + 100):  # two events each (create, close): over the limit
            open(os.path.join(junk, '%d.txt' % i), 'w').close()
    finally:
        w.proc.send_signal(signal.SIGCONT)
    objs = w.expect_exactly(3)
    if not any('overflow' in e for e in w.errors):
        raise Failure('no overflow reported%s' % w.dump())
    packages = sorted(o.get('package') for o in objs[1:])
    if packages != [a, b]:
        raise Failure('after the rescan, expected one publish each of A and B%s' % w.dump())
    w.stop()


def test_config_stop_is_bounded():
    """With --config and an LRS that does not answer: publishes queue statements,
    the stop waits --timeout at most, exits 0, and the outbox keeps them."""
    root = scratch('config')
    copy_sample(os.path.join(root, 'A'))
    config = os.path.join(ARGS.work, 'config.json')
    with open(config, 'w') as f:
        json.dump({'course_iri': 'https://lms.example.org/courses/safety-basics',
                   'targets': [{'name': 'lms', 'kind': 'xapi', 'endpoint': 'http://127.0.0.1:9/xAPI/',
                                'auth': {'type': 'basic', 'username': 'cc', 'password': {'env': 'LRS_SECRET'}},
                                'connect_timeout_ms': 300, 'request_timeout_ms': 500,
                                'retry': {'base_ms': 100, 'cap_ms': 400}}]}, f)
    os.environ['LRS_SECRET'] = 'not-a-secret'
    w = Watcher('config', [root], '--config', config, '--timeout', '1')
    [obj] = w.expect_exactly(1)
    check_published(obj, os.path.join(root, 'A'))
    if not obj.get('queued', {}).get('statements'):
        raise Failure('nothing queued for the LMS: %s' % json.dumps(obj))
    start = time.monotonic()
    rc = w.stop(signal.SIGTERM)
    took = time.monotonic() - start
    if rc != 0 or took > 6:
        raise Failure('stop: exit status %s after %.1fs (expected 0 within ~1s)%s' % (rc, took, w.dump()))
    if not any('outbox' in e for e in w.errors):
        raise Failure('the stop did not say what stays in the outbox%s' % w.dump())
    out = subprocess.run([ARGS.cli, 'outbox', '--pending', '--json', '--config', config, '--store',
                          os.path.join(ARGS.work, 'config.db')], capture_output=True, text=True)
    items = json.loads(out.stdout or '{}').get('items', [])
    if out.returncode != 0 or not any(i.get('state') != 'dead' for i in items):
        raise Failure('the outbox does not keep the undelivered statements: %s %s' % (out.stdout, out.stderr))


HARNESS = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'lrs', 'harness.js')


def start_lrs(name):
    """tests/lrs/harness.js on loopback (it exits when its stdin closes, or is
    killed with the scenario): (its ready file's JSON, the process), or None
    when node or tests/lrs/node_modules is missing."""
    node = shutil.which('node')
    if not node or not os.path.isdir(os.path.join(os.path.dirname(HARNESS), 'node_modules', 'xapi-statements')):
        return None
    ready = os.path.join(ARGS.work, name + '-lrs.json')
    proc = subprocess.Popen([node, HARNESS, '--ready-file', ready], stdin=subprocess.PIPE,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    RUNNING.append(proc)
    deadline = time.monotonic() + 60
    while not os.path.exists(ready):
        if proc.poll() is not None or time.monotonic() > deadline:
            raise Failure('the LRS harness did not start (exit status %s)' % proc.returncode)
        time.sleep(0.1)
    with open(ready) as f:
        return json.load(f), proc


def test_pull_before_publish():
    """Two seats of one team through a real LRS: seat A sets a status and
    delivers it; seat B's watch, with the same config, pulls before its
    publish, so B's store has A's change (remote, A's "by"). With the LRS
    gone, B's next publish reports the failed pull and goes on."""
    started = start_lrs('pull')
    if started is None:
        print('skip  test_pull_before_publish: node or tests/lrs/node_modules is missing', flush=True)
        return
    lrs, harness = started
    roles = ARGS.sample + '.roles.json'
    config = os.path.join(ARGS.work, 'pull-config.json')
    with open(config, 'w') as f:
        json.dump({'course_iri': 'https://lms.example.org/courses/watch-pull',
                   'targets': [{'name': 'lms', 'kind': 'xapi', 'endpoint': lrs['proxy'], 'documents': True,
                                'auth': {'type': 'basic', 'username': 'cc', 'password': {'env': 'LRS_SECRET'}},
                                'connect_timeout_ms': 500, 'request_timeout_ms': 10000,
                                'retry': {'base_ms': 100, 'cap_ms': 400}}]}, f)
    os.environ['LRS_SECRET'] = 'not-a-secret'
    seat_a = ['--config', config, '--roles', roles, '--store', os.path.join(ARGS.work, 'pull-a.db')]
    r = subprocess.run([ARGS.cli, 'status', 'set', ARGS.sample, 'SCO-QUIZ', 'writer', 'in_review',
                        '--by', 'ana@example.org', '--timeout', '60', *seat_a],
                       capture_output=True, text=True, timeout=90)
    if r.returncode != 0:
        raise Failure('seat A: status set exited %d\n%s%s' % (r.returncode, r.stdout, r.stderr))

    root = scratch('pull')
    course = os.path.join(root, 'A')
    copy_sample(course)
    w = Watcher('pull', [root], '--config', config, '--roles', roles)
    [obj] = w.expect_exactly(1)
    check_published(obj, course)
    pulled = obj.get('pulled') or {}
    targets = pulled.get('targets') or [{}]
    if not pulled.get('complete') or targets[0].get('state') != 'pulled' or not targets[0].get('modules_merged'):
        raise Failure('the publish did not pull the team\'s state first: %s' % json.dumps(obj))
    seat_b = ['--config', config, '--roles', roles, '--store', os.path.join(ARGS.work, 'pull.db'), '--no-pull']
    r = subprocess.run([ARGS.cli, 'review', course, '--format', 'json', *seat_b],
                       capture_output=True, text=True, timeout=60)
    pair = None
    if r.returncode == 0:
        for module in json.loads(r.stdout)['modules']:
            for piece in module['pieces']:
                for p in piece['pairs']:
                    if piece['id'] == 'SCO-QUIZ' and p['role'] == 'writer':
                        pair = p
    if not pair or pair.get('status') != 'in_review' or pair.get('by') != 'ana@example.org' \
            or pair.get('remote') is not True:
        raise Failure('seat B does not show seat A\'s change as remote: %s\n%s' % (json.dumps(pair), r.stderr))

    # The LRS goes away: the next publish reports the failed pull, and is made.
    harness.stdin.close()
    harness.wait(15)
    with open(os.path.join(course, 'intro', 'welcome.html'), 'a') as f:
        f.write('<!-- edited -->\n')
    objs = w.expect_exactly(2)
    check_published(objs[1], course)
    again = objs[1].get('pulled') or {}
    if again.get('complete') is not False or (again.get('targets') or [{}])[0].get('state') != 'failed':
        raise Failure('a pull from an LRS that is gone was not reported as failed: %s' % json.dumps(objs[1]))
    w.stop()


def test_human_output():
    """Without --json: one readable line per publish on stdout, a broken package on stderr."""
    root = scratch('human')
    course = os.path.join(root, 'A')
    copy_sample(course)
    w = Watcher('human', [root], json_lines=False)
    [obj] = w.expect_exactly(1)
    line = obj.get('unparsable', '').rstrip('\n')
    expected = (r'\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ  com\.example\.safety-basics \(%s\): '
                r'4 pieces; 9 new, 0 reopened, 0 archived, 0 restored' % re.escape(course))
    if not re.fullmatch(expected, line):
        raise Failure('publish line %r does not match %r' % (line, expected))
    with open(os.path.join(course, 'imsmanifest.xml'), 'w') as f:
        f.write('<manifest identifier="x"')
    w.wait_for(lambda: any(course + ' not published' in e for e in w.errors), 'report of the broken package')
    if len(w.lines) != 1:
        raise Failure('a failed publish printed on stdout%s' % w.dump())
    w.stop()


def test_usage_errors():
    """No folder, a missing folder, a settle time out of range: exit 2, nothing watched."""
    for args in ([], [os.path.join(ARGS.work, 'nope')], [ARGS.work, '--settle-ms', '0']):
        r = subprocess.run([ARGS.cli, 'watch', *args], capture_output=True, text=True, timeout=10)
        if r.returncode != 2:
            raise Failure('watch %s: exit status %d, expected 2\n%s' % (' '.join(args), r.returncode, r.stderr))


def main():
    global ARGS
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    p.add_argument('--cli', required=True)
    p.add_argument('--sample', required=True)
    p.add_argument('--work', required=True)
    p.add_argument('only', nargs='*', help='run only these scenarios (test_ names)')
    ARGS = p.parse_args()
    ARGS.sample = os.path.realpath(ARGS.sample)
    shutil.rmtree(ARGS.work, ignore_errors=True)
    os.makedirs(ARGS.work)
    ARGS.work = os.path.realpath(ARGS.work)
    tests = [(n, f) for n, f in globals().items() if n.startswith('test_') and callable(f)]
    failed = 0
    for name, test in tests:
        if ARGS.only and name not in ARGS.only:
            continue
        start = time.monotonic()
        try:
            test()
            print('ok    %s (%.1fs)' % (name, time.monotonic() - start), flush=True)
        except Failure as e:
            failed += 1
            print('FAIL  %s: %s' % (name, e), flush=True)
        finally:
            for proc in RUNNING:
                if proc.poll() is None:
                    proc.kill()
                    proc.wait()
            RUNNING.clear()
    print('%d failed' % failed if failed else 'all passed')
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
