// Roles, people and schedule: the team's role map (a JSON file validated
// against schemas/rolemap.schema.json), and the plan that maps every piece of
// a course to the roles that work on it and the people who hold them.
//
// Matching: a rule's `match` object lists criteria; every criterion given must
// hold (AND), and within one criterion any listed value may match (OR).
// File criteria (paths, kinds) hold when at least one of the piece's files
// satisfies all of them; piece criteria (resource_types, types, ids, titles,
// keywords, facts) look at the piece (ids and titles also match the piece's
// module). A piece's roles are the union of the `roles` of every matching
// rule, minus the `exclude` of every matching rule.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "plugin/forecast/forecast.hpp"
#include "plugin/model/course.hpp"

namespace coursecrew {

// The kinds of file rules can name, from the file's extension.
enum class FileKind { Text, Image, Audio, Video, Font, Script, Style, Document, Data, Other };
const char *to_string(FileKind k);               // "text", "image", ...
bool parse_file_kind(std::string_view s, FileKind &out);
FileKind file_kind(std::string_view path);       // by extension, case-insensitive

// Glob over '/'-separated paths or identifiers: '*' and '?' stay within one
// segment, '**' spans segments ("a/**/b" matches "a/b" and "a/x/y/b"),
// [abc] classes as in fnmatch. Case-sensitive.
bool glob_match(std::string_view pattern, std::string_view text);

struct Role {
    std::string id;     // "writer", "designer", "artist", "expert", "reviewer", or the team's own
    std::string title;  // "Writer", "Instructional designer", ...
};

struct RuleMatch {
    std::vector<std::string> paths;           // globs over package-relative file paths
    std::vector<FileKind> kinds;
    std::vector<std::string> resource_types;  // resource type or scormType ("webcontent", "sco", "asset")
    std::vector<std::string> types;           // globs over the authoring tool's type ("adapt:mcq")
    std::vector<std::string> ids;             // globs over piece or module identifiers
    std::vector<std::string> titles;          // globs over piece or module titles
    std::vector<std::string> keywords;        // metadata keywords (case-insensitive, exact)
    std::vector<std::string> facts;           // "sequencing", "objectives", "interactions", "mastery_score",
                                              // "question", "media", "text"
    bool has_file_criteria() const { return !paths.empty() || !kinds.empty(); }
};

struct Rule {
    std::string name;                  // optional, for messages
    RuleMatch match;
    std::vector<std::string> roles;    // added
    std::vector<std::string> exclude;  // removed
    std::string pointer;               // JSON pointer of the rule in its file ("/rules/3")
};

// An xAPI agent identifier: exactly one of mbox ("mailto:...") or account.
struct Agent {
    std::string mbox;
    std::string account_home_page, account_name;
    // A stable text key: "mailto:ana@example.org" or "account:https://lms|ana".
    std::string key() const;
};

struct Person {
    Agent agent;
    std::string name;
    std::vector<std::string> roles;
    std::vector<std::string> scope;  // globs over module or piece ids; empty = every module
    std::string pointer;             // "/people/2"
};

struct Due {
    std::string module;                       // module id
    std::string date;                         // "YYYY-MM-DD", due at the end of that day (UTC)
    std::map<std::string, std::string> roles; // role -> date, overriding `date` for that role
    std::string pointer;                      // "/schedule/0"
};

struct RoleMap {
    std::string file;                 // where it came from ("" = built-in defaults)
    std::vector<Role> roles;
    std::vector<Rule> rules;
    std::vector<Person> people;
    std::vector<Due> schedule;
    bool include_defaults = false;    // the map's "defaults": true also applies the built-in rules
    // The working calendar ("calendar") and each person's days away
    // (people[i].away, keyed by Agent::key()): Monday to Friday, no holidays,
    // nobody away when the map says nothing.
    WorkCalendar calendar;

    const Role *find_role(std::string_view id) const;
};

// A problem in a role map: where (file and JSON pointer) and what to do.
struct MapError {
    std::string file;
    std::string pointer;  // "/rules/2/roles/0"
    std::string message;
    std::string code = {};  // stable: "rolemap.unknown_role", "rolemap.schema.oneOf", ... (docs/diagnostics.md)
    std::size_t count = 1;  // the problems it stands for: N on an "... and N more" line
};

// The problems a capped list stands for: its entries with each "... and N
// more" line counted N.
std::size_t count_map_problems(const std::vector<MapError> &errors);


// Problems of one kind (code and place, array indices aside) listed one by
// one before the rest are summed up in one "... and N more" line; the same
// default as inspect's max_diagnostics_per_code.
inline constexpr std::size_t kMapErrorsPerKind = 20;

// Parses and validates a role map (JSON Schema, then meaning: unknown roles,
// people without roles, bad dates, duplicate people). Returns false and fills
// `errors` (all of them, not just the first; past `max_per_kind` of one kind,
// a count) when anything is wrong; `out` is then untouched, so a broken map
// is never half-applied. The text is parsed with kLocalJsonLimits.
bool load_role_map(std::string_view json_text, const std::string &file, RoleMap &out,
                   std::vector<MapError> &errors, std::size_t max_per_kind = kMapErrorsPerKind);
bool load_role_map_file(const std::string &path, RoleMap &out, std::vector<MapError> &errors,
                        std::size_t max_per_kind = kMapErrorsPerKind);

// Caps errors[from...] as load_role_map does: of each kind the first
// `max_per_kind`, then one "... and N more" entry with the exact count.
void cap_map_errors(std::vector<MapError> &errors, std::size_t from,
                    std::size_t max_per_kind = kMapErrorsPerKind);

// The built-in defaults (roles/defaults.json, compiled in): text, HTML pages,
// titles and documents to writer; images, audio, video and fonts to artist;
// sequencing, objectives, interactions, mastery scores, scripts and styles to
// designer.
const RoleMap &default_role_map();

// Checks what needs the course: globs that match nothing (rule ids, titles and
// paths, people's scopes, schedule modules). Appends to `errors`.
void check_against_course(const RoleMap &map, const Course &course, std::vector<MapError> &errors);

// One (piece, role) pair of the plan.
struct Slot {
    std::string role;
    std::vector<std::uint32_t> people;  // indices into RoleMap::people holding this role here
    std::string due;                    // "YYYY-MM-DD" or "" when not scheduled
    // SHA-256 over the files that brought this role (the files matching the
    // rules' file criteria; all the piece's files for piece-only rules); ""
    // when none is present. A change reopens a `done` pair.
    Sha256Hex fingerprint;
    // The piece's files that are not in the package and that this role
    // makes (its file rules match them): a course in production waits for
    // them. Sorted by path.
    std::vector<std::string> waiting;
    std::string waiting_note;  // waiting_note(waiting), kept for the store's record of the pair
};

// "waiting for images/x.png", "waiting for a.png, b.png and 2 more files" ("" for none):
// the note of a role's missing files (Slot::waiting_note) and the review's finding.
std::string waiting_note(const std::vector<std::string> &missing);

struct PiecePlan {
    std::uint32_t item = kNone;    // index into Course::items
    std::uint32_t module = kNone;  // index into Course::modules
    std::string piece_id, module_id, title;
    std::string module_due;        // the module's own due date in the schedule ("" = none)
    std::vector<Slot> slots;       // sorted by role id
    std::vector<std::string> waiting;  // missing files no role's file rules match
};

struct Plan {
    std::vector<PiecePlan> pieces;  // in course order
    std::size_t pairs() const;
};

// Maps every piece of every module to its roles and people. `map` is applied
// as given; pass default_role_map() when the team has none (see
// effective_role_map()). A big course is planned on up to `threads` threads,
// each taking a run of whole modules (0: as many as the machine has cores,
// at most 4, for courses of 4,000 pieces or more); the plan is the same
// whatever the number.
Plan plan_roles(const Course &course, const RoleMap &map, unsigned threads = 0);

// The map in force: the team's map (plus the defaults' rules when it says
// "defaults": true), or the defaults when there is none and `use_defaults`.
RoleMap effective_role_map(const RoleMap *team_map, bool use_defaults);

}  // namespace coursecrew
