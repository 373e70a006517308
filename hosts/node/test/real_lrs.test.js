'use strict';
// Sync through the Node host to a real LRS: Learning Locker's xAPI services
// behind tests/lrs/harness.js (see tests/lrs/README.md), statements and module
// status documents both. Skipped where the harness's services are not installed
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
