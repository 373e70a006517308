'use strict';
// One coursecrew instance: create + configure on open, then every call through
// koffi's `.async` (a libuv worker thread), one at a time per instance, in the
// order they were made. Several instances run in parallel.

const { EventEmitter } = require('node:events');
const { load, hostInfo, libcStrlen, EventFn, koffi } = require('./abi');
const { CoursecrewError, statusName, closedError } = require('./errors');
const { parseJsonBytes, decodeBytes } = require('./text');

// sync() waits in slices this long, so that other calls on the instance (and
// close()) get their turn while a long wait is under way.
const SYNC_SLICE_MS = 100;

// Options and requests go to the plugin as JSON text; strings pass as they are.
function jsonText(value, what) {
  if (value === undefined || value === null) return null;
  if (typeof value === 'string') return value;
  if (typeof value !== 'object') throw new TypeError(`${what} must be an object or a JSON string`);
  return JSON.stringify(value);
}

// The review format a call asks for: its own options, else the instance's, else json.
function formatOf(callOptions, instanceOptions) {
  for (const o of [callOptions, instanceOptions]) {
    if (o === undefined || o === null) continue;
    const object = typeof o === 'string' ? JSON.parse(o) : o;
    if (object && typeof object.format === 'string') return object.format;
  }
  return 'json';
}

// Instances not closed yet. When the event loop runs dry, they are closed
// ('beforeExit'): a sync worker that called into JavaScript while Node tears
// its environment down would abort the process (koffi's relay to the JS thread
// is gone by then). An explicit process.exit() skips 'beforeExit': close first.
const openInstances = new Set();
function closeLeftovers() {
  for (const instance of openInstances) instance.close();
}

function callAsync(fn, ...args) {
  return new Promise((resolve, reject) => {
    fn.async(...args, (err, result) => (err ? reject(err) : resolve(result)));
  });
}

class Coursecrew extends EventEmitter {
  #plugin; // lib/abi.js load(): path, version, fns
  #handle; // the coursecrew_instance pointer; null once destroyed
  #callback; // the registered koffi event callback
  #options; // the instance's options, for review's format
  #tail = Promise.resolve(); // the last call queued
  #state = 'open'; // 'open' | 'closing' | 'closed'
  #closed = null; // close()'s promise

  constructor({ plugin, options, hostName } = {}) {
    super();
    this.#plugin = load(plugin);
    const { fns } = this.#plugin;
    const info = hostInfo();
    if (hostName) info.host_name = String(hostName);
    const out = [null];
    const created = fns.create(info, out);
    if (created !== 0) {
      throw new CoursecrewError(statusName(created), `${this.#plugin.path}: create failed: ${fns.strerror(created)}`,
        { status: created });
    }
    this.#handle = out[0];
    // create and configure do no I/O; no worker thread exists yet, so setting
    // the callback here cannot wait on one either.
    this.#options = options;
    const text = jsonText(options, 'options');
    const configured = text === null ? 0 : fns.configure(this.#handle, text);
    if (configured !== 0) {
      const message = fns.last_error(this.#handle) || fns.strerror(configured);
      fns.destroy(this.#handle);
      this.#handle = null;
      throw new CoursecrewError(statusName(configured), message, { status: configured });
    }
    this.#callback = koffi.register((_user, eventJson) => this.#onEvent(eventJson), koffi.pointer(EventFn));
    const subscribed = fns.set_event_callback(this.#handle, this.#callback, null);
    if (subscribed !== 0) {
      fns.destroy(this.#handle);
      koffi.unregister(this.#callback);
      throw new CoursecrewError(statusName(subscribed), `set_event_callback failed: ${fns.strerror(subscribed)}`,
        { status: subscribed });
    }
    if (openInstances.size === 0 && !process.listeners('beforeExit').includes(closeLeftovers)) {
      process.on('beforeExit', closeLeftovers);
    }
    openInstances.add(this);
  }

  /** The loaded plugin: path, version ("0.1.0") and ABI ({major, minor}). */
  get plugin() {
    const { path, version, abi } = this.#plugin;
    return { path, version, abi: { ...abi } };
  }

  get closed() {
    return this.#state !== 'open';
  }

  // On the JS thread (koffi queues it there), while the plugin's worker waits
  // for it to return: listeners should be quick.
  #onEvent(eventJson) {
    let event;
    try {
      event = JSON.parse(eventJson);
    } catch {
      event = { event: 'unparsed', text: eventJson };
    }
    try {
      this.emit('sync', event);
    } catch (err) {
      // A listener threw: report it like any uncaught error, not to the plugin.
      process.nextTick(() => { throw err; });
    }
  }

  // Queue `task` behind the calls already made on this instance.
  #enqueue(what, task) {
    if (this.#state !== 'open') return Promise.reject(closedError(what));
    const run = this.#tail.then(task);
    this.#tail = run.then(() => {}, () => {});
    return run;
  }

  // One call that hands back a string: {status, answer, message}. `answer`
  // (null when the plugin gave none) holds the plugin's bytes, seen in place;
  // whoever takes it must call its release() (which frees them) exactly once.
  async #textCall(name, ...args) {
    const { fns } = this.#plugin;
    const out = [null];
    const status = await callAsync(fns[name], this.#handle, ...args, out);
    // last_error is valid until the next call on the instance: read it now.
    const message = status === 0 ? '' : (fns.last_error(this.#handle) || fns.strerror(status));
    return { status, answer: out[0] ? await this.#view(out[0]) : null, message };
  }

  // The string at `pointer` as a Buffer over the plugin's memory (no copy), its
  // length found off the JS thread; release() frees it with free_string.
  async #view(pointer) {
    const { fns } = this.#plugin;
    let released = false;
    const release = () => {
      if (!released) fns.free_string(pointer);
      released = true;
    };
    const strlen = libcStrlen();
    try {
      if (strlen) {
        const length = Number(await callAsync(strlen, pointer));
        return { bytes: Buffer.from(koffi.view(pointer, length)), release };
      }
    } catch {
      // no external buffers in this runtime: decode in one go below
    }
    const bytes = Buffer.from(koffi.decode.string(pointer), 'utf8');
    release();
    return { bytes, release };
  }

  // Parses (or decodes) an answer, in slices, then frees it.
  async #take(answer, json) {
    if (answer === null) return null;
    try {
      return await (json ? parseJsonBytes(answer.bytes) : decodeBytes(answer.bytes));
    } finally {
      answer.release();
    }
  }

  // Runs one call in the queue and turns its answer into a value or a rejection.
  async #call(name, args, { json = true } = {}) {
    const { status, answer, message } = await this.#enqueue(name, () => this.#textCall(name, ...args));
    if (status !== 0) throw await this.#failure(status, answer, message);
    return this.#take(answer, json);
  }

  async #failure(status, answer, message) {
    let detail;
    try {
      detail = (await this.#take(answer, true)) ?? undefined;
    } catch {
      detail = undefined; // not JSON (a failed review's text): the message says it all
    }
    return new CoursecrewError(statusName(status), message, { status, detail });
  }

  /** Reads a package (folder, .zip or manifest) and describes it (schemas/inspect.schema.json). */
  inspect(pkg, options) {
    return this.#call('inspect', [pkg, jsonText(options, 'options')]);
  }

  /** Records a publish in the status store. */
  publish(pkg, options) {
    return this.#call('publish', [pkg, jsonText(options, 'options')]);
  }

  /** Publishes, then renders the review: an object for format json, else the text. */
  review(pkg, options) {
    const json = formatOf(options, this.#options) === 'json';
    return this.#call('review', [pkg, jsonText(options, 'options')], { json });
  }

  /** Changes statuses, all or nothing. */
  setStatus(request, options) {
    return this.#call('set_status', [jsonText(request, 'request'), jsonText(options, 'options')]);
  }

  /** Lists, retries or drops outbox items. */
  outbox(request, options) {
    return this.#call('outbox', [jsonText(request, 'request'), jsonText(options, 'options')]);
  }

  /**
   * Starts the sync worker and waits at most timeoutMs until everything is
   * delivered. Resolves with the status when idle; rejects with
   * COURSECREW_E_IO (detail: the status) when the wait ran out or a target
   * stopped, and with ERR_COURSECREW_CLOSED when close() came first.
   */
  async sync({ timeoutMs = 0 } = {}, options) {
    if (!Number.isInteger(timeoutMs) || timeoutMs < 0) throw new TypeError('timeoutMs must be an integer >= 0');
    const optionsText = jsonText(options, 'options');
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const slice = Math.max(0, Math.min(SYNC_SLICE_MS, deadline - Date.now()));
      const { status, answer, message } = await this.#enqueue('sync', () => this.#textCall('sync', optionsText, slice));
      if (status === 0) return this.#take(answer, true);
      const error = await this.#failure(status, answer, message);
      const detail = error.detail;
      const stillGoing = error.code === 'COURSECREW_E_IO' && detail && detail.idle === false &&
        !detail.targets.some((t) => t.state === 'stopped');
      if (!stillGoing || Date.now() >= deadline) {
        // The plugin counted the last slice; the caller asked for timeoutMs.
        error.message = error.message.replace(/^not everything was delivered within \d+ ms/,
          `not everything was delivered within ${timeoutMs} ms`);
        throw error;
      }
      if (this.#state !== 'open') {
        throw new CoursecrewError('ERR_COURSECREW_CLOSED', 'sync: the instance was closed while waiting for delivery',
          { detail });
      }
    }
  }

  /**
   * One team, many seats (ABI 1.4): asks the sync worker (started if need
   * be) to read the team's module status documents back from the LRS and
   * merge them into the store, and waits at most timeoutMs for that (0: not
   * at all; omitted or negative: the config's pull.timeout_ms, 5000 by
   * default). Resolves with the pull report when every target was pulled;
   * rejects, as sync() does, with COURSECREW_E_IO (detail: the report) when a
   * target failed or the wait ran out (the store is intact and what was
   * merged stays); with COURSECREW_E_UNSUPPORTED when the plugin is older
   * than ABI 1.4. One call into the plugin, not sliced like sync(): each call
   * asks for a pull of its own, so a later call on the instance (close()
   * too) waits for it, at most timeoutMs.
   */
  async pull({ timeoutMs } = {}, options) {
    if (timeoutMs !== undefined && !Number.isInteger(timeoutMs)) {
      throw new TypeError('timeoutMs must be an integer (omitted or negative: the config\'s pull.timeout_ms)');
    }
    const optionsText = jsonText(options, 'options');
    if (this.#state !== 'open') throw closedError('pull');
    const { path, abi, fns, lacks } = this.#plugin;
    if (!fns.pull) {
      throw new CoursecrewError('COURSECREW_E_UNSUPPORTED', `pull: the plugin ${path} is of ABI ${abi.major}.${abi.minor} ` +
        `and cannot pull; pull needs a plugin of ABI ${lacks.pull} or newer`);
    }
    return this.#call('pull', [optionsText, timeoutMs === undefined || timeoutMs < 0 ? -1 : timeoutMs]);
  }

  /**
   * Destroys the instance after the calls already made: stops and joins the
   * sync worker (off the JS thread, so an event it is delivering still gets
   * through). Later calls reject with ERR_COURSECREW_CLOSED. Idempotent.
   */
  close() {
    if (this.#closed) return this.#closed;
    this.#state = 'closing';
    openInstances.delete(this);
    const { fns } = this.#plugin;
    this.#closed = this.#tail.then(async () => {
      await callAsync(fns.destroy, this.#handle);
      this.#handle = null;
      koffi.unregister(this.#callback); // the worker is joined: nothing can call it any more
      this.#callback = null;
      this.#state = 'closed';
    });
    return this.#closed;
  }
}

/** Loads the plugin (once per path) and creates a configured instance. */
function open(options) {
  return new Coursecrew(options);
}

module.exports = { open, Coursecrew };
