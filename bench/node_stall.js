#!/usr/bin/env node
'use strict';
// Issue 12 benchmark: how long the Node.js event loop stalls while the Node
// host (hosts/node) publishes a big course. A 1 ms setInterval ticks during
// the publish; the largest gap between two ticks is the stall (a gap of ~1 ms
// is no stall at all). Each run uses a fresh store: a first publish (every
// pair new: the largest answer the plugin hands back), then the same publish
// again (the plugin's work, with a tiny answer), to tell the two apart; and
// the first answer parsed once more with the plugin idle (the host's own work).
//
//   bench/node_stall.js COURSE [RUNS=3] [PLUGIN=build/bin/libcoursecrew.so]
//
// The course: build/bin/cc_gen_scorm DIR 200 100 10 --with-files (20,000
// pieces). Needs `npm ci` in hosts/node. Prints the largest gap of the same
// interval over 5 s with nothing to do (what the machine's own scheduling
// costs: on a shared machine that is not 1 ms), then one line per run and the
// worst run's figures.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { open } = require('../hosts/node');
const { parseJsonBytes } = require('../hosts/node/lib/text');

// The largest gap between 1 ms ticks while `work` runs: {ms, largestGapMs, ticks, result}.
async function watchLoop(work) {
  let last = performance.now();
  let largest = 0;
  let ticks = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    largest = Math.max(largest, now - last);
    last = now;
    ticks++;
  }, 1);
  const started = performance.now();
  const result = await work();
  const ms = performance.now() - started;
  clearInterval(timer);
  largest = Math.max(largest, performance.now() - last);
  return { ms, largestGapMs: largest, ticks, result };
}

// A first publish into a fresh store (every pair new: a ~9 MB answer for the
// 20,000-piece course), then the same publish again (nothing changed: the same
// work in the plugin, a tiny answer), each watched.
async function measure(plugin, course) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cc-node-stall-'));
  const cc = open({ plugin, options: { store: path.join(dir, 'state.db') } });
  try {
    const first = await watchLoop(() => cc.publish(course));
    const again = await watchLoop(() => cc.publish(course));
    return {
      publishMs: first.ms, largestGapMs: first.largestGapMs, ticks: first.ticks,
      pieces: first.result.pieces, changes: first.result.changes.length,
      againMs: again.ms, againGapMs: again.largestGapMs, againChanges: again.result.changes.length,
      answer: Buffer.from(JSON.stringify(first.result)),
    };
  } finally {
    await cc.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

// The largest gap of a 1 ms interval over `ms` with nothing else to do.
function idleGap(ms) {
  return new Promise((resolve) => {
    let last = performance.now();
    let largest = 0;
    const timer = setInterval(() => {
      const now = performance.now();
      largest = Math.max(largest, now - last);
      last = now;
    }, 1);
    setTimeout(() => {
      clearInterval(timer);
      resolve(largest);
    }, ms);
  });
}

async function main() {
  const [course, runsText = '3', pluginArg] = process.argv.slice(2);
  if (!course) {
    console.error('usage: bench/node_stall.js COURSE [RUNS=3] [PLUGIN]');
    process.exit(2);
  }
  const plugin = pluginArg || process.env.COURSECREW_PLUGIN || path.join(__dirname, '../build/bin/libcoursecrew.so');
  console.log(`idle: largest event-loop gap ${(await idleGap(5000)).toFixed(1)} ms over 5 s with nothing to do`);
  let worst = null;
  for (let run = 1; run <= Number(runsText); run++) {
    const r = await measure(plugin, course);
    console.log(`run ${run}: first publish ${r.publishMs.toFixed(0)} ms (${r.pieces} pieces, ${r.changes} changes), ` +
      `largest event-loop gap ${r.largestGapMs.toFixed(1)} ms over ${r.ticks} ticks; ` +
      `unchanged re-publish ${r.againMs.toFixed(0)} ms (${r.againChanges} changes), largest gap ${r.againGapMs.toFixed(1)} ms`);
    if (!worst || r.largestGapMs > worst.largestGapMs) worst = r;
    // The host's own share: the same answer parsed again with the plugin idle.
    const parse = await watchLoop(() => parseJsonBytes(r.answer));
    console.log(`       parsing that ${(r.answer.length / 1e6).toFixed(1)} MB answer alone: ${parse.ms.toFixed(0)} ms, ` +
      `largest gap ${parse.largestGapMs.toFixed(1)} ms`);
  }
  console.log(`largest gap over all first publishes: ${worst.largestGapMs.toFixed(1)} ms`);
}

if (require.main === module) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}

module.exports = { measure };
