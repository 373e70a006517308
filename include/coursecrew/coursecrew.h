/*
 * coursecrew: the public C ABI.
 *
 * A host (an authoring tool, or the `coursecrew` command-line tool) loads
 * libcoursecrew.so, looks up the one exported symbol `coursecrew_entry`, checks
 * its ABI version and calls through the function pointers it holds. Nothing but
 * C types crosses this boundary; rich data crosses as UTF-8 JSON text.
 *
 * Conventions used below
 *   [any-thread]   may be called from any thread, concurrently.
 *   [instance]     may be called from any thread, but never concurrently on the
 *                  same instance (serialise calls per instance yourself).
 *   Ownership      every `char *` handed to the host was allocated by the
 *                  plugin and must be released with `entry->free_string`.
 *                  Every `const char *` returned by the plugin stays valid until
 *                  the next call on the same instance (or forever, for static
 *                  strings such as `strerror`).
 *   Status codes   every function returning `int` returns a `coursecrew_status`.
 *                  On failure `last_error` explains what and where.
 *
 * Unloading
 *   The library is linked "nodelete": dlclose() does not unload it, because
 *   the XML and crypto libraries it uses keep process-wide state. Destroy
 *   every instance before dlclose().
 *
 * Versioning
 *   COURSECREW_ABI_MAJOR changes only when an existing function or field changes
 *   meaning; hosts must refuse an entry with a newer major than they know.
 *   COURSECREW_ABI_MINOR grows when functions are appended to the entry struct;
 *   a host reads a field only when it lies within `struct_size`.
 */
#ifndef COURSECREW_COURSECREW_H
#define COURSECREW_COURSECREW_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define COURSECREW_ABI_MAJOR 1u
#define COURSECREW_ABI_MINOR 4u

/* The library's own release version (also in CMake and packaging). */
#define COURSECREW_VERSION_MAJOR 0
#define COURSECREW_VERSION_MINOR 1
#define COURSECREW_VERSION_PATCH 0
#define COURSECREW_VERSION_STRING "0.1.0"

/* The name of the one exported symbol, for dlsym(). */
#define COURSECREW_ENTRY_SYMBOL "coursecrew_entry"

/*
 * Status codes. Append-only: values never change meaning or number.
 */
typedef enum coursecrew_status {
    COURSECREW_OK = 0,              /* success */
    COURSECREW_E_INVALID_ARGUMENT = 1, /* a NULL pointer or malformed argument */
    COURSECREW_E_NOT_FOUND = 2,     /* the package (file or folder) does not exist */
    COURSECREW_E_IO = 3,            /* reading a file failed (permissions, disk) */
    COURSECREW_E_UNSUPPORTED = 4,   /* not a format or option this version understands */
    COURSECREW_E_PACKAGE_INVALID = 5, /* the package was read but has errors (see diagnostics) */
    COURSECREW_E_NO_MEMORY = 6,     /* an allocation failed */
    COURSECREW_E_ABI = 7,           /* host and plugin ABI versions are incompatible */
    COURSECREW_E_INTERNAL = 8       /* a bug in coursecrew: please report it */
} coursecrew_status;

/* An instance: opaque, created and destroyed through the entry struct. */
typedef struct coursecrew_instance coursecrew_instance;

/* ABI 1.2: how the plugin tells the host about sync progress. Called on the
 * plugin's worker thread, never on the host's; `event_json` is valid only
 * during the call: {"event": "sent" | "retrying" | "failed" | "dead_lettered"
 * | "document" | "pulled", "target": NAME, ...} ("sent": "count";
 * "retrying": "reason", "attempt", "in_ms"; "failed": "reason" (the target
 * stopped, e.g. its credentials were refused); "dead_lettered": "id" or
 * "module", "reason"; ABI 1.4: "pulled": "modules_fetched",
 * "modules_merged", "cells_changed").
 * Return quickly and do not call back into the instance from it. */
typedef void (*coursecrew_event_fn)(void *user_data, const char *event_json);

/* ABI 1.3: how the plugin hands a long text to the host piece by piece.
 * Called on the thread that made the call it was given to, during that call;
 * `data` holds `size` bytes (not NUL-terminated) and is valid only during the
 * callback. Return 0 to go on; anything else stops the text (the call then
 * returns COURSECREW_E_IO). */
typedef int (*coursecrew_write_fn)(void *user_data, const char *data, size_t size);

/* What the host tells the plugin about itself. Fill struct_size with sizeof. */
typedef struct coursecrew_host_info {
    uint32_t struct_size;
    uint32_t abi_major;      /* COURSECREW_ABI_MAJOR the host was built with */
    uint32_t abi_minor;      /* COURSECREW_ABI_MINOR the host was built with */
    const char *host_name;   /* e.g. "coursecrew-cli 0.1.0"; may be NULL */
} coursecrew_host_info;

typedef struct coursecrew_entry_v1 {
    /* Header: never moves. */
    uint32_t abi_major;
    uint32_t abi_minor;
    uint32_t struct_size;    /* sizeof(coursecrew_entry_v1) of the plugin build */
    const char *version;     /* library version, static, e.g. "0.1.0" */

    /* [any-thread] A static English description of a status code. Never NULL. */
    const char *(*strerror)(int status);

    /* [any-thread] Create an instance with default options. On success *out
     * receives the instance. Does no I/O and starts no thread. */
    int (*create)(const coursecrew_host_info *host, coursecrew_instance **out);

    /* [instance] Set the instance's default options from a UTF-8 JSON object
     * (see schemas/options.schema.json); NULL or "" changes nothing. A bad
     * object changes nothing, returns COURSECREW_E_INVALID_ARGUMENT and
     * last_error names the offending member as a JSON pointer. */
    int (*configure)(coursecrew_instance *instance, const char *options_json);

    /* [instance] Destroy an instance; NULL is ignored. */
    void (*destroy)(coursecrew_instance *instance);

    /* [instance] The last error on this instance, or "" when the last call
     * succeeded. Valid until the next call on the instance. Never NULL. */
    const char *(*last_error)(coursecrew_instance *instance);

    /* [any-thread] Release a string the plugin allocated; NULL is ignored. */
    void (*free_string)(char *text);

    /* [instance] Read a course package (a folder, a .zip file, or a manifest
     * file) and describe it as JSON (see schemas/inspect.schema.json).
     * `options_json` overrides the instance's options for this call; it may
     * be NULL. *out_json receives the description, diagnostics included,
     * whenever the package could be looked at: with COURSECREW_OK, and with
     * _E_PACKAGE_INVALID, _E_NOT_FOUND or _E_IO (then last_error names the
     * first error with its file and line). For other failures *out_json is
     * NULL. Blocks on local file I/O only, never on the network. */
    int (*inspect)(coursecrew_instance *instance, const char *package_path,
                   const char *options_json, char **out_json);

    /* ---- ABI 1.1: roles, status and review (read only when struct_size covers them) ---- */

    /* [instance] Record a publish: read the package, map its pieces to roles
     * and people (option `roles`, else the built-in rules) and update the
     * status store (option `store`): new (piece, role) pairs, `done` pairs whose
     * content changed go back to `in_review`, vanished pieces are archived,
     * returning ones restored. Local file I/O only. *out_json receives
     * {"course", "pieces", "pairs", "added", "reopened", "archived", "restored",
     * "changes": [...]}; when the role map is broken, {"errors": [{"file",
     * "pointer", "message"}]} and nothing is applied. */
    int (*publish)(coursecrew_instance *instance, const char *package_path,
                   const char *options_json, char **out_json);

    /* [instance] Publish, then render the per-module review in the option
     * `format` (json: schemas/review.schema.json; table; csv; html) into
     * *out_text. */
    int (*review)(coursecrew_instance *instance, const char *package_path,
                  const char *options_json, char **out_text);

    /* [instance] Change statuses, all or nothing. `request_json`:
     * {"package": PATH} (recorded first, like a publish) or {"course": ID}
     * (the store alone; may be omitted when the store holds one course), and
     * "updates": [{"piece", "role", "status", "by", "note"?}] or "csv": TEXT
     * (header piece,role,status[,by,note,course]; "by" in the request is the
     * default for rows without one). An unknown
     * piece, role or status changes nothing and returns
     * COURSECREW_E_INVALID_ARGUMENT. *out_json: {"course", "changes": [...]}
     * or {"errors": [...]}. */
    int (*set_status)(coursecrew_instance *instance, const char *request_json,
                      const char *options_json, char **out_json);

    /* ---- ABI 1.2: pushing progress to the LMS (read only when struct_size covers them) ----
     *
     * With the option `config` (a sync config, schemas/config.schema.json),
     * publish and set_status also write, in the same store transaction, the
     * xAPI statements and module status documents their changes cause (the
     * outbox), then wake the instance's one background worker, which
     * delivers them to every target with retries; they return without
     * waiting on the network. Their *out_json then also has "queued":
     * {"statements", "documents"}; with the option `dry_run` nothing changes
     * and *out_json has "statements": [...] and "documents": [...] instead. */

    /* [instance] Receive sync events (see coursecrew_event_fn); NULL stops
     * them. May be called at any time. */
    int (*set_event_callback)(coursecrew_instance *instance, coursecrew_event_fn callback,
                              void *user_data);

    /* [instance] Start the worker for the option `config` if it is not
     * running, and wait at most timeout_ms (0: not at all) until everything
     * deliverable is delivered. *out_json: {"idle", "stopped", "targets":
     * [{"name", "kind", "state", "error", "pending", "dead",
     * "documents_pending", "documents_dead", "delivered", "retry_in_ms",
     * "version"}]}. COURSECREW_OK when idle, COURSECREW_E_IO when the wait
     * timed out or a target stopped (last_error says which and why). Blocks
     * the calling thread for at most timeout_ms. */
    int (*sync)(coursecrew_instance *instance, const char *options_json, int64_t timeout_ms,
                char **out_json);

    /* [instance] The outbox of the store in use. `request_json`:
     * {"action": "list", "pending": BOOL} lists dead letters (and pending
     * items when asked); {"action": "retry" | "drop", "ids": [STATEMENT_ID...]}
     * or {"action": ..., "all": true} moves dead letters back to the queue,
     * or removes them. *out_json: {"items": [{"target", "kind", "id",
     * "state", "course", "module", "error", "attempts", "at"}]} or
     * {"changed": N}. Local file I/O only. */
    int (*outbox)(coursecrew_instance *instance, const char *request_json,
                  const char *options_json, char **out_json);

    /* ---- ABI 1.3 (read only when struct_size covers it) ---- */

    /* [instance] inspect, with the JSON handed to `write` in pieces as it is
     * written instead of returned in one string: the description of a
     * 200,000-file course (5 MB) never sits in memory whole. The JSON is
     * written exactly when inspect would have returned it (then with the same
     * status); nothing is written for other failures, and after
     * COURSECREW_E_NO_MEMORY or _E_INTERNAL what was written may stop short.
     * Returns COURSECREW_E_IO when `write` asked to stop. */
    int (*inspect_write)(coursecrew_instance *instance, const char *package_path,
                         const char *options_json, coursecrew_write_fn write, void *user_data);

    /* ---- ABI 1.4: one team, many seats (read only when struct_size covers it) ----
     *
     * Every seat (its own store) pushes its changes into the per-module status
     * documents in the LRS and pulls the others' back, so the LRS holds the
     * team's state and each store is a replica that works offline. A pulled
     * change is merged per (piece, role) cell by the rule the push uses (the
     * newer change wins, ties broken the same way on every seat, a cell no
     * one touched never overrides a real change), recorded in the history as
     * coming from another seat, and never sent again. publish, review and
     * set_status do not pull: a host calls pull first (the CLI does, with a
     * short time limit) so the host's thread never waits on the network
     * longer than it chose. */

    /* [instance] Start the worker for the option `config` if it is not
     * running, ask it to pull the course's changed module documents from
     * every xAPI target before anything else, and wait at most timeout_ms (0:
     * not at all; negative: the config's "pull": {"timeout_ms"}, 5000 by
     * default) for the pull. *out_json: {"complete", "finished",
     * "pulled_at", "attempted_at", "targets": [{"name", "kind", "state"
     * ("pulled" | "failed" | "skipped"), "error", "modules_checked",
     * "modules_fetched", "modules_merged", "cells_changed", "team_cells",
     * "unreadable"}]}, the times being the store's last successful pull and
     * attempt (null: never). COURSECREW_OK when every target was pulled,
     * COURSECREW_E_IO when one failed or the wait timed out (last_error says
     * which and why; local state is intact and what was merged stays). */
    int (*pull)(coursecrew_instance *instance, const char *options_json, int64_t timeout_ms,
                char **out_json);
} coursecrew_entry_v1;

/* The entry point. Hidden symbol lookup: dlsym(handle, COURSECREW_ENTRY_SYMBOL). */
typedef coursecrew_entry_v1 coursecrew_entry_t;

#if defined(_WIN32)
#define COURSECREW_EXPORT __declspec(dllexport)
#else
#define COURSECREW_EXPORT __attribute__((visibility("default")))
#endif

extern COURSECREW_EXPORT const coursecrew_entry_t coursecrew_entry;

#ifdef __cplusplus
}
#endif

#endif /* COURSECREW_COURSECREW_H */
