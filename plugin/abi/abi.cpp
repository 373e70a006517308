// The C ABI: the only way in. Every function here is an exception barrier;
// nothing but C types crosses it.
#include <cstdlib>
#include <cstring>
#include <new>
#include <vector>

#include <rapidjson/stringbuffer.h>
#include <string>

#include "coursecrew/coursecrew.h"
#include <rapidjson/document.h>
#include <rapidjson/writer.h>

#include "plugin/engine/options.hpp"
#include "plugin/model/json_in.hpp"
#include "plugin/model/big_alloc.hpp"
#include "plugin/sync/outbox.hpp"
#include "plugin/engine/registry.hpp"
#include "plugin/store/sql.hpp"
#include "plugin/store/team.hpp"
#include "plugin/sync/sync_session.hpp"
#include "plugin/engine/workspace.hpp"

struct coursecrew_instance {
    std::string last_error;
    std::string host_name;
    coursecrew::Settings defaults;
    coursecrew::SyncSession sync;  // destroyed first: stops the worker before the rest goes
};

namespace {

using namespace coursecrew;

int fail(coursecrew_instance *in, int status, std::string message) {
    if (in) in->last_error = std::move(message);
    return status;
}

// Runs `body` behind the barrier: exceptions become status codes.
template <class Body>
int guarded(coursecrew_instance *in, Body &&body) {
    try {
        if (in) in->last_error.clear();
        return body();
    } catch (const std::bad_alloc &) {
        return fail(in, COURSECREW_E_NO_MEMORY, "out of memory");
    } catch (const std::exception &e) {
        return fail(in, COURSECREW_E_INTERNAL, std::string("internal error: ") + e.what());
    } catch (...) {
        return fail(in, COURSECREW_E_INTERNAL, "internal error");
    }
}

const char *cc_strerror(int status) {
    switch (status) {
    case COURSECREW_OK: return "success";
    case COURSECREW_E_INVALID_ARGUMENT: return "invalid argument";
    case COURSECREW_E_NOT_FOUND: return "package not found";
    case COURSECREW_E_IO: return "read error";
    case COURSECREW_E_UNSUPPORTED: return "unsupported format or option";
    case COURSECREW_E_PACKAGE_INVALID: return "the package has errors";
    case COURSECREW_E_NO_MEMORY: return "out of memory";
    case COURSECREW_E_ABI: return "incompatible ABI version";
    case COURSECREW_E_INTERNAL: return "internal error";
    default: return "unknown status";
    }
}

int cc_create(const coursecrew_host_info *host, coursecrew_instance **out) {
    if (!out) return COURSECREW_E_INVALID_ARGUMENT;
    *out = nullptr;
    try {
        if (host) {
            // Read only the fields the host's struct_size covers.
            if (host->struct_size < offsetof(coursecrew_host_info, abi_minor) + sizeof(uint32_t))
                return COURSECREW_E_INVALID_ARGUMENT;
            if (host->abi_major != COURSECREW_ABI_MAJOR) return COURSECREW_E_ABI;
        }
        auto inst = std::make_unique<coursecrew_instance>();
        if (host && host->struct_size >= offsetof(coursecrew_host_info, host_name) + sizeof(char *) &&
            host->host_name)
            inst->host_name = host->host_name;
        *out = inst.release();
        return COURSECREW_OK;
    } catch (const std::bad_alloc &) {
        return COURSECREW_E_NO_MEMORY;
    } catch (...) {
        return COURSECREW_E_INTERNAL;
    }
}

int cc_configure(coursecrew_instance *in, const char *options_json) {
    if (!in) return COURSECREW_E_INVALID_ARGUMENT;
    return guarded(in, [&]() -> int {
        std::string error;
        if (!apply_options(options_json, in->defaults, error))
            return fail(in, COURSECREW_E_INVALID_ARGUMENT, "options: " + error);
        return COURSECREW_OK;
    });
}

void cc_destroy(coursecrew_instance *in) { delete in; }

const char *cc_last_error(coursecrew_instance *in) { return in ? in->last_error.c_str() : ""; }

// Every text handed to the host comes from big::text_allocate (to_c,
// to_json_malloc): a large one may be a mapping, not malloc'ed.
void cc_free_string(char *text) { big::text_free(text); }

int cc_inspect(coursecrew_instance *in, const char *package_path, const char *options_json,
               char **out_json) {
    if (out_json) *out_json = nullptr;
    if (!in) return COURSECREW_E_INVALID_ARGUMENT;
    return guarded(in, [&]() -> int {
        if (!package_path || !*package_path || !out_json)
            return fail(in, COURSECREW_E_INVALID_ARGUMENT,
                        "inspect needs a package path and an output pointer");
        Settings settings = in->defaults;
        std::string error;
        if (!apply_options(options_json, settings, error))
            return fail(in, COURSECREW_E_INVALID_ARGUMENT, "options: " + error);
        const InspectOptions &options = settings.inspect;
        std::string message;
        int status = COURSECREW_OK;
        {
            // The model goes as soon as its JSON exists; the JSON is written
            // straight into the buffer the host receives.
            Inspection ins(options.max_diagnostics_per_code);
            status = inspect_package(package_path, options, ins);
            *out_json = to_json_malloc(ins, options, nullptr);
            if (status != COURSECREW_OK) message = ins.diags.first_error();
        }
        if (status != COURSECREW_OK) fail(in, status, message.empty() ? cc_strerror(status) : message);
        return status;
    });
}

int cc_inspect_write(coursecrew_instance *in, const char *package_path, const char *options_json,
                     coursecrew_write_fn write, void *user_data) {
    if (!in) return COURSECREW_E_INVALID_ARGUMENT;
    return guarded(in, [&]() -> int {
        if (!package_path || !*package_path || !write)
            return fail(in, COURSECREW_E_INVALID_ARGUMENT,
                        "inspect_write needs a package path and a write function");
        Settings settings = in->defaults;
        std::string error;
        if (!apply_options(options_json, settings, error))
            return fail(in, COURSECREW_E_INVALID_ARGUMENT, "options: " + error);
        const InspectOptions &options = settings.inspect;
        Inspection ins(options.max_diagnostics_per_code);
        const int status = inspect_package(package_path, options, ins);
        if (!write_json(ins, options, write, user_data))
            return fail(in, COURSECREW_E_IO, "the host's write function stopped the JSON");
        if (status != COURSECREW_OK) {
            const std::string message = ins.diags.first_error();
            fail(in, status, message.empty() ? cc_strerror(status) : message);
        }
        return status;
    });
}

// ---- roles, status, review ------------------------------------------------

using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;

void put(JsonWriter &w, const char *key, const std::string &value) {
    w.Key(key);
    w.String(value.c_str(), static_cast<rapidjson::SizeType>(value.size()));
}

void write_changes(JsonWriter &w, const std::vector<Change> &changes) {
    w.Key("changes");
    w.StartArray();
    for (const Change &c : changes) {
        w.StartObject();
        put(w, "kind", c.kind);
        put(w, "module", c.module);
        put(w, "piece", c.piece);
        put(w, "role", c.role);
        put(w, "from", to_string(c.from));
        put(w, "to", to_string(c.to));
        put(w, "by", c.by);
        put(w, "note", c.note);
        w.EndObject();
    }
    w.EndArray();
}

// A copy the host frees with free_string.
char *to_c(std::string_view text) {
    char *out = big::text_allocate(text.size() + 1);
    std::memcpy(out, text.data(), text.size());
    out[text.size()] = '\0';
    return out;
}
char *to_c(const rapidjson::StringBuffer &buf) { return to_c(std::string_view(buf.GetString(), buf.GetSize())); }

// A failed workspace call: last_error says it in one line; the JSON lists
// every role-map problem with its place.
int workspace_failure(coursecrew_instance *in, const WorkspaceError &e, char **out_json) {
    rapidjson::StringBuffer buf;
    JsonWriter w(buf);
    w.StartObject();
    put(w, "error", e.message);
    w.Key("errors");
    w.StartArray();
    std::string detail;
    for (const MapError &m : e.map_errors) {
        w.StartObject();
        put(w, "file", m.file);
        put(w, "pointer", m.pointer);
        put(w, "message", m.message);
        w.EndObject();
        detail += "\n  " + m.file + (m.pointer.empty() ? "" : " " + m.pointer) + ": " + m.message;
    }
    w.EndArray();
    w.EndObject();
    if (out_json) *out_json = to_c(buf);
    return fail(in, e.status ? e.status : COURSECREW_E_INTERNAL, e.message + detail);
}

// What went to the outbox: counts, or (dry run) the statements and documents.
void write_feed(JsonWriter &w, const FeedResult &feed, const WorkspaceOptions &options) {
    if (options.config_path.empty()) return;
    if (!options.dry_run) {
        w.Key("queued");
        w.StartObject();
        w.Key("statements"); w.Uint64(feed.events.size());
        w.Key("documents"); w.Uint64(feed.documents.size());
        w.EndObject();
        return;
    }
    w.Key("statements");
    w.StartArray();
    for (const Event &e : feed.events) w.RawValue(e.body.c_str(), e.body.size(), rapidjson::kObjectType);
    w.EndArray();
    w.Key("documents");
    w.StartArray();
    for (const FeedResult::Document &d : feed.documents) {
        w.StartObject();
        put(w, "module", d.module);
        put(w, "activityId", d.activity);
        w.Key("document");
        w.RawValue(d.body.c_str(), d.body.size(), rapidjson::kObjectType);
        w.EndObject();
    }
    w.EndArray();
}

// The options with the sync config applied (see resolve_workspace).
struct Resolved {
    WorkspaceOptions options;
    SyncConfig config;
    bool has_sync = false;
    WorkspaceError error;
    explicit Resolved(const WorkspaceOptions &given) : ok(resolve_workspace(given, options, config, has_sync, error)) {}
    bool ok;  // declared last: set after the members resolve_workspace fills are built
};

// After work was queued: the worker for the config in use delivers it.
int start_sync(coursecrew_instance *in, const WorkspaceOptions &options) {
    if (options.config_path.empty() || options.dry_run) return COURSECREW_OK;
    const Resolved r(options);
    if (!r.ok) return fail(in, r.error.status, r.error.message);
    in->sync.ensure(r.config, r.options.store_path);
    return COURSECREW_OK;
}

template <class Body>
int with_settings(coursecrew_instance *in, const char *options_json, Body &&body) {
    if (!in) return COURSECREW_E_INVALID_ARGUMENT;
    return guarded(in, [&]() -> int {
        Settings settings = in->defaults;
        std::string error;
        if (!apply_options(options_json, settings, error))
            return fail(in, COURSECREW_E_INVALID_ARGUMENT, "options: " + error);
        // The sync config is read once per call: the workspace and the worker
        // both use this copy.
        if (!settings.workspace.config_path.empty()) {
            auto config = std::make_shared<SyncConfig>();
            if (!load_sync_config(settings.workspace.config_path, *config, error))
                return fail(in, COURSECREW_E_INVALID_ARGUMENT, error);
            settings.workspace.loaded_config = std::move(config);
        }
        return body(settings);
    });
}

int cc_publish(coursecrew_instance *in, const char *package_path, const char *options_json,
               char **out_json) {
    if (out_json) *out_json = nullptr;
    return with_settings(in, options_json, [&](const Settings &s) -> int {
        if (!package_path || !*package_path || !out_json)
            return fail(in, COURSECREW_E_INVALID_ARGUMENT, "publish needs a package path and an output pointer");
        Inspection ins(s.inspect.max_diagnostics_per_code);
        PublishResult result;
        WorkspaceError error;
        if (!publish_package(package_path, s.inspect, s.workspace, ins, result, error))
            return workspace_failure(in, error, out_json);
        rapidjson::StringBuffer buf;
        JsonWriter w(buf);
        w.StartObject();
        put(w, "course", result.course);
        put(w, "store", result.store);
        w.Key("pieces"); w.Uint64(result.pieces);
        w.Key("pairs"); w.Uint64(result.pairs);
        w.Key("added"); w.Uint64(result.summary.pairs_added);
        w.Key("reopened"); w.Uint64(result.summary.pairs_reopened);
        w.Key("archived"); w.Uint64(result.summary.pieces_archived);
        w.Key("restored"); w.Uint64(result.summary.pieces_restored);
        w.Key("unchanged"); w.Uint64(result.summary.pairs_unchanged);
        w.Key("warnings"); w.Uint64(ins.diags.warning_count());
        write_changes(w, result.summary.changes);
        write_feed(w, result.feed, s.workspace);
        w.EndObject();
        *out_json = to_c(buf);
        return start_sync(in, s.workspace);
    });
}

int cc_review(coursecrew_instance *in, const char *package_path, const char *options_json,
              char **out_text) {
    if (out_text) *out_text = nullptr;
    return with_settings(in, options_json, [&](const Settings &s) -> int {
        if (!package_path || !*package_path || !out_text)
            return fail(in, COURSECREW_E_INVALID_ARGUMENT, "review needs a package path and an output pointer");
        std::string rendered;
        WorkspaceError error;
        if (!review_package(package_path, s.inspect, s.workspace, rendered, error))
            return workspace_failure(in, error, out_text);
        *out_text = to_c(rendered);
        return COURSECREW_OK;
    });
}

int cc_set_status(coursecrew_instance *in, const char *request_json, const char *options_json,
                  char **out_json) {
    if (out_json) *out_json = nullptr;
    return with_settings(in, options_json, [&](const Settings &s) -> int {
        if (!request_json || !out_json)
            return fail(in, COURSECREW_E_INVALID_ARGUMENT, "set_status needs a request and an output pointer");
        rapidjson::Document req;
        JsonError bad_json;
        if (!parse_json(request_json, kLocalJsonLimits, req, bad_json) || !req.IsObject())
            return fail(in, COURSECREW_E_INVALID_ARGUMENT, bad_json ? "the request: " + bad_json.message : "the request is not a JSON object");
        auto text = [&](const rapidjson::Value &o, const char *key) -> std::string {
            auto it = o.FindMember(key);
            return it != o.MemberEnd() && it->value.IsString() ? it->value.GetString() : std::string();
        };
        std::vector<StatusUpdate> updates;
        std::string course = text(req, "course");
        std::string csv_where;
        if (req.HasMember("csv")) {
            // CSV text (status import): piece,role,status[,by,note,course].
            std::string csv_course, why;
            // The whole string: a NUL byte in it is an error, not its end.
            const auto &csv_value = req["csv"];
            if (!csv_value.IsString())
                return fail(in, COURSECREW_E_INVALID_ARGUMENT, "/csv: expected a string");
            const std::string_view csv(csv_value.GetString(), csv_value.GetStringLength());
            // The file the CSV came from names its lines ("FILE line N: ...").
            csv_where = text(req, "csv_name").empty() ? std::string("/csv:") : text(req, "csv_name");
            if (!parse_status_csv(csv, text(req, "by"), updates, csv_course, why))
                return fail(in, COURSECREW_E_INVALID_ARGUMENT, csv_where + " " + why);
            if (updates.empty()) return fail(in, COURSECREW_E_INVALID_ARGUMENT, "/csv: no rows to import");
            if (!csv_course.empty()) {
                if (!course.empty() && course != csv_course)
                    return fail(in, COURSECREW_E_INVALID_ARGUMENT,
                                "/csv: the rows name course '" + csv_course + "', the request '" + course + "'");
                course = csv_course;
            }
        } else if (!req.HasMember("updates") || !req["updates"].IsArray() || req["updates"].Empty()) {
            return fail(in, COURSECREW_E_INVALID_ARGUMENT, "/updates: expected a non-empty array (or /csv)");
        }
        for (rapidjson::SizeType i = 0; req.HasMember("updates") && i < req["updates"].Size(); ++i) {
            const auto &u = req["updates"][i];
            const std::string where = "/updates/" + std::to_string(i);
            if (!u.IsObject()) return fail(in, COURSECREW_E_INVALID_ARGUMENT, where + ": expected an object");
            StatusUpdate su;
            su.piece = text(u, "piece");
            su.role = text(u, "role");
            su.by = text(u, "by");
            su.note = text(u, "note");
            const std::string status = text(u, "status");
            if (su.piece.empty() || su.role.empty() || su.by.empty())
                return fail(in, COURSECREW_E_INVALID_ARGUMENT, where + ": piece, role and by are required");
            if (!parse_status(status, su.status))
                return fail(in, COURSECREW_E_INVALID_ARGUMENT,
                            where + "/status: unknown status '" + status +
                                "' (not_started, in_progress, in_review, done, blocked)");
            updates.push_back(std::move(su));
        }
        std::vector<Change> changes;
        WorkspaceError error;
        const std::string package = text(req, "package");
        bool ok;
        FeedResult feed;
        if (!package.empty()) {
            ok = set_status_for_package(package, s.inspect, s.workspace, updates, changes, error, &feed);
        } else {
            std::string resolved;
            ok = set_status_in_store(course, s.workspace, updates, changes, resolved, error, &feed);
            course = resolved;
        }
        if (!ok) {
            // A row the store refuses names its CSV line.
            if (!csv_where.empty() && error.message.rfind("line ", 0) == 0)
                error.message = csv_where + " " + error.message;
            return workspace_failure(in, error, out_json);
        }
        rapidjson::StringBuffer buf;
        JsonWriter w(buf);
        w.StartObject();
        if (!course.empty()) put(w, "course", course);
        write_changes(w, changes);
        write_feed(w, feed, s.workspace);
        w.EndObject();
        *out_json = to_c(buf);
        return start_sync(in, s.workspace);
    });
}

int cc_set_event_callback(coursecrew_instance *in, coursecrew_event_fn callback, void *user_data) {
    if (!in) return COURSECREW_E_INVALID_ARGUMENT;
    return guarded(in, [&]() -> int {
        if (!callback) {
            in->sync.set_callback(nullptr);
        } else {
            in->sync.set_callback([callback, user_data](const std::string &event) {
                callback(user_data, event.c_str());
            });
        }
        return COURSECREW_OK;
    });
}

int cc_sync(coursecrew_instance *in, const char *options_json, int64_t timeout_ms, char **out_json) {
    if (out_json) *out_json = nullptr;
    return with_settings(in, options_json, [&](const Settings &s) -> int {
        if (!out_json) return fail(in, COURSECREW_E_INVALID_ARGUMENT, "sync needs an output pointer");
        const Resolved r(s.workspace);
        if (!r.ok) return fail(in, r.error.status, r.error.message);
        if (!r.has_sync)
            return fail(in, COURSECREW_E_INVALID_ARGUMENT, "sync needs the option \"config\" (a sync config file)");
        in->sync.ensure(r.config, r.options.store_path);
        const SyncStatus status = in->sync.wait(timeout_ms);
        *out_json = to_c(sync_status_json(status));
        for (const TargetStatus &t : status.targets)
            if (t.state == "stopped")
                return fail(in, COURSECREW_E_IO, "target \"" + t.name + "\" stopped: " + t.error);
        if (!status.idle) {
            std::string why = "not everything was delivered within " + std::to_string(timeout_ms) + " ms";
            for (const TargetStatus &t : status.targets)
                if (!t.error.empty()) why += "; target \"" + t.name + "\": " + t.error;
            return fail(in, COURSECREW_E_IO, why);
        }
        // Idle, but dead letters are not delivered: say so (exit 4), not "the outbox is empty".
        for (const TargetStatus &t : status.targets)
            if (t.dead > 0 || t.documents_dead > 0)
                return fail(in, COURSECREW_E_IO,
                            "target \"" + t.name + "\": " + std::to_string(t.dead) + " statement(s) and " +
                                std::to_string(t.documents_dead) +
                                " module document(s) are dead-lettered; `coursecrew outbox` shows why, "
                                "`coursecrew outbox --retry-all` sends them again once fixed");
        return COURSECREW_OK;
    });
}

int cc_pull(coursecrew_instance *in, const char *options_json, int64_t timeout_ms, char **out_json) {
    if (out_json) *out_json = nullptr;
    return with_settings(in, options_json, [&](const Settings &s) -> int {
        if (!out_json) return fail(in, COURSECREW_E_INVALID_ARGUMENT, "pull needs an output pointer");
        const Resolved r(s.workspace);
        if (!r.ok) return fail(in, r.error.status, r.error.message);
        if (!r.has_sync)
            return fail(in, COURSECREW_E_INVALID_ARGUMENT, "pull needs the option \"config\" (a sync config file)");
        const PullReport report =
            in->sync.pull(r.config, r.options.store_path, timeout_ms < 0 ? r.config.pull_timeout_ms : timeout_ms);
        // When the team's state was last pulled (this time or before): the
        // host says how old what it shows is.
        LastPull last;
        std::string why;
        auto store = Store::open(r.options.store_path, why);
        if (!store) return fail(in, COURSECREW_E_IO, why);
        try {
            last = TeamReplica(store->handle(), store->path()).last_pull(r.config.course_iri);
        } catch (const std::exception &e) {
            return fail(in, COURSECREW_E_IO, e.what());
        }
        *out_json = to_c(pull_report_json(report, last));
        if (report.complete && report.finished) return COURSECREW_OK;
        std::string problems;
        for (const TargetPull &t : report.targets)
            if (t.state == "failed") problems += (problems.empty() ? "" : "; ") + ("target \"" + t.name + "\": " + t.error);
        return fail(in, COURSECREW_E_IO, "the team's state could not be pulled: " + problems);
    });
}

int cc_outbox(coursecrew_instance *in, const char *request_json, const char *options_json,
              char **out_json) {
    if (out_json) *out_json = nullptr;
    return with_settings(in, options_json, [&](const Settings &s) -> int {
        if (!request_json || !out_json)
            return fail(in, COURSECREW_E_INVALID_ARGUMENT, "outbox needs a request and an output pointer");
        rapidjson::Document req;
        JsonError bad_json;
        if (!parse_json(request_json, kLocalJsonLimits, req, bad_json))
            return fail(in, COURSECREW_E_INVALID_ARGUMENT, "the request: " + bad_json.message);
        if (!req.IsObject() || !req.HasMember("action") || !req["action"].IsString())
            return fail(in, COURSECREW_E_INVALID_ARGUMENT, "the request needs \"action\": list, retry or drop");
        const std::string action = req["action"].GetString();
        std::vector<std::string> ids;
        if (req.HasMember("ids") && req["ids"].IsArray())
            for (const auto &v : req["ids"].GetArray())
                if (v.IsString()) ids.emplace_back(v.GetString());
        const bool all = req.HasMember("all") && req["all"].IsBool() && req["all"].GetBool();
        if ((action == "retry" || action == "drop") && ids.empty() && !all)
            return fail(in, COURSECREW_E_INVALID_ARGUMENT, "/ids: name the statement ids, or give \"all\": true");
        if (action != "list" && action != "retry" && action != "drop")
            return fail(in, COURSECREW_E_INVALID_ARGUMENT, "/action: expected list, retry or drop");

        const Resolved r(s.workspace);
        if (!r.ok) return fail(in, r.error.status, r.error.message);
        std::string why;
        auto store = Store::open(r.options.store_path, why);
        if (!store) return fail(in, COURSECREW_E_IO, why);
        Outbox outbox(store->handle(), store->path());
        rapidjson::StringBuffer buf;
        JsonWriter w(buf);
        w.StartObject();
        try {
            if (action == "list") {
                const bool pending = req.HasMember("pending") && req["pending"].IsBool() && req["pending"].GetBool();
                w.Key("items");
                w.StartArray();
                for (const OutboxEntry &e : outbox.list(pending)) {
                    w.StartObject();
                    put(w, "target", e.target);
                    put(w, "kind", e.kind);
                    put(w, "id", e.uuid);
                    put(w, "state", e.state);
                    put(w, "course", e.course);
                    put(w, "module", e.module);
                    put(w, "error", e.error);
                    w.Key("attempts"); w.Int64(e.attempts);
                    w.Key("at"); w.Int64(e.at);
                    w.EndObject();
                }
                w.EndArray();
            } else {
                sql::Transaction tx(store->handle(), store->path(), "changing the outbox");
                const std::int64_t n = action == "retry" ? outbox.retry(all ? std::vector<std::string>{} : ids)
                                                         : outbox.drop(all ? std::vector<std::string>{} : ids);
                tx.commit("changing the outbox");
                w.Key("changed"); w.Int64(n);
                if (action == "retry" && r.has_sync && in->sync.running()) in->sync.ensure(r.config, r.options.store_path);
            }
        } catch (const sql::Error &e) {
            return fail(in, COURSECREW_E_IO, e.what());
        }
        w.EndObject();
        *out_json = to_c(buf);
        return COURSECREW_OK;
    });
}

}  // namespace

extern "C" {

const coursecrew_entry_t coursecrew_entry = {
    COURSECREW_ABI_MAJOR,
    COURSECREW_ABI_MINOR,
    sizeof(coursecrew_entry_t),
    COURSECREW_VERSION_STRING,
    &cc_strerror,
    &cc_create,
    &cc_configure,
    &cc_destroy,
    &cc_last_error,
    &cc_free_string,
    &cc_inspect,
    &cc_publish,
    &cc_review,
    &cc_set_status,
    &cc_set_event_callback,
    &cc_sync,
    &cc_outbox,
    &cc_inspect_write,
    &cc_pull,
};

}  // extern "C"
