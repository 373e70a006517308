// The per-module review: progress, every finding kind against an injected
// clock (with its boundaries), the module filter, and each output format.
// Inputs are built by hand (course, role map, plan, pair states) so these
// tests exercise review.cpp alone, not the planner or the store.
#include <boost/test/unit_test.hpp>

#include <rapidjson/document.h>
#include <rapidjson/pointer.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <limits>
#include <sys/wait.h>
#include <time.h>

#include "coursecrew/coursecrew.h"
#include "plugin/review/review.hpp"
#include "plugin/review/review_internal.hpp"
#include "support.hpp"

namespace cc = coursecrew;
namespace fs = std::filesystem;

namespace {

using cctest::json_at;
using cctest::json_num;
using cctest::json_str;
using cctest::line_with;

constexpr std::int64_t kDay = 86400;
constexpr std::int64_t kMay10 = 1715299200;        // 2024-05-10T00:00:00Z
constexpr std::int64_t kNow = kMay10 + 12 * 3600;  // 2024-05-10T12:00:00Z

struct World {
    cc::Course course;
    cc::RoleMap map;
    cc::Plan plan;
    std::vector<cc::PairState> pairs;
    cc::ReviewOptions options;

    World() { options.now = kNow; }

    std::uint32_t item(const std::string &id, const std::string &title, std::uint32_t parent = cc::kNone) {
        cc::Item it;
        it.id = id;
        it.title.add("", title);
        it.parent = parent;
        course.items.push_back(std::move(it));
        const auto at = static_cast<std::uint32_t>(course.items.size() - 1);
        if (parent != cc::kNone) course.items[parent].children.push_back(at);
        return at;
    }
    // A module and its index in Course::modules.
    std::uint32_t module(const std::string &id, const std::string &title) {
        course.modules.push_back(item(id, title));
        return static_cast<std::uint32_t>(course.modules.size() - 1);
    }
    cc::PiecePlan &piece(std::uint32_t mod, const std::string &id, const std::string &title) {
        cc::PiecePlan pp;
        pp.item = item(id, title, course.modules[mod]);
        pp.module = mod;
        pp.piece_id = id;
        pp.module_id = course.items[course.modules[mod]].id;
        pp.title = title;
        plan.pieces.push_back(std::move(pp));
        return plan.pieces.back();
    }
    void role(const std::string &id, const std::string &title) { map.roles.push_back(cc::Role{id, title}); }
    std::uint32_t person(const std::string &name, const std::string &mbox, std::vector<std::string> roles) {
        cc::Person p;
        p.name = name;
        p.agent.mbox = mbox;
        p.roles = std::move(roles);
        map.people.push_back(std::move(p));
        return static_cast<std::uint32_t>(map.people.size() - 1);
    }
    void state(const std::string &piece, const std::string &role, cc::Status st, std::int64_t since = kNow - kDay,
               const std::string &by = "ana", const std::string &note = "") {
        cc::PairState s;
        s.piece = piece;
        s.role = role;
        s.status = st;
        s.by = by;
        s.note = note;
        s.since = since;
        pairs.push_back(std::move(s));
    }
    cc::Review review() const { return cc::build_review(course, map, plan, pairs, options); }
};

cc::Slot slot(const std::string &role, std::vector<std::uint32_t> people = {}, const std::string &due = "") {
    cc::Slot s;
    s.role = role;
    s.people = std::move(people);
    s.due = due;
    return s;
}

// Two modules, three pieces, six pairs (see the comments for what each holds).
World small() {
    World w;
    w.course.identifier = "com.example.safety";
    w.course.title.add("", "Workplace Safety Basics");
    w.course.format = cc::Format::Scorm2004;
    w.role("writer", "Writer");
    w.role("designer", "Instructional designer");
    w.role("reviewer", "Reviewer");
    const auto ana = w.person("Ana Lima", "mailto:ana@example.org", {"writer", "designer"});
    const auto ben = w.person("Ben Ode", "mailto:ben@example.org", {"designer"});
    const auto intro = w.module("MOD-INTRO", "Introduction");
    const auto quiz = w.module("MOD-QUIZ", "Assessment");
    w.piece(intro, "SCO-WELCOME", "Welcome").slots = {slot("designer", {ben}), slot("writer", {ana}, "2024-05-20")};
    w.piece(intro, "SCO-HAZARDS", "Spotting hazards").slots = {slot("designer", {ana, ben}), slot("writer", {ana})};
    w.piece(quiz, "SCO-QUIZ", "Safety quiz").slots = {slot("designer", {ben}), slot("reviewer", {}, "2024-05-09")};
    w.state("SCO-WELCOME", "writer", cc::Status::Done);
    w.state("SCO-WELCOME", "designer", cc::Status::InProgress, kNow - 3 * kDay);
    w.state("SCO-HAZARDS", "writer", cc::Status::InReview);
    // SCO-HAZARDS designer: no state yet, so not_started.
    w.state("SCO-QUIZ", "designer", cc::Status::Done);
    w.state("SCO-QUIZ", "reviewer", cc::Status::Done);
    w.pairs.back().archived = true;  // an archived state is history, not the live pair
    return w;
}

// One piece with one writer pair, for the finding boundaries.
World single(cc::Status st, const std::string &due, std::int64_t since = kNow - kDay,
             const std::string &by = "ana", const std::string &note = "") {
    World w;
    w.role("writer", "Writer");
    const auto ana = w.person("Ana Lima", "mailto:ana@example.org", {"writer"});
    const auto m = w.module("M1", "Module one");
    w.piece(m, "P1", "Piece one").slots = {slot("writer", {ana}, due)};
    if (st != cc::Status::NotStarted || since != kNow - kDay) w.state("P1", "writer", st, since, by, note);
    return w;
}

std::size_t count(const cc::Review &r, const std::string &kind) {
    std::size_t n = 0;
    for (const cc::Finding &f : r.findings) n += f.kind == kind;
    return n;
}

// The first finding of `kind`. When there is none the test case fails and
// stops there (BOOST_TEST_REQUIRE), instead of the binary crashing on a null
// pointer and taking every later case with it.
const cc::Finding &find(const cc::Review &r, const std::string &kind) {
    const cc::Finding *found = nullptr;
    for (const cc::Finding &f : r.findings)
        if (f.kind == kind && !found) found = &f;
    BOOST_TEST_REQUIRE(found != nullptr, "no '" << kind << "' finding among " << r.findings.size());
    return *found;
}

const cc::ReviewPair &only_pair(const cc::Review &r) { return r.modules.at(0).pieces.at(0).pairs.at(0); }

// A fuller course for the rendered formats and the screenshots: five roles,
// five people, statuses of every kind, due dates around the clock.
World demo() {
    World w;
    w.course.identifier = "com.example.safety-basics";
    w.course.title.add("", "Workplace Safety Basics");
    w.course.format = cc::Format::Scorm2004;
    w.role("writer", "Writer");
    w.role("designer", "Instructional designer");
    w.role("artist", "Artist");
    w.role("expert", "Subject-matter expert");
    w.role("reviewer", "Reviewer");
    const auto ana = w.person("Ana Lima", "mailto:ana@example.org", {"writer", "designer", "reviewer"});
    const auto ben = w.person("Ben Okafor", "mailto:ben@example.org", {"designer"});
    const auto chloe = w.person("Chloé Martin", "mailto:chloe@example.org", {"artist"});
    const auto dev = w.person("Dev Patel", "mailto:dev@example.org", {"expert"});
    w.map.people.back().agent = cc::Agent{"", "https://lms.example.org", "dev"};
    const auto eve = w.person("Eve Str\xC3\xB6m", "mailto:eve@example.org", {"reviewer"});
    const auto intro = w.module("MOD-INTRO", "Introduction");
    const auto hazards = w.module("MOD-HAZARDS", "Hazards in the workplace");
    const auto quiz = w.module("MOD-QUIZ", "Assessment");
    w.map.schedule.push_back(cc::Due{"MOD-INTRO", "2024-05-08", {}, "/schedule/0"});
    w.map.schedule.push_back(cc::Due{"MOD-HAZARDS", "2024-05-14", {}, "/schedule/1"});
    w.map.schedule.push_back(cc::Due{"MOD-QUIZ", "2024-05-31", {}, "/schedule/2"});
    using S = cc::Status;

    w.piece(intro, "SCO-WELCOME", "Welcome: why safety matters").slots = {
        slot("artist", {chloe}, "2024-05-08"), slot("designer", {ben}, "2024-05-08"),
        slot("writer", {ana}, "2024-05-08")};
    w.state("SCO-WELCOME", "writer", S::Done, kNow - 6 * kDay);
    w.state("SCO-WELCOME", "designer", S::Done, kNow - 4 * kDay, "ben");
    w.state("SCO-WELCOME", "artist", S::InProgress, kNow - 9 * kDay, "chloe");
    w.piece(intro, "SCO-TOUR", "Site tour (video)").slots = {
        slot("artist", {chloe}, "2024-05-08"), slot("expert", {dev}, "2024-05-08"),
        slot("writer", {ana}, "2024-05-08")};
    w.state("SCO-TOUR", "writer", S::Done, kNow - 2 * kDay);
    w.state("SCO-TOUR", "artist", S::Done, kNow - 2 * kDay, "chloe");
    w.state("SCO-TOUR", "expert", S::Done, kNow - 1 * kDay, "dev");

    w.piece(hazards, "SCO-SLIPS", "Slips, trips & falls").slots = {
        slot("artist", {chloe}, "2024-05-14"), slot("designer", {ana}, "2024-05-14"),
        slot("expert", {dev}, "2024-05-14"), slot("writer", {ana}, "2024-05-14")};
    w.state("SCO-SLIPS", "writer", S::InReview, kNow - 20 * kDay, "ana", "waiting for the legal check");
    w.state("SCO-SLIPS", "designer", S::InProgress, kNow - 2 * kDay);
    w.state("SCO-SLIPS", "expert", S::Blocked, kNow - 5 * kDay, "dev", "needs the 2024 incident figures");
    w.piece(hazards, "SCO-CHEM", "Chemicals <COSHH> & labels").slots = {
        slot("artist", {chloe}, "2024-05-14"), slot("expert", {}, "2024-05-14"),
        slot("writer", {ana}, "2024-05-14")};
    w.state("SCO-CHEM", "writer", S::InReview, kNow - 1 * kDay, "coursecrew", "content changed after done");
    w.state("SCO-CHEM", "artist", S::Done, kNow - 3 * kDay, "chloe");
    w.piece(hazards, "SCO-FIRE", "Fire safety and evacuation routes for every building on the site").slots = {
        slot("artist", {chloe}, "2024-05-14"), slot("designer", {ben}, "2024-05-14"),
        slot("writer", {ana}, "2024-05-14")};
    w.state("SCO-FIRE", "writer", S::InProgress, kNow - 1 * kDay);

    w.piece(quiz, "SCO-QUIZ", "Safety quiz").slots = {
        slot("designer", {ana, ben}, "2024-05-31"), slot("reviewer", {}, "2024-05-31"),
        slot("writer", {ana}, "2024-05-31")};
    w.state("SCO-QUIZ", "designer", S::InProgress, kNow - 2 * kDay);
    w.piece(quiz, "SCO-CERT", "Certificate").slots = {slot("designer", {ben}, "2024-05-31"),
                                                       slot("reviewer", {eve, ana}, "2024-05-31")};
    return w;
}

std::vector<std::string> split_crlf(const std::string &s) {
    std::vector<std::string> out;
    std::size_t at = 0;
    while (at < s.size()) {
        std::size_t end = s.find("\r\n", at);
        if (end == std::string::npos) end = s.size();
        out.push_back(s.substr(at, end - at));
        at = end + 2;
    }
    return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(review)

BOOST_AUTO_TEST_CASE(formats_parse) {
    cc::ReviewFormat f = cc::ReviewFormat::Table;
    BOOST_TEST(cc::parse_review_format("json", f));
    BOOST_TEST((f == cc::ReviewFormat::Json));
    BOOST_TEST(cc::parse_review_format("csv", f));
    BOOST_TEST((f == cc::ReviewFormat::Csv));
    BOOST_TEST(cc::parse_review_format("html", f));
    BOOST_TEST((f == cc::ReviewFormat::Html));
    BOOST_TEST(cc::parse_review_format("table", f));
    BOOST_TEST((f == cc::ReviewFormat::Table));
    BOOST_TEST(!cc::parse_review_format("HTML", f));
    BOOST_TEST(!cc::parse_review_format("", f));
    BOOST_TEST(!cc::parse_review_format("xlsx", f));
}

BOOST_AUTO_TEST_CASE(pairs_and_progress) {
    const cc::Review r = small().review();
    BOOST_TEST(r.course_id == "com.example.safety");
    BOOST_TEST(r.course_title == "Workplace Safety Basics");
    BOOST_TEST(r.format == "scorm2004");
    BOOST_TEST(r.generated_at == kNow);
    BOOST_REQUIRE_EQUAL(r.modules.size(), 2u);

    const cc::ReviewModule &intro = r.modules.at(0);
    BOOST_TEST(intro.id == "MOD-INTRO");
    BOOST_TEST(intro.title == "Introduction");
    BOOST_REQUIRE_EQUAL(intro.pieces.size(), 2u);
    BOOST_TEST(intro.pieces.at(0).id == "SCO-WELCOME");
    BOOST_TEST(intro.pieces.at(1).title == "Spotting hazards");

    // Pairs come from the stored states, people from the map.
    const cc::ReviewPiece &welcome = intro.pieces.at(0);
    BOOST_REQUIRE_EQUAL(welcome.pairs.size(), 2u);
    BOOST_TEST(welcome.pairs[0].role == "designer");
    BOOST_TEST((welcome.pairs[0].status == cc::Status::InProgress));
    BOOST_TEST(welcome.pairs[0].since == kNow - 3 * kDay);
    BOOST_TEST(welcome.pairs[0].people == std::vector<std::string>{"Ben Ode"});
    BOOST_TEST(welcome.pairs[1].role == "writer");
    BOOST_TEST((welcome.pairs[1].status == cc::Status::Done));
    BOOST_TEST(welcome.pairs[1].by == "ana");
    BOOST_TEST(welcome.pairs[1].due == "2024-05-20");
    const cc::ReviewPair &hazards_designer = intro.pieces.at(1).pairs.at(0);
    BOOST_TEST((hazards_designer.status == cc::Status::NotStarted));  // no state stored yet
    BOOST_TEST(hazards_designer.people == (std::vector<std::string>{"Ana Lima", "Ben Ode"}));
    BOOST_TEST(hazards_designer.agents ==
               (std::vector<std::string>{"mailto:ana@example.org", "mailto:ben@example.org"}));

    // Introduction: 1 of 4 done; writer 1/2, designer 0/2; Ana 1/3, Ben 0/2.
    BOOST_TEST(intro.overall.done == 1u);
    BOOST_TEST(intro.overall.total == 4u);
    BOOST_TEST(intro.overall.percent() == 25.0);
    BOOST_REQUIRE_EQUAL(intro.by_role.size(), 2u);
    BOOST_TEST(intro.by_role[0].first == "writer");  // the map's role order
    BOOST_TEST(intro.by_role[0].second.done == 1u);
    BOOST_TEST(intro.by_role[0].second.total == 2u);
    BOOST_TEST(intro.by_role[1].first == "designer");
    BOOST_TEST(intro.by_role[1].second.done == 0u);
    BOOST_TEST(intro.by_role[1].second.total == 2u);
    BOOST_REQUIRE_EQUAL(intro.by_person.size(), 2u);
    BOOST_TEST(intro.by_person[0].first == "Ana Lima");
    BOOST_TEST(intro.by_person[0].second.done == 1u);
    BOOST_TEST(intro.by_person[0].second.total == 3u);
    BOOST_TEST(intro.by_person[1].first == "Ben Ode");
    BOOST_TEST(intro.by_person[1].second.done == 0u);
    BOOST_TEST(intro.by_person[1].second.total == 2u);

    // Assessment: the archived reviewer state does not count; 1 of 2 done.
    const cc::ReviewModule &quiz = r.modules.at(1);
    BOOST_TEST((quiz.pieces.at(0).pairs.at(1).status == cc::Status::NotStarted));
    BOOST_TEST(quiz.overall.done == 1u);
    BOOST_TEST(quiz.overall.total == 2u);
    BOOST_REQUIRE_EQUAL(quiz.by_role.size(), 2u);
    BOOST_TEST(quiz.by_role[1].first == "reviewer");
    BOOST_TEST(quiz.by_role[1].second.total == 1u);
    BOOST_REQUIRE_EQUAL(quiz.by_person.size(), 1u);  // nobody holds the reviewer pair
    BOOST_TEST(quiz.by_person[0].first == "Ben Ode");

    BOOST_TEST(r.overall.done == 2u);
    BOOST_TEST(r.overall.total == 6u);
    BOOST_TEST(cc::Progress{}.percent() == 0.0);
}

BOOST_AUTO_TEST_CASE(module_filter) {
    World w = small();
    w.options.module = "MOD-QUIZ";
    cc::Review r = w.review();
    BOOST_REQUIRE_EQUAL(r.modules.size(), 1u);
    BOOST_TEST(r.modules.at(0).id == "MOD-QUIZ");
    BOOST_TEST(r.overall.total == 2u);
    for (const cc::Finding &f : r.findings) BOOST_TEST((f.module.empty() || f.module == "MOD-QUIZ"));

    w.options.module = "MOD-NOPE";
    r = w.review();
    BOOST_TEST(r.modules.empty());
    BOOST_TEST(r.overall.total == 0u);
    BOOST_TEST(r.findings.empty());
    // Every format copes with an empty review.
    for (auto f : {cc::ReviewFormat::Table, cc::ReviewFormat::Json, cc::ReviewFormat::Csv, cc::ReviewFormat::Html})
        BOOST_TEST(!cc::render_review(r, f).empty());
}

BOOST_AUTO_TEST_CASE(gap) {
    const cc::Review r = small().review();
    BOOST_REQUIRE_EQUAL(count(r, "gap"), 1u);
    const cc::Finding &f = find(r, "gap");
    BOOST_TEST(f.severity == "warning");
    BOOST_TEST(f.module == "MOD-QUIZ");
    BOOST_TEST(f.piece == "SCO-QUIZ");
    BOOST_TEST(f.role == "reviewer");
    BOOST_TEST(f.message == "Safety quiz: no one holds the reviewer role (assign someone in the role map)");

    // A finished pair needs nobody: no gap.
    World w = small();
    w.pairs.back().archived = false;
    BOOST_TEST(count(w.review(), "gap") == 0u);
}

BOOST_AUTO_TEST_CASE(overdue_boundaries) {
    // Due today (the day has not ended): not overdue.
    BOOST_TEST(!only_pair(single(cc::Status::InProgress, "2024-05-10").review()).overdue);
    // Due yesterday: overdue, one day late.
    cc::Review r = single(cc::Status::InProgress, "2024-05-09").review();
    BOOST_TEST(only_pair(r).overdue);
    BOOST_REQUIRE_EQUAL(count(r, "overdue"), 1u);
    BOOST_TEST(find(r, "overdue").message ==
               "Piece one: the writer work was due 2024-05-09 and is in progress, 1 day late "
               "(finish it or move the date in the schedule)");
    // The last second of the due day, then the first second after it (UTC).
    World w = single(cc::Status::InProgress, "2024-05-10");
    w.options.now = kMay10 + kDay - 1;
    BOOST_TEST(!only_pair(w.review()).overdue);
    w.options.now = kMay10 + kDay;
    BOOST_TEST(only_pair(w.review()).overdue);
    // Done is never overdue; blocked and not started are.
    BOOST_TEST(!only_pair(single(cc::Status::Done, "2024-05-01").review()).overdue);
    BOOST_TEST(only_pair(single(cc::Status::Blocked, "2024-05-01").review()).overdue);
    BOOST_TEST(only_pair(single(cc::Status::NotStarted, "2024-05-01").review()).overdue);
    // No date, or a date that is not one: nothing.
    BOOST_TEST(!only_pair(single(cc::Status::NotStarted, "").review()).overdue);
    BOOST_TEST(!only_pair(single(cc::Status::NotStarted, "2024-02-30").review()).overdue);
    BOOST_TEST(!only_pair(single(cc::Status::NotStarted, "10/05/2024").review()).overdue);
    // Leap day and far dates go through the date arithmetic, not libc.
    BOOST_TEST(only_pair(single(cc::Status::NotStarted, "2024-02-29").review()).overdue);
    BOOST_TEST(only_pair(single(cc::Status::NotStarted, "1999-12-31").review()).overdue);
    BOOST_TEST(!only_pair(single(cc::Status::NotStarted, "2400-02-29").review()).overdue);
}

BOOST_AUTO_TEST_CASE(at_risk_window) {
    // at_risk_days = 5 (the default): due in 5 days is at risk, in 6 is not.
    BOOST_TEST(only_pair(single(cc::Status::NotStarted, "2024-05-15").review()).at_risk);
    BOOST_TEST(!only_pair(single(cc::Status::NotStarted, "2024-05-16").review()).at_risk);
    // Due today: at risk, not overdue; due yesterday: overdue, not at risk.
    cc::Review today = single(cc::Status::NotStarted, "2024-05-10").review();
    BOOST_TEST(only_pair(today).at_risk);
    BOOST_TEST(!only_pair(today).overdue);
    BOOST_TEST(find(today, "at_risk").message ==
               "Piece one: the writer work is due 2024-05-10 (today) and has not started (start it or move the date)");
    cc::Review late = single(cc::Status::NotStarted, "2024-05-09").review();
    BOOST_TEST(!only_pair(late).at_risk);
    BOOST_TEST(count(late, "at_risk") == 0u);
    // Only not_started pairs are at risk.
    BOOST_TEST(!only_pair(single(cc::Status::InProgress, "2024-05-12").review()).at_risk);
    // The window follows the option.
    World w = single(cc::Status::NotStarted, "2024-05-12");
    w.options.at_risk_days = 1;
    BOOST_TEST(!only_pair(w.review()).at_risk);
    w.options.at_risk_days = 2;
    cc::Review r = w.review();
    BOOST_TEST(only_pair(r).at_risk);
    BOOST_TEST(find(r, "at_risk").message.find("(in 2 days)") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(stale_edge) {
    // stale_days = 14: exactly 14 days is not stale, a second more is.
    BOOST_TEST(count(single(cc::Status::InProgress, "", kNow - 14 * kDay).review(), "stale") == 0u);
    cc::Review r = single(cc::Status::InProgress, "", kNow - 14 * kDay - 1).review();
    BOOST_REQUIRE_EQUAL(count(r, "stale"), 1u);
    BOOST_TEST(find(r, "stale").message ==
               "Piece one: the writer work has been in progress for 14 days, since 2024-04-26 "
               "(ask Ana Lima whether it is stuck)");
    BOOST_TEST(count(single(cc::Status::InReview, "", kNow - 30 * kDay).review(), "stale") == 1u);
    // Other statuses are never stale.
    BOOST_TEST(count(single(cc::Status::Blocked, "", kNow - 30 * kDay).review(), "stale") == 0u);
    BOOST_TEST(count(single(cc::Status::Done, "", kNow - 30 * kDay).review(), "stale") == 0u);
    World w = single(cc::Status::InProgress, "", kNow - 3 * kDay);
    w.options.stale_days = 2;
    BOOST_TEST(count(w.review(), "stale") == 1u);
}

BOOST_AUTO_TEST_CASE(changed_after_done) {
    cc::Review r = single(cc::Status::InReview, "", kNow - kDay, "coursecrew", "content changed after done").review();
    BOOST_TEST(only_pair(r).changed_after_done);
    BOOST_REQUIRE_EQUAL(count(r, "changed_after_done"), 1u);
    BOOST_TEST(find(r, "changed_after_done").message ==
               "Piece one: content changed after the writer work was done (check it again and mark it done)");
    // The same note from a person is not the automatic reopening.
    BOOST_TEST(!only_pair(single(cc::Status::InReview, "", kNow - kDay, "ana", "content changed after done").review())
                    .changed_after_done);
    // Once someone moves it on, it is no longer flagged.
    BOOST_TEST(!only_pair(single(cc::Status::Done, "", kNow - kDay, "coursecrew", "content changed after done").review())
                    .changed_after_done);
}

BOOST_AUTO_TEST_CASE(overload_and_many_roles) {
    World w;
    w.role("writer", "Writer");
    w.role("designer", "Instructional designer");
    w.role("expert", "SME");
    const auto ana = w.person("Ana Lima", "mailto:ana@example.org", {"writer", "designer", "expert"});
    const auto ben = w.person("Ben Ode", "mailto:ben@example.org", {"writer", "designer", "expert"});
    const auto m = w.module("M", "Module");
    w.piece(m, "P1", "One").slots = {slot("designer", {ana}), slot("expert", {ana}), slot("writer", {ana, ben})};
    w.piece(m, "P2", "Two").slots = {slot("writer", {ben})};
    w.options.overload_threshold = 2;
    cc::Review r = w.review();
    // Ana holds 3 open pairs (> 2) and 3 roles; Ben 2 open pairs and 1 role.
    BOOST_REQUIRE_EQUAL(count(r, "overload"), 1u);
    const cc::Finding &o = find(r, "overload");
    BOOST_TEST(o.person == "Ana Lima");
    BOOST_TEST(o.severity == "warning");
    BOOST_TEST(o.module.empty());
    BOOST_TEST(o.message.find("Ana Lima holds 3 open pairs (more than 2") == 0u);
    BOOST_REQUIRE_EQUAL(count(r, "many_roles"), 1u);
    const cc::Finding &mr = find(r, "many_roles");
    BOOST_TEST(mr.person == "Ana Lima");
    BOOST_TEST(mr.severity == "info");
    BOOST_TEST(mr.message ==
               "Ana Lima holds 3 roles (Writer, Instructional designer, SME); worth knowing when planning, not an error");

    // Done pairs are not open: Ana at 2 open is not overloaded. Roles are the
    // ones held in the reviewed pairs, done or not.
    w.state("P1", "writer", cc::Status::Done);
    r = w.review();
    BOOST_TEST(count(r, "overload") == 0u);
    BOOST_TEST(count(r, "many_roles") == 1u);
    w.options.many_roles_threshold = 4;
    BOOST_TEST(count(w.review(), "many_roles") == 0u);
}

BOOST_AUTO_TEST_CASE(robust_to_odd_input) {
    // A role the map does not name, a person index out of range, a piece and
    // a module without titles, slots out of order: no crash, sensible output.
    World w;
    const auto m = w.module("M-X", "");
    cc::PiecePlan &pp = w.piece(m, "P-X", "");
    pp.slots = {slot("zeta", {7}), slot("alpha")};
    cc::Review r = w.review();
    BOOST_REQUIRE_EQUAL(r.modules.size(), 1u);
    BOOST_TEST(r.modules.at(0).title == "M-X");
    BOOST_TEST(r.modules.at(0).pieces.at(0).title == "P-X");
    BOOST_TEST(r.modules.at(0).pieces.at(0).pairs.at(0).role == "alpha");
    BOOST_TEST(r.modules.at(0).pieces.at(0).pairs.at(1).people.empty());
    BOOST_TEST(r.roles.size() == 2u);
    BOOST_TEST(count(r, "gap") == 2u);
    for (auto f : {cc::ReviewFormat::Table, cc::ReviewFormat::Json, cc::ReviewFormat::Csv, cc::ReviewFormat::Html})
        BOOST_TEST(!cc::render_review(r, f).empty());
}

BOOST_AUTO_TEST_CASE(json_matches_schema) {
    for (const World &w : {small(), demo()}) {
        const std::string json = cc::render_review(w.review(), cc::ReviewFormat::Json);
        rapidjson::Document doc;
        doc.Parse(json.c_str(), json.size());
        BOOST_REQUIRE(!doc.HasParseError());
        BOOST_TEST(cctest::validate_against("review.schema.json", doc) == "");
    }
    World empty;
    empty.options.module = "none";
    {
        const std::string json = cc::render_review(empty.review(), cc::ReviewFormat::Json);
        rapidjson::Document doc;
        doc.Parse(json.c_str(), json.size());
        BOOST_TEST(cctest::validate_against("review.schema.json", doc) == "");
    }

    const std::string json = cc::render_review(small().review(), cc::ReviewFormat::Json);
    rapidjson::Document doc;
    doc.Parse(json.c_str(), json.size());
    BOOST_REQUIRE(!doc.HasParseError());
    BOOST_TEST(json_str(doc, "/generated_at") == "2024-05-10T12:00:00Z");
    BOOST_TEST(json_str(doc, "/course/format") == "scorm2004");
    BOOST_TEST(json_num(doc, "/progress/done") == 2.0);
    BOOST_TEST(json_num(doc, "/progress/percent") == 33.3);
    BOOST_TEST(json_num(doc, "/modules/0/progress/percent") == 25.0);
    BOOST_TEST(json_at(doc, "/modules/0/due").IsNull());
    BOOST_TEST(json_str(doc, "/modules/0/by_person/0/person") == "Ana Lima");
    BOOST_TEST(json_str(doc, "/modules/0/pieces/0/pairs/0/status") == "in_progress");
    BOOST_TEST(json_str(doc, "/modules/0/pieces/0/pairs/0/people/0/agent") == "mailto:ben@example.org");
    BOOST_TEST(json_str(doc, "/modules/0/pieces/0/pairs/0/since") == "2024-05-07T12:00:00Z");
    BOOST_TEST(json_at(doc, "/modules/0/pieces/0/pairs/0/note").IsNull());
    BOOST_TEST(json_num(doc, "/modules/1/summary/findings/gap") == 1.0);
    BOOST_TEST(json_num(doc, "/summary/statuses/not_started") == 2.0);
    BOOST_TEST(json_num(doc, "/summary/pieces") == 3.0);
    BOOST_TEST(json_str(doc, "/findings/0/kind") == "gap");
    BOOST_TEST(json_at(doc, "/findings/0/person").IsNull());
}

// The JSON and HTML escapers skip 8 plain bytes at a time: specials at every
// offset around a word boundary, control characters and UTF-8 all survive.
BOOST_AUTO_TEST_CASE(escaping_at_every_offset) {
    for (std::size_t at = 0; at < 20; ++at) {
        for (const std::string special : {"\"", "\\", "\n", "\x01", "<", "&", "'", ">", "\xC3\xB6"}) {
            const std::string title = std::string(at, 'a') + special + "bcdefghijklmnop";
            World w = small();
            w.plan.pieces[0].title = title;
            const cc::Review r = w.review();

            const std::string json = cc::render_review(r, cc::ReviewFormat::Json);
            rapidjson::Document doc;
            doc.Parse(json.c_str(), json.size());
            BOOST_REQUIRE(!doc.HasParseError());
            BOOST_TEST(json_str(doc, "/modules/0/pieces/0/title") == title);

            const std::string html = cc::render_review(r, cc::ReviewFormat::Html);
            std::string want = std::string(at, 'a');
            if (special == "<") want += "&lt;";
            else if (special == ">") want += "&gt;";
            else if (special == "&") want += "&amp;";
            else if (special == "\"") want += "&quot;";
            else if (special == "'") want += "&#39;";
            else if (special != "\x01") want += special;  // control characters are dropped
            want += "bcdefghijklmnop";
            BOOST_TEST(html.find(want) != std::string::npos, "offset " << at << " special " << special);
            BOOST_TEST(html.find('\x01') == std::string::npos);
        }
    }
}

BOOST_AUTO_TEST_CASE(csv_rows_quoting_and_formulas) {
    World w = small();
    w.plan.pieces[0].title = "Welcome, \"new\" staff\nline two";
    w.plan.pieces[1].title = "=HYPERLINK(\"http://evil.example\",\"x\")";
    w.map.people[1].name = "@Ben";
    w.pairs[1].note = "-2+3 and more";
    w.pairs[2].note = "+cmd";
    const std::string csv = cc::render_review(w.review(), cc::ReviewFormat::Csv);
    // Records end in CRLF; a newline inside a quoted field is data.
    const std::vector<std::string> lines = split_crlf(csv);
    BOOST_REQUIRE_EQUAL(lines.size(), 7u);  // header + 6 pairs
    BOOST_TEST(lines[0] == "module,module_title,piece,piece_title,role,status,people,by,since,due,overdue,at_risk,note");
    BOOST_TEST(lines[1] ==
               "MOD-INTRO,Introduction,SCO-WELCOME,\"Welcome, \"\"new\"\" staff\nline two\",designer,in_progress,"
               "'@Ben,ana,2024-05-07T12:00:00Z,,no,no,'-2+3 and more");
    BOOST_TEST(lines[2] ==
               "MOD-INTRO,Introduction,SCO-WELCOME,\"Welcome, \"\"new\"\" staff\nline two\",writer,done,"
               "Ana Lima,ana,2024-05-09T12:00:00Z,2024-05-20,no,no,");
    BOOST_TEST(lines[3] ==
               "MOD-INTRO,Introduction,SCO-HAZARDS,\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"x\"\")\","
               "designer,not_started,Ana Lima; @Ben,,,,no,no,");
    BOOST_TEST(lines[4].find(",writer,in_review,Ana Lima,ana,") != std::string::npos);
    BOOST_TEST(lines[4].substr(lines[4].size() - 6) == ",'+cmd");
    BOOST_TEST(lines[6] == "MOD-QUIZ,Assessment,SCO-QUIZ,Safety quiz,reviewer,not_started,,,,2024-05-09,yes,no,");
    // Each record has 13 fields: count the commas outside quotes.
    for (std::size_t i = 0; i < lines.size(); ++i) {
        std::size_t commas = 0;
        bool quoted = false;
        for (char c : lines[i]) {
            if (c == '"') quoted = !quoted;
            else if (c == ',' && !quoted) ++commas;
        }
        BOOST_TEST(commas == 12u, "record " << i);
    }
}

// Formula injection (OWASP "CSV injection"): a cell starting with = + - @,
// a tab or a carriage return is read as a formula by some spreadsheet (tab
// and CR because some strip them first). Every text column of the CSV gets
// the apostrophe; the value is otherwise unchanged, and the same characters
// later in a cell change nothing.
BOOST_AUTO_TEST_CASE(csv_neutralises_formulas_in_every_text_column) {
    for (const std::string lead : {"=", "+", "-", "@", "\t", "\r"}) {
        const std::string v = lead + "SUM(A1:A9)";
        cc::Review r;
        cc::ReviewModule m;
        m.id = v + "m";
        m.title = v + "mt";
        cc::ReviewPiece piece;
        piece.id = v + "p";
        piece.title = v + "pt";
        cc::ReviewPair pair;
        pair.role = v + "r";
        pair.people = {v + "who", "Ben"};
        pair.by = v + "by";
        pair.due = v + "due";
        pair.note = v + "note";
        piece.pairs.push_back(pair);
        m.pieces.push_back(piece);
        r.modules.push_back(m);
        const std::string csv = cc::render_review(r, cc::ReviewFormat::Csv);
        if (lead == "\r")  // a CR is data only inside quotes
            BOOST_TEST(csv.find(",\"'\rSUM(A1:A9)pt\",") != std::string::npos);
        const auto rows = cctest::parse_csv(csv);
        BOOST_TEST_REQUIRE(rows.size() == 2u);
        const std::vector<std::string> &f = rows[1];
        BOOST_TEST_REQUIRE(f.size() == 13u);
        const std::vector<std::pair<std::size_t, std::string>> want = {
            {0, v + "m"},  {1, v + "mt"},        {2, v + "p"},  {3, v + "pt"},  {4, v + "r"},
            {6, v + "who; Ben"}, {7, v + "by"}, {9, v + "due"}, {12, v + "note"}};
        for (const auto &[col, value] : want)
            BOOST_TEST(f[col] == "'" + value, "lead " << int(lead[0]) << " column " << col);
        BOOST_TEST(f[5] == "not_started");
    }
    // Not at the start, or a harmless first character: left alone.
    cc::Review r;
    cc::ReviewModule m;
    m.id = "M1";
    m.title = "a=b, +c";
    cc::ReviewPiece piece;
    piece.id = "P1";
    piece.title = "Q&A: 1-2 @home\there";
    cc::ReviewPair pair;
    pair.role = "writer";
    pair.people = {"Ana", "=Ben"};
    pair.note = " =1+1";
    piece.pairs.push_back(pair);
    m.pieces.push_back(piece);
    r.modules.push_back(m);
    const auto rows = cctest::parse_csv(cc::render_review(r, cc::ReviewFormat::Csv));
    BOOST_TEST_REQUIRE(rows.size() == 2u);
    BOOST_TEST_REQUIRE(rows[1].size() == 13u);
    BOOST_TEST(rows[1][1] == "a=b, +c");
    BOOST_TEST(rows[1][3] == "Q&A: 1-2 @home\there");
    BOOST_TEST(rows[1][6] == "Ana; =Ben");
    BOOST_TEST(rows[1][7] == "");
    BOOST_TEST(rows[1][12] == " =1+1");
}

// Two live states for one (piece, role), as a later write leaves them: the
// later one is the pair's state.
BOOST_AUTO_TEST_CASE(the_later_of_two_states_wins) {
    World w = single(cc::Status::InProgress, "", kNow - 5 * kDay, "ana", "first");
    w.state("P1", "writer", cc::Status::Done, kNow - kDay, "ben", "second");
    const cc::Review r = w.review();
    const cc::ReviewPair &p = only_pair(r);
    BOOST_TEST((p.status == cc::Status::Done));
    BOOST_TEST(p.by == "ben");
    BOOST_TEST(p.note == "second");
    BOOST_TEST(p.since == kNow - kDay);
}

// Per-person progress lists people in the role map's order, whatever order
// the pieces meet them in.
BOOST_AUTO_TEST_CASE(people_in_the_maps_order) {
    World w;
    w.role("writer", "Writer");
    const auto ana = w.person("Ana Lima", "mailto:ana@example.org", {"writer"});
    const auto ben = w.person("Ben Ode", "mailto:ben@example.org", {"writer"});
    const auto cy = w.person("Cy Young", "mailto:cy@example.org", {"writer"});
    const auto m = w.module("M", "Module");
    w.piece(m, "P1", "One").slots = {slot("writer", {cy})};
    w.piece(m, "P2", "Two").slots = {slot("writer", {ben})};
    w.piece(m, "P3", "Three").slots = {slot("writer", {ana, cy})};
    const cc::Review r = w.review();
    BOOST_TEST_REQUIRE(r.modules.size() == 1u);
    const auto &people = r.modules[0].by_person;
    BOOST_TEST_REQUIRE(people.size() == 3u);
    BOOST_TEST(people[0].first == "Ana Lima");
    BOOST_TEST(people[1].first == "Ben Ode");
    BOOST_TEST(people[2].first == "Cy Young");
    BOOST_TEST(people[2].second.total == 2u);
}

// Every control character, at every offset around the 8-byte fast path: the
// JSON reads back to the same text; the HTML drops it (tab and newline stay).
BOOST_AUTO_TEST_CASE(every_control_character_escaped) {
    for (int c = 0; c < 0x20; ++c) {
        for (std::size_t at = 0; at < 18; ++at) {
            const std::string title = std::string(at, 'a') + static_cast<char>(c) + "bcdefghijklmnop";
            World w = small();
            w.plan.pieces[0].title = title;
            const cc::Review r = w.review();
            const std::string json = cc::render_review(r, cc::ReviewFormat::Json);
            for (char byte : json)
                BOOST_TEST_REQUIRE(static_cast<unsigned char>(byte) >= 0x20, "raw control " << c << " at " << at);
            rapidjson::Document doc;
            doc.Parse(json.c_str(), json.size());
            BOOST_TEST_REQUIRE(!doc.HasParseError(), "control " << c << " at " << at);
            BOOST_TEST(json_str(doc, "/modules/0/pieces/0/title") == title, "control " << c << " at " << at);
            const std::string html = cc::render_review(r, cc::ReviewFormat::Html);
            const bool kept = c == '\t' || c == '\n';
            const std::string want = kept ? title : std::string(at, 'a') + "bcdefghijklmnop";
            BOOST_TEST(html.find(want) != std::string::npos, "control " << c << " at " << at);
        }
    }
}

// The calendar (std::chrono) behind every date and timestamp the review
// prints, and the due dates it accepts.
BOOST_AUTO_TEST_CASE(dates_and_timestamps) {
    namespace rd = cc::review_detail;
    BOOST_TEST(rd::format_timestamp(0) == "1970-01-01T00:00:00Z");
    BOOST_TEST(rd::format_timestamp(kNow + 7 * 60 + 9) == "2024-05-10T12:07:09Z");
    BOOST_TEST(rd::format_timestamp(951868799) == "2000-02-29T23:59:59Z");  // a leap day, its last second
    BOOST_TEST(rd::format_timestamp(-1) == "1969-12-31T23:59:59Z");         // before 1970: rounds down
    BOOST_TEST(rd::format_timestamp(253402300799) == "9999-12-31T23:59:59Z");
    BOOST_TEST(rd::format_timestamp(-62167219200) == "0000-01-01T00:00:00Z");
    BOOST_TEST(rd::format_timestamp(-62167219201) == "-0001-12-31T23:59:59Z");
    BOOST_TEST(rd::format_date(kNow) == "2024-05-10");
    BOOST_TEST(rd::format_when(kNow + 59) == "2024-05-10 12:00 UTC");
    // Past std::chrono::year's range: the last day it holds, never garbage.
    BOOST_TEST(rd::format_date(std::numeric_limits<std::int64_t>::max() / 2) == "32767-12-31");
    BOOST_TEST(rd::format_date(std::numeric_limits<std::int64_t>::min() / 2) == "-32767-01-01");

    std::int64_t days = -1;
    BOOST_TEST(rd::parse_date("1970-01-01", days));
    BOOST_TEST(days == 0);
    BOOST_TEST(rd::parse_date("2024-05-10", days));
    BOOST_TEST(days == kMay10 / kDay);
    BOOST_TEST(rd::parse_date("1969-12-31", days));
    BOOST_TEST(days == -1);
    for (const char *ok : {"2024-02-29", "2000-02-29", "0000-02-29", "9999-12-31", "2023-12-31"})
        BOOST_TEST(rd::parse_date(ok, days), ok);
    for (const char *bad : {"2023-02-29", "2100-02-29", "2026-02-30", "2024-04-31", "2024-13-01", "2024-00-10",
                            "2024-05-00", "2024-05-32", "2024-5-10", "2024-05-1", "+024-05-10", "2024-+5-10",
                            "2024-05-+1", "2024-05-10 ", "2024/05/10", "", "20240510", "2024-05-1x"})
        BOOST_TEST(!rd::parse_date(bad, days), bad);
}

BOOST_AUTO_TEST_CASE(table_for_terminal) {
    const std::string t = cc::render_review(small().review(), cc::ReviewFormat::Table);
    BOOST_TEST(t.find("Workplace Safety Basics") != std::string::npos);
    BOOST_TEST(t.find("Introduction") != std::string::npos);
    BOOST_TEST(t.find("Assessment") != std::string::npos);
    BOOST_TEST(t.find("25%") != std::string::npos);
    BOOST_TEST(t.find("50%") != std::string::npos);
    BOOST_TEST(t.find("[#####...............]  25%") != std::string::npos);
    BOOST_TEST(t.find("Instructional designer") != std::string::npos);
    BOOST_TEST(t.find("in progress: Ben Ode") != std::string::npos);
    BOOST_TEST(t.find("! not started: nobody") != std::string::npos);  // the overdue gap
    BOOST_TEST(t.find("Safety quiz: no one holds the reviewer role") != std::string::npos);
    BOOST_TEST(t.find('\t') == std::string::npos);
    BOOST_TEST(t.find(" \n") == std::string::npos);  // no trailing blanks
}

BOOST_AUTO_TEST_CASE(html_self_contained) {
    World w = demo();
    w.course.title.values.clear();
    w.course.title.add("", "Safety <b>& Co: see https://example.org/terms");
    const cc::Review r = w.review();
    const std::string h = cc::render_review(r, cc::ReviewFormat::Html);
    BOOST_TEST(h.rfind("<!DOCTYPE html>", 0) == 0u);
    BOOST_TEST(h.find("<meta name=\"viewport\"") != std::string::npos);
    BOOST_TEST(h.find("@media print") != std::string::npos);
    BOOST_TEST(h.find("@media (max-width") != std::string::npos);
    // Escaped: the title shows as text, never as markup.
    BOOST_TEST(h.find("Safety &lt;b&gt;&amp; Co") != std::string::npos);
    BOOST_TEST(h.find("<b>&") == std::string::npos);
    BOOST_TEST(h.find("Chemicals &lt;COSHH&gt; &amp; labels") != std::string::npos);
    // Nothing to run, nothing to fetch.
    for (const char *bad : {"<script", "<link", "<img", "<iframe", "<object", "<embed", "src=", "url(", "@import",
                            "xlink:href", "javascript:"})
        BOOST_TEST(h.find(bad) == std::string::npos, bad);
    for (std::size_t at = h.find("href=\""); at != std::string::npos; at = h.find("href=\"", at + 1))
        BOOST_TEST(h[at + 6] == '#', "only in-page links");
    // http(s) only as text (the course title here), never inside a tag.
    for (const char *scheme : {"http://", "https://"})
        for (std::size_t at = h.find(scheme); at != std::string::npos; at = h.find(scheme, at + 1)) {
            const std::size_t open = h.rfind('<', at), close = h.rfind('>', at);
            BOOST_TEST((close != std::string::npos && (open == std::string::npos || close > open)),
                       "URL inside a tag at " << at);
        }
    // One progress bar per module, plus per role; each with a title.
    std::size_t sections = 0;
    for (std::size_t at = h.find("<section class=\"module\" id=\"m"); at != std::string::npos;
         at = h.find("<section class=\"module\" id=\"m", at + 1)) {
        ++sections;
        const std::size_t end = h.find("</section>", at);
        const std::string sec = h.substr(at, end - at);
        BOOST_TEST(sec.find("<div class=\"prog\"><svg") != std::string::npos);
        BOOST_TEST(sec.find("<h3>By role</h3>") != std::string::npos);
    }
    BOOST_TEST(sections == r.modules.size());
    BOOST_TEST(cctest::occurrences(h, "<svg") == cctest::occurrences(h, "<title>") - 1);  // every svg has a title
    BOOST_TEST(cctest::occurrences(h, "<svg") >= 1 + 2 * r.modules.size());
    BOOST_TEST(h.find("% done (") != std::string::npos);  // text percentages in the titles
    // Statuses as colour and as text; overdue and at-risk pairs marked.
    for (const char *label : {"Not started", "In progress", "In review", "Done", "Blocked"})
        BOOST_TEST(h.find(label) != std::string::npos, label);
    BOOST_TEST(h.find("class=\"c s-blocked") != std::string::npos);
    BOOST_TEST(h.find("Overdue \xC2\xB7 due 2024-05-08") != std::string::npos);
    BOOST_TEST(h.find("Changed after done") != std::string::npos);
    BOOST_TEST(h.find("No one assigned") != std::string::npos);
    BOOST_TEST(h.find("Due 2024-05-14") != std::string::npos);
    BOOST_TEST(h.find("generated 2024-05-10 12:00 UTC") != std::string::npos);
    BOOST_TEST(h.find("Ana Lima holds 3 roles") != std::string::npos);
    // The agent's home page is an identifier, not something to show or fetch.
    BOOST_TEST(h.find("lms.example.org") == std::string::npos);
}

// ---------------------------------------------------------------- issue 13: one team, many seats
// A seat sharing the team's state through the LRS (Review::team.shared):
// the team-state line, pairs last changed on another seat, and the cells
// only another seat's version of the package has, in every format.

constexpr std::string_view kSeat = "\xE2\x87\x84";  // ⇄, review_detail::kSeatMark

// `w`'s review as a shared seat sees it: pulled five minutes ago, two
// foreign cells (a piece this seat's package lacks, a role on a piece it has).
cc::Review shared_review(const World &w) {
    cc::Review r = w.review();
    r.team.shared = true;
    r.team.pulled_at = r.team.attempted_at = kNow - 5 * 60;
    cc::ForeignCell extra;
    extra.module = "MOD-INTRO";
    extra.piece = "SCO-EXTRA";
    extra.title = "Extra scene";
    extra.role = "writer";
    extra.by = "Cy Young";
    extra.note = "v2 only";
    extra.status = cc::Status::Done;
    extra.at = kNow - 3600;
    cc::ForeignCell expert;
    expert.module = "MOD-QUIZ";
    expert.piece = "SCO-QUIZ";
    expert.title = "Safety quiz";
    expert.role = "expert";
    expert.by = "Dev Patel";
    expert.status = cc::Status::InProgress;
    expert.at = kNow - 2 * kDay;
    r.team.foreign = {extra, expert};
    return r;
}

// small() with two pairs last changed on another seat: SCO-WELCOME's
// designer (in progress, by Ben Ode) and SCO-QUIZ's designer (done).
World small_remote() {
    World w = small();
    w.pairs[1].remote = true;
    w.pairs[1].by = "Ben Ode";
    w.pairs[3].remote = true;
    return w;
}

cc::ForeignCell hostile_cell() {
    cc::ForeignCell c;
    c.module = "MOD-INTRO";
    c.piece = "SCO-<X>";
    c.title = "<img src=x onerror=alert(1)>";
    c.role = "writer";
    c.by = "<script>alert('by')</script>";
    c.note = "\"quoted\" & <b>bold</b>\x1b[31m";
    c.status = cc::Status::Blocked;
    c.at = kNow - kDay;
    return c;
}

std::string with_placeholder(std::string s) {
    const std::string version = COURSECREW_VERSION_STRING;
    for (std::size_t at = s.find(version); at != std::string::npos; at = s.find(version, at))
        s.replace(at, version.size(), "@VERSION@");
    return s;
}

BOOST_AUTO_TEST_CASE(team_age_in_words) {
    namespace rd = cc::review_detail;
    BOOST_TEST(rd::age_text(-5) == "less than a minute");  // a clock behind the pull
    BOOST_TEST(rd::age_text(59) == "less than a minute");
    BOOST_TEST(rd::age_text(60) == "1 minute");
    BOOST_TEST(rd::age_text(3 * 60 + 59) == "3 minutes");
    BOOST_TEST(rd::age_text(3599) == "59 minutes");
    BOOST_TEST(rd::age_text(3600) == "1 hour");
    BOOST_TEST(rd::age_text(2 * 3600 + 1) == "2 hours");
    BOOST_TEST(rd::age_text(kDay - 1) == "23 hours");
    BOOST_TEST(rd::age_text(kDay) == "1 day");
    BOOST_TEST(rd::age_text(5 * kDay + 7200) == "5 days");
}

// A seat that does not share (team.shared false) renders byte for byte what
// the review rendered before issue 13 (tests/unit/review_unshared/, made
// by the renderers of commit 34a64ee; the version is a placeholder), even
// when its pairs say remote and the team lists foreign cells. A deliberate
// change to the unshared output updates these files: CC_REVIEW_HTML_KEEP=DIR
// (html_renders_in_chromium) writes review.{txt,json,csv,html}, the same
// demo review; replace the version in them with @VERSION@.
BOOST_AUTO_TEST_CASE(team_unshared_output_unchanged) {
    World w = demo();
    w.pairs[0].remote = true;
    w.pairs[5].remote = true;
    cc::Review r = w.review();
    r.team.pulled_at = kNow - 60;
    r.team.error = "connection refused";
    r.team.foreign.push_back(hostile_cell());
    BOOST_TEST_REQUIRE(!r.team.shared);
    const std::string dir = cctest::source_dir() + "/tests/unit/review_unshared/";
    const std::pair<cc::ReviewFormat, const char *> files[] = {{cc::ReviewFormat::Table, "demo.txt"},
                                                               {cc::ReviewFormat::Json, "demo.json"},
                                                               {cc::ReviewFormat::Csv, "demo.csv"},
                                                               {cc::ReviewFormat::Html, "demo.html"}};
    for (const auto &[format, name] : files) {
        const std::string got = with_placeholder(cc::render_review(r, format));
        const std::string want = cctest::read_file(dir + name);
        BOOST_TEST_REQUIRE(!want.empty(), name);
        BOOST_TEST((got == want), name << " differs from the output before issue 13");
        // And the same without the remote flags and foreign cells.
        BOOST_TEST((with_placeholder(cc::render_review(demo().review(), format)) == want), name);
    }
}

// The team-state line in every format, for the three states a seat can be in.
BOOST_AUTO_TEST_CASE(team_state_line_in_every_format) {
    const World w = small_remote();
    struct Case {
        const char *what;
        std::int64_t pulled, attempted;
        std::string error, line;
    };
    const Case cases[] = {
        {"pulled", kNow - 5 * 60, kNow - 5 * 60, "", "Team state as of 2024-05-10 11:55 UTC (pulled from the LRS)"},
        {"offline", kNow - 2 * 3600 - 120, kNow - 60, "connection refused.",
         "The LRS could not be reached at 2024-05-10 11:59 UTC: connection refused. "
         "Team state as of 2024-05-10 09:58 UTC (2 hours old)"},
        {"offline for days", kNow - 5 * kDay, kNow - 60, "HTTP 503",
         "The LRS could not be reached at 2024-05-10 11:59 UTC: HTTP 503. "
         "Team state as of 2024-05-05 12:00 UTC (5 days old)"},
        {"never", 0, 0, "", "Team state: never pulled from the LRS; this seat's changes only"},
        {"never, offline", 0, kNow - 180, "timeout",
         "The LRS could not be reached at 2024-05-10 11:57 UTC: timeout. "
         "Team state: never pulled from the LRS; this seat's changes only"},
    };
    for (const Case &c : cases) {
        cc::Review r = shared_review(w);
        r.team.pulled_at = c.pulled;
        r.team.attempted_at = c.attempted;
        r.team.error = c.error;
        BOOST_TEST(cc::review_detail::team_line(r) == c.line, c.what);

        const std::string table = cc::render_review(r, cc::ReviewFormat::Table);
        BOOST_TEST(table.find("\nReview of 2024-05-10 12:00 UTC\n" + c.line + "\n") != std::string::npos, c.what);

        const std::string json = cc::render_review(r, cc::ReviewFormat::Json);
        rapidjson::Document doc;
        doc.Parse(json.c_str(), json.size());
        BOOST_TEST_REQUIRE(!doc.HasParseError(), c.what);
        BOOST_TEST(cctest::validate_against("review.schema.json", doc) == "", c.what);
        BOOST_TEST(json_str(doc, "/team/message") == c.line, c.what);
        BOOST_TEST(json_str(doc, "/team/error") == c.error, c.what);
        BOOST_TEST(json_at(doc, "/team/stale").GetBool() == !c.error.empty(), c.what);
        if (c.pulled) BOOST_TEST(json_str(doc, "/team/pulled_at") == cc::review_detail::format_timestamp(c.pulled));
        else BOOST_TEST(json_at(doc, "/team/pulled_at").IsNull(), c.what);
        if (c.attempted) BOOST_TEST(json_str(doc, "/team/attempted_at") == cc::review_detail::format_timestamp(c.attempted));
        else BOOST_TEST(json_at(doc, "/team/attempted_at").IsNull(), c.what);

        const auto rows = cctest::parse_csv(cc::render_review(r, cc::ReviewFormat::Csv));
        BOOST_TEST_REQUIRE(rows.size() >= 2u);
        BOOST_TEST_REQUIRE(rows[1].size() == 14u);
        BOOST_TEST(rows[1][12] == c.line, c.what);
        BOOST_TEST(rows[1][13] == "team state", c.what);
        BOOST_TEST(rows[1][8] == (c.pulled ? cc::review_detail::format_timestamp(c.pulled) : std::string()), c.what);
        for (std::size_t col : {0, 1, 2, 3, 4, 5, 6, 7, 9, 10, 11}) BOOST_TEST(rows[1][col] == "", c.what);

        const std::string html = cc::render_review(r, cc::ReviewFormat::Html);
        const std::string tag = c.error.empty() ? "<p class=\"meta team\">" : "<p class=\"meta team stale\">\xE2\x9A\xA0 ";
        std::string escaped = c.line;  // the apostrophe of "seat's", as the page escapes it
        if (const std::size_t q = escaped.find('\''); q != std::string::npos) escaped.replace(q, 1, "&#39;");
        BOOST_TEST(html.find(tag + escaped + "</p>") != std::string::npos, c.what);
        BOOST_TEST(cctest::occurrences(html, "class=\"meta team") == 1u, c.what);
    }
}

// Pairs last changed on another seat are marked, and only they; the legend
// says what the mark means.
BOOST_AUTO_TEST_CASE(team_remote_pairs_marked) {
    const cc::Review r = shared_review(small_remote());
    std::size_t remote = 0;
    for (const cc::ReviewModule &m : r.modules)
        for (const cc::ReviewPiece &piece : m.pieces)
            for (const cc::ReviewPair &p : piece.pairs) remote += p.remote;
    BOOST_TEST_REQUIRE(remote == 2u);  // copied from the pair states
    BOOST_TEST(r.modules[0].pieces[0].pairs[0].remote);   // SCO-WELCOME designer
    BOOST_TEST(!r.modules[0].pieces[0].pairs[1].remote);  // SCO-WELCOME writer

    // Table: the mark after the cell, on exactly the remote cells, plus the legend.
    const std::string t = cc::render_review(r, cc::ReviewFormat::Table);
    const std::string seat(kSeat);
    BOOST_TEST(cctest::occurrences(t, seat) == remote + 1);
    BOOST_TEST(t.find("  in progress: Ben Ode " + seat) != std::string::npos);
    BOOST_TEST(line_with(t, "  done: Ben Ode").find(seat) != std::string::npos);  // SCO-QUIZ designer
    BOOST_TEST(line_with(t, "Spotting hazards").find(seat) == std::string::npos);
    BOOST_TEST(t.find("\n" + seat + " last changed on another seat\n") != std::string::npos);
    BOOST_TEST(t.find("Marks: ! overdue, ~ at risk, * content changed after done") != std::string::npos);
    BOOST_TEST(t.find(" \n") == std::string::npos);  // still no trailing blanks
    // The mark survives a cell cut to fit its column.
    {
        World w = small_remote();
        w.map.people[1].name = "Benedict Odelugo-Fitzwilliam the Third";
        const std::string cut = cc::render_review(shared_review(w), cc::ReviewFormat::Table);
        BOOST_TEST(cut.find("..." " " + seat) != std::string::npos);
        BOOST_TEST(cctest::occurrences(cut, seat) == remote + 1);
    }

    // JSON: "remote": true on those pairs, absent elsewhere.
    const std::string json = cc::render_review(r, cc::ReviewFormat::Json);
    rapidjson::Document doc;
    doc.Parse(json.c_str(), json.size());
    BOOST_TEST_REQUIRE(!doc.HasParseError());
    BOOST_TEST(cctest::validate_against("review.schema.json", doc) == "");
    BOOST_TEST(cctest::occurrences(json, "\"remote\":") == remote);
    BOOST_TEST(json_at(doc, "/modules/0/pieces/0/pairs/0/remote").GetBool());
    BOOST_TEST(!doc["modules"][0]["pieces"][0]["pairs"][1].HasMember("remote"));
    BOOST_TEST(json_at(doc, "/modules/1/pieces/0/pairs/0/remote").GetBool());

    // CSV: changed_on, the last column.
    const auto rows = cctest::parse_csv(cc::render_review(r, cc::ReviewFormat::Csv));
    BOOST_TEST_REQUIRE(rows.size() == 1u + 1u + 6u + 2u);  // header, team state, pairs, foreign cells
    BOOST_TEST(rows[0].back() == "changed_on");
    std::size_t another = 0;
    for (std::size_t i = 2; i < 8; ++i) {
        BOOST_TEST((rows[i][13] == "this seat" || rows[i][13] == "another seat"));
        another += rows[i][13] == "another seat";
    }
    BOOST_TEST(another == remote);
    BOOST_TEST(rows[2][2] == "SCO-WELCOME");
    BOOST_TEST(rows[2][4] == "designer");
    BOOST_TEST(rows[2][13] == "another seat");
    BOOST_TEST(rows[3][13] == "this seat");

    // HTML: the cell's mark, its tooltip, and the legend.
    const std::string h = cc::render_review(r, cc::ReviewFormat::Html);
    BOOST_TEST(cctest::occurrences(h, " remote\" title=\"changed on another seat") == remote);
    BOOST_TEST(h.find("<td class=\"c s-in_progress remote\" title=\"changed on another seat by Ben Ode, "
                      "2024-05-07 12:00 UTC\">") != std::string::npos);
    BOOST_TEST(cctest::occurrences(h, "<small class=\"seat\">" + seat + " Changed on another seat</small>") == remote);
    BOOST_TEST(h.find("<li class=\"seat\">" + seat + " Changed on another seat</li>") != std::string::npos);
    BOOST_TEST(h.find(".c small.seat{") != std::string::npos);
}

// Cells only another seat's version has: listed in every format, by module,
// only the module reviewed when one is asked for, never in the progress.
BOOST_AUTO_TEST_CASE(team_foreign_cells_listed) {
    const cc::Review r = shared_review(small_remote());
    const cc::Review plain = small_remote().review();
    BOOST_TEST(r.overall.done == plain.overall.done);
    BOOST_TEST(r.overall.total == plain.overall.total);

    const std::string t = cc::render_review(r, cc::ReviewFormat::Table);
    BOOST_TEST(t.find("\nOn another seat's version (not in this package)\n"
                      "  Introduction  [MOD-INTRO]\n"
                      "    Extra scene  [SCO-EXTRA]\n"
                      "      Writer: done, by Cy Young, 2024-05-10 11:00 UTC (v2 only)\n"
                      "  Assessment  [MOD-QUIZ]\n"
                      "    Safety quiz  [SCO-QUIZ]\n"
                      "      expert: in progress, by Dev Patel, 2024-05-08 12:00 UTC\n") != std::string::npos);

    const std::string json = cc::render_review(r, cc::ReviewFormat::Json);
    rapidjson::Document doc;
    doc.Parse(json.c_str(), json.size());
    BOOST_TEST_REQUIRE(!doc.HasParseError());
    BOOST_TEST(cctest::validate_against("review.schema.json", doc) == "");
    BOOST_TEST_REQUIRE(json_at(doc, "/team/foreign").Size() == 2u);
    BOOST_TEST(json_str(doc, "/team/foreign/0/piece") == "SCO-EXTRA");
    BOOST_TEST(json_str(doc, "/team/foreign/0/title") == "Extra scene");
    BOOST_TEST(json_str(doc, "/team/foreign/0/status") == "done");
    BOOST_TEST(json_str(doc, "/team/foreign/0/by") == "Cy Young");
    BOOST_TEST(json_str(doc, "/team/foreign/0/at") == "2024-05-10T11:00:00Z");
    BOOST_TEST(json_str(doc, "/team/foreign/0/note") == "v2 only");
    BOOST_TEST(json_str(doc, "/team/foreign/1/role") == "expert");
    BOOST_TEST(json_at(doc, "/team/foreign/1/note").IsNull());
    BOOST_TEST(json_num(doc, "/summary/pairs") == 6.0);

    const auto rows = cctest::parse_csv(cc::render_review(r, cc::ReviewFormat::Csv));
    BOOST_TEST_REQUIRE(rows.size() == 10u);
    BOOST_TEST((rows[8] == std::vector<std::string>{"MOD-INTRO", "Introduction", "SCO-EXTRA", "Extra scene", "writer",
                                                    "done", "", "Cy Young", "2024-05-10T11:00:00Z", "", "", "",
                                                    "v2 only", "another seat's version"}));
    BOOST_TEST((rows[9] == std::vector<std::string>{"MOD-QUIZ", "Assessment", "SCO-QUIZ", "Safety quiz", "expert",
                                                    "in_progress", "", "Dev Patel", "2024-05-08T12:00:00Z", "", "",
                                                    "", "", "another seat's version"}));

    const std::string h = cc::render_review(r, cc::ReviewFormat::Html);
    const std::size_t sec = h.find("<section class=\"module\" id=\"foreign\"");
    BOOST_TEST_REQUIRE(sec != std::string::npos);
    const std::string foreign = h.substr(sec, h.find("</section>", sec) - sec);
    BOOST_TEST(foreign.find("On another seat&#39;s version") != std::string::npos);
    BOOST_TEST(cctest::occurrences(foreign, "<tr><td>") == 2u);
    BOOST_TEST(foreign.find("<th scope=\"row\">Extra scene<span class=\"id\">SCO-EXTRA</span></th><td>Writer</td>"
                            "<td class=\"c s s-done\"><b>Done</b></td><td>Cy Young</td>"
                            "<td class=\"s\">2024-05-10 11:00 UTC</td><td class=\"n\">v2 only</td>") != std::string::npos);
    BOOST_TEST(foreign.find("Dev Patel") != std::string::npos);

    // --module: only that module's foreign cells, in every format.
    World one = small_remote();
    one.options.module = "MOD-QUIZ";
    const cc::Review q = shared_review(one);
    BOOST_TEST(q.module == "MOD-QUIZ");
    const std::string qt = cc::render_review(q, cc::ReviewFormat::Table);
    BOOST_TEST(qt.find("Dev Patel") != std::string::npos);
    BOOST_TEST(qt.find("Extra scene") == std::string::npos);
    const std::string qj = cc::render_review(q, cc::ReviewFormat::Json);
    rapidjson::Document qd;
    qd.Parse(qj.c_str(), qj.size());
    BOOST_TEST(cctest::validate_against("review.schema.json", qd) == "");
    BOOST_TEST_REQUIRE(json_at(qd, "/team/foreign").Size() == 1u);
    BOOST_TEST(json_str(qd, "/team/foreign/0/module") == "MOD-QUIZ");
    const auto qrows = cctest::parse_csv(cc::render_review(q, cc::ReviewFormat::Csv));
    BOOST_TEST_REQUIRE(qrows.size() == 1u + 1u + 2u + 1u);
    BOOST_TEST(qrows.back()[4] == "expert");
    const std::string qh = cc::render_review(q, cc::ReviewFormat::Html);
    BOOST_TEST(qh.find("Dev Patel") != std::string::npos);
    BOOST_TEST(qh.find("Extra scene") == std::string::npos);

    // No foreign cells (or none in the module): no section at all.
    cc::Review none = shared_review(small_remote());
    none.team.foreign.clear();
    BOOST_TEST(cc::render_review(none, cc::ReviewFormat::Table).find("On another seat") == std::string::npos);
    BOOST_TEST(cc::render_review(none, cc::ReviewFormat::Html).find("id=\"foreign\"") == std::string::npos);
    one.options.module = "MOD-INTRO";
    cc::Review intro = shared_review(one);
    intro.team.foreign.pop_back();  // leaves MOD-INTRO's: shown
    BOOST_TEST(cc::render_review(intro, cc::ReviewFormat::Table).find("Extra scene") != std::string::npos);
    intro.team.foreign.front().module = "MOD-QUIZ";  // now none of MOD-INTRO's
    BOOST_TEST(cc::render_review(intro, cc::ReviewFormat::Table).find("On another seat") == std::string::npos);
}

// Every CSV record of a shared review has the same 14 fields, whatever the
// cells hold (commas, quotes, newlines, formulas from another seat).
BOOST_AUTO_TEST_CASE(team_csv_columns_consistent) {
    World w = demo();
    for (std::size_t i = 0; i < w.pairs.size(); i += 2) w.pairs[i].remote = true;
    w.pairs[1].note = "line one\nline two, \"quoted\"";
    cc::Review r = shared_review(w);
    r.team.error = "HTTP 401, \"Unauthorized\"\nsee the sync config";
    r.team.foreign.push_back(hostile_cell());
    r.team.foreign.back().by = "=HYPERLINK(\"http://evil.example\")";
    const auto rows = cctest::parse_csv(cc::render_review(r, cc::ReviewFormat::Csv));
    BOOST_TEST_REQUIRE(rows.size() == 1u + 1u + r.overall.total + 3u);
    for (std::size_t i = 0; i < rows.size(); ++i) BOOST_TEST(rows[i].size() == 14u, "record " << i);
    BOOST_TEST(rows[1][12].find(": HTTP 401, \"Unauthorized\"\nsee the sync config. Team state as of") !=
               std::string::npos);
    bool hostile = false;
    for (const auto &row : rows)
        if (row[2] == "SCO-<X>") {
            hostile = true;
            BOOST_TEST(row[7] == "'=HYPERLINK(\"http://evil.example\")");
            BOOST_TEST(row[13] == "another seat's version");
        }
    BOOST_TEST(hostile);
    // Not shared: the 13 columns of before.
    for (const auto &row : cctest::parse_csv(cc::render_review(w.review(), cc::ReviewFormat::Csv)))
        BOOST_TEST(row.size() == 13u);
}

// Names, notes and titles from other people's machines: escaped in the HTML,
// one line in the terminal, intact in the JSON.
BOOST_AUTO_TEST_CASE(team_hostile_text_escaped) {
    World w = small_remote();
    w.pairs[1].by = "<script>alert('x')</script>";
    cc::Review r = shared_review(w);
    r.team.foreign.push_back(hostile_cell());
    r.team.error = "<b>down</b> & \"out\"";
    r.team.pulled_at = kNow - 7200;

    const std::string h = cc::render_review(r, cc::ReviewFormat::Html);
    BOOST_TEST(h.find("<script") == std::string::npos);
    BOOST_TEST(h.find("<img") == std::string::npos);
    BOOST_TEST(h.find("<b>down") == std::string::npos);
    BOOST_TEST(h.find("<b>bold") == std::string::npos);
    BOOST_TEST(h.find('\x1b') == std::string::npos);
    BOOST_TEST(h.find("title=\"changed on another seat by &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;, "
                      "2024-05-07 12:00 UTC\"") != std::string::npos);
    BOOST_TEST(h.find("<td>&lt;script&gt;alert(&#39;by&#39;)&lt;/script&gt;</td>") != std::string::npos);
    BOOST_TEST(h.find("&lt;img src=x onerror=alert(1)&gt;<span class=\"id\">SCO-&lt;X&gt;</span>") != std::string::npos);
    BOOST_TEST(h.find("&quot;quoted&quot; &amp; &lt;b&gt;bold&lt;/b&gt;[31m") != std::string::npos);
    BOOST_TEST(h.find("could not be reached at 2024-05-10 11:55 UTC: &lt;b&gt;down&lt;/b&gt; &amp; &quot;out&quot;. "
                      "Team state as of 2024-05-10 10:00 UTC (2 hours old)") != std::string::npos);

    const std::string t = cc::render_review(r, cc::ReviewFormat::Table);
    BOOST_TEST(t.find('\x1b') == std::string::npos);
    BOOST_TEST(t.find("Writer: blocked, by <script>alert('by')</script>, 2024-05-09 12:00 UTC") != std::string::npos);

    const std::string json = cc::render_review(r, cc::ReviewFormat::Json);
    rapidjson::Document doc;
    doc.Parse(json.c_str(), json.size());
    BOOST_TEST_REQUIRE(!doc.HasParseError());
    BOOST_TEST(cctest::validate_against("review.schema.json", doc) == "");
    BOOST_TEST(json_str(doc, "/team/foreign/0/by") == hostile_cell().by);  // "SCO-<X>" sorts first
    BOOST_TEST(json_str(doc, "/team/foreign/0/note") == hostile_cell().note);
    BOOST_TEST(json_str(doc, "/modules/0/pieces/0/pairs/0/by") == "<script>alert('x')</script>");
}

// Renders the demo page in headless Chromium (tests/html/render_check.sh) and
// checks the screenshots are not blank. Skipped when Chromium is absent. Set
// CC_REVIEW_HTML_KEEP=DIR to keep the page, the screenshots and the demo
// review in the other formats (and as a shared seat sees it) for a look.
BOOST_AUTO_TEST_CASE(html_renders_in_chromium) {
    cctest::TempDir tmp;
    const char *keep = std::getenv("CC_REVIEW_HTML_KEEP");
    const std::string dir = keep && *keep ? std::string(keep) : tmp.path();
    fs::create_directories(dir);
    const std::string page = dir + "/review.html", png = dir + "/review.png";
    const cc::Review r = demo().review();
    cctest::write_file(page, cc::render_review(r, cc::ReviewFormat::Html));
    if (keep && *keep) {  // the other formats too, for a look
        cctest::write_file(dir + "/review.txt", cc::render_review(r, cc::ReviewFormat::Table));
        cctest::write_file(dir + "/review.json", cc::render_review(r, cc::ReviewFormat::Json));
        cctest::write_file(dir + "/review.csv", cc::render_review(r, cc::ReviewFormat::Csv));
        // And as a seat sharing the team's state sees it (issue 13): offline
        // for two hours, a remote pair, and cells on another seat's version.
        World w = demo();
        w.pairs[1].remote = true;
        w.pairs[6].remote = true;
        cc::Review team = shared_review(w);
        team.team.attempted_at = kNow - 60;
        team.team.pulled_at = kNow - 2 * 3600;
        team.team.error = "connection refused";
        cctest::write_file(dir + "/review-team.html", cc::render_review(team, cc::ReviewFormat::Html));
        cctest::write_file(dir + "/review-team.txt", cc::render_review(team, cc::ReviewFormat::Table));
        cctest::write_file(dir + "/review-team.json", cc::render_review(team, cc::ReviewFormat::Json));
        cctest::write_file(dir + "/review-team.csv", cc::render_review(team, cc::ReviewFormat::Csv));
    }
    const std::string cmd =
        "bash '" + cctest::source_dir() + "/tests/html/render_check.sh' '" + page + "' '" + png + "'";
    const int rc = std::system(cmd.c_str());
    BOOST_REQUIRE(rc != -1 && WIFEXITED(rc));
    if (WEXITSTATUS(rc) == 77) {
        BOOST_TEST_MESSAGE("chromium not installed: HTML render check skipped");
        return;
    }
    BOOST_TEST(WEXITSTATUS(rc) == 0);

    // A page that is not the review (a stand-in for Chromium's own error
    // page, whose screenshot is not blank either) must fail the check.
    const std::string other = "bash '" + cctest::source_dir() + "/tests/html/render_check.sh' '" +
                              cctest::source_dir() + "/tests/html/not_the_review.html' '" + tmp.path() +
                              "/other.png' 2>/dev/null";
    const int rc_other = std::system(other.c_str());
    BOOST_REQUIRE(rc_other != -1 && WIFEXITED(rc_other));
    BOOST_TEST(WEXITSTATUS(rc_other) == 1, "render_check.sh passed a page that is not the review");

    // A folder name with a space, '#' and '%' still reaches the file.
    const std::string odd = tmp.path() + "/a b#1%20";
    fs::create_directories(odd);
    fs::copy_file(page, odd + "/review.html", fs::copy_options::overwrite_existing);
    const std::string odd_cmd = "bash '" + cctest::source_dir() + "/tests/html/render_check.sh' '" + odd +
                                "/review.html' '" + odd + "/review.png'";
    const int rc_odd = std::system(odd_cmd.c_str());
    BOOST_REQUIRE(rc_odd != -1 && WIFEXITED(rc_odd));
    BOOST_TEST(WEXITSTATUS(rc_odd) == 0);
}

// A course of `pieces` pieces with three roles each, `per_module` pieces to
// a module, 30 people, statuses of every kind and due dates around the clock.
World big(int pieces, int per_module) {
    World w;
    w.role("writer", "Writer");
    w.role("designer", "Instructional designer");
    w.role("artist", "Artist");
    std::vector<std::uint32_t> people;
    for (int i = 0; i < 30; ++i)
        people.push_back(w.person("Person " + std::to_string(i), "mailto:p" + std::to_string(i) + "@example.org",
                                  {"writer", "designer", "artist"}));
    const cc::Status statuses[] = {cc::Status::NotStarted, cc::Status::InProgress, cc::Status::InReview,
                                   cc::Status::Done, cc::Status::Blocked};
    std::uint32_t mod = 0;
    for (int i = 0; i < pieces; ++i) {
        if (i % per_module == 0)
            mod = w.module("MOD-" + std::to_string(i / per_module), "Module " + std::to_string(i / per_module));
        const std::string id = "SCO-" + std::to_string(i);
        const std::string due = i % 7 ? "2024-05-" + std::to_string(10 + i % 20) : "";
        w.piece(mod, id, "Piece " + std::to_string(i) + " & friends").slots = {
            slot("artist", {people[i % 30]}, due), slot("designer", {people[(i + 1) % 30]}, due),
            slot("writer", i % 50 ? std::vector<std::uint32_t>{people[(i + 2) % 30]} : std::vector<std::uint32_t>{}, due)};
        for (const char *role : {"artist", "designer", "writer"})
            if (i % 3) w.state(id, role, statuses[(i + role[0]) % 5], kNow - (i % 40) * kDay);
    }
    return w;
}

// This thread's CPU time: unlike the wall clock, it does not count the time
// the scheduler gives other processes (a long run is preempted more often
// than a short one on a busy machine, which skews a ratio of wall times).
double cpu_seconds() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

// Building and rendering stay linear in the number of pairs. Each step is
// timed on a course of N pieces and of 32N (CPU time, best of several runs):
// linear work takes about 32x as long, quadratic work 1024x. The bound, 128x,
// fails a quadratic slip (an index replaced by a scan, a string rebuilt per
// row) once its quadratic part is a tenth of the work at N, and leaves room
// for cache and page-fault effects and a busy machine (linear steps measured
// 33x to 84x on a 2-core VM shared by eight builds, 18x to 33x under ASan).
// Two shapes: one big module (catches work quadratic in a module's pieces)
// and many small ones (in the modules or the findings).
// tests/mutation/review.txt lists the slips it was tried against.
BOOST_AUTO_TEST_CASE(review_time_grows_linearly) {
    constexpr int kSmall = 400, kScale = 32, kRuns = 7;
    constexpr double kBound = 128.0;
    for (const int per_module : {kScale * kSmall, 10}) {
        const World small_world = big(kSmall, per_module), large_world = big(kScale * kSmall, per_module);
        // best[size][step]: step 0 builds, 1..4 render table, json, csv, html.
        double best[2][5];
        for (auto &row : best)
            for (double &b : row) b = 1e300;
        const cc::ReviewFormat formats[] = {cc::ReviewFormat::Table, cc::ReviewFormat::Json, cc::ReviewFormat::Csv,
                                            cc::ReviewFormat::Html};
        // Each size in a block: interleaving the sizes made glibc hand the
        // heap back and fault it in again on every large run (x20 for work
        // that is linear when measured alone).
        for (int size = 0; size < 2; ++size) {
            for (int run = 0; run < kRuns; ++run) {
                const World &w = size ? large_world : small_world;
                double t0 = cpu_seconds();
                const cc::Review r = w.review();
                auto keep = [&](int step, double t) { best[size][step] = std::min(best[size][step], t); };
                keep(0, cpu_seconds() - t0);
                BOOST_TEST_REQUIRE(r.overall.total == 3u * (size ? kScale * kSmall : kSmall));
                for (int f = 0; f < 4; ++f) {
                    t0 = cpu_seconds();
                    const std::string out = cc::render_review(r, formats[f]);
                    keep(f + 1, cpu_seconds() - t0);
                    BOOST_TEST_REQUIRE(out.size() > r.overall.total);
                }
                // Far past the bound already: more runs would only take long.
                bool clear = false;
                for (int step = 0; step < 5; ++step) clear = clear || best[1][step] > 4 * kBound * best[0][step];
                if (size == 1 && clear) break;
            }
        }
        const char *steps[] = {"build", "render table", "render json", "render csv", "render html"};
        for (int step = 0; step < 5; ++step) {
            // A floor of 50 us keeps a step too quick to time from dividing by noise.
            const double ratio = best[1][step] / std::max(best[0][step], 50e-6);
            BOOST_TEST_MESSAGE(steps[step] << " (" << per_module << " pieces a module): " << best[0][step] * 1e3
                                           << " ms for " << kSmall << " pieces, " << best[1][step] * 1e3
                                           << " ms for " << kScale * kSmall << ", x" << ratio);
            BOOST_TEST(ratio < kBound, steps[step] << " with " << per_module << " pieces a module grew x" << ratio
                                                   << " for " << kScale << "x the pieces (linear: ~" << kScale
                                                   << ", quadratic: ~" << kScale * kScale << ")");
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()
