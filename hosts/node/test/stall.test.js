'use strict';
// The event loop keeps turning while the plugin works: publishing a generated
// course of 1,000 pieces and 10,000 files (hashing 44 MB, ~450 KB of JSON
// back), a 1 ms interval never waits long. The bound is generous (200 ms) so
// that a busy machine does not make it flaky; bench/node_stall.js measures the
// 20,000-piece course (bench/README.md). Also: large answers parse in slices
// (lib/text.js) to the same value JSON.parse gives, and large texts decode in
// slices to the same text.
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { test } = require('node:test');
const { measure } = require('../../../bench/node_stall');
const { parseJsonBytes, decodeBytes, SMALL } = require('../lib/text');
const { paths, scratch } = require('./helpers');

test('the largest event-loop gap while publishing a 1,000-piece course stays under 200 ms', async (t) => {
  if (!fs.existsSync(paths.genScorm)) {
    t.skip(`${paths.genScorm} is not built (COURSECREW_BUILD_BENCH=OFF)`);
    return;
  }
  const course = path.join(scratch(t), 'course');
  fs.mkdirSync(course);
  execFileSync(paths.genScorm, [course, '20', '50', '10', '--with-files']);
  const r = await measure(paths.plugin, course);
  t.diagnostic(`publish ${r.publishMs.toFixed(0)} ms, largest gap ${r.largestGapMs.toFixed(1)} ms over ${r.ticks} ticks`);
  assert.equal(r.pieces, 1000);
  assert.ok(r.changes >= 1000);
  assert.ok(r.ticks > 10, `only ${r.ticks} ticks: the loop did not turn during the publish`);
  assert.ok(r.largestGapMs < 200, `the event loop stalled ${r.largestGapMs.toFixed(1)} ms`);
});

test('a large answer parses in slices to what JSON.parse gives, yielding to the event loop', async () => {
  const changes = [];
  for (let i = 0; changes.length * 150 < 60 * SMALL; i++) {  // ~4 MB: more than one slice of work
    changes.push({ kind: 'added', piece: `P-${i} "quoted" \\ é ✓ \u2028`, n: i * 1.5, ok: i % 2 === 0, none: null, e: [], o: {} });
  }
  const value = {
    course: 'c', big: 'x'.repeat(3 * SMALL), nested: { changes, deeper: [[1, 2, [3]], { a: -1e-7 }] },
    ['__proto__']: { polluted: true }, last: 12345,
  };
  const text = JSON.stringify(value);
  const bytes = Buffer.from(text);
  assert.ok(bytes.length > SMALL);
  let ticks = 0;
  const timer = setInterval(() => ticks++, 0);
  const parsed = await parseJsonBytes(bytes);
  clearInterval(timer);
  assert.deepEqual(parsed, JSON.parse(text));
  assert.equal(Object.getPrototypeOf(parsed), Object.prototype);
  assert.equal({}.polluted, undefined);
  assert.ok(ticks > 0, 'the parse never yielded');
  await assert.rejects(parseJsonBytes(bytes.subarray(0, -1)), SyntaxError);
  await assert.rejects(parseJsonBytes(Buffer.concat([bytes, Buffer.from(' x')])), SyntaxError);
  assert.deepEqual(await parseJsonBytes(Buffer.from(' [1, "a", {"b": null}] ')), [1, 'a', { b: null }]);
});

test('a large text decodes in slices, never cutting a character', async () => {
  const text = 'é✓𝄞 plain, '.repeat(SMALL / 4); // 1-, 2-, 3- and 4-byte characters, > SMALL bytes
  assert.equal(await decodeBytes(Buffer.from(text)), text);
  assert.equal(await decodeBytes(Buffer.from('short ✓')), 'short ✓');
});
