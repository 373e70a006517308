'use strict';
// Sync through the Node host against a tiny LRS on loopback (helpers.js):
// the plugin's worker thread delivers, its events reach 'sync' listeners on
// the JS thread, and close() stops and joins the worker promptly, even while
// a target stalls or events are streaming in.
const assert = require('node:assert/strict');
const http = require('node:http');
const path = require('node:path');
const { promisify } = require('node:util');
const execFile = promisify(require('node:child_process').execFile);
const { test } = require('node:test');
const { isMainThread } = require('node:worker_threads');
const { open } = require('..');
const { paths, scratch, storeOptions, startLrs, writeSyncConfig, within } = require('./helpers');

// An address nothing listens on: a port that was free a moment ago.
async function deadEndpoint() {
  const server = http.createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}/xAPI/`;
}

function openSyncing(t, endpoint, target) {
  const dir = scratch(t);
  const config = writeSyncConfig(dir, endpoint, target);
  const cc = open({ plugin: paths.plugin, options: storeOptions(dir, { config }) });
  t.after(() => cc.close());
  return cc;
}

test('sync delivers to the LRS; sent events arrive on the JS thread', async (t) => {
  const lrs = await startLrs();
  t.after(() => lrs.close());
  const cc = openSyncing(t, lrs.endpoint);
  const events = [];
  cc.on('sync', (event) => events.push({ ...event, onMainThread: isMainThread }));

  const published = await cc.publish(paths.sample);
  assert.ok(published.queued.statements > 0, JSON.stringify(published.queued));
  const status = await cc.sync({ timeoutMs: 20000 });
  assert.equal(status.idle, true);
  assert.equal(status.targets[0].name, 'lms');
  assert.equal(status.targets[0].pending, 0);
  assert.equal(lrs.statements.length, published.queued.statements);

  const sent = events.filter((e) => e.event === 'sent');
  assert.ok(sent.length > 0, JSON.stringify(events));
  assert.ok(sent.every((e) => e.target === 'lms' && e.onMainThread));
  assert.equal(sent.reduce((n, e) => n + e.count, 0), lrs.statements.length);

  const outbox = await cc.outbox({ action: 'list', pending: true });
  assert.deepEqual(outbox.items, []);
});

test('an unreachable target: retrying events, and sync rejects after its timeout with the status', async (t) => {
  const cc = openSyncing(t, await deadEndpoint());
  const retrying = [];
  cc.on('sync', (event) => { if (event.event === 'retrying') retrying.push(event); });
  await cc.publish(paths.sample);
  const started = performance.now();
  const err = await cc.sync({ timeoutMs: 700 }).then(() => null, (e) => e);
  const took = performance.now() - started;
  assert.ok(err, 'sync to a dead port resolved');
  assert.equal(err.code, 'COURSECREW_E_IO');
  assert.match(err.message, /^not everything was delivered within 700 ms/);
  assert.equal(err.detail.idle, false);
  assert.ok(err.detail.targets[0].pending > 0);
  assert.ok(took >= 650 && took < 5000, `sync took ${took.toFixed(0)} ms`);
  assert.ok(retrying.length > 0, 'no retrying event');
  assert.equal(typeof retrying[0].in_ms, 'number');
  const pending = await cc.outbox({ action: 'list', pending: true });
  assert.ok(pending.items.some((i) => i.state === 'pending' && i.target === 'lms'));
});

test('close during a sync that waits on a stalled target resolves promptly; calls after it reject', async (t) => {
  const lrs = await startLrs({ stall: true });
  t.after(() => lrs.close());
  const cc = openSyncing(t, lrs.endpoint);
  await cc.publish(paths.sample);
  const syncing = cc.sync({ timeoutMs: 60000 });
  const syncOutcome = syncing.then(() => null, (e) => e);
  await new Promise((resolve) => setTimeout(resolve, 500)); // the worker is inside its POST by now
  const started = performance.now();
  await within(10000, cc.close(), 'close during a stalled sync');
  const took = performance.now() - started;
  assert.ok(took < 5000, `close took ${took.toFixed(0)} ms`);
  const err = await syncOutcome;
  assert.ok(err, 'the interrupted sync resolved');
  assert.equal(err.code, 'ERR_COURSECREW_CLOSED');
  assert.equal(err.detail.idle, false);
  await assert.rejects(cc.inspect(paths.sample), { code: 'ERR_COURSECREW_CLOSED' });
  await assert.rejects(cc.sync({ timeoutMs: 10 }), { code: 'ERR_COURSECREW_CLOSED' });
});

// In a child process: a deadlock would block the JS thread, and with it any
// timer of this test. The child's JS thread is kept busy for 100 ms first, so
// that the worker (retrying every few ms) is surely waiting inside the event
// callback for that thread when close() destroys the instance.
const CLOSE_WHILE_EVENTS = `
  const { open } = require(process.env.CC_HOST);
  const cc = open({ plugin: process.env.CC_PLUGIN, options: JSON.parse(process.env.CC_OPTIONS) });
  let count = 0, afterClose = 0, closed = false;
  cc.on('sync', () => { count++; if (closed) afterClose++; });
  (async () => {
    await cc.publish(process.env.CC_SAMPLE);
    await cc.sync({ timeoutMs: 0 }).catch(() => {}); // starts the worker; it keeps retrying
    const deadline = Date.now() + 10000;
    while (count < 20 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    const spin = performance.now() + 100;
    while (performance.now() < spin) {} // the JS thread is busy: the worker waits in the callback
    await cc.close();
    closed = true;
    await new Promise((r) => setTimeout(r, 200));
    console.log(JSON.stringify({ count, afterClose }));
  })();
`;

// The environment of a child script that opens the host on the sample with
// this store and sync config.
function childEnv(dir, config) {
  return {
    ...process.env,
    CC_HOST: path.resolve(__dirname, '..'), CC_PLUGIN: paths.plugin, CC_SAMPLE: paths.sample,
    CC_OPTIONS: JSON.stringify(storeOptions(dir, { config })),
  };
}

test('close while events stream in from the worker does not deadlock, and no event follows it', async (t) => {
  const dir = scratch(t);
  const config = writeSyncConfig(dir, await deadEndpoint(), { retry: { base_ms: 1, cap_ms: 5 } });
  const env = childEnv(dir, config);
  const { stdout } = await execFile(process.execPath, ['-e', CLOSE_WHILE_EVENTS], { env, timeout: 30000 })
    .catch((err) => assert.fail(`the child did not finish (deadlock?): ${err.message}`));
  const { count, afterClose } = JSON.parse(stdout);
  assert.ok(count >= 20, `only ${count} events in 10 s`);
  assert.equal(afterClose, 0);
});

// A script that forgets close(): the worker keeps retrying (and calling into
// JS) until the event loop runs dry; Node must then exit normally, not abort.
const FORGETS_CLOSE = `
  const { open } = require(process.env.CC_HOST);
  const cc = open({ plugin: process.env.CC_PLUGIN, options: JSON.parse(process.env.CC_OPTIONS) });
  let count = 0;
  cc.on('sync', () => count++);
  (async () => {
    await cc.publish(process.env.CC_SAMPLE);
    await cc.sync({ timeoutMs: 300 }).catch(() => {});
    console.log(JSON.stringify({ count }));
  })();
`;

test('a script that never calls close() exits normally while the worker is busy', async (t) => {
  const dir = scratch(t);
  const config = writeSyncConfig(dir, await deadEndpoint(), { retry: { base_ms: 1, cap_ms: 3 } });
  const env = childEnv(dir, config);
  for (let run = 0; run < 3; run++) {
    const { stdout } = await execFile(process.execPath, ['-e', FORGETS_CLOSE], { env, timeout: 30000 })
      .catch((err) => assert.fail(`the child failed (code ${err.code}, signal ${err.signal})`));
    assert.ok(JSON.parse(stdout).count > 0, 'no event before the end');
  }
});

test('a listener that throws does not reach the plugin: the error surfaces as uncaught, delivery goes on', async (t) => {
  const lrs = await startLrs();
  t.after(() => lrs.close());
  const cc = openSyncing(t, lrs.endpoint);
  const uncaught = [];
  const listeners = process.listeners('uncaughtException');
  process.removeAllListeners('uncaughtException');
  const catcher = (err) => uncaught.push(err);
  process.on('uncaughtException', catcher);
  t.after(() => {
    process.removeListener('uncaughtException', catcher);
    for (const l of listeners) process.on('uncaughtException', l);
  });
  cc.on('sync', () => { throw new Error('listener bug'); });
  await cc.publish(paths.sample);
  const status = await cc.sync({ timeoutMs: 20000 });
  assert.equal(status.idle, true);
  await new Promise((resolve) => setImmediate(resolve));
  assert.ok(uncaught.some((e) => e.message === 'listener bug'), 'the listener error was swallowed');
});

test('pull from an unreachable LRS rejects COURSECREW_E_IO quickly with the report; the review still works', async (t) => {
  const cc = openSyncing(t, await deadEndpoint(), { documents: true });
  await cc.publish(paths.sample);
  const started = performance.now();
  const err = await cc.pull({ timeoutMs: 5000 }).then(() => null, (e) => e);
  const took = performance.now() - started;
  assert.ok(err, 'a pull from a dead port resolved');
  assert.equal(err.code, 'COURSECREW_E_IO');
  assert.match(err.message, /^the team's state could not be pulled: target "lms"/);
  assert.equal(err.detail.complete, false);
  assert.equal(err.detail.pulled_at, null);
  assert.equal(typeof err.detail.attempted_at, 'string');
  assert.deepEqual(err.detail.targets.map((x) => [x.name, x.state]), [['lms', 'failed']]);
  assert.ok(took < 4000, `the pull took ${took.toFixed(0)} ms`);
  const review = await cc.review(paths.sample);
  assert.equal(review.course.id, 'com.example.safety-basics');
  assert.equal(review.team.pulled_at, null);
});

test('pull without a sync config rejects COURSECREW_E_INVALID_ARGUMENT', async (t) => {
  const cc = open({ plugin: paths.plugin, options: storeOptions(scratch(t)) });
  t.after(() => cc.close());
  await assert.rejects(cc.pull(), { code: 'COURSECREW_E_INVALID_ARGUMENT', message: /pull needs the option "config"/ });
});
