'use strict';
// adapt-coursecrew's post-build script, called exactly as the Adapt
// framework's `scripts:adaptpostbuild` grunt task calls it
// (grunt/tasks/scripts.js): from the framework folder as working directory,
//   require(path.join(process.cwd(), plugindir, script))(fs, path, grunt.log.writeln,
//     { ...buildConfig, ...options, plugindir }, done)
// on an Adapt build of our own, and on the real builds in ../shared/packages/adapt
// (skipped when absent).
//
// Needs: COURSECREW_PLUGIN (libcoursecrew.so, set by ctest), the Node host's
// node_modules (hosts/node), and for the delivery test the LRS harness in tests/lrs.

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const os = require('os');
const path = require('path');

const repo = path.resolve(__dirname, '..', '..', '..');
const adaptPlugin = path.resolve(__dirname, '..');
const shared = path.resolve(repo, '..', 'shared', 'packages', 'adapt');
const { open } = require(path.join(repo, 'hosts', 'node'));
// The sync configs below take the LRS password from here (a config never
// holds a secret itself); the test LRS accepts any.
process.env.CC_ADAPT_TEST_PASSWORD = 'p';

function write(file, text) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, typeof text === 'string' ? text : JSON.stringify(text, null, 2));
}

const kManifest = `<?xml version="1.0"?>
<manifest identifier="adapt_manifest" version="1" xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2"
          xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2">
  <metadata><schema>ADL SCORM</schema><schemaversion>1.2</schemaversion></metadata>
  <organizations default="o"><organization identifier="o"><title>Safety</title>
    <item identifier="sco" identifierref="r"><title>Safety</title></item>
  </organization></organizations>
  <resources><resource identifier="r" type="webcontent" adlcp:scormtype="sco" href="index.html">
    <file href="index.html"/></resource></resources>
</manifest>
`;

// A framework folder: the plugin in src/extensions (a link to hosts/adapt,
// as `adapt install` would copy it), and the output of a build in build/:
// two pages, three components, spoor's manifest unless `spoor` is false.
function framework({ spoor = true, coursecrew = {} } = {}) {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'adapt-cc-'));
  fs.mkdirSync(path.join(root, 'src', 'extensions'), { recursive: true });
  fs.symlinkSync(adaptPlugin, path.join(root, 'src', 'extensions', 'adapt-coursecrew'));
  const b = (p) => path.join(root, 'build', p);
  const config = { _defaultLanguage: 'en', _coursecrew: { _store: '.coursecrew/state.db', ...coursecrew } };
  write(path.join(root, 'src', 'course', 'config.json'), config);
  write(b('course/config.json'), config);
  write(b('index.html'), '<html><body>Safety</body></html>');
  write(b('adapt/js/adapt.min.js'), '/* the framework */');
  if (spoor) write(b('imsmanifest.xml'), kManifest);
  write(b('course/en/course.json'), { _id: 'course', _type: 'course', title: 'Safety' });
  write(b('course/en/contentObjects.json'), [
    { _id: 'p-hazards', _parentId: 'course', _type: 'page', title: 'Hazards' },
    { _id: 'p-quiz', _parentId: 'course', _type: 'page', title: 'Quiz' },
  ]);
  write(b('course/en/articles.json'), [
    { _id: 'a-1', _parentId: 'p-hazards', _type: 'article' },
    { _id: 'a-2', _parentId: 'p-quiz', _type: 'article' },
  ]);
  write(b('course/en/blocks.json'), [
    { _id: 'b-1', _parentId: 'a-1', _type: 'block' },
    { _id: 'b-2', _parentId: 'a-2', _type: 'block' },
  ]);
  write(b('course/en/components.json'), [
    { _id: 'c-photo', _parentId: 'b-1', _type: 'component', _component: 'graphic', title: 'Wet floor',
      _graphic: { large: 'course/en/images/floor.png', alt: 'A wet floor' } },
    { _id: 'c-words', _parentId: 'b-1', _type: 'component', _component: 'text', title: 'Mind the floor',
      body: '<p>Mind the floor.</p>' },
    { _id: 'c-mcq', _parentId: 'b-2', _type: 'component', _component: 'mcq', title: 'Which floor?',
      _items: [{ text: 'The wet one', _shouldBeSelected: true }] },
  ]);
  write(b('course/en/images/floor.png'), 'png');
  return root;
}

// What grunt/tasks/scripts.js does for one plugin, from `root` as the
// working directory. Resolves with the logged lines and done's argument.
function runPostBuild(root, extra = {}) {
  const previous = process.cwd();
  process.chdir(root);
  try {
    const plugindir = path.join('src', 'extensions', 'adapt-coursecrew');
    const bower = JSON.parse(fs.readFileSync(path.join(root, plugindir, 'bower.json'), 'utf8'));
    const script = bower.scripts.adaptpostbuild;
    const lines = [];
    const started = Date.now();
    return new Promise((resolve) => {
      const buildModule = require(path.join(process.cwd(), plugindir, script));
      const buildConfig = { jsonext: 'json', sourcedir: 'src/', outputdir: 'build/', coursedir: 'course',
        languages: '**', scriptSafe: [], ...extra };
      buildModule(fs, path, (line) => lines.push(String(line)), { ...buildConfig, plugindir }, (err) => {
        resolve({ err, lines, ms: Date.now() - started });
      });
    });
  } finally {
    process.chdir(previous);
  }
}

test('bower.json declares the post-build script and a browser main, as the framework needs', () => {
  for (const file of ['bower.json', 'package.json']) {
    const meta = JSON.parse(fs.readFileSync(path.join(adaptPlugin, file), 'utf8'));
    assert.equal(meta.name, 'adapt-coursecrew');
    assert.equal(meta.scripts.adaptpostbuild, 'scripts/postbuild.js');
    assert.ok(fs.existsSync(path.join(adaptPlugin, meta.main)), `${file}: main ${meta.main} exists`);
  }
});

test('a build is published: one line per module, statuses kept in the store', async () => {
  const root = framework();
  const { err, lines } = await runPostBuild(root);
  assert.equal(err, undefined, lines.join('\n'));
  assert.match(lines[0], /^coursecrew: adapt_manifest: 3 pieces in 2 modules; \d+ pairs added, 0 reopened, 0 archived$/);
  assert.match(lines[1], /^ {2}Hazards \[p-hazards\]: 2 pieces, 0\/\d+ done \(0%\)/);
  assert.match(lines[2], /^ {2}Quiz \[p-quiz\]: 1 piece, 0\/\d+ done \(0%\)/);
  assert.ok(fs.existsSync(path.join(root, '.coursecrew', 'state.db')), 'the store is in the framework folder');

  // The team marks a piece done; the next build with the same content changes nothing.
  const cc = open({ options: { store: path.join(root, '.coursecrew', 'state.db') } });
  try {
    await cc.setStatus({ package: path.join(root, 'build'),
      updates: [{ piece: 'c-words', role: 'writer', status: 'done', by: 'ana' }] });
  } finally {
    await cc.close();
  }
  const again = await runPostBuild(root);
  assert.match(again.lines[0], /: 3 pieces in 2 modules; 0 pairs added, 0 reopened, 0 archived$/);
  assert.match(again.lines[1], /Hazards \[p-hazards\]: 2 pieces, 1\/\d+ done/);

  // Changed text after done reopens that piece on the next build.
  const components = path.join(root, 'build', 'course', 'en', 'components.json');
  fs.writeFileSync(components, fs.readFileSync(components, 'utf8').replace('Mind the floor.', 'Mind the wet floor.'));
  const edited = await runPostBuild(root);
  assert.match(edited.lines[0], /; 0 pairs added, 1 reopened, 0 archived$/);
});

test('a build without spoor (no manifest) is read from the course JSON alone', async () => {
  const root = framework({ spoor: false });
  const { err, lines } = await runPostBuild(root);
  assert.equal(err, undefined, lines.join('\n'));
  assert.match(lines[0], /^coursecrew: adapt_manifest: 3 pieces in 2 modules;/);
});

test('a package with errors fails the build only with _failOnErrors', async () => {
  for (const failOnErrors of [false, true]) {
    const root = framework({ coursecrew: { _failOnErrors: failOnErrors } });
    write(path.join(root, 'build', 'imsmanifest.xml'), '<manifest><organizations>');  // cut short
    const { err, lines } = await runPostBuild(root);
    const text = lines.join('\n');
    assert.match(text, /has errors/);
    assert.match(text, /imsmanifest\.xml:\d+: .*\[xml\./, 'the error says where');
    if (failOnErrors) {
      assert.ok(err instanceof Error, 'done(err) fails the grunt task');
      assert.equal(err.code, 'COURSECREW_E_PACKAGE_INVALID');
    } else {
      assert.equal(err, undefined);
    }
  }
});

test('a missing library or role map is reported and the build goes on', async () => {
  const root = framework({ coursecrew: { _plugin: '/nonexistent/libcoursecrew.so.1' } });
  const missing = await runPostBuild(root);
  assert.equal(missing.err, undefined);
  assert.match(missing.lines.join('\n'), /coursecrew: not published: .*nonexistent/);

  const broken = framework({ coursecrew: { _roles: 'roles.json' } });
  write(path.join(broken, 'roles.json'), '{"version": 1, "roles": [');
  const { err, lines } = await runPostBuild(broken);
  assert.equal(err, undefined);
  assert.match(lines.join('\n'), /coursecrew: not published: .*roles\.json/);
});

test('an LRS that cannot be reached neither fails nor slows the build; the outbox keeps everything', async () => {
  const root = framework({ coursecrew: { _config: 'sync.json', _deliver: false } });
  write(path.join(root, 'sync.json'), {
    course_iri: 'https://example.org/courses/safety',
    targets: [{ name: 'lrs', kind: 'xapi', endpoint: 'http://127.0.0.1:1/xAPI/',
      auth: { type: 'basic', username: 'u', password: { env: 'CC_ADAPT_TEST_PASSWORD' } } }],
  });
  const { err, lines, ms } = await runPostBuild(root);
  assert.equal(err, undefined, lines.join('\n'));
  assert.ok(ms < 5000, `the build waited ${ms} ms`);
  const queued = lines.find((l) => l.startsWith('coursecrew: queued'));
  assert.ok(queued, lines.join('\n'));
  assert.match(queued, /queued (\d+) statements and 2 module documents/);
  const statements = Number(/queued (\d+) statements/.exec(queued)[1]);
  assert.ok(statements > 0);

  const cc = open({ options: { config: path.join(root, 'sync.json'), store: path.join(root, '.coursecrew', 'state.db') } });
  try {
    const box = await cc.outbox({ action: 'list', pending: true });
    const pending = box.items.filter((i) => i.kind !== 'document' && i.state === 'pending');
    const documents = box.items.filter((i) => i.kind === 'document' && i.state === 'pending');
    assert.equal(pending.length, statements, 'every statement waits in the outbox');
    assert.deepEqual(documents.map((d) => d.module).sort(), ['p-hazards', 'p-quiz']);
  } finally {
    await cc.close();
  }
});

async function startLrs() {
  const harness = path.join(repo, 'tests', 'lrs', 'harness.js');
  if (!fs.existsSync(path.join(repo, 'tests', 'lrs', 'node_modules'))) return null;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'adapt-cc-lrs-'));
  const ready = path.join(dir, 'ready.json');
  const child = require('child_process').spawn(process.execPath, [harness, '--ready-file', ready],
    { stdio: ['pipe', 'ignore', 'inherit'] });
  for (let i = 0; i < 300 && !fs.existsSync(ready); i++) await new Promise((r) => setTimeout(r, 100));
  if (!fs.existsSync(ready)) {
    child.kill();
    throw new Error('the LRS harness did not start');
  }
  return { child, info: JSON.parse(fs.readFileSync(ready, 'utf8')) };
}

test('after the build, delivery to the LRS goes on in the background', async (t) => {
  const lrs = await startLrs();
  if (!lrs) {
    t.skip('tests/lrs/node_modules is missing (scripts/install-deps.sh installs it)');
    return;
  }
  try {
    const root = framework({ coursecrew: { _config: 'sync.json' } });
    write(path.join(root, 'sync.json'), {
      course_iri: 'https://example.org/courses/safety',
      targets: [{ name: 'lrs', kind: 'xapi', endpoint: lrs.info.proxy,
        auth: { type: 'basic', username: 'u', password: { env: 'CC_ADAPT_TEST_PASSWORD' } } }],
    });
    // The LRS holds its first answer for 4 s: the build must not wait for it,
    // and what the build's own worker had in flight is delivered afterwards.
    await fetch(new URL('faults', lrs.info.control), { method: 'POST',
      body: JSON.stringify([{ kind: 'delay', ms: 4000, path: '/xAPI/', count: 1 }]) });
    const { err, lines, ms } = await runPostBuild(root);
    assert.equal(err, undefined, lines.join('\n'));
    assert.ok(ms < 3000, `the build waited ${ms} ms for the LRS`);
    const queued = Number(/queued (\d+) statements/.exec(lines.join('\n'))[1]);
    assert.match(lines.join('\n'), /delivering in the background \(pid \d+\)/);

    // The LRS fills up after done() was called.
    const auth = 'Basic ' + Buffer.from('u:p').toString('base64');
    const url = new URL('statements?activity=' + encodeURIComponent('https://example.org/courses/safety') +
      '&related_activities=true&limit=1000', lrs.info.proxy);
    let stored = 0;
    for (let i = 0; i < 150 && stored < queued; i++) {
      await new Promise((r) => setTimeout(r, 200));
      const answer = await fetch(url, { headers: { Authorization: auth, 'X-Experience-API-Version': '1.0.3' } });
      stored = (await answer.json()).statements.length;
    }
    assert.equal(stored, queued, 'every queued statement reached the LRS');
  } finally {
    lrs.child.kill();
  }
});

test('the build reads the other seats\' changes from the LRS first, and says so', async (t) => {
  const lrs = await startLrs();
  if (!lrs) {
    t.skip('tests/lrs/node_modules is missing (scripts/install-deps.sh installs it)');
    return;
  }
  try {
    const root = framework({ coursecrew: { _config: 'sync.json', _deliver: false } });
    const syncConfig = path.join(root, 'sync.json');
    write(syncConfig, {
      course_iri: 'https://example.org/courses/team',
      targets: [{ name: 'lrs', kind: 'xapi', endpoint: lrs.info.proxy,
        auth: { type: 'basic', username: 'u', password: { env: 'CC_ADAPT_TEST_PASSWORD' } } }],
    });
    // Another seat (its own store) publishes the same build and marks a pair done.
    const buildDir = path.join(root, 'build');
    const other = open({ options: { config: syncConfig, store: path.join(root, 'other-seat.db') } });
    let piece, role;
    try {
      await other.publish(buildDir);
      const review = await other.review(buildDir, { format: 'json' });
      piece = review.modules[0].pieces[0].id;
      role = review.modules[0].pieces[0].pairs[0].role;
      await other.setStatus({ package: buildDir, updates: [{ piece, role, status: 'done', by: 'Ana Lima' }] });
      await other.sync({ timeoutMs: 30000 });
    } finally {
      await other.close();
    }
    const { err, lines } = await runPostBuild(root);
    assert.equal(err, undefined, lines.join('\n'));
    assert.match(lines.join('\n'), /coursecrew: team state pulled: \d+ module\(s\) changed/);
    const cc = open({ options: { config: syncConfig, store: path.join(root, '.coursecrew', 'state.db') } });
    try {
      const review = await cc.review(buildDir, { format: 'json' });
      const pair = review.modules[0].pieces.find((p) => p.id === piece).pairs.find((p) => p.role === role);
      assert.equal(pair.status, 'done');
      assert.equal(pair.by, 'Ana Lima');
      assert.equal(pair.remote, true);
    } finally {
      await cc.close();
    }
  } finally {
    lrs.child.kill();
  }
});

for (const name of ['adapt-kevapps', 'adapt-cooking-xapi']) {
  test(`the real build ${name} (../shared/packages/adapt)`, async (t) => {
    const source = path.join(shared, name);
    if (!fs.existsSync(source)) {
      t.skip(`${source} is not here`);
      return;
    }
    const root = framework();
    fs.rmSync(path.join(root, 'build'), { recursive: true });
    fs.cpSync(source, path.join(root, 'build'), { recursive: true });
    write(path.join(root, 'build', 'course', 'config.json'),
      { ...JSON.parse(fs.readFileSync(path.join(source, 'course', 'config.json'), 'utf8')),
        _coursecrew: { _store: '.coursecrew/state.db' } });
    const { err, lines } = await runPostBuild(root);
    assert.equal(err, undefined, lines.join('\n'));
    // The modules are the content objects directly under the course.
    const objects = JSON.parse(fs.readFileSync(path.join(source, 'course', 'en', 'contentObjects.json'), 'utf8'));
    const courseId = JSON.parse(fs.readFileSync(path.join(source, 'course', 'en', 'course.json'), 'utf8'))._id;
    const modules = objects.filter((o) => o._parentId === courseId);
    assert.match(lines[0], new RegExp(`^coursecrew: adapt_manifest: \\d+ pieces in ${modules.length} modules;`));
    const moduleLines = lines.filter((l) => l.startsWith('  '));
    assert.equal(moduleLines.length, modules.length);
    for (const m of modules) assert.ok(moduleLines.some((l) => l.includes(`[${m._id}]`)), m._id);
  });
}
