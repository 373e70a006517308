// What coursecrew tells the LMS, as xAPI: the statements for each kind of
// event and the per-module status document, built from the vocabulary in
// vocabulary.hpp (the profile in schemas/coursecrew.xapi-profile.jsonld).
//
// Pure functions: no I/O. Statement ids are name-based UUIDs (RFC 4122
// version 5) of the event's identity, so building the same event twice gives
// the same statement and a resend is harmless.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "plugin/forecast/forecast.hpp"

namespace coursecrew {

struct RoleMap;
struct Agent;

// What every statement needs to name things.
struct EventContext {
    std::string course_iri;    // no trailing slash
    std::string profile_base;  // vocab::kProfileBase unless configured
    std::string language = "en";
    std::string agent_json;    // the plugin's own agent (actor of automatic events)
    const RoleMap *map = nullptr;  // to turn `by` into an agent; may be null
    // The store's own random id (one per seat): part of every event's
    // identity, so two seats' statements never share an id however alike
    // (an LRS refuses a second, different statement under an id it holds).
    // "" leaves it out.
    std::string seat;
};

// One statement ready for the outbox.
struct Event {
    std::string uuid;    // the statement id
    std::string kind;    // "published", "assigned", "unassigned", "status", "reopened", "progressed"
    std::int64_t at = 0; // unix seconds
    std::string body;    // the statement, JSON
};

// RFC 4122 version 5 UUID (SHA-1) of `name` in coursecrew's namespace.
std::string name_uuid(std::string_view name);
// "2026-11-28T12:00:00Z"
std::string iso_time(std::int64_t unix_seconds);
// The reverse of iso_time; false (and `unix_seconds` unchanged) for anything
// else.
bool parse_iso_time(std::string_view text, std::int64_t &unix_seconds);
// RFC 3986 percent-encoding of everything but unreserved characters.
std::string iri_segment(std::string_view text);

std::string module_iri(const EventContext &c, std::string_view module);
std::string piece_iri(const EventContext &c, std::string_view piece);
std::string role_iri(const EventContext &c, std::string_view module, std::string_view role);
std::string profile_term(const EventContext &c, const char *suffix);

// An xAPI Agent object for a role map person's identifiers.
std::string agent_json(const Agent &agent, const std::string &name);

// The xAPI agent for a `by` text: the plugin's agent for "coursecrew", a
// person of the role map matched by mbox, account name or display name, an
// mbox for an e-mail address, else an account on the course IRI.
std::string actor_json(const EventContext &c, std::string_view by);

struct PackageFacts {
    std::string identifier, title, format, digest;
    std::size_t pieces = 0, pairs = 0;
};
Event published_event(const EventContext &c, const PackageFacts &p, std::int64_t at, std::int64_t sequence);

// `sequence` tells apart equal events in one second (the store's next event
// number): a role given, taken and given again is three statements.
Event assignment_event(const EventContext &c, bool assigned, std::string_view module,
                       std::string_view module_title, std::string_view role,
                       std::string_view person_agent_json, std::int64_t at, std::int64_t sequence);

struct StatusFacts {
    std::string piece, piece_title, module, module_title, role, from, to, by, note;
    bool reopened = false;  // content changed after done
    std::size_t ordinal = 0;  // position among the changes of one transaction
    std::int64_t history_id = 0;  // the store's history row: equal changes in one second differ
};
Event status_event(const EventContext &c, const StatusFacts &s, std::int64_t at);

// A module's progress. With a forecast (plugin/forecast), the result also
// carries it: {"state", "as_of", "p50", "p85", "bottleneck", "due", "late_days"}
// (vocab::kExtForecast), so the LMS side sees the finish dates too.
Event progress_event(const EventContext &c, std::string_view module, std::string_view module_title,
                     std::size_t done, std::size_t total, std::int64_t at, std::int64_t sequence,
                     const ModuleForecast *forecast = nullptr);

// The per-module status document (Activity Profile API, profileId
// <profile_base>/documents/module-status):
// {"module", "course", "title", "updated",
//  "roles":  {role: {"people": [agent...], "at"}},
//  "pieces": {piece: {"title", "roles": {role: {"status", "by", "at", "note"}}}},
//  "forecast": {...} (as in progress_event; when the module has one)}
struct DocumentCell {
    std::string piece, piece_title, role, status, by, note;
    std::int64_t at = 0;
    // The piece (or the role on it) left this seat's package. Still written:
    // its last change must reach the team, and other seats may have it.
    bool archived = false;
};
struct DocumentRole {
    std::string role;
    std::vector<std::string> people_json;  // agents
    std::int64_t at = 0;
};
std::string module_document(const EventContext &c, std::string_view module,
                            std::string_view module_title, const std::vector<DocumentRole> &roles,
                            const std::vector<DocumentCell> &cells, std::int64_t updated,
                            const ModuleForecast *forecast = nullptr);

// Merges two versions of a module document: for each role entry and each
// (piece, role) cell the version that wins in the cell order every seat uses
// (plugin/store/cell_order.hpp: a real change beats an untouched cell, then
// the newer "at", then a fixed tie-break); entries only one side has are kept. Either side may be "" or unparsable (then the other wins).
std::string merge_documents(std::string_view ours, std::string_view theirs);

// Whether two documents hold the same JSON (member order aside): a merge that
// gives back the target's document has nothing to write.
bool same_document(std::string_view a, std::string_view b);

// Why a module document read from the target cannot be merged safely, or ""
// when it can: not JSON, nested too deep or too large, not an object, or a
// member coursecrew does not write or of the wrong type (a merge would drop
// it). Such a document must never be overwritten.
std::string document_problem(std::string_view theirs);

}  // namespace coursecrew
