'use strict';
// Sync through the Node host to a real LRS: Learning Locker's xAPI services
// behind tests/lrs/harness.js (see tests/lrs/README.md), statements and module
// status documents both; and two seats of one team (issue 13), one pulling
// the other's change back from the LRS, also when the LRS is slow or away. Skipped where the harness's services are not installed
// (scripts/install-deps.sh installs them); the tiny LRS of sync.test.js covers
// the host's side everywhere.
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { spawn } = require('node:child_process');
const { test } = require('node:test');
const { open } = require('..');
const { paths, scratch, storeOptions, writeSyncConfig, within } = require('./helpers');

const HARNESS = path.resolve(__dirname, '../../../tests/lrs');

async function startHarness(t) {
  const dir = scratch(t);
  const ready = path.join(dir, 'ready.json');
  // The harness exits when its stdin closes: when this test process ends, at the latest.
  const child = spawn(process.execPath, [path.join(HARNESS, 'harness.js'), '--ready-file', ready],
    { stdio: ['pipe', 'ignore', 'inherit'] });
  t.after(() => new Promise((resolve) => {
    child.once('exit', resolve);
    child.stdin.end();
  }));
  const deadline = Date.now() + 60000;
  while (!fs.existsSync(ready)) {
    if (child.exitCode !== null) throw new Error(`the LRS harness exited (${child.exitCode})`);
    if (Date.now() > deadline) throw new Error('the LRS harness was not ready within 60 s');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return JSON.parse(fs.readFileSync(ready, 'utf8'));
}

test('publish and setStatus reach a real LRS: statements and status documents, sent events', async (t) => {
  if (!fs.existsSync(path.join(HARNESS, 'node_modules/xapi-statements'))) {
    t.skip('tests/lrs/node_modules is missing (scripts/install-deps.sh installs it)');
    return;
  }
  const lrs = await startHarness(t);
  const dir = scratch(t);
  process.env.CC_NODE_LRS_SECRET = 'node-host-test';
  const config = writeSyncConfig(dir, lrs.proxy, {
    documents: true,
    auth: { type: 'basic', username: 'test', password: { env: 'CC_NODE_LRS_SECRET' } },
  });
  const cc = open({ plugin: paths.plugin, options: storeOptions(dir, { config }) });
  t.after(() => cc.close());
  const events = [];
  cc.on('sync', (event) => events.push(event));

  const published = await cc.publish(paths.sample);
  const changed = await cc.setStatus({
    package: paths.sample,
    updates: [{ piece: 'SCO-QUIZ', role: 'writer', status: 'in_review', by: 'ana@example.org' }],
  });
  assert.ok(changed.queued.statements > 0, JSON.stringify(changed.queued));
  const status = await within(60000, cc.sync({ timeoutMs: 45000 }), 'sync to the real LRS');
  assert.equal(status.idle, true);
  const [target] = status.targets;
  assert.equal(target.pending, 0);
  assert.equal(target.dead, 0);
  assert.equal(target.delivered, published.queued.statements + changed.queued.statements);

  const stats = await (await fetch(`${lrs.control}stats`)).json();
  assert.ok(stats.requests['POST /xAPI/statements'] > 0, JSON.stringify(stats.requests));
  assert.ok(Object.keys(stats.requests).some((k) => k.startsWith('PUT /xAPI/activities/profile') ||
    k.startsWith('POST /xAPI/activities/profile')), JSON.stringify(stats.requests));
  const sent = events.filter((e) => e.event === 'sent');
  assert.equal(sent.reduce((n, e) => n + e.count, 0), target.delivered);
  assert.ok(events.some((e) => e.event === 'document'), JSON.stringify(events.map((e) => e.event)));
});

function harnessMissing(t) {
  if (fs.existsSync(path.join(HARNESS, 'node_modules/xapi-statements'))) return false;
  t.skip('tests/lrs/node_modules is missing (scripts/install-deps.sh installs it)');
  return true;
}

// A pair of the review: module -> piece -> the role's pair.
function pairOf(review, pieceId, role) {
  for (const module of review.modules) {
    for (const piece of module.pieces) {
      if (piece.id === pieceId) return piece.pairs.find((p) => p.role === role);
    }
  }
  return undefined;
}

async function fault(lrs, rule) {
  const res = await fetch(`${lrs.control}faults`, { method: 'POST', body: JSON.stringify(rule) });
  assert.equal(res.status, 200, `POST /faults: ${res.status}`);
}

test('two seats, one team: B pulls A\'s change from the LRS; a slow or absent LRS fails the pull quickly, B\'s review still works', async (t) => {
  if (harnessMissing(t)) return;
  const lrs = await startHarness(t);
  process.env.CC_NODE_LRS_SECRET = 'node-host-test';
  // Same course IRI (writeSyncConfig's), separate stores; B's clock a minute later.
  const seat = (now) => {
    const dir = scratch(t);
    const config = writeSyncConfig(dir, lrs.proxy, {
      documents: true,
      auth: { type: 'basic', username: 'test', password: { env: 'CC_NODE_LRS_SECRET' } },
    });
    const cc = open({ plugin: paths.plugin, options: storeOptions(dir, { config, now }) });
    t.after(() => cc.close());
    return cc;
  };
  const a = seat(1795000000);
  const b = seat(1795000060);
  const events = [];
  b.on('sync', (event) => events.push(event));

  await a.publish(paths.sample);
  await a.setStatus({
    package: paths.sample,
    updates: [{ piece: 'SCO-QUIZ', role: 'writer', status: 'in_review', by: 'ana@example.org', note: 'from seat A' }],
  });
  const delivered = await within(60000, a.sync({ timeoutMs: 45000 }), 'seat A\'s sync');
  assert.equal(delivered.idle, true);
  assert.equal(delivered.targets[0].documents_pending, 0);

  await b.publish(paths.sample);
  const before = pairOf(await b.review(paths.sample), 'SCO-QUIZ', 'writer');
  assert.equal(before.status, 'not_started', JSON.stringify(before));

  const report = await within(30000, b.pull({ timeoutMs: 20000 }), 'seat B\'s pull');
  assert.equal(report.complete, true, JSON.stringify(report));
  assert.equal(report.finished, true);
  assert.equal(typeof report.pulled_at, 'string');
  const [target] = report.targets;
  assert.equal(target.name, 'lms');
  assert.equal(target.state, 'pulled');
  assert.ok(target.modules_merged > 0 && target.cells_changed > 0, JSON.stringify(target));

  const pulled = events.filter((e) => e.event === 'pulled');
  assert.equal(pulled.length, 1, JSON.stringify(events));
  assert.equal(pulled[0].target, 'lms');
  assert.equal(pulled[0].modules_merged, target.modules_merged);
  assert.equal(pulled[0].cells_changed, target.cells_changed);

  const review = await b.review(paths.sample);
  const pair = pairOf(review, 'SCO-QUIZ', 'writer');
  assert.equal(pair.status, 'in_review', JSON.stringify(pair));
  assert.equal(pair.by, 'ana@example.org');
  assert.equal(pair.remote, true);
  assert.equal(pairOf(review, 'SCO-WELCOME', 'voice').remote, undefined); // not touched by A
  assert.equal(review.team.pulled_at, report.pulled_at);

  // The LRS away (connections refused): rejects E_IO quickly, the report says why.
  await fault(lrs, { kind: 'refuse', ms: 8000, now: true });
  let started = performance.now();
  let err = await b.pull({ timeoutMs: 5000 }).then(() => null, (e) => e);
  let took = performance.now() - started;
  assert.ok(err, 'a pull from an LRS out of reach resolved');
  assert.equal(err.code, 'COURSECREW_E_IO');
  assert.match(err.message, /the team's state could not be pulled: target "lms"/);
  assert.equal(err.detail.complete, false);
  assert.equal(err.detail.targets[0].state, 'failed');
  assert.ok(err.detail.targets[0].error.length > 0);
  assert.equal(err.detail.pulled_at, report.pulled_at); // the last good pull stands
  assert.ok(took < 3000, `the pull took ${took.toFixed(0)} ms`);

  await fetch(`${lrs.control}reset`, { method: 'POST' }); // ends the refusal

  // A slow LRS: the wait runs out; rejects E_IO with the report, within the time asked.
  await fault(lrs, { kind: 'delay', ms: 4000, path: '/xAPI/activities', count: 50 });
  started = performance.now();
  err = await b.pull({ timeoutMs: 700 }).then(() => null, (e) => e);
  took = performance.now() - started;
  assert.ok(err, 'a pull that could not finish in time resolved');
  assert.equal(err.code, 'COURSECREW_E_IO');
  assert.equal(err.detail.finished, false);
  assert.equal(err.detail.complete, false);
  assert.ok(took >= 650 && took < 3000, `the pull took ${took.toFixed(0)} ms`);

  // B's review goes on, with the state pulled before.
  const after = await b.review(paths.sample);
  assert.equal(pairOf(after, 'SCO-QUIZ', 'writer').by, 'ana@example.org');
  assert.equal(pairOf(after, 'SCO-QUIZ', 'writer').remote, true);
});
