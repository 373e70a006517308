'use strict';
// Shared by the tests: where the plugin, the fake plugins and the samples are,
// scratch folders, and a tiny LRS (xAPI /about and /statements) on loopback.
// Paths come from the environment ctest sets (tests/CMakeLists.txt); run by
// hand from hosts/node, they default to the build folder ../../build/bin.

const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '../../..');
if (!fs.existsSync(path.join(__dirname, '../node_modules/koffi'))) {
  throw new Error('hosts/node/node_modules is missing: run `npm ci` in hosts/node (scripts/install-deps.sh does)');
}
const BIN = path.join(ROOT, 'build/bin');

function fromEnv(name, fallback) {
  return process.env[name] || fallback;
}

const paths = {
  plugin: fromEnv('COURSECREW_PLUGIN', path.join(BIN, 'libcoursecrew.so')),
  fakeAbi2: fromEnv('COURSECREW_FAKE_ABI2', path.join(BIN, 'libcc_node_fake_abi2.so')),
  fakeOld: fromEnv('COURSECREW_FAKE_OLD', path.join(BIN, 'libcc_node_fake_old.so')),
  fakeProbe: fromEnv('COURSECREW_FAKE_PROBE', path.join(BIN, 'libcc_node_fake_probe.so')),
  fakeV13: fromEnv('COURSECREW_FAKE_V13', path.join(BIN, 'libcc_node_fake_v13.so')),
  genScorm: fromEnv('COURSECREW_GEN_SCORM', path.join(BIN, 'cc_gen_scorm')),
  sample: path.join(ROOT, 'samples/safety-basics'),
  roles: path.join(ROOT, 'samples/safety-basics.roles.json'),
};

/** A scratch folder, removed when the test ends. */
function scratch(t) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cc-node-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Options for an instance with its own store and the sample's role map; a fixed clock. */
function storeOptions(dir, extra = {}) {
  return { store: path.join(dir, 'state.db'), roles: paths.roles, now: 1795000000, ...extra };
}

/**
 * A tiny LRS on 127.0.0.1: GET /xAPI/about answers 1.0.3, POST /xAPI/statements
 * stores the batch and answers the ids. With `stall: true` it accepts
 * statements but never answers (the socket stays open until close()).
 */
async function startLrs({ stall = false } = {}) {
  const statements = [];
  const held = new Set();
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => { body += chunk; });
    req.on('end', () => {
      if (req.method === 'GET' && req.url.startsWith('/xAPI/about')) {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ version: ['1.0.3'] }));
      } else if (req.method === 'POST' && req.url.startsWith('/xAPI/statements')) {
        if (stall) { held.add(res); return; }
        const batch = JSON.parse(body);
        statements.push(...batch);
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify(batch.map((s) => s.id)));
      } else {
        res.writeHead(404);
        res.end();
      }
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${server.address().port}/xAPI/`;
  return {
    endpoint,
    statements,
    close() {
      for (const res of held) res.destroy();
      server.closeAllConnections();
      return new Promise((resolve) => server.close(resolve));
    },
  };
}

/** Writes a sync config (schemas/config.schema.json) with one xAPI target; returns its path. */
function writeSyncConfig(dir, endpoint, target = {}) {
  const file = path.join(dir, 'sync.json');
  fs.writeFileSync(file, JSON.stringify({
    course_iri: 'https://example.org/courses/node-host',
    targets: [{
      name: 'lms', kind: 'xapi', endpoint, documents: false,
      connect_timeout_ms: 500, request_timeout_ms: 60000,
      retry: { base_ms: 20, cap_ms: 100 },
      ...target,
    }],
  }));
  return file;
}

/** The promise, or a rejection when it takes longer than ms. */
function within(ms, promise, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took more than ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

module.exports = { paths, scratch, storeOptions, startLrs, writeSyncConfig, within };
