'use strict';
// Loading and the ABI check (fake plugins of ABI 2.0 and 1.0 are refused
// before anything in them is called: calling them aborts the process; one of
// ABI 1.3 loads, and its entry is not read past its struct_size), and
// what the binding promises about calls, seen by a probe plugin that counts:
// one call at a time per instance, instances in parallel, every string freed,
// a stack deep enough for the plugin. Fixtures: test/fixtures/fake_plugin.c.
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { promisify } = require('node:util');
const execFile = promisify(require('node:child_process').execFile);
const { test } = require('node:test');
const { open } = require('..');
const { paths, scratch, storeOptions } = require('./helpers');

test('the fake plugins were built', () => {
  for (const file of [paths.fakeAbi2, paths.fakeOld, paths.fakeProbe, paths.fakeV13]) {
    assert.ok(fs.existsSync(file), `${file} is missing: build the cc_node_fake_* targets`);
  }
});

test('a plugin of a newer ABI major is refused, clearly', () => {
  assert.throws(() => open({ plugin: paths.fakeAbi2 }), (err) => {
    assert.equal(err.code, 'COURSECREW_E_ABI');
    assert.ok(err.message.includes(paths.fakeAbi2), err.message);
    assert.match(err.message, /plugin ABI 2\.0, this host .* needs ABI 1\./);
    return true;
  });
});

test('a plugin too old for the functions this host calls is refused, naming them', () => {
  assert.throws(() => open({ plugin: paths.fakeOld }), (err) => {
    assert.equal(err.code, 'COURSECREW_E_ABI');
    assert.match(err.message, /plugin ABI 1\.0 \(entry of \d+ bytes\) lacks publish, review, set_status, set_event_callback, sync, outbox/);
    assert.match(err.message, /needs ABI 1\.2 or newer/);
    return true;
  });
});

test('a plugin of ABI 1.3 loads and works; pull rejects COURSECREW_E_UNSUPPORTED, never reading past struct_size', async (t) => {
  // Its entry's pull slot holds a function that aborts the process: a host
  // that read the entry past struct_size would call it.
  const cc = open({ plugin: paths.fakeV13 });
  t.after(() => cc.close());
  assert.deepEqual(cc.plugin.abi, { major: 1, minor: 3 });
  assert.equal((await cc.inspect('x')).instance_max, 1);
  await assert.rejects(cc.pull({ timeoutMs: 100 }), (err) => {
    assert.equal(err.code, 'COURSECREW_E_UNSUPPORTED');
    assert.ok(err.message.includes(paths.fakeV13), err.message);
    assert.match(err.message, /ABI 1\.3 and cannot pull; pull needs a plugin of ABI 1\.4 or newer/);
    return true;
  });
  await assert.rejects(cc.pull(), { code: 'COURSECREW_E_UNSUPPORTED' });
  // The instance goes on working after it.
  assert.equal((await cc.sync()).idle, true);
});

test('pull passes its timeout (omitted or negative: -1, the config\'s), resolves the report, rejects E_IO with it', async (t) => {
  const cc = open({ plugin: paths.fakeProbe });
  t.after(() => cc.close());
  assert.equal(cc.plugin.abi.minor, 4);
  assert.deepEqual(await cc.pull(), {
    complete: true, finished: true, pulled_at: null, attempted_at: null, targets: [], timeout_ms: -1,
  });
  assert.equal((await cc.pull({ timeoutMs: -5 })).timeout_ms, -1);
  assert.equal((await cc.pull({ timeoutMs: 0 })).timeout_ms, 0);
  assert.equal((await cc.pull({ timeoutMs: 2500 }, { store: 'x' })).timeout_ms, 2500);
  await assert.rejects(cc.pull({ timeoutMs: 1.5 }), TypeError);
  await assert.rejects(cc.pull({ timeoutMs: 10 }, { fail: true }), (err) => {
    assert.equal(err.code, 'COURSECREW_E_IO');
    assert.equal(err.status, 3);
    assert.equal(err.message, 'fake pull failure');
    assert.equal(err.detail.complete, false);
    assert.equal(err.detail.timeout_ms, 10);
    return true;
  });
});

test('a file that cannot be loaded, or is not a coursecrew plugin, says so', (t) => {
  const missing = `${scratch(t)}/libnothing.so`;
  assert.throws(() => open({ plugin: missing }), { code: 'ERR_COURSECREW_LOAD', message: new RegExp(missing) });
  assert.throws(() => open({ plugin: 'libc.so.6' }), { code: 'ERR_COURSECREW_LOAD', message: /no symbol coursecrew_entry/ });
});

test('without options.plugin, $COURSECREW_PLUGIN is loaded', async (t) => {
  const saved = process.env.COURSECREW_PLUGIN;
  t.after(() => { if (saved === undefined) delete process.env.COURSECREW_PLUGIN; else process.env.COURSECREW_PLUGIN = saved; });
  process.env.COURSECREW_PLUGIN = paths.fakeProbe;
  const cc = open();
  assert.equal(cc.plugin.path, paths.fakeProbe);
  assert.equal(cc.plugin.version, '0.0.0-probe');
  await cc.close();
});

test('without either, the installed library is loaded by its soname, libcoursecrew.so.1', async () => {
  // The dynamic loader reads LD_LIBRARY_PATH at start: a child process, with
  // the build's folder (where libcoursecrew.so.1 links to the plugin) on it.
  const env = { ...process.env, LD_LIBRARY_PATH: path.dirname(paths.plugin) };
  delete env.COURSECREW_PLUGIN;
  const script = `const cc = require(${JSON.stringify(path.resolve(__dirname, '..'))}).open();
    console.log(JSON.stringify(cc.plugin)); cc.close();`;
  const { stdout } = await execFile(process.execPath, ['-e', script], { env, timeout: 30000 });
  const plugin = JSON.parse(stdout);
  assert.equal(plugin.path, 'libcoursecrew.so.1');
  assert.equal(plugin.abi.major, 1);
});

test('20 concurrent calls on one instance all resolve, one at a time in the plugin', async (t) => {
  const cc = open({ plugin: paths.fakeProbe });
  t.after(() => cc.close());
  const answers = await Promise.all(Array.from({ length: 20 }, (_, i) =>
    (i % 2 ? cc.publish('sleep:5') : cc.inspect('sleep:5'))));
  assert.equal(answers.length, 20);
  for (const a of answers) assert.equal(a.instance_max, 1, JSON.stringify(a));
});

test('20 concurrent calls on one instance of the real plugin all resolve with their own answers', async (t) => {
  const dir = scratch(t);
  const cc = open({ plugin: paths.plugin, options: storeOptions(dir) });
  t.after(() => cc.close());
  const calls = Array.from({ length: 20 }, (_, i) => {
    switch (i % 4) {
      case 0: return cc.inspect(paths.sample).then((r) => ['inspect', r.identifier]);
      case 1: return cc.publish(paths.sample).then((r) => ['publish', r.course]);
      case 2: return cc.review(paths.sample, { format: 'csv' }).then((r) => ['review', r.slice(0, 7)]);
      default: return cc.outbox({ action: 'list' }).then((r) => ['outbox', r.items.length]);
    }
  });
  const results = await Promise.all(calls);
  assert.deepEqual(results.slice(0, 4), [
    ['inspect', 'com.example.safety-basics'], ['publish', 'com.example.safety-basics'],
    ['review', 'module,'], ['outbox', 0],
  ]);
  assert.deepEqual(results.slice(16), results.slice(0, 4));
});

test('two instances run their calls in parallel', async (t) => {
  const a = open({ plugin: paths.fakeProbe });
  const b = open({ plugin: paths.fakeProbe });
  t.after(() => Promise.all([a.close(), b.close()]));
  const started = performance.now();
  const answers = await Promise.all([a.inspect('sleep:300'), b.inspect('sleep:300')]);
  const took = performance.now() - started;
  assert.ok(answers.some((x) => x.global_max >= 2), JSON.stringify(answers));
  assert.ok(took < 550, `two 300 ms calls on two instances took ${took.toFixed(0)} ms`);
});

test('two instances of the real plugin publish at the same time, each into its own store', async (t) => {
  const [d1, d2] = [scratch(t), scratch(t)];
  const a = open({ plugin: paths.plugin, options: storeOptions(d1) });
  const b = open({ plugin: paths.plugin, options: storeOptions(d2) });
  t.after(() => Promise.all([a.close(), b.close()]));
  const [ra, rb] = await Promise.all([a.publish(paths.sample), b.publish(paths.sample)]);
  assert.equal(ra.store, `${d1}/state.db`);
  assert.equal(rb.store, `${d2}/state.db`);
  assert.equal(ra.added, rb.added);
});

test('every string the plugin returns is freed with its free_string, failures included', async (t) => {
  const cc = open({ plugin: paths.fakeProbe });
  t.after(() => cc.close());
  await cc.inspect('x');
  await assert.rejects(cc.publish('fail:on purpose'), {
    code: 'COURSECREW_E_PACKAGE_INVALID', message: 'fake failure: on purpose', detail: { why: 'on purpose' },
  });
  await cc.review('x', { format: 'json' });
  await cc.sync({ timeoutMs: 0 });
  await cc.pull({ timeoutMs: 0 });
  await assert.rejects(cc.pull({}, { fail: true }), { code: 'COURSECREW_E_IO' });
  const counters = await cc.inspect('x');
  assert.equal(counters.freed, counters.allocated - 1, JSON.stringify(counters)); // all but this answer
});

test('a call may use 4 MiB of stack (koffi gives its own calls 128 KiB unless told)', async (t) => {
  const cc = open({ plugin: paths.fakeProbe });
  t.after(() => cc.close());
  const answer = await cc.inspect('stack:4096');
  assert.equal(answer.instance_max, 1);
});

test('after close, calls reject with ERR_COURSECREW_CLOSED; close again is fine', async () => {
  const cc = open({ plugin: paths.fakeProbe });
  const pending = cc.inspect('sleep:50'); // made before close: still answered
  const closing = cc.close();
  assert.equal(cc.closed, true);
  await assert.rejects(cc.inspect('x'), { code: 'ERR_COURSECREW_CLOSED' });
  assert.equal((await pending).instance_max, 1);
  await closing;
  await cc.close();
  for (const call of [() => cc.publish('x'), () => cc.review('x'), () => cc.setStatus({}), () => cc.sync(), () => cc.pull(),
    () => cc.outbox({})]) {
    await assert.rejects(call(), { code: 'ERR_COURSECREW_CLOSED' });
  }
});
