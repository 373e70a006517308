#!/usr/bin/env node
'use strict';
// Issue 12 benchmark: how long the Node.js event loop stalls while the Node
// host (hosts/node) publishes a big course. A 1 ms setInterval ticks during
// the publish; the largest gap between two ticks is the stall (a gap of ~1 ms
// is no stall at all). Each run uses a fresh store, so every run is a first
// publish (every piece new: the largest answer the plugin hands back).
//
//   bench/node_stall.js COURSE [RUNS=3] [PLUGIN=build/bin/libcoursecrew.so]
//
// The course: build/bin/cc_gen_scorm DIR 200 100 10 --with-files (20,000
// pieces). Needs `npm ci` in hosts/node. Prints one line per run and the
// worst run's figures.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { open } = require('../hosts/node');

async function measure(plugin, course) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cc-node-stall-'));
  const cc = open({ plugin, options: { store: path.join(dir, 'state.db') } });
  try {
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
    const result = await cc.publish(course);
    const took = performance.now() - started;
    clearInterval(timer);
    largest = Math.max(largest, performance.now() - last);
    return { publishMs: took, largestGapMs: largest, ticks, pieces: result.pieces, changes: result.changes.length };
  } finally {
    await cc.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function main() {
  const [course, runsText = '3', pluginArg] = process.argv.slice(2);
  if (!course) {
    console.error('usage: bench/node_stall.js COURSE [RUNS=3] [PLUGIN]');
    process.exit(2);
  }
  const plugin = pluginArg || process.env.COURSECREW_PLUGIN || path.join(__dirname, '../build/bin/libcoursecrew.so');
  let worst = null;
  for (let run = 1; run <= Number(runsText); run++) {
    const r = await measure(plugin, course);
    console.log(`run ${run}: publish ${r.publishMs.toFixed(0)} ms (${r.pieces} pieces, ${r.changes} changes), ` +
      `largest event-loop gap ${r.largestGapMs.toFixed(1)} ms over ${r.ticks} ticks`);
    if (!worst || r.largestGapMs > worst.largestGapMs) worst = r;
  }
  console.log(`largest gap over all runs: ${worst.largestGapMs.toFixed(1)} ms`);
}

if (require.main === module) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}

module.exports = { measure };
