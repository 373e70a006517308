#!/usr/bin/env node
// Writes N valid xAPI 1.0.3 statements, as coursecrew would send for course
// production progress, into batch files of B statements each (each file a JSON
// array): the input of the LRS baselines in bench/lrs (curl_loop.sh,
// xapi_node/send.js). Deterministic: the same arguments give the same bytes,
// statement ids included (name-based UUIDs from --seed and the index).
//
// Usage: node bench/lrs/make_statements.js [--count N] [--batch B] [--out DIR] [--seed S]
//   --count  statements in all (default 20000)
//   --batch  statements per file (default 500)
//   --out    folder for batch-00001.json ... (default bench/lrs/batches; emptied
//            of earlier batch-*.json first)
//   --seed   changes every id, so a second run can go to the same LRS without
//            colliding with the first (default "coursecrew-bench")
'use strict';
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');

const opts = { count: 20000, batch: 500, out: path.join(__dirname, 'batches'), seed: 'coursecrew-bench' };
for (let i = 2; i < process.argv.length; i++) {
  const a = process.argv[i];
  const v = process.argv[++i];
  if (v === undefined) throw new Error(`${a} needs a value`);
  if (a === '--count') opts.count = parseInt(v, 10);
  else if (a === '--batch') opts.batch = parseInt(v, 10);
  else if (a === '--out') opts.out = path.resolve(v);
  else if (a === '--seed') opts.seed = v;
  else throw new Error(`unknown argument ${a}`);
}
if (!(opts.count > 0) || !(opts.batch > 0)) throw new Error('--count and --batch must be positive');

// RFC 4122 version 5 (SHA-1, name-based) UUID.
function uuid5(name) {
  const h = crypto.createHash('sha1').update(name).digest();
  h[6] = (h[6] & 0x0f) | 0x50;
  h[8] = (h[8] & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20, 32)}`;
}

const VERBS = [
  ['http://adlnet.gov/expapi/verbs/completed', 'completed'],
  ['http://adlnet.gov/expapi/verbs/progressed', 'progressed'],
  ['http://adlnet.gov/expapi/verbs/passed', 'passed'],
  ['http://adlnet.gov/expapi/verbs/attempted', 'attempted'],
];
const STAGES = ['script', 'storyboard', 'recording', 'editing', 'review', 'published'];
const ROLES = ['author', 'reviewer', 'editor', 'instructional-designer'];
const SITE = 'https://courses.example.com';
const EXT = 'https://coursecrew.example.com/xapi/ext';
const START = Date.UTC(2026, 0, 5, 8, 0, 0);

function statement(i) {
  const course = 1 + (i % 40);
  const module = 1 + (Math.floor(i / 40) % 12);
  const piece = 1 + (Math.floor(i / 480) % 25);
  const member = 1 + (i % 150);
  const [verbId, verbName] = VERBS[i % VERBS.length];
  const stage = STAGES[i % STAGES.length];
  const courseIri = `${SITE}/courses/c${course}`;
  const moduleIri = `${courseIri}/modules/m${module}`;
  const pieceIri = `${moduleIri}/pieces/p${piece}`;
  const minutes = 5 + (i % 170);
  return {
    id: uuid5(`${opts.seed}/statement/${i}`),
    actor: {
      objectType: 'Agent',
      name: `Crew Member ${member}`,
      mbox: `mailto:crew${member}@studio.example.com`,
    },
    verb: { id: verbId, display: { 'en-US': verbName } },
    object: {
      objectType: 'Activity',
      id: pieceIri,
      definition: {
        name: { 'en-US': `Course ${course}, module ${module}, piece ${piece}` },
        type: 'http://adlnet.gov/expapi/activities/module',
      },
    },
    result: {
      completion: verbName === 'completed' || verbName === 'passed',
      success: verbName !== 'attempted',
      duration: `PT${Math.floor(minutes / 60)}H${minutes % 60}M`,
      extensions: {
        [`${EXT}/stage`]: stage,
        [`${EXT}/pieces-done`]: i % 25,
        [`${EXT}/revision`]: 1 + (i % 7),
      },
    },
    context: {
      registration: uuid5(`${opts.seed}/registration/${course}`),
      platform: 'coursecrew',
      language: 'en-US',
      contextActivities: {
        parent: [{ id: moduleIri }],
        grouping: [{ id: courseIri }],
        category: [{ id: 'https://coursecrew.example.com/xapi/profile/production' }],
      },
      extensions: {
        [`${EXT}/role`]: ROLES[i % ROLES.length],
      },
    },
    timestamp: new Date(START + i * 37000).toISOString(),
  };
}

fs.mkdirSync(opts.out, { recursive: true });
for (const f of fs.readdirSync(opts.out)) {
  if (/^batch-\d+\.json$/.test(f)) fs.unlinkSync(path.join(opts.out, f));
}
let bytes = 0;
let files = 0;
for (let start = 0; start < opts.count; start += opts.batch) {
  const batch = [];
  for (let i = start; i < Math.min(start + opts.batch, opts.count); i++) batch.push(statement(i));
  const text = JSON.stringify(batch);
  files += 1;
  fs.writeFileSync(path.join(opts.out, `batch-${String(files).padStart(5, '0')}.json`), text);
  bytes += Buffer.byteLength(text);
}
process.stdout.write(`${opts.count} statements in ${files} files of up to ${opts.batch} in ${opts.out}: ` +
  `${bytes} bytes, ${Math.round(bytes / opts.count)} bytes per statement\n`);
