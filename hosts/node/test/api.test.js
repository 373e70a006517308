'use strict';
// Every method of the Node host against the real plugin, on
// samples/safety-basics with its role map and a scratch store; and how
// failures reach JavaScript (code, message, detail).
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { test } = require('node:test');
const { open, CoursecrewError } = require('..');
const { paths, scratch, storeOptions } = require('./helpers');

function openWithStore(t, extra) {
  const dir = scratch(t);
  const cc = open({ plugin: paths.plugin, options: storeOptions(dir, extra) });
  t.after(() => cc.close());
  return { cc, dir };
}

test('the plugin is the one asked for, of ABI 1.x', (t) => {
  const { cc } = openWithStore(t);
  assert.equal(cc.plugin.path, paths.plugin);
  assert.equal(cc.plugin.abi.major, 1);
  assert.ok(cc.plugin.abi.minor >= 2);
  assert.match(cc.plugin.version, /^\d+\.\d+\.\d+/);
});

test('inspect describes the package', async (t) => {
  const { cc } = openWithStore(t);
  const info = await cc.inspect(paths.sample);
  assert.equal(info.format, 'scorm2004');
  assert.equal(info.identifier, 'com.example.safety-basics');
  assert.equal(info.usable, true);
  assert.ok(info.counts.pieces > 0);
  // Per-call options override the instance's.
  const listed = await cc.inspect(paths.sample, { list_files: true });
  assert.ok(JSON.stringify(listed).length > JSON.stringify(info).length);
});

test('publish records the pieces and their roles; a second publish changes nothing', async (t) => {
  const { cc, dir } = openWithStore(t);
  const first = await cc.publish(paths.sample);
  assert.equal(first.course, 'com.example.safety-basics');
  assert.equal(first.store, path.join(dir, 'state.db'));
  assert.equal(first.added, first.pairs);
  assert.ok(first.changes.some((c) => c.piece === 'SCO-WELCOME' && c.role === 'voice'));
  const again = await cc.publish(paths.sample);
  assert.equal(again.added, 0);
  assert.equal(again.unchanged, first.pairs);
  assert.deepEqual(again.changes, []);
});

test('review: an object for format json, the text for csv and html', async (t) => {
  const { cc } = openWithStore(t);
  const review = await cc.review(paths.sample);
  assert.equal(typeof review, 'object');
  assert.equal(review.course.id, 'com.example.safety-basics');
  assert.ok(review.modules.some((m) => m.id === 'MOD-INTRO'));
  const csv = await cc.review(paths.sample, { format: 'csv' });
  assert.equal(typeof csv, 'string');
  assert.match(csv, /^module,module_title,piece,/);
  assert.match(csv, /\nMOD-INTRO,Introduction,SCO-WELCOME,[^\n]*,voice,not_started,Eli Park,/);
  const html = await cc.review(paths.sample, { format: 'html' });
  assert.match(html, /^<!DOCTYPE html>/i);
});

test("review's format may come from the instance's options", async (t) => {
  const { cc } = openWithStore(t, { format: 'csv' });
  assert.match(await cc.review(paths.sample), /^module,/);
  assert.equal(typeof (await cc.review(paths.sample, { format: 'json' })), 'object');
});

test('setStatus changes one pair and the review shows it', async (t) => {
  const { cc } = openWithStore(t);
  const result = await cc.setStatus({
    package: paths.sample,
    updates: [{ piece: 'SCO-QUIZ', role: 'writer', status: 'in_progress', by: 'node-test' }],
  });
  assert.deepEqual(result.changes.map((c) => [c.piece, c.role, c.from, c.to, c.by]),
    [['SCO-QUIZ', 'writer', 'not_started', 'in_progress', 'node-test']]);
  const csv = await cc.review(paths.sample, { format: 'csv' });
  assert.match(csv, /\nMOD-ASSESS,[^\n]*,SCO-QUIZ,[^\n]*,writer,in_progress,/);
  // A JSON string is passed as it is.
  const text = JSON.stringify({ updates: [{ piece: 'SCO-QUIZ', role: 'writer', status: 'done', by: 'node-test' }] });
  const done = await cc.setStatus(text);
  assert.equal(done.course, 'com.example.safety-basics');
  assert.equal(done.changes[0].to, 'done');
});

test('outbox lists an empty outbox, and refuses a drop without ids', async (t) => {
  const { cc } = openWithStore(t);
  await cc.publish(paths.sample);
  assert.deepEqual(await cc.outbox({ action: 'list', pending: true }), { items: [] });
  await assert.rejects(cc.outbox({ action: 'drop' }), {
    code: 'COURSECREW_E_INVALID_ARGUMENT', message: /\/ids/,
  });
});

test('a missing package rejects with its code, message and the JSON describing it', async (t) => {
  const { cc } = openWithStore(t);
  const missing = path.join(scratch(t), 'no-such-course.zip');
  const err = await cc.inspect(missing).then(() => null, (e) => e);
  assert.ok(err instanceof CoursecrewError);
  assert.ok(err instanceof Error);
  assert.equal(err.code, 'COURSECREW_E_NOT_FOUND');
  assert.equal(err.status, 2);
  assert.ok(err.message.includes(missing), err.message);
  assert.equal(err.detail.usable, false);
  assert.ok(err.detail.diagnostics.some((d) => d.code === 'package.not_found'), JSON.stringify(err.detail.diagnostics));
});

test('a broken role map rejects publish with every error and its place, and records nothing', async (t) => {
  const dir = scratch(t);
  const roles = path.join(dir, 'broken.roles.json');
  fs.writeFileSync(roles, JSON.stringify({ version: 1, roles: [{ id: 'voice' }], rules: [{ match: { ids: ['X'] }, roles: ['nobody'] }] }));
  const cc = open({ plugin: paths.plugin, options: storeOptions(dir, { roles }) });
  t.after(() => cc.close());
  const err = await cc.publish(paths.sample).then(() => null, (e) => e);
  assert.ok(err, 'publish with a broken role map resolved');
  assert.equal(err.code, 'COURSECREW_E_INVALID_ARGUMENT');
  assert.match(err.message, /nothing was applied/);
  assert.ok(Array.isArray(err.detail.errors) && err.detail.errors.length > 0, JSON.stringify(err.detail));
  assert.ok(err.detail.errors.some((e) => e.pointer === '/roles/0' && /title/.test(e.message)), JSON.stringify(err.detail));
  for (const e of err.detail.errors) {
    assert.equal(e.file, roles);
    assert.equal(typeof e.pointer, 'string');
    assert.ok(e.message.length > 0);
  }
  assert.ok(err.message.includes(err.detail.errors[0].message), err.message);
  // Nothing was applied: a publish without the role map adds every pair.
  const plain = open({ plugin: paths.plugin, options: storeOptions(dir, { roles: '' }) });
  t.after(() => plain.close());
  const first = await plain.publish(paths.sample);
  assert.equal(first.added, first.pairs);
});

test('an unknown piece in setStatus rejects and changes nothing', async (t) => {
  const { cc } = openWithStore(t);
  await assert.rejects(cc.setStatus({
    package: paths.sample, updates: [{ piece: 'SCO-NOPE', role: 'writer', status: 'done', by: 'x' }],
  }), { code: 'COURSECREW_E_INVALID_ARGUMENT', message: /SCO-NOPE/ });
  const csv = await cc.review(paths.sample, { format: 'csv' });
  assert.doesNotMatch(csv, /,done,/);
});

test('a review format the plugin does not know rejects', async (t) => {
  const { cc } = openWithStore(t);
  await assert.rejects(cc.review(paths.sample, { format: 'pdf' }), { code: 'COURSECREW_E_INVALID_ARGUMENT' });
});

test('bad options at open throw at once with COURSECREW_E_INVALID_ARGUMENT and the member', () => {
  assert.throws(() => open({ plugin: paths.plugin, options: { max_xml_depth: 'deep' } }), (err) => {
    assert.equal(err.code, 'COURSECREW_E_INVALID_ARGUMENT');
    assert.match(err.message, /\/max_xml_depth/);
    return true;
  });
  assert.throws(() => open({ plugin: paths.plugin, options: 42 }), TypeError);
});

test('bad options for one call reject that call only', async (t) => {
  const { cc } = openWithStore(t);
  await assert.rejects(cc.inspect(paths.sample, { no_such_option: 1 }), {
    code: 'COURSECREW_E_INVALID_ARGUMENT', message: /no_such_option/,
  });
  assert.equal((await cc.inspect(paths.sample)).format, 'scorm2004');
});
