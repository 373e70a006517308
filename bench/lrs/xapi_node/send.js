#!/usr/bin/env node
// Baseline: sends every batch file of a folder (from ../make_statements.js) to
// an LRS with the @xapi/xapi client (3.0.3), one batch per sendStatements call,
// sequentially, in name order; stops on the first failure. Prints the
// statement count and the wall seconds. Measure CPU and memory from outside
// (../measure.sh).
//
// Usage: node bench/lrs/xapi_node/send.js ENDPOINT [BATCH_DIR] [USER:PASS]
//   ENDPOINT   the LRS's xAPI base, e.g. "http://127.0.0.1:A/xAPI/" (the harness
//              ready file's "direct.statements" or "proxy")
//   BATCH_DIR  default bench/lrs/batches
//   USER:PASS  Basic auth, default user:pass (the harness accepts any)
'use strict';
const fs = require('fs');
const path = require('path');
const XAPI = require('@xapi/xapi');

async function main() {
  const [endpoint, dirArg, authArg] = process.argv.slice(2);
  if (!endpoint) {
    process.stderr.write('usage: node send.js ENDPOINT [BATCH_DIR] [USER:PASS]\n');
    process.exit(2);
  }
  const dir = path.resolve(dirArg || path.join(__dirname, '..', 'batches'));
  const [user, ...rest] = (authArg || 'user:pass').split(':');
  const files = fs.readdirSync(dir).filter((f) => /^batch-\d+\.json$/.test(f)).sort();
  if (files.length === 0) throw new Error(`no batch-*.json in ${dir}`);

  const xapi = new XAPI({ endpoint, auth: XAPI.toBasicAuth(user, rest.join(':')) });
  const start = process.hrtime.bigint();
  let count = 0;
  for (const f of files) {
    const statements = JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8'));
    const res = await xapi.sendStatements({ statements });
    if (res.status < 200 || res.status > 299 || !Array.isArray(res.data) || res.data.length !== statements.length) {
      throw new Error(`${f}: answered ${res.status}`);
    }
    count += statements.length;
  }
  const wall = Number(process.hrtime.bigint() - start) / 1e9;
  process.stdout.write(`xapi_node: ${count} statements in ${files.length} batches to ${endpoint} in ${wall.toFixed(2)} s wall\n`);
}

main().catch((e) => {
  const status = e.response ? ` (HTTP ${e.response.status}: ${JSON.stringify(e.response.data).slice(0, 300)})` : '';
  process.stderr.write(`xapi_node: ${e.message}${status}\n`);
  process.exit(1);
});
