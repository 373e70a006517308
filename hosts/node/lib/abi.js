'use strict';
// The C ABI of include/coursecrew/coursecrew.h, seen through koffi: the types,
// loading the library, and checking its one exported symbol `coursecrew_entry`.
// Nothing here calls into an instance; lib/instance.js does that.

const koffi = require('koffi');
const { CoursecrewError } = require('./errors');

// The ABI this host was written against (COURSECREW_ABI_MAJOR / _MINOR).
const ABI_MAJOR = 1;
const ABI_MINOR = 4;
const INSTALLED_SONAME = 'libcoursecrew.so.1';
const HOST_NAME = `coursecrew-node ${require('../package.json').version}`;

// koffi runs an asynchronous call on a stack of its own, 128 KiB by default:
// too little for reading a deeply nested manifest. Give the plugin the stack
// an ordinary thread has. koffi takes settings only before its first library
// is loaded; when another module loaded one first we keep what is there
// (checked in load(), with a warning).
const ASYNC_STACK_BYTES = 8 * 1024 * 1024;
let stackConfigured = false;
function configureKoffi() {
  if (stackConfigured) return;
  stackConfigured = true;
  try {
    if (koffi.config().async_stack_size < ASYNC_STACK_BYTES) koffi.config({ async_stack_size: ASYNC_STACK_BYTES });
  } catch {
    process.emitWarning(`coursecrew: koffi was configured before coursecrew was loaded; calls run on a ` +
      `${koffi.config().async_stack_size >> 10} KiB stack (require('coursecrew') first to give them 8 MiB)`);
  }
}

// ---- Types ------------------------------------------------------------------
// Instances and the strings the plugin allocates travel as plain pointers
// (BigInt in koffi 3); strings the plugin allocates are never decoded by koffi
// directly, so the host can free them (see lib/instance.js).

const HostInfo = koffi.struct('coursecrew_host_info', {
  struct_size: 'uint32_t',
  abi_major: 'uint32_t',
  abi_minor: 'uint32_t',
  host_name: 'const char *',
});

// The entry struct. Its function pointers are read as `void *` and turned into
// callable functions only when they lie inside the plugin's struct_size.
const FIELDS = [
  'strerror', 'create', 'configure', 'destroy', 'last_error', 'free_string', 'inspect', // ABI 1.0
  'publish', 'review', 'set_status', // ABI 1.1
  'set_event_callback', 'sync', 'outbox', // ABI 1.2
  'inspect_write', // ABI 1.3
  'pull', // ABI 1.4
];
const Entry = koffi.struct('coursecrew_entry_v1', Object.assign({
  abi_major: 'uint32_t',
  abi_minor: 'uint32_t',
  struct_size: 'uint32_t',
  version: 'const char *',
}, Object.fromEntries(FIELDS.map((name) => [name, 'void *']))));

const EventFn = koffi.proto('void coursecrew_event_fn(void *user_data, const char *event_json)');
// A call that takes a package path or a request and hands back a string in *out.
const TextCall = koffi.proto('int coursecrew_text_call(void *instance, const char *arg, const char *options_json, _Out_ void **out)');
const PROTOS = {
  strerror: koffi.proto('const char *coursecrew_strerror_fn(int status)'),
  create: koffi.proto('int coursecrew_create_fn(const coursecrew_host_info *host, _Out_ void **out)'),
  configure: koffi.proto('int coursecrew_configure_fn(void *instance, const char *options_json)'),
  destroy: koffi.proto('void coursecrew_destroy_fn(void *instance)'),
  last_error: koffi.proto('const char *coursecrew_last_error_fn(void *instance)'),
  free_string: koffi.proto('void coursecrew_free_string_fn(void *text)'),
  inspect: TextCall,
  publish: TextCall,
  review: TextCall,
  set_status: TextCall,
  set_event_callback: koffi.proto('int coursecrew_set_event_callback_fn(void *instance, coursecrew_event_fn *callback, void *user_data)'),
  sync: koffi.proto('int coursecrew_sync_fn(void *instance, const char *options_json, int64_t timeout_ms, _Out_ void **out)'),
  outbox: TextCall,
  pull: koffi.proto('int coursecrew_pull_fn(void *instance, const char *options_json, int64_t timeout_ms, _Out_ void **out)'),
};
// This host needs everything up to `outbox` (ABI 1.2); inspect_write is not
// used. Functions of later ABIs are OPTIONAL: read only when the plugin's
// struct_size covers them (an older plugin's entry ends before them), and the
// calls that need them reject with COURSECREW_E_UNSUPPORTED otherwise.
const NEEDED = 'outbox';
const OPTIONAL = { pull: '1.4' };

function fieldEnd(name) {
  return koffi.offsetof(Entry, name) + koffi.sizeof('void *');
}

// ---- Loading ----------------------------------------------------------------

const loaded = new Map(); // path as given -> Plugin, so instances share one entry

/** Where to load the plugin from: options.plugin, $COURSECREW_PLUGIN, the installed soname. */
function pluginPath(explicit) {
  if (explicit) return explicit;
  if (process.env.COURSECREW_PLUGIN) return process.env.COURSECREW_PLUGIN;
  return INSTALLED_SONAME;
}

/** Loads (once per path) and checks the plugin; throws a CoursecrewError when it cannot be used. */
function load(explicit) {
  const path = pluginPath(explicit);
  const cached = loaded.get(path);
  if (cached) return cached;
  configureKoffi();

  let lib;
  try {
    lib = koffi.load(path);
  } catch (err) {
    throw new CoursecrewError('ERR_COURSECREW_LOAD', `cannot load the coursecrew plugin ${path}: ${err.message}`);
  }
  let address;
  try {
    address = lib.symbol('coursecrew_entry');
  } catch {
    address = null;
  }
  if (!address) {
    throw new CoursecrewError('ERR_COURSECREW_LOAD', `${path}: no symbol coursecrew_entry (not a coursecrew plugin)`);
  }

  // The header first: it never moves, whatever the version.
  const major = koffi.decode(address, koffi.offsetof(Entry, 'abi_major'), 'uint32_t');
  const minor = koffi.decode(address, koffi.offsetof(Entry, 'abi_minor'), 'uint32_t');
  const size = koffi.decode(address, koffi.offsetof(Entry, 'struct_size'), 'uint32_t');
  if (major !== ABI_MAJOR) {
    throw new CoursecrewError('COURSECREW_E_ABI', `${path}: plugin ABI ${major}.${minor}, this host ` +
      `(coursecrew for Node.js) needs ABI ${ABI_MAJOR}.x with x >= 2`);
  }
  if (size < fieldEnd(NEEDED)) {
    const missing = FIELDS.filter((name) => name in PROTOS && !(name in OPTIONAL) && size < fieldEnd(name));
    throw new CoursecrewError('COURSECREW_E_ABI', `${path}: plugin ABI ${major}.${minor} (entry of ${size} bytes) ` +
      `lacks ${missing.join(', ')}; this host needs ABI ${ABI_MAJOR}.2 or newer`);
  }

  const fns = {};
  const lacks = {}; // optional function -> the ABI that brings it, when this plugin has not got it
  for (const name of Object.keys(PROTOS)) {
    if (name in OPTIONAL && size < fieldEnd(name)) {
      lacks[name] = OPTIONAL[name]; // beyond this plugin's entry: never read
      continue;
    }
    const pointer = koffi.decode(address, koffi.offsetof(Entry, name), 'void *');
    if (!pointer) throw new CoursecrewError('COURSECREW_E_ABI', `${path}: the entry's ${name} is NULL`);
    fns[name] = koffi.decode(pointer, PROTOS[name]);
  }
  const plugin = {
    path,
    version: koffi.decode(address, koffi.offsetof(Entry, 'version'), 'const char *'),
    abi: { major, minor },
    fns,
    lacks,
  };
  loaded.set(path, plugin);
  return plugin;
}

// strlen, to size the view of an answer (lib/instance.js) off the JS thread.
// glibc's libc.so.6; elsewhere (musl) answers are decoded in one go instead.
let strlen;
function libcStrlen() {
  if (strlen === undefined) {
    try {
      strlen = koffi.load('libc.so.6').func('size_t strlen(void *text)');
    } catch {
      strlen = null;
    }
  }
  return strlen;
}

/** The host_info the plugin's create() checks. */
function hostInfo() {
  return { struct_size: koffi.sizeof(HostInfo), abi_major: ABI_MAJOR, abi_minor: ABI_MINOR, host_name: HOST_NAME };
}

module.exports = { load, hostInfo, libcStrlen, EventFn, ABI_MAJOR, ABI_MINOR, koffi };
