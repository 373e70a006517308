// The pull. See pull.hpp.
#include "plugin/sync/pull.hpp"

#include <algorithm>
#include <cstdio>
#include <map>

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "plugin/model/json_in.hpp"
#include "plugin/store/sql.hpp"
#include "plugin/sync/events.hpp"
#include "plugin/sync/outbox.hpp"
#include "plugin/sync/vocabulary.hpp"

namespace coursecrew {

namespace {

constexpr int kIndexAttempts = 5;  // read-merge-write rounds of the index before backing off

using rapidjson::Value;

std::string text_of(const Value &v, const char *name) {
    if (!v.IsObject()) return {};
    auto it = v.FindMember(name);
    return it != v.MemberEnd() && it->value.IsString() ? std::string(it->value.GetString(), it->value.GetStringLength())
                                                       : std::string();
}

Reply failure(const std::string &reason) {
    Reply r;
    r.outcome = Outcome::Rejected;
    r.reason = reason;
    return r;
}

EventContext names(const PullContext &ctx) {
    EventContext c;
    c.course_iri = ctx.iri;
    c.profile_base = ctx.profile_base;
    return c;
}

// The course index: module -> token. False when the text is not an index
// coursecrew could write back without losing something.
bool read_index(const std::string &text, rapidjson::Document &doc, std::string &problem) {
    JsonError error;
    if (!parse_json(text, kRemoteJsonLimits, doc, error)) {
        problem = "the course index is not JSON (" + error.message + ")";
        return false;
    }
    if (!doc.IsObject() || (doc.HasMember("modules") && !doc["modules"].IsObject())) {
        problem = "the course index is not an object with \"modules\"";
        return false;
    }
    return true;
}

std::map<std::string, std::string> index_tokens(const rapidjson::Document &doc) {
    std::map<std::string, std::string> out;
    if (!doc.IsObject() || !doc.HasMember("modules")) return out;
    for (const auto &m : doc["modules"].GetObject())
        out[std::string(m.name.GetString(), m.name.GetStringLength())] = text_of(m.value, "token");
    return out;
}

// The module's progress record follows pulled changes without announcing
// them (the seat that made them did).
void settle_progress(Outbox &outbox, const std::string &course, const std::string &module) {
    std::string title;
    for (const Outbox::Progress &p : outbox.progress(course))
        if (p.module == module) title = p.title;
    std::int64_t done = 0, total = 0;
    for (const DocumentCell &c : outbox.cells(course, module)) {
        done += c.status == "done";
        ++total;
    }
    outbox.set_progress(course, {module, title, done, total});
}

std::string random_token(std::mt19937_64 &random) {
    char out[17];
    std::snprintf(out, sizeof out, "%016llx", static_cast<unsigned long long>(random()));
    return out;
}

}  // namespace

std::vector<TeamCell> document_cells(std::string_view module, std::string_view text) {
    rapidjson::Document doc;
    parse_json(text, kRemoteJsonLimits, doc);
    std::vector<TeamCell> out;
    if (doc.HasParseError() || !doc.IsObject() || !doc.HasMember("pieces") || !doc["pieces"].IsObject()) return out;
    for (const auto &p : doc["pieces"].GetObject()) {
        if (!p.value.IsObject() || !p.value.HasMember("roles") || !p.value["roles"].IsObject()) continue;
        const std::string piece(p.name.GetString(), p.name.GetStringLength());
        const std::string title = text_of(p.value, "title");
        for (const auto &r : p.value["roles"].GetObject()) {
            TeamCell c;
            if (!parse_iso_time(text_of(r.value, "at"), c.at)) continue;
            c.module = std::string(module);
            c.piece = piece;
            c.title = title;
            c.role.assign(r.name.GetString(), r.name.GetStringLength());
            c.status = text_of(r.value, "status");
            c.by = text_of(r.value, "by");
            c.note = text_of(r.value, "note");
            out.push_back(std::move(c));
        }
    }
    return out;
}

bool merge_module_document(PullContext &ctx, const std::string &module, const std::string &body,
                           const std::string &etag, PullCounts &counts) {
    const std::string &target = ctx.target.config().name;
    TeamReplica team(ctx.db, ctx.path);
    if (!etag.empty() && team.mark(target, ctx.iri, module).etag == etag) return false;
    const std::vector<TeamCell> cells = document_cells(module, body);
    sql::Transaction tx(ctx.db, ctx.path, "merging a pulled module document");
    std::size_t team_cells = 0;
    const std::vector<Change> changes = team.merge(ctx.iri, cells, &team_cells);
    if (!changes.empty()) {
        Outbox outbox(ctx.db, ctx.path);
        std::map<std::string, std::vector<std::string>> touched;  // course -> modules
        for (const std::string &course : team.courses(ctx.iri))
            for (const Change &c : changes) touched[course].push_back(c.module);
        for (auto &[course, modules] : touched) {
            std::sort(modules.begin(), modules.end());
            modules.erase(std::unique(modules.begin(), modules.end()), modules.end());
            for (const std::string &m : modules) settle_progress(outbox, course, m);
        }
    }
    team.set_etag(target, ctx.iri, module, etag);
    tx.commit("merging a pulled module document");
    counts.cells_changed += static_cast<std::int64_t>(changes.size());
    counts.team_cells += static_cast<std::int64_t>(team_cells);
    ++counts.modules_merged;
    return true;
}

Reply pull_target(PullContext &ctx, std::int64_t now, PullCounts &counts) {
    const std::string &target = ctx.target.config().name;
    const EventContext c = names(ctx);
    const std::string module_profile = ctx.profile_base + vocab::kDocModuleStatus;
    TeamReplica team(ctx.db, ctx.path);

    const Reply got = ctx.target.get_document(ctx.iri, ctx.profile_base + vocab::kDocCourseIndex);
    rapidjson::Document index;
    if (got.outcome == Outcome::Ok) {
        std::string problem;
        if (!read_index(got.body, index, problem)) return failure(problem);
    } else if (got.outcome != Outcome::Missing) {
        return got;
    }
    std::map<std::string, std::string> tokens = index_tokens(index);
    for (const std::string &m : team.modules(ctx.iri)) tokens.emplace(m, "");  // known here, not indexed

    for (const auto &[module, token] : tokens) {
        ++counts.modules_checked;
        const TeamReplica::Mark mark = team.mark(target, ctx.iri, module);
        if (mark.known && mark.token == token) continue;
        const Reply doc = ctx.target.get_document(module_iri(c, module), module_profile);
        ++counts.modules_fetched;
        if (doc.outcome == Outcome::Ok) {
            if (!document_problem(doc.body).empty()) {
                // Not ours to fix (a person must): left alone, and read
                // again next time; the write path dead-letters it.
                ++counts.unreadable;
                continue;
            }
            merge_module_document(ctx, module, doc.body, doc.etag, counts);
        } else if (doc.outcome != Outcome::Missing) {
            return doc;
        }
        sql::Transaction tx(ctx.db, ctx.path, "recording a pull");
        const std::string etag = doc.outcome == Outcome::Ok ? doc.etag : std::string();
        team.set_mark(target, ctx.iri, module, token, etag.empty() ? mark.etag : etag);
        tx.commit("recording a pull");
    }
    sql::Transaction tx(ctx.db, ctx.path, "recording a pull");
    team.pulled(target, ctx.iri, now);
    tx.commit("recording a pull");
    Reply ok;
    ok.outcome = Outcome::Ok;
    return ok;
}

std::size_t adopt_team_state(sqlite3 *db, const std::string &path, const std::string &course,
                             const std::string &iri) {
    TeamReplica team(db, path);
    sql::Transaction tx(db, path, "taking the team's state");
    team.remember_course(course, iri);
    const std::vector<Change> changes = team.adopt(course, iri);
    if (!changes.empty()) {
        Outbox outbox(db, path);
        std::vector<std::string> modules;
        for (const Change &c : changes) modules.push_back(c.module);
        std::sort(modules.begin(), modules.end());
        modules.erase(std::unique(modules.begin(), modules.end()), modules.end());
        for (const std::string &m : modules) settle_progress(outbox, course, m);
    }
    tx.commit("taking the team's state");
    return changes.size();
}

Reply update_index(PullContext &ctx, std::int64_t now, std::mt19937_64 &random) {
    const std::string &target = ctx.target.config().name;
    Outbox outbox(ctx.db, ctx.path);
    const std::vector<std::string> modules = outbox.unindexed(target);
    Reply result;
    result.outcome = Outcome::Ok;
    if (modules.empty()) return result;
    const std::string profile = ctx.profile_base + vocab::kDocCourseIndex;
    for (int round = 0; round < kIndexAttempts; ++round) {
        const Reply got = ctx.target.get_document(ctx.iri, profile);
        rapidjson::Document index;
        if (got.outcome == Outcome::Ok) {
            std::string problem;
            if (!read_index(got.body, index, problem)) return failure(problem);
        } else if (got.outcome == Outcome::Missing) {
            index.SetObject();
        } else {
            return got;
        }
        auto &al = index.GetAllocator();
        if (!index.HasMember("modules")) index.AddMember("modules", Value(rapidjson::kObjectType), al);
        if (!index.HasMember("course")) index.AddMember("course", Value(ctx.iri.c_str(), al), al);
        const std::map<std::string, std::string> before = index_tokens(index);
        std::map<std::string, std::string> ours;
        Value &entries = index["modules"];
        for (const std::string &m : modules) {
            const std::string token = random_token(random);
            ours[m] = token;
            Value entry(rapidjson::kObjectType);
            entry.AddMember("token", Value(token.c_str(), al), al);
            entry.AddMember("at", Value(iso_time(now).c_str(), al), al);
            entries.RemoveMember(m.c_str());
            entries.AddMember(Value(m.c_str(), al), entry, al);
        }
        rapidjson::StringBuffer buf;
        rapidjson::Writer<rapidjson::StringBuffer> w(buf);
        index.Accept(w);
        const Reply put = ctx.target.put_document(ctx.iri, profile, buf.GetString(),
                                                  got.outcome == Outcome::Ok ? got.etag : std::string());
        if (put.outcome == Outcome::Conflict) continue;  // another seat announced first: read again
        if (put.outcome != Outcome::Ok) return put;
        TeamReplica team(ctx.db, ctx.path);
        sql::Transaction tx(ctx.db, ctx.path, "recording the course index");
        for (const auto &[m, token] : ours) {
            outbox.indexed(target, m);
            // Our own announcement is news to no one here, unless another
            // seat's (which we may not have read) was replaced by it.
            auto it = before.find(m);
            const TeamReplica::Mark mark = team.mark(target, ctx.iri, m);
            if ((it == before.end() ? std::string() : it->second) == mark.token)
                team.set_mark(target, ctx.iri, m, token, mark.etag);
        }
        tx.commit("recording the course index");
        return result;
    }
    Reply busy;
    busy.reason = "the course index kept changing under us";
    return busy;
}

}  // namespace coursecrew
