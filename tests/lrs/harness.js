#!/usr/bin/env node
// Real-LRS test harness for coursecrew's xAPI sync.
//
// Starts Learning Locker's xapi-statements and xapi-activities services (from
// tests/lrs/node_modules) on free loopback ports, puts a fault-injecting HTTP
// proxy in front of both, and a small control server beside it. When all of
// them answer it writes the ready file (atomically: tmp + rename):
//   {"proxy":   "http://127.0.0.1:P/xAPI/",
//    "direct":  {"statements": "http://127.0.0.1:A/xAPI/",
//                "activities": "http://127.0.0.1:B/xAPI/"},
//    "control": "http://127.0.0.1:C/"}
//
// Usage: node tests/lrs/harness.js --ready-file PATH [--work DIR] [--no-stdin]
//   --work DIR   where the services keep their storage, logs and cwd (default: a
//                fresh temp dir, removed on exit)
//   --no-stdin   do not exit when stdin reaches EOF (for runs by hand in the
//                background, whose stdin is /dev/null)
//
// It exits, killing both services, on SIGTERM, SIGINT, stdin EOF and on any
// uncaught exception. The services also exit by themselves when the harness
// dies (even by SIGKILL): they are spawned with an IPC channel and this very
// file preloaded (-r), which exits them when the channel closes and binds
// their listening socket to 127.0.0.1.
//
// Control API (on "control"):
//   POST /faults  JSON array (or one object) of rules, appended to the queue
//   POST /reset   clears the rules and the counters, ends a refusal window
//   GET  /stats   JSON counters
//   GET  /rules   the pending rules
//   GET  /hooks   what the webhook receiver (POST /hook on the proxy) was sent:
//                 [{"headers": {...}, "body": "..."}]
// A rule applies to the next `count` (default 1) proxied requests that match its
// optional "path" (prefix of the path without query), "method" and
// "body_contains" (a substring of the request body) filters:
//   {"kind":"status","status":503,"retry_after":"2","body":"...","content_type":"..."}
//   {"kind":"refuse","ms":2000}          the matching request's socket is destroyed
//        unanswered, every open client socket too, and the listening socket is
//        closed for ms (new connections: ECONNREFUSED), then reopened on the
//        same port. {"kind":"refuse","ms":2000,"now":true} starts at once.
//   {"kind":"delay","ms":3000}           forward, hold the answer for ms
//   {"kind":"cut_after_upstream"}        forward, read the full answer, then
//        destroy the client socket without sending anything
//   {"kind":"cut_body"}                  send status, headers and half the body,
//        then destroy the socket
'use strict';

// ---------------------------------------------------------------------------
// Preload mode: `node -r harness.js server.js` inside a service child process.
if (require.main !== module) {
  const net = require('net');
  const listen = net.Server.prototype.listen;
  // express's app.listen(port, cb) would bind every interface: bind loopback.
  net.Server.prototype.listen = function (...args) {
    const portOnly = (typeof args[0] === 'number' || typeof args[0] === 'string') &&
      typeof args[1] !== 'string';
    if (portOnly) args.splice(1, 0, '127.0.0.1');
    return listen.apply(this, args);
  };
  if (typeof process.send === 'function') {
    process.on('disconnect', () => process.exit(0));
  }
  return;
}

const child_process = require('child_process');
const fs = require('fs');
const http = require('http');
const net = require('net');
const os = require('os');
const path = require('path');

const HOST = '127.0.0.1';
const SERVICE_START_TIMEOUT_MS = 60000;
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding',
  'te', 'trailer', 'upgrade', 'proxy-authenticate', 'proxy-authorization']);
const KINDS = new Set(['status', 'refuse', 'delay', 'cut_after_upstream', 'cut_body']);

// ---------------------------------------------------------------------------
// Command line
function usage(msg) {
  if (msg) process.stderr.write(`harness: ${msg}\n`);
  process.stderr.write('usage: node tests/lrs/harness.js --ready-file PATH [--work DIR] [--no-stdin]\n');
  process.exit(2);
}
const opts = { readyFile: null, work: null, watchStdin: true };
for (let i = 2; i < process.argv.length; i++) {
  const a = process.argv[i];
  if (a === '--ready-file') opts.readyFile = process.argv[++i];
  else if (a === '--work') opts.work = process.argv[++i];
  else if (a === '--no-stdin') opts.watchStdin = false;
  else if (a === '-h' || a === '--help') usage();
  else usage(`unknown argument ${a}`);
}
if (!opts.readyFile) usage('--ready-file is required');
opts.readyFile = path.resolve(opts.readyFile);
try {
  fs.accessSync(path.dirname(opts.readyFile), fs.constants.W_OK);
} catch (e) {
  usage(`the ready file's folder ${path.dirname(opts.readyFile)} is not a writable folder`);
}

const log = (msg) => process.stderr.write(`harness: ${msg}\n`);

// ---------------------------------------------------------------------------
// Shutdown: kill the children whatever the reason we stop.
const children = new Set();
let createdWork = null;
let readyWritten = false;
let stopping = false;

function killChildren(signal) {
  for (const c of children) {
    try { c.kill(signal); } catch (_) { /* already gone */ }
  }
}
function cleanupFiles() {
  if (readyWritten) { try { fs.unlinkSync(opts.readyFile); } catch (_) { /* gone */ } }
  if (createdWork) { try { fs.rmSync(createdWork, { recursive: true, force: true }); } catch (_) { /* busy */ } }
}
function shutdown(reason, code) {
  if (stopping) return;
  stopping = true;
  log(`stopping (${reason})`);
  killChildren('SIGTERM');
  const deadline = Date.now() + 3000;
  const wait = () => {
    if (children.size === 0 || Date.now() > deadline) {
      killChildren('SIGKILL');
      cleanupFiles();
      process.exit(code);
    } else {
      setTimeout(wait, 25);
    }
  };
  wait();
}
process.on('SIGTERM', () => shutdown('SIGTERM', 0));
process.on('SIGINT', () => shutdown('SIGINT', 0));
process.on('SIGHUP', () => shutdown('SIGHUP', 0));
process.on('uncaughtException', (err) => {
  log(`uncaught exception: ${err && err.stack || err}`);
  killChildren('SIGKILL');
  cleanupFiles();
  process.exit(1);
});
process.on('exit', () => killChildren('SIGKILL'));
if (opts.watchStdin) {
  process.stdin.on('end', () => shutdown('stdin EOF', 0));
  process.stdin.on('close', () => shutdown('stdin closed', 0));
  process.stdin.on('error', () => shutdown('stdin error', 0));
  process.stdin.on('data', () => { /* discard */ });
  process.stdin.resume();
}

// ---------------------------------------------------------------------------
// Helpers
function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, HOST, () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

function listenOn(server, port) {
  return new Promise((resolve, reject) => {
    const onError = (e) => { server.removeListener('listening', onListening); reject(e); };
    const onListening = () => { server.removeListener('error', onError); resolve(server.address().port); };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, HOST);
  });
}

function readBody(stream) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    stream.on('data', (c) => chunks.push(c));
    stream.on('end', () => resolve(Buffer.concat(chunks)));
    stream.on('error', reject);
  });
}

// One request to a local server; resolves with {status, headers, body} or rejects.
function httpGet(port, urlPath, timeoutMs = 2000) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: HOST, port, path: urlPath, method: 'GET', agent: false,
      headers: { 'X-Experience-API-Version': '1.0.3', Authorization: 'Basic dGVzdDp0ZXN0' } },
    (res) => {
      readBody(res).then((body) => resolve({ status: res.statusCode, headers: res.headers, body }), reject);
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end();
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function tail(file, n = 20) {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').slice(-n).join('\n');
  } catch (_) {
    return '(no log)';
  }
}

// ---------------------------------------------------------------------------
// The two services
async function startService(name, probePath, extraEnv) {
  const script = path.join(__dirname, 'node_modules', name, 'dist', 'server.js');
  if (!fs.existsSync(script)) {
    throw new Error(`${script} is missing: run "npm ci" in ${__dirname} (scripts/install-deps.sh does)`);
  }
  const dir = path.join(opts.work, name);
  const storage = path.join(dir, 'storage');
  const logs = path.join(dir, 'logs');
  fs.mkdirSync(storage, { recursive: true });
  fs.mkdirSync(logs, { recursive: true });
  const logFile = path.join(dir, 'service.log');

  for (let attempt = 1; attempt <= 5; attempt++) {
    const port = await freePort();
    const out = fs.openSync(logFile, 'a');
    const env = Object.assign({}, process.env, {
      EXPRESS_PORT: String(port),
      AUTH_REPO: 'test',
      MODELS_REPO: 'memory',
      STORAGE_REPO: 'local',
      FS_LOCAL_STORAGE_DIR: storage,
      EXPRESS_MORGAN_DIRECTORY: logs,
      WINSTON_CONSOLE_LEVEL: 'warn',
      NODE_NO_WARNINGS: '1',
    }, extraEnv);
    const child = child_process.spawn(process.execPath, ['-r', __filename, script], {
      cwd: dir, env, stdio: ['ignore', out, out, 'ipc'],
    });
    fs.closeSync(out);
    children.add(child);
    let exited = false;
    child.on('message', () => { /* 'ready' */ });
    child.on('exit', (code, signal) => {
      exited = true;
      children.delete(child);
      if (!stopping && readyWritten) {
        log(`${name} exited (code ${code}, signal ${signal}); see ${logFile}`);
        shutdown(`${name} died`, 1);
      }
    });
    const deadline = Date.now() + SERVICE_START_TIMEOUT_MS;
    while (!exited && Date.now() < deadline) {
      try {
        await httpGet(port, probePath, 1000);
        return { port, child, logFile };
      } catch (_) {
        await sleep(100);
      }
    }
    if (!exited) {
      child.kill('SIGKILL');
      throw new Error(`${name} did not answer on port ${port} within ${SERVICE_START_TIMEOUT_MS} ms:\n${tail(logFile)}`);
    }
    if (!/EADDRINUSE/.test(tail(logFile, 200))) {
      throw new Error(`${name} exited during start:\n${tail(logFile)}`);
    }
    log(`${name}: port ${port} was taken, trying another`);
  }
  throw new Error(`${name}: no free port after 5 attempts`);
}

// ---------------------------------------------------------------------------
// State: rules and counters
let rules = [];
const hooks = []; // what the /hook receiver was sent: {headers, body}
let stats;
function resetStats() {
  stats = {
    requests: {},            // "METHOD /path" -> count, every request the proxy read
    statuses: {},            // status code the proxy answered (or relayed) -> count
    faults: { status: 0, refuse: 0, delay: 0, cut_after_upstream: 0, cut_body: 0 },
    connections_accepted: 0, // TCP connections the proxy accepted
    connections_refused: 0,  // client sockets destroyed by refuse rules (requests in
                             // flight + idle keep-alive ones); connections the kernel
                             // refused while closed are not observable
    refusals: 0,             // refusal windows started
    upstream_errors: 0,      // answers 502 because a service did not answer
  };
}
resetStats();

function validateRule(r) {
  if (!r || typeof r !== 'object' || Array.isArray(r)) throw new Error('a rule must be an object');
  if (!KINDS.has(r.kind)) throw new Error(`unknown kind ${JSON.stringify(r.kind)}`);
  const rule = { kind: r.kind, count: r.count === undefined ? 1 : Number(r.count) };
  if (!Number.isInteger(rule.count) || rule.count < 1) throw new Error('count must be a positive integer');
  if (r.path !== undefined) rule.path = String(r.path);
  if (r.method !== undefined) rule.method = String(r.method).toUpperCase();
  if (r.body_contains !== undefined) rule.body_contains = String(r.body_contains);
  if (r.kind === 'status') {
    rule.status = Number(r.status);
    if (!Number.isInteger(rule.status) || rule.status < 100 || rule.status > 599) throw new Error('status must be 100..599');
    if (r.retry_after !== undefined) rule.retry_after = String(r.retry_after);
    if (r.body !== undefined) rule.body = typeof r.body === 'string' ? r.body : JSON.stringify(r.body);
    if (r.content_type !== undefined) rule.content_type = String(r.content_type);
  }
  if (r.kind === 'refuse' || r.kind === 'delay') {
    rule.ms = Number(r.ms === undefined ? (r.kind === 'refuse' ? 2000 : 3000) : r.ms);
    if (!Number.isFinite(rule.ms) || rule.ms < 0) throw new Error('ms must be a number >= 0');
  }
  if (r.kind === 'refuse' && r.now) rule.now = true;
  return rule;
}

// The first pending rule matching this request, consumed once.
function takeRule(method, pathname, body) {
  for (let i = 0; i < rules.length; i++) {
    const r = rules[i];
    if (r.method && r.method !== method) continue;
    if (r.path && !pathname.startsWith(r.path)) continue;
    if (r.body_contains && !(body && body.toString('utf8').includes(r.body_contains))) continue;
    r.count -= 1;
    if (r.count <= 0) rules.splice(i, 1);
    return r;
  }
  return null;
}

function bump(map, key) { map[key] = (map[key] || 0) + 1; }

// ---------------------------------------------------------------------------
// The proxy
let upstream = null; // { statements: port, activities: port }
const upstreamAgent = new http.Agent({ keepAlive: true, maxSockets: 64 });
const clientSockets = new Set();
let proxyServer = null;
let proxyPort = 0;
let refuseTimer = null;

function route(pathname) {
  if (pathname === '/xAPI/about' || pathname.startsWith('/xAPI/statements')) return upstream.statements;
  if (pathname.startsWith('/xAPI/activities/')) return upstream.activities;
  if (pathname === '/xAPI/activities') return upstream.statements; // the Activity object API
  return null;
}

function forwardHeaders(rawHeaders, alsoDrop) {
  const out = [];
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i].toLowerCase();
    if (HOP_BY_HOP.has(name) || name === alsoDrop) continue;
    out.push(rawHeaders[i], rawHeaders[i + 1]);
  }
  return out;
}

// Forward one buffered request; resolves with the buffered answer.
function forward(port, req, body) {
  return new Promise((resolve, reject) => {
    // The body is already read: no 100-continue dance with the service.
    const headers = forwardHeaders(req.rawHeaders, 'expect');
    const hasLength = headers.some((h, i) => i % 2 === 0 && h.toLowerCase() === 'content-length');
    if (!hasLength && (body.length > 0 || !['GET', 'HEAD', 'DELETE', 'OPTIONS'].includes(req.method))) {
      headers.push('Content-Length', String(body.length));
    }
    const up = http.request({ host: HOST, port, method: req.method, path: req.url, headers,
      agent: upstreamAgent }, (res) => {
      readBody(res).then((b) => resolve({ status: res.statusCode, message: res.statusMessage,
        rawHeaders: res.rawHeaders, body: b }), reject);
    });
    up.on('error', reject);
    up.end(body);
  });
}

function answerHeaders(answer, method) {
  const headers = forwardHeaders(answer.rawHeaders)
    .filter((h, i, all) => !(i % 2 === 0 ? h.toLowerCase() === 'content-length'
      : all[i - 1].toLowerCase() === 'content-length'));
  const bodiless = method === 'HEAD' || answer.status === 204 || answer.status === 304 ||
    (answer.status >= 100 && answer.status < 200);
  if (!bodiless) headers.push('Content-Length', String(answer.body.length));
  return { headers, bodiless };
}

function sendAnswer(req, res, answer) {
  const { headers, bodiless } = answerHeaders(answer, req.method);
  bump(stats.statuses, String(answer.status));
  res.writeHead(answer.status, answer.message, headers);
  res.end(bodiless ? undefined : answer.body);
}

function startRefusal(ms, triggeringSocket) {
  stats.refusals += 1;
  if (triggeringSocket && !clientSockets.has(triggeringSocket)) triggeringSocket.destroy();
  if (refuseTimer) { clearTimeout(refuseTimer); } else if (proxyServer.listening) { proxyServer.close(); }
  for (const s of clientSockets) { stats.connections_refused += 1; s.destroy(); }
  clientSockets.clear();
  refuseTimer = setTimeout(endRefusal, ms);
}

function endRefusal() {
  if (refuseTimer) clearTimeout(refuseTimer);
  refuseTimer = null;
  if (proxyServer.listening) return;
  const tryListen = (left) => {
    listenOn(proxyServer, proxyPort).catch((e) => {
      if (left <= 0) throw new Error(`cannot listen again on ${proxyPort}: ${e.message}`);
      setTimeout(() => tryListen(left - 1), 50);
    });
  };
  tryListen(100);
}

async function handleProxy(req, res) {
  const pathname = req.url.split('?')[0];
  bump(stats.requests, `${req.method} ${pathname}`);
  let body;
  try {
    body = await readBody(req);
  } catch (_) {
    return; // the client went away
  }
  const rule = takeRule(req.method, pathname, body);
  if (rule) stats.faults[rule.kind] += 1;

  if (rule && rule.kind === 'refuse') {
    startRefusal(rule.ms, req.socket);
    return;
  }
  if (rule && rule.kind === 'status') {
    const text = rule.body !== undefined ? rule.body : `${rule.status} injected by the LRS harness`;
    const headers = {
      'Content-Type': rule.content_type || (/^\s*[[{]/.test(text) ? 'application/json' : 'text/plain'),
      'Content-Length': Buffer.byteLength(text),
      'X-Experience-API-Version': '1.0.3',
    };
    if (rule.retry_after !== undefined) headers['Retry-After'] = rule.retry_after;
    bump(stats.statuses, String(rule.status));
    res.writeHead(rule.status, headers);
    res.end(req.method === 'HEAD' ? undefined : text);
    return;
  }

  // A webhook receiver behind the same proxy (so the same faults apply): it
  // records what it was sent (GET /hooks on the control port) and answers 204.
  if (pathname === '/hook' && req.method === 'POST') {
    hooks.push({ headers: req.headers, body: body.toString('utf8') });
    const answer = { status: 204, message: 'No Content', rawHeaders: [], body: Buffer.alloc(0) };
    if (!rule) return sendAnswer(req, res, answer);
    if (rule.kind === 'cut_after_upstream') return req.socket.destroy();
    if (rule.kind === 'delay') return setTimeout(() => sendAnswer(req, res, answer), rule.ms);
    return sendAnswer(req, res, answer);
  }
  const port = route(pathname);
  if (port === null) {
    const text = JSON.stringify({ message: `the LRS harness routes no ${pathname}` });
    bump(stats.statuses, '404');
    res.writeHead(404, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
    res.end(text);
    return;
  }
  let answer;
  try {
    answer = await forward(port, req, body);
  } catch (e) {
    stats.upstream_errors += 1;
    const text = JSON.stringify({ message: `upstream error: ${e.message}` });
    bump(stats.statuses, '502');
    if (!res.headersSent && !res.destroyed) {
      res.writeHead(502, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
      res.end(text);
    }
    return;
  }
  if (res.destroyed || req.socket.destroyed) return;

  if (!rule) return sendAnswer(req, res, answer);
  if (rule.kind === 'delay') {
    setTimeout(() => { if (!req.socket.destroyed) sendAnswer(req, res, answer); }, rule.ms);
    return;
  }
  if (rule.kind === 'cut_after_upstream') {
    req.socket.destroy();
    return;
  }
  if (rule.kind === 'cut_body') {
    const { headers } = answerHeaders(answer, req.method);
    const half = answer.body.subarray(0, Math.floor(answer.body.length / 2));
    res.writeHead(answer.status, answer.message, headers);
    res.flushHeaders();
    const cut = () => req.socket.destroy();
    if (half.length > 0) res.write(half, cut); else setImmediate(cut);
  }
}

function createProxy() {
  const server = http.createServer((req, res) => {
    handleProxy(req, res).catch((e) => {
      log(`proxy error: ${e.stack || e}`);
      if (!res.headersSent) { res.writeHead(500); res.end(); } else { req.socket.destroy(); }
    });
  });
  server.keepAliveTimeout = 30000;
  server.headersTimeout = 35000;
  server.requestTimeout = 0;
  server.on('connection', (s) => {
    stats.connections_accepted += 1;
    clientSockets.add(s);
    s.on('close', () => clientSockets.delete(s));
  });
  server.on('clientError', (err, socket) => socket.destroy());
  return server;
}

// ---------------------------------------------------------------------------
// The control server
function json(res, status, obj) {
  const text = JSON.stringify(obj, null, 1) + '\n';
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

async function handleControl(req, res) {
  const pathname = req.url.split('?')[0];
  const body = await readBody(req);
  if (req.method === 'POST' && pathname === '/faults') {
    let parsed;
    try {
      parsed = JSON.parse(body.toString('utf8'));
      if (!Array.isArray(parsed)) parsed = [parsed];
      parsed = parsed.map(validateRule);
    } catch (e) {
      return json(res, 400, { error: e.message });
    }
    let started = 0;
    for (const r of parsed) {
      if (r.kind === 'refuse' && r.now) {
        stats.faults.refuse += 1;
        started += 1;
        startRefusal(r.ms, null);
      } else {
        rules.push(r);
      }
    }
    return json(res, 200, { queued: parsed.length - started, started, pending: rules.length });
  }
  if (req.method === 'POST' && pathname === '/reset') {
    rules = [];
    resetStats();
    if (refuseTimer) endRefusal();
    return json(res, 200, { reset: true });
  }
  if (req.method === 'GET' && pathname === '/stats') {
    return json(res, 200, Object.assign({}, stats, { pending_rules: rules.length, refusing: refuseTimer !== null }));
  }
  if (req.method === 'GET' && pathname === '/rules') return json(res, 200, rules);
  if (req.method === 'GET' && pathname === '/hooks') return json(res, 200, hooks);
  if (req.method === 'GET' && pathname === '/') return json(res, 200, { ok: true });
  return json(res, 404, { error: `no ${req.method} ${pathname}` });
}

// ---------------------------------------------------------------------------
async function main() {
  if (opts.work) {
    opts.work = path.resolve(opts.work);
    fs.mkdirSync(opts.work, { recursive: true });
  } else {
    opts.work = createdWork = fs.mkdtempSync(path.join(os.tmpdir(), 'coursecrew-lrs-'));
  }

  const [st, ac] = await Promise.all([
    startService('xapi-statements', '/xAPI/about', { EVENTS_REPO: 'test' }),
    startService('xapi-activities', '/xAPI/activities/profile', {}),
  ]);
  upstream = { statements: st.port, activities: ac.port };

  proxyServer = createProxy();
  proxyPort = await listenOn(proxyServer, 0);
  const control = http.createServer((req, res) => {
    handleControl(req, res).catch((e) => json(res, 500, { error: String(e && e.message || e) }));
  });
  const controlPort = await listenOn(control, 0);

  const viaProxy = await httpGet(proxyPort, '/xAPI/about');
  if (viaProxy.status !== 200) throw new Error(`proxy answered ${viaProxy.status} for /xAPI/about`);
  const viaControl = await httpGet(controlPort, '/stats');
  if (viaControl.status !== 200) throw new Error(`control answered ${viaControl.status}`);
  resetStats(); // the probe above is not a test's request

  const ready = {
    proxy: `http://${HOST}:${proxyPort}/xAPI/`,
    direct: {
      statements: `http://${HOST}:${st.port}/xAPI/`,
      activities: `http://${HOST}:${ac.port}/xAPI/`,
    },
    control: `http://${HOST}:${controlPort}/`,
    pid: process.pid,
    work: opts.work,
  };
  if (stopping) return;
  const tmp = `${opts.readyFile}.tmp.${process.pid}`;
  fs.writeFileSync(tmp, JSON.stringify(ready, null, 1) + '\n');
  fs.renameSync(tmp, opts.readyFile);
  readyWritten = true;
  log(`ready: proxy ${ready.proxy} control ${ready.control} (work ${opts.work})`);
}

main().catch((e) => {
  log(`failed to start: ${e.stack || e}`);
  shutdown('start failure', 1);
});
