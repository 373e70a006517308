#include "plugin/engine/workspace.hpp"


#include <openssl/evp.h>
#include <sqlite3.h>

#include <chrono>
#include <memory>

#include "coursecrew/coursecrew.h"
#include "plugin/inspect/digest_cache.hpp"
#include "plugin/engine/registry.hpp"
#include "plugin/forecast/inputs.hpp"
#include "plugin/model/utf8.hpp"
#include "plugin/store/team.hpp"
#include "plugin/sync/pull.hpp"

namespace coursecrew {

namespace {

bool fail(WorkspaceError &error, int status, std::string message) {
    error.status = status;
    error.message = std::move(message);
    return false;
}

// "1 problem", "100,000 problems".
std::string problems(std::size_t n) {
    return group_thousands(n) + (n == 1 ? " problem" : " problems");
}

// The role map in force, or the reasons it cannot be used.
bool load_map(const WorkspaceOptions &options, RoleMap &out, WorkspaceError &error) {
    if (options.roles_path.empty()) {
        out = effective_role_map(nullptr, options.default_roles);
        return true;
    }
    RoleMap team;
    std::vector<MapError> errors;
    if (!load_role_map_file(options.roles_path, team, errors)) {
        error.map_errors = std::move(errors);
        return fail(error, COURSECREW_E_INVALID_ARGUMENT,
                    "the role map " + options.roles_path + " has " +
                        problems(count_map_problems(error.map_errors)) + "; nothing was applied");
    }
    out = effective_role_map(&team, options.default_roles);
    return true;
}

std::vector<PieceRecord> records_of(const Plan &plan) {
    std::vector<PieceRecord> out;
    out.reserve(plan.pieces.size());
    for (const PiecePlan &p : plan.pieces) {
        PieceRecord r;
        r.id = p.piece_id;
        r.module = p.module_id;
        r.title = p.title;
        r.roles.reserve(p.slots.size());
        for (const Slot &s : p.slots) r.roles.push_back({s.role, s.fingerprint, s.waiting_note});
        out.push_back(std::move(r));
    }
    return out;
}

std::unique_ptr<Store> open_store(const WorkspaceOptions &options, WorkspaceError &error) {
    std::string why;
    // Each call opens its own connection and uses it from this thread only:
    // no SQLite mutex per call (a publish makes hundreds of thousands).
    auto store = Store::open(options.store_path, why, Store::Threads::One);
    if (!store) fail(error, COURSECREW_E_IO, why);
    return store;
}

// Reads, plans and records the package; leaves the pieces for the caller.
// Holds a dry run's outer transaction; rolled back on destruction, so a dry
// run changes nothing whatever it did inside.
class DryRun {
public:
    bool begin(Store &store) {
        if (sqlite3_exec(store.handle(), "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) != SQLITE_OK) return false;
        db_ = store.handle();
        return true;
    }
    ~DryRun() {
        if (db_) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    }

private:
    sqlite3 *db_ = nullptr;
};

struct Recorded {
    RoleMap map;
    Plan plan;
    std::unique_ptr<Store> store;
    DryRun dry_run;  // declared after the store: rolled back before it closes
    PublishResult result;
};

// What names things in statements, from the sync config.
EventContext event_context(const SyncConfig &sync, const RoleMap *map) {
    EventContext c;
    c.course_iri = sync.course_iri;
    c.profile_base = sync.profile_iri;
    c.language = sync.language;
    c.agent_json = sync.agent_json;
    c.map = map;
    return c;
}

FeedTargets feed_targets(const SyncConfig &sync) {
    FeedTargets t;
    for (const TargetSpec &spec : sync.targets) {
        t.all.push_back(spec.config.name);
        if (spec.config.documents) t.documents.push_back(spec.config.name);
    }
    return t;
}

// SHA-256 over what the publish recorded: the same content gives the same
// digest (and so the same "published" statement, sent once).
std::string content_digest(const std::vector<PieceRecord> &records) {
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
    EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr);
    auto add = [&](std::string_view s) {  // each text NUL-terminated
        EVP_DigestUpdate(ctx.get(), s.data(), s.size());
        EVP_DigestUpdate(ctx.get(), "", 1);
    };
    for (const PieceRecord &r : records) {
        add(r.id);
        add(r.module);
        add(r.title);
        for (const PieceRecord::RoleRecord &role : r.roles) {
            add(role.role);
            add(role.fingerprint);
        }
    }
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_DigestFinal_ex(ctx.get(), md, &len);
    return to_hex(md, len);
}

bool record(const std::string &package, const InspectOptions &inspect_options,
            const WorkspaceOptions &options, const SyncConfig *sync, Inspection &inspection,
            Recorded &out, WorkspaceError &error) {
    if (!load_map(options, out.map, error)) return false;
    out.store = open_store(options, error);
    if (!out.store) return false;
    // Files unchanged since the last publish of this package are not read
    // again: their digests come from the store.
    StoredDigests digests(out.store->handle(), out.store->path(), package_key(package),
                          workspace_now(options));
    InspectOptions reading = inspect_options;
    std::string why;
    if (reading.hash_files && !digests.load(why)) return fail(error, COURSECREW_E_IO, why);
    if (reading.hash_files) reading.digests = &digests;
    const int status = inspect_package(package, reading, inspection);
    // A course in production has missing and unreadable files: they become
    // findings on the pieces that use them (the plan's `waiting`), not a
    // refusal. Anything else wrong with the package stops here.
    const std::string blocking =
        inspection.diags.first_error_except({"file.missing", "file.launch_missing", "file.unreadable"});
    if (status != COURSECREW_OK && (status != COURSECREW_E_PACKAGE_INVALID || !blocking.empty())) {
        return fail(error, status,
                    "the package cannot be used: " + (blocking.empty() ? package : blocking));
    }
    if (reading.hash_files && !options.dry_run && !digests.save(why))
        return fail(error, COURSECREW_E_IO, why);
    const Course &course = inspection.course;
    if (course.identifier.empty())
        return fail(error, COURSECREW_E_PACKAGE_INVALID,
                    "the package has no course identifier to keep its status under");
    std::vector<MapError> course_errors;
    if (!options.roles_path.empty()) check_against_course(out.map, course, course_errors);
    if (!course_errors.empty()) {
        error.map_errors = std::move(course_errors);
        return fail(error, COURSECREW_E_INVALID_ARGUMENT,
                    "the role map " + options.roles_path + " does not fit this course (" +
                        problems(count_map_problems(error.map_errors)) + "); nothing was applied");
    }
    out.plan = plan_roles(course, out.map);
    // A dry run: everything below happens in one transaction that is rolled
    // back when the store closes (see DryRun).
    if (options.dry_run && !out.dry_run.begin(*out.store))
        return fail(error, COURSECREW_E_IO, "the store " + options.store_path + " is busy: cannot start a dry run");
    out.result.course = course.identifier;
    out.result.store = options.store_path;
    out.result.pieces = out.plan.pieces.size();
    out.result.pairs = out.plan.pairs();
    const std::vector<PieceRecord> records = records_of(out.plan);
    const std::int64_t now = workspace_now(options);
    FeedInput feed;
    WriteHook hook;
    if (sync) {
        feed.context = event_context(*sync, &out.map);
        feed.targets = feed_targets(*sync);
        feed.course = course.identifier;
        feed.now = now;
        feed.plan = &out.plan;
        feed.map = &out.map;
        feed.package = {course.identifier, course.title.primary(), to_string(course.format),
                        content_digest(records), out.result.pieces, out.result.pairs};
        for (std::uint32_t m : course.modules)
            feed.module_titles[course.items[m].id] = course.items[m].title.primary();
        if (options.forecast) feed.forecast = {&out.plan, &out.map, out.store.get()};
        hook = feed_hook(feed, out.result.feed);
    }
    if (!out.store->publish(course.identifier, records, now, out.result.summary, why, hook))
        return fail(error, COURSECREW_E_IO, why);
    // Where the pieces come from; when that changed, the next review says so once.
    const PublishSummary &s = out.result.summary;
    const std::string archived = std::to_string(s.pieces_archived) + (s.pieces_archived == 1 ? " piece" : " pieces");
    // A new course, or one whose source changed without losing a piece, needs no notice.
    const std::string notice =
        s.pieces_archived == 0 ? std::string()
        : course.content.present()
            ? "The pieces now come from the " + course.content.tool + " structure inside the package (" +
                  course.content.source + "): " + archived + " read before were archived with their statuses, and " +
                  std::to_string(out.result.pieces) + " pieces of the structure are tracked from here on."
            : "The pieces now come from the manifest (the authoring tool's structure was not read; see "
              "inspect): " + archived + " of the structure were archived with their statuses and come back "
              "with them when it is read again.";
    if (!out.store->note_source(course.identifier, course.content.tool, notice, why))
        return fail(error, COURSECREW_E_IO, why);
    // One team, many seats: pairs new to this seat take the team's state
    // that earlier pulls brought (see plugin/sync/pull.hpp).
    if (sync) {
        try {
            adopt_team_state(out.store->handle(), out.store->path(), course.identifier, sync->course_iri);
        } catch (const std::exception &e) {
            return fail(error, COURSECREW_E_IO, e.what());
        }
    }
    return true;
}

// What the review says about the team: the last pull and the cells only
// other seats' versions have.
bool team_state(Store &store, const SyncConfig &sync, const std::string &course, const std::string &module,
                TeamState &out, WorkspaceError &error) {
    for (const TargetSpec &t : sync.targets) out.shared = out.shared || (t.config.kind == "xapi" && t.config.documents);
    if (!out.shared) return true;
    try {
        TeamReplica team(store.handle(), store.path());
        const LastPull last = team.last_pull(sync.course_iri);
        out.pulled_at = last.pulled_at;
        out.attempted_at = last.attempted_at;
        out.error = last.error;
        for (TeamCell &c : team.foreign(course, sync.course_iri, module)) {
            ForeignCell f;
            f.module = std::move(c.module);
            f.piece = std::move(c.piece);
            f.title = std::move(c.title);
            f.role = std::move(c.role);
            f.by = std::move(c.by);
            f.note = std::move(c.note);
            parse_status(c.status, f.status);
            f.at = c.at;
            out.foreign.push_back(std::move(f));
        }
    } catch (const std::exception &e) {
        return fail(error, COURSECREW_E_IO, e.what());
    }
    return true;
}

// Status changes, fed to the outbox when there is a sync config.
bool apply_updates(Store &store, const std::string &course, const WorkspaceOptions &options,
                   const SyncConfig *sync, const RoleMap *map,
                   const std::vector<StatusUpdate> &updates, std::vector<Change> &changes,
                   FeedResult *fed, WorkspaceError &error, const Plan *plan = nullptr) {
    FeedResult scratch;
    FeedInput feed;
    WriteHook hook;
    const std::int64_t now = workspace_now(options);
    if (sync) {
        feed.context = event_context(*sync, map);
        feed.targets = feed_targets(*sync);
        feed.course = course;
        feed.now = now;
        if (options.forecast && plan && map) feed.forecast = {plan, map, &store};
        hook = feed_hook(feed, fed ? *fed : scratch);
    }
    std::string why;
    if (!store.set_status(course, updates, now, changes, why, hook))
        return fail(error, COURSECREW_E_INVALID_ARGUMENT, why);
    return true;
}

}  // namespace

std::int64_t workspace_now(const WorkspaceOptions &options) {
    if (options.now > 0) return options.now;
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

bool resolve_workspace(const WorkspaceOptions &options, WorkspaceOptions &resolved,
                       SyncConfig &sync, bool &has_sync, WorkspaceError &error) {
    resolved = options;
    has_sync = !options.config_path.empty();
    if (!has_sync) return true;
    std::string why;
    if (options.loaded_config)
        sync = *options.loaded_config;
    else if (!load_sync_config(options.config_path, sync, why))
        return fail(error, COURSECREW_E_INVALID_ARGUMENT, why);
    if (!options.store_explicit && !sync.store.empty()) resolved.store_path = sync.store;
    if (!options.roles_explicit && !sync.roles.empty()) resolved.roles_path = sync.roles;
    if (!options.default_roles_explicit && sync.default_roles_given)
        resolved.default_roles = sync.default_roles;
    return true;
}

bool publish_package(const std::string &package, const InspectOptions &inspect_options,
                     const WorkspaceOptions &raw_options, Inspection &inspection,
                     PublishResult &result, WorkspaceError &error) {
    WorkspaceOptions options;
    SyncConfig sync;
    bool has_sync = false;
    if (!resolve_workspace(raw_options, options, sync, has_sync, error)) return false;
    Recorded rec;
    if (!record(package, inspect_options, options, has_sync ? &sync : nullptr, inspection, rec, error))
        return false;
    result = std::move(rec.result);
    return true;
}

bool review_package(const std::string &package, const InspectOptions &inspect_options,
                    const WorkspaceOptions &raw_options, std::string &rendered,
                    WorkspaceError &error) {
    WorkspaceOptions options;
    SyncConfig sync;
    bool has_sync = false;
    if (!resolve_workspace(raw_options, options, sync, has_sync, error)) return false;
    Inspection inspection(inspect_options.max_diagnostics_per_code);
    Recorded rec;
    if (!record(package, inspect_options, options, has_sync ? &sync : nullptr, inspection, rec, error))
        return false;
    std::vector<PairState> pairs;
    std::string why;
    if (!rec.store->pairs(rec.result.course, pairs, why)) return fail(error, COURSECREW_E_IO, why);
    ReviewOptions ro = options.review;
    ro.now = workspace_now(options);
    if (!ro.module.empty()) {
        bool known = false;
        for (std::uint32_t m : inspection.course.modules)
            known = known || inspection.course.items[m].id == ro.module;
        if (!known)
            return fail(error, COURSECREW_E_INVALID_ARGUMENT,
                        "no module '" + ro.module + "' in this course");
    }
    // Progress over time and the forecast, from the store's daily tallies.
    Timelines timelines;
    if (options.forecast) {
        if (!compute_timelines(*rec.store, rec.result.course, forecast_inputs(rec.plan, rec.map), ro.now,
                               timelines, why))
            return fail(error, COURSECREW_E_IO, why);
        ro.timelines = &timelines;
    }
    Review review = build_review(inspection.course, rec.map, rec.plan, pairs, ro);
    std::string notice;
    if (!rec.store->take_notice(rec.result.course, notice, why)) return fail(error, COURSECREW_E_IO, why);
    if (!notice.empty()) review.notices.push_back(std::move(notice));
    if (has_sync && !team_state(*rec.store, sync, rec.result.course, ro.module, review.team, error)) return false;
    rendered = options.series && options.format == ReviewFormat::Csv ? render_review_series_csv(review)
                                                                       : render_review(review, options.format);
    return true;
}

bool set_status_for_package(const std::string &package, const InspectOptions &inspect_options,
                            const WorkspaceOptions &raw_options,
                            const std::vector<StatusUpdate> &updates, std::vector<Change> &changes,
                            WorkspaceError &error, FeedResult *feed) {
    WorkspaceOptions options;
    SyncConfig sync;
    bool has_sync = false;
    if (!resolve_workspace(raw_options, options, sync, has_sync, error)) return false;
    const SyncConfig *config = has_sync ? &sync : nullptr;
    Inspection inspection(inspect_options.max_diagnostics_per_code);
    Recorded rec;
    if (!record(package, inspect_options, options, config, inspection, rec, error)) return false;
    if (feed) *feed = std::move(rec.result.feed);
    return apply_updates(*rec.store, rec.result.course, options, config, &rec.map, updates, changes,
                         feed, error, &rec.plan);
}

bool set_status_in_store(const std::string &course, const WorkspaceOptions &raw_options,
                         const std::vector<StatusUpdate> &updates, std::vector<Change> &changes,
                         std::string &resolved_course, WorkspaceError &error, FeedResult *feed) {
    WorkspaceOptions options;
    SyncConfig sync;
    bool has_sync = false;
    if (!resolve_workspace(raw_options, options, sync, has_sync, error)) return false;
    // The role map, when there is one, turns `by` into the person's agent.
    RoleMap map;
    const bool have_map = !options.roles_path.empty() && load_map(options, map, error);
    if (!options.roles_path.empty() && !have_map) return false;
    auto store = open_store(options, error);
    DryRun dry_run;  // after the store: rolled back before it closes
    if (!store) return false;
    std::string why;
    resolved_course = course;
    if (resolved_course.empty()) {
        std::vector<std::string> courses;
        if (!store->courses(courses, why)) return fail(error, COURSECREW_E_IO, why);
        if (courses.size() != 1)
            return fail(error, COURSECREW_E_INVALID_ARGUMENT,
                        courses.empty()
                            ? "the store " + options.store_path + " holds no course yet: publish the package first"
                            : "the store " + options.store_path + " holds " +
                                  std::to_string(courses.size()) +
                                  " courses: name one (a 'course' column or --course)");
        resolved_course = courses.front();
    }
    if (options.dry_run && !dry_run.begin(*store))
        return fail(error, COURSECREW_E_IO, "the store " + options.store_path + " is busy: cannot start a dry run");
    return apply_updates(*store, resolved_course, options, has_sync ? &sync : nullptr,
                         have_map ? &map : nullptr, updates, changes, feed, error);
}

namespace {

// The text must be UTF-8 without NUL bytes: the first line that is not.
bool check_csv_bytes(std::string_view text, std::string &error) {
    std::size_t line = 1;
    for (std::size_t i = 0; i < text.size();) {
        if (text[i] == '\0') {
            error = "line " + std::to_string(line) + ": a NUL byte (the file must be UTF-8 text)";
            return false;
        }
        if (text[i] == '\n') ++line;
        const std::size_t n = utf8_sequence(text, i);
        if (n == 0) {
            error = "line " + std::to_string(line) + ": invalid UTF-8 at byte " + std::to_string(i + 1) +
                    " (the file must be UTF-8 encoded)";
            return false;
        }
        i += n;
    }
    return true;
}

// RFC 4180 records: quoted fields may hold commas, quotes ("") and newlines.
bool parse_csv(std::string_view text, std::vector<std::vector<std::string>> &rows,
               std::vector<std::size_t> &lines, std::string &error) {
    std::vector<std::string> row;
    std::string field;
    bool quoted = false, field_started = false;
    std::size_t line = 1, row_line = 1;
    if (text.size() >= 3 && text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);  // BOM
    auto end_row = [&] {
        row.push_back(std::move(field));
        field.clear();
        field_started = false;
        const bool blank = row.size() == 1 && row[0].empty();
        if (!blank) {
            rows.push_back(std::move(row));
            lines.push_back(row_line);
        }
        row.clear();
    };
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (quoted) {
            if (c == '"') {
                if (i + 1 < text.size() && text[i + 1] == '"') {
                    field.push_back('"');
                    ++i;
                } else {
                    quoted = false;
                }
            } else {
                if (c == '\n') ++line;
                field.push_back(c);
            }
            continue;
        }
        if (c == '"' && !field_started) {
            quoted = field_started = true;
        } else if (c == ',') {
            row.push_back(std::move(field));
            field.clear();
            field_started = false;
        } else if (c == '\n' || c == '\r') {
            if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
            end_row();
            row_line = ++line;
        } else {
            field.push_back(c);
            field_started = true;
        }
    }
    if (quoted) {
        error = "line " + std::to_string(row_line) + ": a quoted field is not closed";
        return false;
    }
    if (field_started || !row.empty()) end_row();
    return true;
}

}  // namespace

bool parse_status_csv(std::string_view csv, const std::string &default_by,
                      std::vector<StatusUpdate> &updates, std::string &course, std::string &error) {
    std::vector<std::vector<std::string>> rows;
    std::vector<std::size_t> lines;
    if (!check_csv_bytes(csv, error)) return false;
    if (!parse_csv(csv, rows, lines, error)) return false;
    if (rows.empty()) {
        error = "the file is empty: expected a header row (piece,role,status[,by,note,course])";
        return false;
    }
    int col_piece = -1, col_role = -1, col_status = -1, col_by = -1, col_note = -1, col_course = -1;
    for (std::size_t i = 0; i < rows[0].size(); ++i) {
        const std::string name = ascii_lower(rows[0][i]);
        int *slot = name == "piece" ? &col_piece : name == "role" ? &col_role
                  : name == "status" ? &col_status : name == "by" ? &col_by
                  : name == "note" ? &col_note : name == "course" ? &col_course : nullptr;
        if (!slot) continue;
        if (*slot >= 0) {
            error = "line 1: the column '" + name + "' appears twice (columns " +
                    std::to_string(*slot + 1) + " and " + std::to_string(i + 1) + ")";
            return false;
        }
        *slot = static_cast<int>(i);
    }
    if (col_piece < 0 || col_role < 0 || col_status < 0) {
        error = "line 1: the header must name the columns piece, role and status (by, note and "
                "course are optional)";
        return false;
    }
    std::vector<StatusUpdate> out;
    std::string the_course;
    for (std::size_t r = 1; r < rows.size(); ++r) {
        const auto &row = rows[r];
        auto cell = [&](int col) -> std::string {
            return col >= 0 && static_cast<std::size_t>(col) < row.size() ? row[col] : std::string();
        };
        const std::string where = "line " + std::to_string(lines[r]) + ": ";
        if (row.size() > rows[0].size()) {
            error = where + std::to_string(row.size()) + " fields, but the header names " +
                    std::to_string(rows[0].size()) + " columns";
            return false;
        }
        StatusUpdate u;
        u.line = lines[r];
        u.piece = cell(col_piece);
        u.role = cell(col_role);
        const std::string status = cell(col_status);
        if (u.piece.empty() || u.role.empty()) {
            error = where + "piece and role must not be empty";
            return false;
        }
        if (!parse_status(status, u.status)) {
            error = where + "unknown status '" + status +
                    "' (use not_started, in_progress, in_review, done or blocked)";
            return false;
        }
        u.by = cell(col_by).empty() ? default_by : cell(col_by);
        if (u.by.empty()) {
            error = where + "no 'by' value and no default given (--by)";
            return false;
        }
        u.note = cell(col_note);
        const std::string c = cell(col_course);
        if (!c.empty()) {
            if (!the_course.empty() && c != the_course) {
                error = where + "course '" + c + "' differs from '" + the_course +
                        "' above: import one course at a time";
                return false;
            }
            the_course = c;
        }
        out.push_back(std::move(u));
    }
    updates = std::move(out);
    course = the_course;
    return true;
}

}  // namespace coursecrew
