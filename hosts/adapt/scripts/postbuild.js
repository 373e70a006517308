'use strict';
// adapt-coursecrew's post-build script.
//
// The Adapt framework's `scripts:adaptpostbuild` grunt task calls it after
// every build, exactly as
//     require(script)(fs, path, log, options, done)
// where `log` is grunt.log.writeln and `options` holds the build config plus
// `outputdir` (relative to the framework folder, the working directory),
// `sourcedir` and `plugindir`. It publishes the build folder to coursecrew
// through the Node.js host, logs one line per module, and calls `done`
// without waiting for the network: delivery to the LRS goes on in a detached
// process (scripts/deliver.js), and whatever it cannot deliver stays in the
// store's outbox for the next build or `coursecrew sync`.
//
// Settings: `_coursecrew` in the course's config.json (all optional):
//   _isEnabled      false turns it off (default true)
//   _config         the sync config (schemas/config.schema.json); without it
//                   nothing is sent, statuses are kept locally
//   _roles          the role map; _store the status store
//                   (default .coursecrew/state.db in the framework folder)
//   _failOnErrors   true: a package with errors fails the build (default false)
//   _deliver        false: leave delivery to `coursecrew sync` (default true)
//   _pullTimeoutMs  how long the build waits for the other seats' changes
//                   from the LRS before publishing (default 1000; 0: do not
//                   wait, the pull goes on while the build publishes)
//   _plugin         path to libcoursecrew.so (default: the Node host's search)
// Relative paths are taken from the framework folder. The build never fails
// or waits for an LMS problem.

const childProcess = require('child_process');
const nodePath = require('path');

// The Node host: the `coursecrew` npm package where the framework can
// require it, else this repository's hosts/node (a source checkout),
// or $COURSECREW_NODE_HOST.
function loadHost(fromDirs) {
  const candidates = [];
  if (process.env.COURSECREW_NODE_HOST) candidates.push(process.env.COURSECREW_NODE_HOST);
  candidates.push('coursecrew', nodePath.join(__dirname, '..', '..', 'node'));
  const tried = [];
  for (const name of candidates) {
    try {
      const resolved = require.resolve(name, { paths: fromDirs });
      return { host: require(resolved), path: nodePath.dirname(resolved) };
    } catch (err) {
      if (err.code !== 'MODULE_NOT_FOUND') throw err;
      tried.push(name);
    }
  }
  const error = new Error(`the coursecrew Node.js package cannot be found (tried ${tried.join(', ')}); ` +
    'install it in the framework folder with `npm install coursecrew`, or set $COURSECREW_NODE_HOST');
  error.code = 'COURSECREW_HOST_MISSING';
  throw error;
}

function readSettings(fs, buildDir, options) {
  // The build's copy of config.json is what this build was made from; the
  // source's is the fallback (a build that failed half-way).
  const places = [nodePath.join(buildDir, 'course', 'config.json')];
  if (options.sourcedir) places.push(nodePath.resolve(options.sourcedir, 'course', 'config.json'));
  for (const file of places) {
    let text;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    let config;
    try {
      config = JSON.parse(text);
    } catch (err) {
      throw new Error(`${file} is not valid JSON: ${err.message}`);
    }
    return config._coursecrew || {};
  }
  return {};
}

function settingPath(value, root) {
  return typeof value === 'string' && value !== '' ? nodePath.resolve(root, value) : undefined;
}

// One line per module: pieces, progress, findings.
function moduleLines(review) {
  return review.modules.map((m) => {
    const findings = Object.entries(m.summary.findings).filter(([, n]) => n > 0);
    const pieces = m.pieces.length;
    const p = m.progress;
    return `  ${m.title} [${m.id}]: ${pieces} piece${pieces === 1 ? '' : 's'}, ` +
      `${p.done}/${p.total} done (${p.percent}%)` +
      (findings.length ? ', ' + findings.map(([k, n]) => `${n} ${k.replace(/_/g, ' ')}`).join(', ') : '');
  });
}

function diagnosticsLines(detail) {
  const diags = (detail && Array.isArray(detail.diagnostics)) ? detail.diagnostics : [];
  return diags.filter((d) => d.severity === 'error').slice(0, 20).map((d) => {
    const where = d.file ? `${d.file}${d.line ? ':' + d.line : ''}: ` : '';
    return `  error ${where}${d.message} [${d.code}]`;
  });
}

// Delivery outlives the build: a detached Node process opens the same store
// and syncs for at most `timeoutMs`, then exits.
function deliverInBackground(plugin, abiOptions, timeoutMs, hostPath) {
  const child = childProcess.spawn(process.execPath, [nodePath.join(__dirname, 'deliver.js')], {
    detached: true,
    stdio: 'ignore',
    env: {
      ...process.env,
      COURSECREW_NODE_HOST: hostPath,
      COURSECREW_DELIVER: JSON.stringify({ plugin, options: abiOptions, timeoutMs }),
    },
  });
  child.unref();
  return child.pid;
}

async function run(fs, log, options) {
  const root = process.cwd();
  const buildDir = nodePath.resolve(root, options.outputdir || 'build');
  const settings = readSettings(fs, buildDir, options);
  if (settings._isEnabled === false) {
    log('coursecrew: turned off (_coursecrew._isEnabled is false)');
    return null;
  }
  const abiOptions = {};
  const config = settingPath(settings._config, root);
  const roles = settingPath(settings._roles, root);
  const store = settingPath(settings._store, root);
  if (config) abiOptions.config = config;
  if (roles) abiOptions.roles = roles;
  if (store) abiOptions.store = store;
  const plugin = settingPath(settings._plugin, root);

  const { host, path: hostPath } = loadHost([root, __dirname]);
  const cc = host.open({ plugin, options: abiOptions });
  let published;
  try {
    // One team, many seats: the other seats' changes first, briefly (the
    // build never waits long for an LMS), so the review below is the team's.
    if (config && typeof cc.pull === 'function') {
      const timeoutMs = Number.isInteger(settings._pullTimeoutMs) ? settings._pullTimeoutMs : 1000;
      try {
        const pulled = await cc.pull({ timeoutMs });
        const merged = pulled.targets.reduce((n, t) => n + (t.modules_merged || 0), 0);
        const cells = pulled.targets.reduce((n, t) => n + (t.cells_changed || 0), 0);
        if (merged > 0) log(`coursecrew: team state pulled: ${merged} module(s) changed, ${cells} pair(s) updated`);
      } catch (err) {
        if (err.code !== 'COURSECREW_E_IO' && err.code !== 'COURSECREW_E_UNSUPPORTED') throw err;
        log(`coursecrew: team state not pulled (${err.message}); this seat's state is used`);
      }
    }
    try {
      published = await cc.publish(buildDir);
    } catch (err) {
      if (err.code !== 'COURSECREW_E_PACKAGE_INVALID') throw err;
      log(`coursecrew: ${buildDir} has errors: ${err.message}`);
      for (const line of diagnosticsLines(err.detail)) log(line);
      if (settings._failOnErrors === true) {
        const failure = new Error(`coursecrew: the build has errors (${err.message})`);
        failure.code = err.code;
        throw failure;
      }
      return null;
    }
    const review = await cc.review(buildDir, { format: 'json' });
    const counts = `${published.pieces} pieces in ${review.modules.length} module${review.modules.length === 1 ? '' : 's'}`;
    const changes = `${published.added} pairs added, ${published.reopened} reopened, ${published.archived} archived`;
    log(`coursecrew: ${published.course}: ${counts}; ${changes}`);
    for (const line of moduleLines(review)) log(line);
    const queued = published.queued;
    if (queued) {
      log(`coursecrew: queued ${queued.statements} statements and ${queued.documents} module documents for the LRS`);
    }
  } finally {
    // Stops the worker publish woke (requests in flight are cancelled; the
    // outbox keeps what they carried).
    await cc.close();
  }
  const queued = published.queued;
  if (config && queued && (queued.statements > 0 || queued.documents > 0) && settings._deliver !== false) {
    const pid = deliverInBackground(plugin, abiOptions, settings._deliverTimeoutMs || 120000, hostPath);
    log(`coursecrew: delivering in the background (pid ${pid}); \`coursecrew sync --config ${config}\` shows how far it got`);
  }
  return published;
}

module.exports = function adaptPostBuild(fs, path, log, options, done) {
  run(fs, log, options).then(
    () => done(),
    (err) => {
      if (err.code === 'COURSECREW_E_PACKAGE_INVALID') {
        done(err);  // only with _failOnErrors
        return;
      }
      // Anything else (no host, no library, a broken role map) is reported,
      // and the build goes on.
      log(`coursecrew: not published: ${err.message}`);
      for (const line of diagnosticsLines(err.detail)) log(line);
      if (err.detail && Array.isArray(err.detail.errors)) {
        for (const e of err.detail.errors) log(`  ${e.file || ''}${e.pointer ? ' ' + e.pointer : ''}: ${e.message}`);
      }
      done();
    });
};

// For tests.
module.exports.run = run;
