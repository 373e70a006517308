// Type declarations for coursecrew (the Node.js host of libcoursecrew).
// The JSON shapes are described by the schemas in the coursecrew repository
// (schemas/*.schema.json); they are typed loosely here, as JSON objects.

import { EventEmitter } from 'node:events';

/** Any JSON object the plugin hands back. */
export type JsonObject = { [key: string]: unknown };

/** The instance and call options of schemas/options.schema.json; a JSON string is passed as it is. */
export interface Options {
  max_diagnostics_per_code?: number;
  hash_files?: boolean;
  list_files?: boolean;
  content_model?: 'auto' | 'off' | 'adapt' | 'rise' | 'storyline' | 'h5p' | 'exe' | 'ispring' | 'lectora' | 'captivate';
  max_manifest_bytes?: number;
  max_xml_depth?: number;
  max_expanded_bytes?: number;
  max_compression_ratio?: number;
  max_entries?: number;
  /** The status store (SQLite file). */
  store?: string;
  /** The team's role map (schemas/rolemap.schema.json). */
  roles?: string;
  default_roles?: boolean;
  /** The sync configuration file (schemas/config.schema.json). */
  config?: string;
  dry_run?: boolean;
  /** The clock in unix seconds; 0 = the system clock. */
  now?: number;
  module?: string;
  format?: 'table' | 'json' | 'csv' | 'html';
  overload_threshold?: number;
  many_roles_threshold?: number;
  stale_days?: number;
  at_risk_days?: number;
  /** With format 'csv': the burn-up series and forecasts instead of one row per (piece, role). */
  series?: boolean;
  /** Progress over time and the finish-date forecast (review, module documents, progress statements); default true. */
  forecast?: boolean;
}

export interface OpenOptions {
  /** The library to load; default $COURSECREW_PLUGIN, else the installed libcoursecrew.so.1. */
  plugin?: string;
  /** The instance's default options (configure); bad ones make open() throw COURSECREW_E_INVALID_ARGUMENT. */
  options?: Options | string;
  /** Told to the plugin in create(); default "coursecrew-node VERSION". */
  hostName?: string;
}

export interface StatusUpdate {
  piece: string;
  role: string;
  status: 'not_started' | 'in_progress' | 'in_review' | 'done' | 'blocked';
  by: string;
  note?: string;
}

export interface StatusRequest {
  /** Record a publish of this package first... */
  package?: string;
  /** ...or change the store alone (may be omitted when the store holds one course). */
  course?: string;
  updates?: StatusUpdate[];
  /** CSV text: piece,role,status[,by,note,course]. */
  csv?: string;
  /** Default "by" for CSV rows without one. */
  by?: string;
}

export type OutboxRequest =
  | { action: 'list'; pending?: boolean }
  | { action: 'retry' | 'drop'; ids: string[] }
  | { action: 'retry' | 'drop'; all: true };

export interface TargetStatus {
  name: string;
  kind: string;
  state: string;
  error: string;
  pending: number;
  dead: number;
  documents_pending: number;
  documents_dead: number;
  delivered: number;
  retry_in_ms: number;
  version: string;
}

export interface SyncStatus {
  idle: boolean;
  stopped: boolean;
  targets: TargetStatus[];
}

/** What a pull did on one target (ABI 1.4). */
export interface TargetPull {
  name: string;
  kind: string;
  /** skipped: the target keeps no module documents. */
  state: 'pulled' | 'failed' | 'skipped';
  /** Why it failed; "" otherwise. */
  error: string;
  modules_checked: number;
  modules_fetched: number;
  modules_merged: number;
  /** This seat's pairs the pull changed. */
  cells_changed: number;
  team_cells: number;
  unreadable: number;
}

/** pull()'s answer (and a failed pull's `detail`). */
export interface PullReport {
  /** Every target with module documents was pulled. */
  complete: boolean;
  /** The pull ran to its end (false: the wait ran out first). */
  finished: boolean;
  /** The store's last successful pull (ISO 8601 UTC); null: never. */
  pulled_at: string | null;
  /** The store's last attempt; null: never. */
  attempted_at: string | null;
  targets: TargetPull[];
}

/** A sync event from the plugin's worker, delivered on the JS thread. */
export interface SyncEvent {
  event: 'sent' | 'retrying' | 'failed' | 'dead_lettered' | 'document' | 'pulled' | string;
  target: string;
  count?: number;
  reason?: string;
  attempt?: number;
  in_ms?: number;
  id?: string;
  module?: string;
  /** 'pulled' (ABI 1.4): module documents read, merged into the store, and this seat's pairs they changed. */
  modules_fetched?: number;
  modules_merged?: number;
  cells_changed?: number;
  [key: string]: unknown;
}

/**
 * Every failure. `code` is the plugin's status name (COURSECREW_E_NOT_FOUND,
 * ...) or one of the binding's own: ERR_COURSECREW_LOAD (the library cannot be
 * loaded or is not a coursecrew plugin), ERR_COURSECREW_CLOSED (the instance
 * is closed).
 */
export class CoursecrewError extends Error {
  code: string;
  /** The plugin's status number, when the plugin failed. */
  status?: number;
  /** The JSON the plugin returned with the failure, parsed. */
  detail?: any;
}

export const STATUS_NAMES: readonly string[];

export class Coursecrew extends EventEmitter {
  /** The loaded library. */
  readonly plugin: { path: string; version: string; abi: { major: number; minor: number } };
  /** True from the moment close() is called. */
  readonly closed: boolean;

  inspect(pkg: string, options?: Options | string): Promise<JsonObject>;
  publish(pkg: string, options?: Options | string): Promise<JsonObject>;
  /** An object for format json (the default), the text for table, csv and html. */
  review(pkg: string, options?: Options | string): Promise<JsonObject | string>;
  setStatus(request: StatusRequest | string, options?: Options | string): Promise<JsonObject>;
  /** Resolves when idle within timeoutMs (default 0: do not wait); rejects COURSECREW_E_IO with the status as detail otherwise. */
  sync(request?: { timeoutMs?: number }, options?: Options | string): Promise<SyncStatus>;
  /**
   * Reads the team's module status documents back from the LRS into the store
   * (ABI 1.4; needs the option `config`). Waits at most timeoutMs (0: not at
   * all; omitted or negative: the config's pull.timeout_ms, 5000 by default).
   * Resolves with the report when every target was pulled; like sync(),
   * rejects COURSECREW_E_IO with the report as detail otherwise (a target
   * failed or the wait ran out; the store is intact). Rejects
   * COURSECREW_E_UNSUPPORTED when the plugin is older than ABI 1.4.
   */
  pull(request?: { timeoutMs?: number }, options?: Options | string): Promise<PullReport>;
  outbox(request: OutboxRequest | string, options?: Options | string): Promise<JsonObject>;
  /** Destroys the instance after the calls already made; later calls reject with ERR_COURSECREW_CLOSED. */
  close(): Promise<void>;

  on(event: 'sync', listener: (event: SyncEvent) => void): this;
  once(event: 'sync', listener: (event: SyncEvent) => void): this;
  off(event: 'sync', listener: (event: SyncEvent) => void): this;
}

/** Loads the plugin (once per path), creates and configures an instance. Throws CoursecrewError. */
export function open(options?: OpenOptions): Coursecrew;
