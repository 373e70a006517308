'use strict';
// The event loop keeps turning while the plugin works: publishing a generated
// course of 1,000 pieces and 10,000 files (hashing 44 MB, ~450 KB of JSON
// back), a 1 ms interval never waits long. The bound is generous (200 ms) so
// that a busy machine does not make it flaky; bench/node_stall.js measures the
// 20,000-piece course (bench/README.md). Also: large answers parse in slices
// (lib/json.js) to the same value JSON.parse gives.
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { test } = require('node:test');
const { measure } = require('../../../bench/node_stall');
const { parseJson, SMALL } = require('../lib/json');
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
  for (let i = 0; changes.length * 150 < 3 * SMALL; i++) {
    changes.push({ kind: 'added', piece: `P-${i} "quoted" \\ é ✓ \u2028`, n: i * 1.5, ok: i % 2 === 0, none: null, e: [], o: {} });
  }
  const value = {
    course: 'c', big: 'x'.repeat(100 * 1024), nested: { changes, deeper: [[1, 2, [3]], { a: -1e-7 }] },
    ['__proto__']: { polluted: true }, last: 12345,
  };
  const text = JSON.stringify(value);
  assert.ok(text.length > SMALL);
  let ticks = 0;
  const timer = setInterval(() => ticks++, 0);
  const parsed = await parseJson(text);
  clearInterval(timer);
  assert.deepEqual(parsed, JSON.parse(text));
  assert.equal(Object.getPrototypeOf(parsed), Object.prototype);
  assert.equal({}.polluted, undefined);
  assert.ok(ticks > 0, 'the parse never yielded');
  await assert.rejects(parseJson(text.slice(0, -1)), SyntaxError);
  await assert.rejects(parseJson(`${text} x`), SyntaxError);
});
