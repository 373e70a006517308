// Role maps and plans: globs, file kinds, each rule matcher alone and
// together, exclusions, the built-in defaults, people, due dates,
// per-role fingerprints, and every kind of broken map (fixtures in
// tests/fixtures/rolemaps/, each with the JSON pointers it must report).
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <ctime>
#include <functional>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "plugin/engine/registry.hpp"
#include "plugin/roles/rolemap.hpp"
#include "support.hpp"

using namespace coursecrew;

namespace {

// ------------------------------------------------------------ helpers

RoleMap load_ok(const std::string &json) {
    RoleMap m;
    std::vector<MapError> errors;
    const bool ok = load_role_map(json, "test.json", m, errors);
    std::string all;
    for (const auto &e : errors) all += e.pointer + ": " + e.message + "\n";
    BOOST_TEST_REQUIRE(ok, all);
    return m;
}

// A team map of just these rules (no defaults), with the built-in roles.
RoleMap rules_only(const std::string &rules) {
    RoleMap team = load_ok(R"({"version": 1, "rules": )" + rules + "}");
    return effective_role_map(&team, false);
}

const PiecePlan *find_piece(const Plan &plan, const std::string &id) {
    for (const auto &p : plan.pieces)
        if (p.piece_id == id) return &p;
    return nullptr;
}

std::vector<std::string> roles_of(const Plan &plan, const std::string &piece) {
    std::vector<std::string> out;
    const PiecePlan *p = find_piece(plan, piece);
    BOOST_TEST_REQUIRE(p != nullptr, "no piece " << piece);
    for (const auto &s : p->slots) out.push_back(s.role);
    return out;
}

const Slot *slot_of(const Plan &plan, const std::string &piece, const std::string &role) {
    const PiecePlan *p = find_piece(plan, piece);
    if (!p) return nullptr;
    for (const auto &s : p->slots)
        if (s.role == role) return &s;
    return nullptr;
}

// The pieces that got `role`, in course order.
std::vector<std::string> pieces_with(const Plan &plan, const std::string &role) {
    std::vector<std::string> out;
    for (const auto &p : plan.pieces)
        for (const auto &s : p.slots)
            if (s.role == role) out.push_back(p.piece_id);
    return out;
}

using Names = std::vector<std::string>;

// A course built by hand, so that every fact and file kind can be set
// exactly (the readers are tested elsewhere):
//
//   M1 "Basics"    P-TEXT  "Reading"       sco    m1/read.html, m1/notes.pdf
//                  P-MEDIA "Video lesson"  asset  media/intro.mp4, media/intro.vtt,
//                                                 audio/voice.mp3, fonts/a.woff2, img/a.png
//                  P-CODE  "Quiz: safety"  sco    quiz/quiz.js, quiz/quiz.css; launches
//                                                 quiz/index.html, which it does not list
//   M2 "Advanced"  P-SEQ (sequencing), P-OBJ (2 objectives), P-INT (interactions),
//                  P-MAS (mastery score), P-KW (keyword "Narration"), P-NONE (no resource)
//   course keyword "Induction"
struct CourseBuilder {
    Course c;

    std::uint32_t module(const std::string &id, const std::string &title) {
        Item it;
        it.id = id;
        it.title.add("", title);
        c.items.push_back(std::move(it));
        const auto index = static_cast<std::uint32_t>(c.items.size() - 1);
        c.modules.push_back(index);
        return index;
    }

    std::uint32_t piece(std::uint32_t module, const std::string &id, const std::string &title,
                        std::uint32_t resource) {
        Item it;
        it.id = id;
        if (!title.empty()) it.title.add("en", title);
        it.parent = module;
        it.resource = resource;
        c.items.push_back(std::move(it));
        const auto index = static_cast<std::uint32_t>(c.items.size() - 1);
        c.items[module].children.push_back(index);
        return index;
    }

    std::uint32_t resource(const std::string &scorm_type, const std::string &launch,
                           const std::vector<std::string> &files) {
        Resource r;
        r.id = c.strings.add("R" + std::to_string(c.resources.size()));
        r.type = "webcontent";
        r.scorm_type = c.strings.add(scorm_type);
        r.launch_path = c.strings.add(launch);
        c.resources.push_back(std::move(r));
        const auto index = static_cast<std::uint32_t>(c.resources.size() - 1);
        for (const auto &f : files) c.add_file(index, f, 1);
        return index;
    }
};

struct HandCourse : CourseBuilder {
    HandCourse() {
        c.metadata.keywords = {"Induction"};
        const std::uint32_t m1 = module("M1", "Basics");
        piece(m1, "P-TEXT", "Reading", resource("sco", "m1/read.html", {"m1/read.html", "m1/notes.pdf"}));
        piece(m1, "P-MEDIA", "Video lesson",
              resource("asset", "", {"media/intro.mp4", "media/intro.vtt", "audio/voice.mp3",
                                     "fonts/a.woff2", "img/a.png"}));
        piece(m1, "P-CODE", "Quiz: safety", resource("sco", "quiz/index.html", {"quiz/quiz.js", "quiz/quiz.css"}));
        const std::uint32_t m2 = module("M2", "Advanced");
        c.items[piece(m2, "P-SEQ", "Sequenced", resource("sco", "", {"s/a.html"}))].details().facts.has_sequencing = true;
        c.items[piece(m2, "P-OBJ", "Objectives", resource("sco", "", {"o/a.html"}))].details().facts.objectives = 2;
        c.items[piece(m2, "P-INT", "Interactions", resource("sco", "", {"i/a.html"}))].details().facts.has_interactions = true;
        c.items[piece(m2, "P-MAS", "Mastery", resource("sco", "", {"ms/a.html"}))].details().facts.mastery_score = 0.8;
        c.items[piece(m2, "P-KW", "Keywords", resource("sco", "", {"k/a.html"}))].details().metadata.keywords = {"Narration"};
        piece(m2, "P-NONE", "", kNone);
    }
};

Course &hand_course() {
    static HandCourse course;
    return course.c;
}

// The sample course, read once.
Inspection &sample() {
    static const std::unique_ptr<Inspection> ins = [] {
        auto i = std::make_unique<Inspection>(20);
        inspect_package(cctest::source_dir() + "/samples/safety-basics", InspectOptions{}, *i);
        return i;
    }();
    BOOST_TEST_REQUIRE(ins->usable());
    return *ins;
}

std::string fixture(const std::string &name) {
    return cctest::source_dir() + "/tests/fixtures/rolemaps/" + name;
}

// Loads a broken fixture: it must fail, report exactly these pointers (in
// document order), name the file, and leave `out` as it was.
std::vector<MapError> broken(const std::string &name, const Names &pointers) {
    RoleMap out;
    out.file = "untouched";
    out.roles.push_back({"keep", "Keep me"});
    std::vector<MapError> errors;
    BOOST_TEST(!load_role_map_file(fixture(name), out, errors));
    Names got;
    for (const auto &e : errors) {
        got.push_back(e.pointer);
        BOOST_TEST(e.file == fixture(name));
        BOOST_TEST(!e.message.empty());
    }
    BOOST_TEST(got == pointers, boost::test_tools::per_element());
    BOOST_TEST(out.file == "untouched");
    BOOST_TEST_REQUIRE(out.roles.size() == 1u);
    BOOST_TEST(out.roles[0].id == "keep");
    BOOST_TEST(out.rules.empty());
    BOOST_TEST(out.people.empty());
    return errors;
}

bool mentions(const MapError &e, const std::string &text) {
    return e.message.find(text) != std::string::npos;
}


// The recursive matcher glob_match had until issue 10, kept as the
// reference the linear one must agree with (it backtracks, so it is only
// run on short patterns).
struct ReferenceGlob {
    const char *pattern_begin;

    static bool match_class(const char *p, const char *pe, char c, const char *&end, bool &hit) {
        const char *q = p + 1;
        bool negate = false;
        if (q < pe && (*q == '!' || *q == '^')) {
            negate = true;
            ++q;
        }
        bool in = false;
        bool first = true;
        for (; q < pe; first = false) {
            if (*q == ']' && !first) {
                end = q + 1;
                hit = in != negate;
                return true;
            }
            char lo = *q;
            if (lo == '\\' && q + 1 < pe) lo = *++q;
            ++q;
            char hi = lo;
            if (q + 1 < pe && *q == '-' && q[1] != ']') {
                hi = q[1];
                if (hi == '\\' && q + 2 < pe) {
                    hi = q[2];
                    ++q;
                }
                q += 2;
            }
            if (static_cast<unsigned char>(c) >= static_cast<unsigned char>(lo) &&
                static_cast<unsigned char>(c) <= static_cast<unsigned char>(hi))
                in = true;
        }
        return false;
    }

    bool at_segment_start(const char *p) const { return p == pattern_begin || p[-1] == '/'; }

    bool match(const char *p, const char *pe, const char *t, const char *te) const {
        while (p < pe) {
            if (p[0] == '*' && p + 1 < pe && p[1] == '*' && at_segment_start(p) &&
                (p + 2 == pe || p[2] == '/')) {
                if (p + 2 == pe) return true;
                const char *rest = p + 3;
                for (const char *s = t;;) {
                    if (match(rest, pe, s, te)) return true;
                    s = std::find(s, te, '/');
                    if (s == te) return false;
                    ++s;
                }
            }
            switch (*p) {
            case '*': {
                while (p < pe && *p == '*') ++p;
                for (const char *s = t;; ++s) {
                    if (match(p, pe, s, te)) return true;
                    if (s == te || *s == '/') return false;
                }
            }
            case '?':
                if (t == te || *t == '/') return false;
                ++p;
                ++t;
                continue;
            case '[': {
                const char *end = nullptr;
                bool hit = false;
                if (t < te && *t != '/' && match_class(p, pe, *t, end, hit)) {
                    if (!hit) return false;
                    p = end;
                    ++t;
                    continue;
                }
                if (t < te && *t != '/' && end == nullptr) {
                    if (*t != '[') return false;
                    ++p;
                    ++t;
                    continue;
                }
                return false;
            }
            case '\\':
                if (p + 1 < pe) ++p;
                [[fallthrough]];
            default:
                if (t == te || *t != *p) return false;
                ++p;
                ++t;
                continue;
            }
        }
        return t == te;
    }
};

bool reference_glob(const std::string &pattern, const std::string &text) {
    ReferenceGlob g{pattern.data()};
    return g.match(pattern.data(), pattern.data() + pattern.size(), text.data(),
                   text.data() + text.size());
}

using cctest::repeat;

using cctest::seconds_since;

// A map with `n` people, each given by `person(i)`.
std::string map_of_people(std::size_t n, const std::function<std::string(std::size_t)> &person) {
    std::string json = R"({"version": 1, "people": [)";
    for (std::size_t i = 0; i < n; ++i) json += (i ? ",\n" : "\n") + person(i);
    return json + "]}";
}

}  // namespace

BOOST_AUTO_TEST_SUITE(rolemap)

// ------------------------------------------------------------ globs

BOOST_AUTO_TEST_CASE(glob_star_and_question_mark_stay_within_a_segment) {
    BOOST_TEST(glob_match("*.png", "a.png"));
    BOOST_TEST(!glob_match("*.png", "img/a.png"));
    BOOST_TEST(glob_match("img/*.png", "img/a.png"));
    BOOST_TEST(!glob_match("img/*.png", "img/x/a.png"));
    BOOST_TEST(glob_match("*", ""));
    BOOST_TEST(glob_match("*", "abc"));
    BOOST_TEST(!glob_match("*", "a/b"));
    BOOST_TEST(glob_match("MOD-*", "MOD-INTRO"));
    BOOST_TEST(!glob_match("MOD-*", "mod-intro"));  // case-sensitive
    BOOST_TEST(glob_match("*Quiz*", "Safety Quiz 1"));
    BOOST_TEST(glob_match("a*b*c", "aXbYc"));
    BOOST_TEST(!glob_match("a*b*c", "aXbY"));
    BOOST_TEST(glob_match("?.js", "a.js"));
    BOOST_TEST(!glob_match("?.js", "ab.js"));
    BOOST_TEST(!glob_match("?.js", ".js"));
    BOOST_TEST(!glob_match("a?b", "a/b"));
}

BOOST_AUTO_TEST_CASE(glob_double_star_spans_segments) {
    BOOST_TEST(glob_match("**", ""));
    BOOST_TEST(glob_match("**", "a/b/c.txt"));
    BOOST_TEST(glob_match("**/*.png", "a.png"));
    BOOST_TEST(glob_match("**/*.png", "a/b/c.png"));
    BOOST_TEST(!glob_match("**/*.png", "a/b/c.png.txt"));
    BOOST_TEST(glob_match("a/**/b", "a/b"));
    BOOST_TEST(glob_match("a/**/b", "a/x/y/b"));
    BOOST_TEST(!glob_match("a/**/b", "ab"));
    BOOST_TEST(!glob_match("a/**/b", "a/x/yb"));
    BOOST_TEST(glob_match("audio/**", "audio/x.mp3"));
    BOOST_TEST(glob_match("audio/**", "audio/en/x.mp3"));
    BOOST_TEST(!glob_match("audio/**", "audiobook/x.mp3"));
    BOOST_TEST(!glob_match("audio/**", "audio"));
    BOOST_TEST(glob_match("**/intro/*", "m1/intro/a.html"));
    BOOST_TEST(glob_match("**/intro/*", "intro/a.html"));
    BOOST_TEST(!glob_match("**/intro/*", "m1/intro/x/a.html"));
    // Not a whole segment: an ordinary '*'.
    BOOST_TEST(glob_match("a**b", "axxb"));
    BOOST_TEST(!glob_match("a**b", "ax/xb"));
}

BOOST_AUTO_TEST_CASE(glob_classes_and_edge_cases) {
    BOOST_TEST(glob_match("[abc].txt", "b.txt"));
    BOOST_TEST(!glob_match("[abc].txt", "d.txt"));
    BOOST_TEST(glob_match("file[0-9].js", "file7.js"));
    BOOST_TEST(!glob_match("file[0-9].js", "fileA.js"));
    BOOST_TEST(glob_match("[!a]x", "bx"));
    BOOST_TEST(!glob_match("[!a]x", "ax"));
    BOOST_TEST(glob_match("[^a]x", "bx"));
    BOOST_TEST(glob_match("[]]", "]"));            // ']' first is a member
    BOOST_TEST(!glob_match("a[/]b", "a/b"));       // a class never matches '/'
    BOOST_TEST(glob_match("a[b", "a[b"));          // unclosed: a literal '['
    BOOST_TEST(glob_match("a\\*b", "a*b"));        // escaped: a literal '*'
    BOOST_TEST(!glob_match("a\\*b", "axb"));
    BOOST_TEST(glob_match("", ""));
    BOOST_TEST(!glob_match("", "a"));
    BOOST_TEST(!glob_match("a", ""));
    BOOST_TEST(glob_match("exact/path.html", "exact/path.html"));
    BOOST_TEST(!glob_match("exact/path.html", "exact/path.htm"));
}

BOOST_AUTO_TEST_CASE(plans_match_globs_exactly_as_glob_match_does) {
    // Plans compile globs into faster shapes ("dir/**", "**/*.ext", ...);
    // every shape must agree with glob_match on paths and on identifiers.
    const Names paths = {"a.png", "b.png", "a/b.png", "a/x/b.png", "a/x/c.png", "b/c.png",
                         "ab.png", "a*b", "axb", "a", "a/", ".png", "x/a/y.png", "a/b.png/c"};
    const Names patterns = {"**", "*", "*.png", "**/*.png", "a/**", "a/*", "a/**/b.png",
                            "**/b.png", "a/*/c.png", "?.png", "[ab]/*.png", "a\\*b", "**/a/**",
                            "a**", "*a*", "a/b.png", "a?b", "**/*", "*/", "a/*.png"};
    CourseBuilder b;
    const std::uint32_t m = b.module("M", "Module");
    // Each piece has one of the paths as its only file and as its id.
    for (const auto &path : paths) b.piece(m, path, "", b.resource("sco", "", {path}));
    for (const auto &pattern : patterns) {
        std::string escaped;
        for (char ch : pattern) escaped += ch == '\\' ? std::string("\\\\") : std::string(1, ch);
        for (const char *criterion : {"paths", "ids"}) {
            Plan p = plan_roles(b.c, rules_only(R"([{"match": {")" + std::string(criterion) +
                                                R"(": [")" + escaped + R"("]}, "roles": ["writer"]}])"));
            for (const auto &path : paths) {
                // An id glob also matches through the module's id.
                const bool expected = glob_match(pattern, path) ||
                                      (std::string(criterion) == "ids" && glob_match(pattern, "M"));
                BOOST_TEST(!roles_of(p, path).empty() == expected,
                           criterion << " '" << pattern << "' on '" << path << "'");
            }
        }
    }
}

// ------------------------------------------------------------ file kinds

BOOST_AUTO_TEST_CASE(file_kinds_come_from_the_extension) {
    const std::map<std::string, FileKind> cases = {
        {"a/page.html", FileKind::Text},    {"page.HTM", FileKind::Text},
        {"notes.md", FileKind::Text},       {"letter.rtf", FileKind::Text},
        {"x.xhtml", FileKind::Text},        {"readme.txt", FileKind::Text},
        {"img/a.PNG", FileKind::Image},     {"b.jpeg", FileKind::Image},
        {"c.svg", FileKind::Image},         {"d.tiff", FileKind::Image},
        {"e.webp", FileKind::Image},        {"voice.mp3", FileKind::Audio},
        {"f.flac", FileKind::Audio},        {"g.m4a", FileKind::Audio},
        {"intro.mp4", FileKind::Video},     {"h.webm", FileKind::Video},
        {"i.mkv", FileKind::Video},         {"font.woff2", FileKind::Font},
        {"j.ttf", FileKind::Font},          {"app.js", FileKind::Script},
        {"k.mjs", FileKind::Script},        {"site.css", FileKind::Style},
        {"l.scss", FileKind::Style},        {"handout.pdf", FileKind::Document},
        {"m.docx", FileKind::Document},     {"n.epub", FileKind::Document},
        {"data.json", FileKind::Data},      {"imsmanifest.xml", FileKind::Data},
        {"subs.vtt", FileKind::Data},       {"o.yml", FileKind::Data},
        {"Makefile", FileKind::Other},      {".htaccess", FileKind::Other},
        {"dir.d/file", FileKind::Other},    {"archive.zip", FileKind::Other},
        {"trailing.", FileKind::Other},     {"x.verylongextension", FileKind::Other},
        {"", FileKind::Other},
    };
    for (const auto &[path, kind] : cases)
        BOOST_TEST((file_kind(path) == kind), path << " is " << to_string(file_kind(path)));
}

BOOST_AUTO_TEST_CASE(file_kind_names_round_trip) {
    for (FileKind k : {FileKind::Text, FileKind::Image, FileKind::Audio, FileKind::Video,
                       FileKind::Font, FileKind::Script, FileKind::Style, FileKind::Document,
                       FileKind::Data, FileKind::Other}) {
        FileKind back = FileKind::Other;
        BOOST_TEST(parse_file_kind(to_string(k), back));
        BOOST_TEST((back == k));
    }
    FileKind k;
    BOOST_TEST(!parse_file_kind("texts", k));
    BOOST_TEST(!parse_file_kind("Image", k));
    BOOST_TEST(std::string(to_string(FileKind::Document)) == "document");
}

// ------------------------------------------------------------ each matcher

BOOST_AUTO_TEST_CASE(paths_match_any_file_of_the_piece_and_its_launch_file) {
    const Course &c = hand_course();
    Plan p = plan_roles(c, rules_only(R"([{"match": {"paths": ["media/**"]}, "roles": ["artist"]}])"));
    BOOST_TEST(pieces_with(p, "artist") == Names{"P-MEDIA"}, boost::test_tools::per_element());

    // quiz/index.html is only P-CODE's launch file, not in its file list.
    p = plan_roles(c, rules_only(R"([{"match": {"paths": ["**/*.html"]}, "roles": ["writer"]}])"));
    BOOST_TEST(pieces_with(p, "writer") ==
                   (Names{"P-TEXT", "P-CODE", "P-SEQ", "P-OBJ", "P-INT", "P-MAS", "P-KW"}),
               boost::test_tools::per_element());

    p = plan_roles(c, rules_only(R"([{"match": {"paths": ["m1/*.pdf", "fonts/*"]}, "roles": ["expert"]}])"));
    BOOST_TEST(pieces_with(p, "expert") == (Names{"P-TEXT", "P-MEDIA"}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(kinds_match_by_extension) {
    const Course &c = hand_course();
    auto with = [&](const std::string &kinds) {
        return pieces_with(plan_roles(c, rules_only(R"([{"match": {"kinds": )" + kinds +
                                                    R"(}, "roles": ["artist"]}])")),
                           "artist");
    };
    BOOST_TEST(with(R"(["audio"])") == Names{"P-MEDIA"}, boost::test_tools::per_element());
    BOOST_TEST(with(R"(["video"])") == Names{"P-MEDIA"}, boost::test_tools::per_element());
    BOOST_TEST(with(R"(["script"])") == Names{"P-CODE"}, boost::test_tools::per_element());
    BOOST_TEST(with(R"(["style", "document"])") == (Names{"P-TEXT", "P-CODE"}),
               boost::test_tools::per_element());
    BOOST_TEST(with(R"(["data"])") == Names{"P-MEDIA"}, boost::test_tools::per_element());  // .vtt
    // P-CODE's text comes from its launch file alone.
    BOOST_TEST(with(R"(["text"])") ==
                   (Names{"P-TEXT", "P-CODE", "P-SEQ", "P-OBJ", "P-INT", "P-MAS", "P-KW"}),
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(paths_and_kinds_must_hold_for_the_same_file) {
    // media/ has video and subtitles; the audio is under audio/: no one file is both.
    Plan p = plan_roles(hand_course(), rules_only(R"([{"match": {"paths": ["media/**"], "kinds": ["audio"]},
                                                       "roles": ["artist"]}])"));
    BOOST_TEST(pieces_with(p, "artist").empty());
    p = plan_roles(hand_course(), rules_only(R"([{"match": {"paths": ["media/**"], "kinds": ["video"]},
                                                  "roles": ["artist"]}])"));
    BOOST_TEST(pieces_with(p, "artist") == Names{"P-MEDIA"}, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(resource_types_match_type_or_scorm_type) {
    const Course &c = hand_course();
    Plan p = plan_roles(c, rules_only(R"([{"match": {"resource_types": ["asset"]}, "roles": ["artist"]}])"));
    BOOST_TEST(pieces_with(p, "artist") == Names{"P-MEDIA"}, boost::test_tools::per_element());
    p = plan_roles(c, rules_only(R"([{"match": {"resource_types": ["SCO"]}, "roles": ["designer"]}])"));
    BOOST_TEST(pieces_with(p, "designer").size() == 7u);  // case-insensitive; not P-MEDIA, P-NONE
    p = plan_roles(c, rules_only(R"([{"match": {"resource_types": ["webcontent"]}, "roles": ["writer"]}])"));
    BOOST_TEST(pieces_with(p, "writer").size() == 8u);  // every piece with a resource
}

BOOST_AUTO_TEST_CASE(ids_match_the_piece_or_its_module) {
    const Course &c = hand_course();
    Plan p = plan_roles(c, rules_only(R"([{"match": {"ids": ["P-M*"]}, "roles": ["expert"]}])"));
    BOOST_TEST(pieces_with(p, "expert") == (Names{"P-MEDIA", "P-MAS"}), boost::test_tools::per_element());
    p = plan_roles(c, rules_only(R"([{"match": {"ids": ["M1"]}, "roles": ["expert"]}])"));
    BOOST_TEST(pieces_with(p, "expert") == (Names{"P-TEXT", "P-MEDIA", "P-CODE"}),
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(titles_match_the_piece_or_its_module) {
    const Course &c = hand_course();
    Plan p = plan_roles(c, rules_only(R"([{"match": {"titles": ["*Quiz*"]}, "roles": ["reviewer"]}])"));
    BOOST_TEST(pieces_with(p, "reviewer") == Names{"P-CODE"}, boost::test_tools::per_element());
    p = plan_roles(c, rules_only(R"([{"match": {"titles": ["Advanced"]}, "roles": ["reviewer"]}])"));
    BOOST_TEST(pieces_with(p, "reviewer").size() == 6u);  // all of M2, P-NONE included
    // "*" matches any title there is; a piece without one still has its module's.
    p = plan_roles(c, rules_only(R"([{"match": {"titles": ["*"]}, "roles": ["writer"]}])"));
    BOOST_TEST(pieces_with(p, "writer").size() == 9u);
}

BOOST_AUTO_TEST_CASE(keywords_match_case_insensitively_on_piece_and_course) {
    const Course &c = hand_course();
    Plan p = plan_roles(c, rules_only(R"([{"match": {"keywords": ["narration"]}, "roles": ["expert"]}])"));
    BOOST_TEST(pieces_with(p, "expert") == Names{"P-KW"}, boost::test_tools::per_element());
    p = plan_roles(c, rules_only(R"([{"match": {"keywords": ["INDUCTION"]}, "roles": ["expert"]}])"));
    BOOST_TEST(pieces_with(p, "expert").size() == 9u);  // a course keyword: every piece
    p = plan_roles(c, rules_only(R"([{"match": {"keywords": ["narr"]}, "roles": ["expert"]}])"));
    BOOST_TEST(pieces_with(p, "expert").empty());  // whole keywords only
}

BOOST_AUTO_TEST_CASE(each_fact_matches_alone) {
    const Course &c = hand_course();
    const std::map<std::string, std::string> expected = {
        {"sequencing", "P-SEQ"}, {"objectives", "P-OBJ"},
        {"interactions", "P-INT"}, {"mastery_score", "P-MAS"}};
    for (const auto &[fact, piece] : expected) {
        Plan p = plan_roles(c, rules_only(R"([{"match": {"facts": [")" + fact +
                                          R"("]}, "roles": ["designer"]}])"));
        BOOST_TEST(pieces_with(p, "designer") == Names{piece}, boost::test_tools::per_element());
    }
    Plan p = plan_roles(c, rules_only(R"([{"match": {"facts": ["objectives", "mastery_score"]},
                                           "roles": ["designer"]}])"));
    BOOST_TEST(pieces_with(p, "designer") == (Names{"P-OBJ", "P-MAS"}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(sequencing_rules_count_as_sequencing) {
    HandCourse hc;
    Item &it = hc.c.items[hc.piece(hc.c.modules[0], "P-RULES", "Rules", kNone)];
    it.details().facts.sequencing_rules = 2;
    Plan p = plan_roles(hc.c, rules_only(R"([{"match": {"facts": ["sequencing"]}, "roles": ["designer"]}])"));
    BOOST_TEST(pieces_with(p, "designer") == (Names{"P-RULES", "P-SEQ"}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(criteria_of_one_rule_must_all_hold) {
    Plan p = plan_roles(hand_course(), rules_only(R"([{"match": {"ids": ["M1"], "kinds": ["text"]},
                                                       "roles": ["writer"]}])"));
    BOOST_TEST(pieces_with(p, "writer") == (Names{"P-TEXT", "P-CODE"}), boost::test_tools::per_element());
    // An empty match holds for every piece.
    p = plan_roles(hand_course(), rules_only(R"([{"match": {}, "roles": ["reviewer"]}])"));
    BOOST_TEST(pieces_with(p, "reviewer").size() == 9u);
}

BOOST_AUTO_TEST_CASE(more_than_64_file_rules) {
    // File rules are tracked as bits, 64 to a word: the 66th still counts.
    std::string rules = "[";
    for (int i = 0; i < 65; ++i) rules += R"({"match": {"kinds": ["font"]}, "roles": ["artist"]},)";
    rules += R"({"match": {"paths": ["audio/**"]}, "roles": ["expert"]}])";
    Plan p = plan_roles(hand_course(), rules_only(rules));
    BOOST_TEST(roles_of(p, "P-MEDIA") == (Names{"artist", "expert"}), boost::test_tools::per_element());
    BOOST_TEST(roles_of(p, "P-TEXT").empty());
}

// ------------------------------------------------------------ unions, exclusions

BOOST_AUTO_TEST_CASE(roles_are_the_union_of_matching_rules) {
    Plan p = plan_roles(hand_course(), rules_only(R"([
        {"match": {"kinds": ["audio"]}, "roles": ["artist"]},
        {"match": {"ids": ["P-MEDIA"]}, "roles": ["expert", "artist"]},
        {"match": {"kinds": ["text"]}, "roles": ["writer"]}])"));
    BOOST_TEST(roles_of(p, "P-MEDIA") == (Names{"artist", "expert"}), boost::test_tools::per_element());
    BOOST_TEST(roles_of(p, "P-TEXT") == Names{"writer"}, boost::test_tools::per_element());
    BOOST_TEST(roles_of(p, "P-NONE").empty());
    BOOST_TEST(p.pieces.size() == 9u);
    std::size_t pairs = 0;
    for (const auto &piece : p.pieces) pairs += piece.slots.size();
    BOOST_TEST(p.pairs() == pairs);
}

BOOST_AUTO_TEST_CASE(an_exclusion_removes_a_role_whatever_the_order) {
    for (const bool exclude_first : {false, true}) {
        const std::string add = R"({"match": {"kinds": ["image", "audio"]}, "roles": ["artist", "writer"]})";
        const std::string remove = R"({"match": {"ids": ["P-MEDIA"]}, "exclude": ["artist"]})";
        Plan p = plan_roles(hand_course(), rules_only("[" + (exclude_first ? remove + "," + add
                                                                            : add + "," + remove) + "]"));
        BOOST_TEST(roles_of(p, "P-MEDIA") == Names{"writer"}, boost::test_tools::per_element());
    }
}

// ------------------------------------------------------------ defaults

BOOST_AUTO_TEST_CASE(the_defaults_are_valid_and_name_the_five_roles) {
    const RoleMap &d = default_role_map();
    Names ids;
    for (const auto &r : d.roles) ids.push_back(r.id);
    BOOST_TEST(ids == (Names{"writer", "designer", "artist", "expert", "reviewer"}),
               boost::test_tools::per_element());
    BOOST_TEST(d.find_role("designer")->title == "Instructional designer");
    BOOST_TEST(d.find_role("artist")->title == "Graphic and media artist");
    BOOST_TEST(d.find_role("expert")->title == "Subject-matter expert");
    BOOST_TEST(d.file.empty());
    BOOST_TEST(!d.rules.empty());
    BOOST_TEST(&d == &default_role_map());  // parsed once

    // The shipped file follows the schema (checked here with the test helper too).
    rapidjson::Document doc;
    const std::string text = cctest::read_file(cctest::source_dir() + "/roles/defaults.json");
    doc.Parse(text.c_str());
    BOOST_TEST_REQUIRE(!doc.HasParseError());
    BOOST_TEST(cctest::validate_against("rolemap.schema.json", doc) == "");
}

BOOST_AUTO_TEST_CASE(the_schema_describes_every_property) {
    rapidjson::Document schema;
    const std::string text = cctest::read_file(cctest::source_dir() + "/schemas/rolemap.schema.json");
    schema.Parse(text.c_str());
    BOOST_TEST_REQUIRE(!schema.HasParseError());
    // Every object schema says what it is and allows nothing else.
    std::vector<std::string> undescribed;
    std::function<void(const rapidjson::Value &, const std::string &)> walk =
        [&](const rapidjson::Value &node, const std::string &at) {
            if (!node.IsObject()) return;
            if (node.HasMember("properties")) {
                BOOST_TEST(node.HasMember("additionalProperties"), at);
                for (const auto &m : node["properties"].GetObject()) {
                    const std::string child = at + "/properties/" + m.name.GetString();
                    // A "$ref" is described by its definition (checked below).
                    if (!m.value.HasMember("description") && !m.value.HasMember("$ref"))
                        undescribed.push_back(child);
                    walk(m.value, child);
                }
            }
            if (node.HasMember("definitions"))
                for (const auto &m : node["definitions"].GetObject()) {
                    if (!m.value.HasMember("description"))
                        undescribed.push_back(at + "/definitions/" + m.name.GetString());
                    walk(m.value, at + "/definitions/" + m.name.GetString());
                }
        };
    walk(schema, "#");
    BOOST_TEST(undescribed.empty(), "undescribed: " << undescribed.size());
    for (const auto &u : undescribed) BOOST_TEST_MESSAGE(u);
}

BOOST_AUTO_TEST_CASE(defaults_on_the_sample_course) {
    const Course &c = sample().course;
    Plan p = plan_roles(c, effective_role_map(nullptr, true));
    BOOST_TEST_REQUIRE(p.pieces.size() == 4u);
    // Every page is HTML (writer) with sequencing (designer). The shared
    // images, script and style all four pages list are the course shell,
    // not any page's: only a picture of its own brings the artist (Slips).
    BOOST_TEST(roles_of(p, "SCO-WELCOME") == (Names{"designer", "writer"}), boost::test_tools::per_element());
    BOOST_TEST(roles_of(p, "SCO-SLIPS") == (Names{"artist", "designer", "writer"}), boost::test_tools::per_element());
    BOOST_TEST(roles_of(p, "SCO-FIRE") == (Names{"designer", "writer"}), boost::test_tools::per_element());
    BOOST_TEST(roles_of(p, "SCO-QUIZ") == (Names{"designer", "writer"}), boost::test_tools::per_element());
    Names shell;
    for (std::uint32_t f : c.shell) shell.push_back(std::string(c.files[f].path()));
    BOOST_TEST(shell == (Names{"shared/course.css", "shared/images/logo.png", "shared/images/warning.png",
                               "shared/scorm-api.js"}),
               boost::test_tools::per_element());
    BOOST_TEST(p.pieces[0].module_id == "MOD-INTRO");
    BOOST_TEST(p.pieces[0].title == "Welcome: why safety matters");
    BOOST_TEST(p.pieces[3].piece_id == "SCO-QUIZ");
    BOOST_TEST(p.pieces[3].module == 2u);

    // The quiz is the one piece with an objective (its mastery objective).
    Plan facts = plan_roles(c, rules_only(R"([{"match": {"facts": ["objectives"]}, "roles": ["designer"]}])"));
    BOOST_TEST(pieces_with(facts, "designer") == Names{"SCO-QUIZ"}, boost::test_tools::per_element());
    // Slips has its own picture: still artist without the shared ones.
    Plan pics = plan_roles(c, rules_only(R"([{"match": {"kinds": ["image"], "paths": ["hazards/**"]},
                                              "roles": ["artist"]}])"));
    BOOST_TEST(pieces_with(pics, "artist") == Names{"SCO-SLIPS"}, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(defaults_switched_off) {
    const RoleMap none = effective_role_map(nullptr, false);
    BOOST_TEST(none.rules.empty());
    BOOST_TEST(none.roles.size() == 5u);  // the roles stay known
    Plan p = plan_roles(sample().course, none);
    BOOST_TEST(p.pieces.size() == 4u);
    BOOST_TEST(p.pairs() == 0u);
}

BOOST_AUTO_TEST_CASE(a_team_map_can_add_the_defaults) {
    const std::string rules = R"("roles": [{"id": "voice", "title": "Voice-over artist"},
                                           {"id": "writer", "title": "Copywriter"}],
                                 "rules": [{"match": {"ids": ["MOD-HAZ*"]}, "roles": ["expert"]},
                                           {"match": {"ids": ["SCO-WELCOME"]}, "roles": ["voice"]}])";
    const RoleMap alone = load_ok(R"({"version": 1, )" + rules + "}");
    const RoleMap with = load_ok(R"({"version": 1, "defaults": true, )" + rules + "}");
    BOOST_TEST(!alone.include_defaults);
    BOOST_TEST(with.include_defaults);

    const RoleMap eff_alone = effective_role_map(&alone, true);
    const RoleMap eff_with = effective_role_map(&with, true);
    // Built-in roles first (under the team's title when it gives one), then its own.
    Names ids;
    for (const auto &r : eff_with.roles) ids.push_back(r.id);
    BOOST_TEST(ids == (Names{"writer", "designer", "artist", "expert", "reviewer", "voice"}),
               boost::test_tools::per_element());
    BOOST_TEST(eff_with.find_role("writer")->title == "Copywriter");
    BOOST_TEST(eff_alone.rules.size() == 2u);
    BOOST_TEST(eff_with.rules.size() == default_role_map().rules.size() + 2);
    BOOST_TEST(eff_with.rules.back().match.ids == Names{"SCO-WELCOME"}, boost::test_tools::per_element());

    const Course &c = sample().course;
    Plan a = plan_roles(c, eff_alone);
    Plan w = plan_roles(c, eff_with);
    BOOST_TEST(roles_of(a, "SCO-SLIPS") == Names{"expert"}, boost::test_tools::per_element());
    BOOST_TEST(roles_of(a, "SCO-QUIZ").empty());
    BOOST_TEST(roles_of(w, "SCO-SLIPS") == (Names{"artist", "designer", "expert", "writer"}),
               boost::test_tools::per_element());
    BOOST_TEST(roles_of(w, "SCO-WELCOME") == (Names{"designer", "voice", "writer"}),
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(the_sample_team_map_loads_and_fits_the_sample) {
    RoleMap team;
    std::vector<MapError> errors;
    BOOST_TEST_REQUIRE(load_role_map_file(cctest::source_dir() + "/samples/safety-basics.roles.json",
                                          team, errors));
    check_against_course(team, sample().course, errors);
    BOOST_TEST(errors.empty());
    BOOST_TEST(team.calendar.weekdays == 0x1F);
    BOOST_TEST(team.calendar.holidays.size() == 3u);
    BOOST_TEST(team.calendar.away.size() == 2u);  // Bob: a day and a range
    Plan p = plan_roles(sample().course, effective_role_map(&team, true));
    BOOST_TEST(roles_of(p, "SCO-QUIZ") == (Names{"designer", "expert", "reviewer", "writer"}),
               boost::test_tools::per_element());
    BOOST_TEST(slot_of(p, "SCO-WELCOME", "voice") != nullptr);
}

// ------------------------------------------------------------ people

BOOST_AUTO_TEST_CASE(people_resolve_by_role_and_scope) {
    const RoleMap team = load_ok(R"({"version": 1, "defaults": true,
      "rules": [{"match": {}, "roles": ["reviewer"]}],
      "people": [
        {"agent": {"mbox": "mailto:ana@example.org"}, "name": "Ana", "roles": ["writer", "reviewer"],
         "scope": ["MOD-INTRO", "SCO-FIRE"]},
        {"agent": {"account": {"homePage": "https://lms.example.org", "name": "bob"}}, "name": "Bob",
         "roles": ["artist"]},
        {"agent": {"mbox": "mailto:cleo@example.org"}, "name": "Cleo", "roles": ["writer"],
         "scope": ["SCO-Q*"]},
        {"agent": {"mbox": "mailto:dan@example.org"}, "name": "Dan", "roles": ["writer"],
         "scope": ["MOD-*"]}]})");
    std::vector<MapError> errors;
    check_against_course(team, sample().course, errors);
    BOOST_TEST(errors.empty());
    const RoleMap m = effective_role_map(&team, true);
    Plan p = plan_roles(sample().course, m);
    auto people = [&](const std::string &piece, const std::string &role) {
        Names out;
        const Slot *s = slot_of(p, piece, role);
        BOOST_TEST_REQUIRE(s != nullptr, piece << " has no " << role);
        for (std::uint32_t i : s->people) out.push_back(m.people[i].name);
        return out;
    };
    // Scope by module id, shared with another writer scoped by a module glob.
    BOOST_TEST(people("SCO-WELCOME", "writer") == (Names{"Ana", "Dan"}), boost::test_tools::per_element());
    // Scope by piece id.
    BOOST_TEST(people("SCO-FIRE", "writer") == (Names{"Ana", "Dan"}), boost::test_tools::per_element());
    BOOST_TEST(people("SCO-SLIPS", "writer") == Names{"Dan"}, boost::test_tools::per_element());
    // A piece-id glob.
    BOOST_TEST(people("SCO-QUIZ", "writer") == (Names{"Cleo", "Dan"}), boost::test_tools::per_element());
    // No scope: everywhere the role is (the one piece with a picture of its own).
    BOOST_TEST(people("SCO-SLIPS", "artist") == Names{"Bob"}, boost::test_tools::per_element());
    // One person, two roles on the same piece.
    BOOST_TEST(people("SCO-WELCOME", "reviewer") == Names{"Ana"}, boost::test_tools::per_element());
    // Nobody holds designer: a gap, with the slot still there.
    BOOST_TEST(people("SCO-WELCOME", "designer").empty());
    BOOST_TEST(people("SCO-SLIPS", "reviewer").empty());
}

BOOST_AUTO_TEST_CASE(agent_keys) {
    Agent a;
    a.mbox = "mailto:ana@example.org";
    BOOST_TEST(a.key() == "mailto:ana@example.org");
    Agent b;
    b.account_home_page = "https://lms.example.org";
    b.account_name = "bob";
    BOOST_TEST(b.key() == "account:https://lms.example.org|bob");
}

// ------------------------------------------------------------ schedule

BOOST_AUTO_TEST_CASE(due_dates_per_module_and_per_role) {
    const RoleMap team = load_ok(R"({"version": 1, "defaults": true,
      "rules": [{"match": {}, "roles": ["reviewer"]}],
      "schedule": [
        {"module": "MOD-*", "due": "2026-12-31"},
        {"module": "MOD-INTRO", "due": "2026-12-15", "roles": {"reviewer": "2026-12-20"}},
        {"module": "MOD-ASSESS", "roles": {"designer": "2027-01-10"}}]})");
    Plan p = plan_roles(sample().course, effective_role_map(&team, true));
    BOOST_TEST(slot_of(p, "SCO-WELCOME", "writer")->due == "2026-12-15");
    BOOST_TEST(slot_of(p, "SCO-WELCOME", "reviewer")->due == "2026-12-20");  // per-role override
    BOOST_TEST(slot_of(p, "SCO-FIRE", "writer")->due == "2026-12-31");      // only the glob
    BOOST_TEST(slot_of(p, "SCO-QUIZ", "designer")->due == "2027-01-10");     // exact entry wins
    BOOST_TEST(slot_of(p, "SCO-QUIZ", "writer")->due == "");                 // it gives no module date

    Plan none = plan_roles(sample().course, effective_role_map(nullptr, true));
    BOOST_TEST(slot_of(none, "SCO-WELCOME", "writer")->due == "");
}

// ------------------------------------------------------------ fingerprints

namespace {

const char *kFingerprintManifest = R"(<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier="fp" version="1"
    xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2"
    xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2">
  <metadata><schema>ADL SCORM</schema><schemaversion>1.2</schemaversion></metadata>
  <organizations default="org">
    <organization identifier="org">
      <title>Fingerprints</title>
      <item identifier="m1"><title>Module 1</title>
        <item identifier="p1" identifierref="A"><title>Piece 1</title></item>
        <item identifier="p2" identifierref="B"><title>Piece 2</title></item>
      </item>
    </organization>
  </organizations>
  <resources>
    <resource identifier="A" type="webcontent" adlcp:scormtype="sco" href="page.html">
      <file href="page.html"/><file href="pic.png"/><file href="app.js"/><file href="gone.mp3"/>
    </resource>
    <resource identifier="B" type="webcontent" adlcp:scormtype="sco" href="b.html">
      <file href="b.html"/>
    </resource>
  </resources>
</manifest>
)";

struct FingerprintPackage {
    cctest::TempDir dir;
    FingerprintPackage() {
        cctest::write_file(dir / "imsmanifest.xml", kFingerprintManifest);
        cctest::write_file(dir / "page.html", "<p>page</p>");
        cctest::write_file(dir / "pic.png", "png-1");
        cctest::write_file(dir / "app.js", "var a;");
        cctest::write_file(dir / "b.html", "<p>b</p>");
        // gone.mp3 is listed but missing.
    }

    // Role -> fingerprint of piece p1, planned with `map`.
    std::map<std::string, std::string> fingerprints(const RoleMap &map,
                                                    const InspectOptions &options = {}) {
        Inspection ins(20);
        inspect_package(dir.path(), options, ins);
        Plan p = plan_roles(ins.course, map);
        const PiecePlan *p1 = find_piece(p, "p1");
        BOOST_TEST_REQUIRE(p1 != nullptr);
        piece_fingerprint = ins.course.piece_fingerprint(p1->item);
        std::map<std::string, std::string> out;
        for (const auto &s : p1->slots) out[s.role] = s.fingerprint;
        return out;
    }
    std::string piece_fingerprint;
};

}  // namespace

BOOST_AUTO_TEST_CASE(a_role_fingerprint_follows_only_its_files) {
    FingerprintPackage pkg;
    const RoleMap map = rules_only(R"([
        {"match": {"kinds": ["image"]}, "roles": ["artist"]},
        {"match": {"kinds": ["script"]}, "roles": ["designer"]},
        {"match": {"paths": ["*.html"]}, "roles": ["writer"]},
        {"match": {"ids": ["p1"]}, "roles": ["expert"]},
        {"match": {"kinds": ["audio"]}, "roles": ["reviewer"]}])");
    auto before = pkg.fingerprints(map);
    BOOST_TEST_REQUIRE(before.size() == 5u);
    for (const auto &[role, fp] : before)
        if (role != "reviewer") BOOST_TEST(fp.size() == 64u, role);
    // A piece-only rule rests on all the piece's files: the piece's fingerprint.
    BOOST_TEST(before["expert"] == pkg.piece_fingerprint);
    BOOST_TEST(before["artist"] != before["designer"]);
    // The audio file is missing: nothing to fingerprint.
    BOOST_TEST(before["reviewer"] == "");

    // Same content, same fingerprints.
    BOOST_TEST((pkg.fingerprints(map) == before));

    // The picture changes: the artist's and the whole piece's change, no one else's.
    cctest::write_file(pkg.dir / "pic.png", "png-2");
    auto after = pkg.fingerprints(map);
    BOOST_TEST(after["artist"] != before["artist"]);
    BOOST_TEST(after["expert"] != before["expert"]);
    BOOST_TEST(after["designer"] == before["designer"]);
    BOOST_TEST(after["writer"] == before["writer"]);

    // The script changes: the designer's.
    cctest::write_file(pkg.dir / "app.js", "var b;");
    auto third = pkg.fingerprints(map);
    BOOST_TEST(third["designer"] != after["designer"]);
    BOOST_TEST(third["artist"] == after["artist"]);
    BOOST_TEST(third["writer"] == after["writer"]);

    // Another piece's file changes: nothing of p1 changes.
    cctest::write_file(pkg.dir / "b.html", "<p>b2</p>");
    BOOST_TEST((pkg.fingerprints(map) == third));
}

BOOST_AUTO_TEST_CASE(a_role_from_several_rules_rests_on_all_their_files) {
    FingerprintPackage pkg;
    const RoleMap images_only = rules_only(R"([{"match": {"kinds": ["image"]}, "roles": ["artist"]}])");
    const RoleMap images_and_scripts = rules_only(R"([
        {"match": {"kinds": ["image"]}, "roles": ["artist"]},
        {"match": {"kinds": ["script"]}, "roles": ["artist"]}])");
    const std::string one = pkg.fingerprints(images_only)["artist"];
    const std::string two = pkg.fingerprints(images_and_scripts)["artist"];
    BOOST_TEST(one != two);
    cctest::write_file(pkg.dir / "app.js", "var changed;");
    BOOST_TEST(pkg.fingerprints(images_only)["artist"] == one);
    BOOST_TEST(pkg.fingerprints(images_and_scripts)["artist"] != two);
}

BOOST_AUTO_TEST_CASE(the_plan_is_the_same_on_any_number_of_threads) {
    // 9 modules of uneven sizes (1 to 9 pieces), each piece with its own
    // files on disk, people with scopes and a schedule: everything a slot holds.
    cctest::TempDir dir;
    std::string items, resources;
    for (int m = 1; m <= 9; ++m) {
        items += "<item identifier=\"m" + std::to_string(m) + "\"><title>Module " + std::to_string(m) + "</title>";
        for (int p = 1; p <= m; ++p) {
            const std::string id = "m" + std::to_string(m) + "p" + std::to_string(p);
            items += "<item identifier=\"" + id + "\" identifierref=\"r" + id + "\"><title>" + id + "</title></item>";
            resources += "<resource identifier=\"r" + id + "\" type=\"webcontent\" adlcp:scormtype=\"sco\" href=\"" +
                         id + "/index.html\"><file href=\"" + id + "/index.html\"/><file href=\"" + id +
                         "/b.png\"/><file href=\"" + id + "/a.js\"/></resource>";
            cctest::write_file(dir / (id + "/index.html"), "<p>" + id + "</p>");
            cctest::write_file(dir / (id + "/b.png"), "png " + id);
            cctest::write_file(dir / (id + "/a.js"), "var " + id + ";");
        }
        items += "</item>";
    }
    cctest::write_file(dir / "imsmanifest.xml",
                       R"(<?xml version="1.0"?>
<manifest identifier="threads" xmlns="http://www.imsglobal.org/xsd/imscp_v1p1"
          xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2">
  <organizations default="o"><organization identifier="o"><title>T</title>)" + items +
                           "</organization></organizations><resources>" + resources + "</resources></manifest>");
    Inspection ins(20);
    inspect_package(dir.path(), {}, ins);
    BOOST_TEST_REQUIRE(ins.course.modules.size() == 9u);
    RoleMap team = load_ok(R"({"version": 1, "defaults": true,
        "rules": [{"match": {"ids": ["m3*"]}, "roles": ["expert"]}],
        "people": [{"agent": {"mbox": "mailto:ana@example.org"}, "name": "Ana", "roles": ["writer", "expert"], "scope": ["m[2-5]*"]},
                   {"agent": {"mbox": "mailto:bo@example.org"}, "name": "Bo", "roles": ["artist"]}],
        "schedule": [{"module": "m7", "due": "2026-12-01", "roles": {"artist": "2026-12-05"}}]})");
    const RoleMap map = effective_role_map(&team, true);

    auto text_of = [](const Plan &plan) {
        std::string out;
        for (const PiecePlan &p : plan.pieces) {
            out += p.piece_id + " " + p.module_id + " " + std::to_string(p.item) + " " + std::to_string(p.module) + "\n";
            for (const Slot &s : p.slots) {
                out += "  " + s.role + " due=" + s.due + " fp=" + s.fingerprint.str() + " people=";
                for (std::uint32_t who : s.people) out += std::to_string(who) + ",";
                out += "\n";
            }
        }
        return out;
    };
    const std::string one = text_of(plan_roles(ins.course, map, 1));
    BOOST_TEST(one.find("fp=\n") == std::string::npos);  // every slot has files behind it
    BOOST_TEST(one.find("due=2026-12-05") != std::string::npos);
    BOOST_TEST(one.find("people=0,") != std::string::npos);
    for (unsigned threads : {2u, 3u, 4u, 9u, 20u, 0u})
        BOOST_TEST(text_of(plan_roles(ins.course, map, threads)) == one, threads << " threads");
}

BOOST_AUTO_TEST_CASE(no_hashes_no_fingerprints) {
    FingerprintPackage pkg;
    InspectOptions o;
    o.hash_files = false;
    for (const auto &[role, fp] : pkg.fingerprints(effective_role_map(nullptr, true), o))
        BOOST_TEST(fp == "", role);
}

// ------------------------------------------------------------ broken maps

BOOST_AUTO_TEST_CASE(broken_not_json) {
    auto errors = broken("not-json.json", {""});
    BOOST_TEST(mentions(errors[0], "not valid JSON"));
    BOOST_TEST(mentions(errors[0], "line 5"));
}

BOOST_AUTO_TEST_CASE(broken_wrong_types) {
    auto errors = broken("wrong-type.json", {"/defaults", "/rules/0/match/paths", "/people/0/roles"});
    BOOST_TEST(mentions(errors[0], "expected true or false"));
    BOOST_TEST(mentions(errors[1], "expected an array"));
    BOOST_TEST(mentions(errors[2], "found a string"));
}

BOOST_AUTO_TEST_CASE(broken_unknown_properties) {
    auto errors = broken("unknown-property.json",
                         {"/rules/0/match/path", "/people/0/nmae", "/people/0/team", "/people/0"});
    BOOST_TEST(mentions(errors[0], "unknown property 'path'"));
    BOOST_TEST(mentions(errors[0], "did you mean 'paths'"));
    BOOST_TEST(mentions(errors[1], "allowed here: agent, name, roles, scope"));
    BOOST_TEST(mentions(errors[3], "missing property 'name'"));
}

BOOST_AUTO_TEST_CASE(broken_agents) {
    auto errors = broken("bad-mbox.json", {"/people/0/agent/mbox", "/people/1/agent"});
    BOOST_TEST(mentions(errors[0], "'ana@example.org' does not match ^mailto:.+@.+"));
    BOOST_TEST(mentions(errors[0], "mailto:name@host"));
    BOOST_TEST(mentions(errors[1], "exactly one of"));
}

BOOST_AUTO_TEST_CASE(broken_schema_errors_are_all_reported) {
    auto errors = broken("many-errors.json",
                         {"/version", "/roles/0/id", "/rules/0/match/kinds/0", "/rules/0/match/facts/0",
                          "/rules/1/priority", "/people/0/agent", "/people/0/name", "/schedule/0"});
    BOOST_TEST(mentions(errors[2], "'sound' is not one of the allowed values"));
    BOOST_TEST(mentions(errors[3], "'mastery_score'"));
}

BOOST_AUTO_TEST_CASE(broken_date_format) {
    auto errors = broken("bad-date-format.json", {"/schedule/0/due"});
    BOOST_TEST(mentions(errors[0], "YYYY-MM-DD"));
}

BOOST_AUTO_TEST_CASE(broken_unknown_roles) {
    auto errors = broken("unknown-role.json",
                         {"/rules/0/roles/0", "/people/0/roles/1", "/schedule/0/roles/revewer"});
    BOOST_TEST(mentions(errors[0], "unknown role 'narator'"));
    BOOST_TEST(mentions(errors[0], "did you mean 'narrator'"));
    BOOST_TEST(mentions(errors[0], "known roles: writer, designer, artist, expert, reviewer, narrator"));
    BOOST_TEST(mentions(errors[1], "did you mean 'writer'"));
    BOOST_TEST(mentions(errors[2], "did you mean 'reviewer'"));
}

BOOST_AUTO_TEST_CASE(broken_person_with_no_role) {
    auto errors = broken("person-no-role.json", {"/people/0/roles", "/people/1"});
    BOOST_TEST(mentions(errors[0], "'Ana Lima' holds no role"));
    BOOST_TEST(mentions(errors[1], "'Bob' holds no role"));
}

BOOST_AUTO_TEST_CASE(broken_duplicate_people) {
    auto errors = broken("duplicate-person.json", {"/people/2/agent", "/people/3/agent"});
    BOOST_TEST(mentions(errors[0], "mailto:ana@example.org"));
    BOOST_TEST(mentions(errors[0], "also at /people/0"));
    BOOST_TEST(mentions(errors[1], "account:https://lms.example.org|bob"));
}

BOOST_AUTO_TEST_CASE(broken_calendar_dates) {
    // 2028-02-29 is a real day (leap year); the others are not.
    auto errors = broken("bad-date.json",
                         {"/schedule/0/due", "/schedule/1/roles/reviewer", "/schedule/2/due"});
    BOOST_TEST(mentions(errors[0], "'2026-02-30' is not a calendar date"));
}

BOOST_AUTO_TEST_CASE(broken_duplicate_role_and_empty_rules) {
    auto dup = broken("duplicate-role.json", {"/roles/1/id"});
    BOOST_TEST(mentions(dup[0], "defined twice"));
    auto empty = broken("empty-rule.json", {"/rules/0", "/rules/1"});
    BOOST_TEST(mentions(empty[0], "'quizzes' adds no role and excludes none"));
}

BOOST_AUTO_TEST_CASE(globs_that_match_nothing_in_the_course) {
    RoleMap map;
    std::vector<MapError> errors;
    BOOST_TEST_REQUIRE(load_role_map_file(fixture("glob-nothing.json"), map, errors));
    check_against_course(map, sample().course, errors);
    Names pointers;
    for (const auto &e : errors) {
        pointers.push_back(e.pointer);
        BOOST_TEST(mentions(e, "matches nothing in this course"));
        BOOST_TEST(e.file == fixture("glob-nothing.json"));
    }
    BOOST_TEST(pointers == (Names{"/rules/0/match/paths/0", "/rules/0/match/ids/1",
                                  "/rules/0/match/titles/1", "/people/0/scope/1",
                                  "/schedule/0/module"}),
               boost::test_tools::per_element());
    // The same map fits a course that has what it names... and the
    // defaults' catch-all title glob fits any course with titles.
    errors.clear();
    check_against_course(default_role_map(), sample().course, errors);
    BOOST_TEST(errors.empty());
}

BOOST_AUTO_TEST_CASE(built_in_rules_are_not_the_teams_to_fix) {
    // A course without titles: the defaults' catch-all title glob matches
    // nothing, but a team map that includes the defaults is not blamed for it.
    CourseBuilder b;
    b.piece(b.module("M", ""), "P", "", b.resource("sco", "", {"a.html"}));
    const RoleMap team = load_ok(R"({"version": 1, "defaults": true,
        "rules": [{"match": {"titles": ["*"]}, "roles": ["reviewer"]}]})");
    std::vector<MapError> errors;
    check_against_course(effective_role_map(&team, true), b.c, errors);
    BOOST_TEST_REQUIRE(errors.size() == 1u);
    BOOST_TEST(errors[0].pointer == "/rules/0/match/titles/0");  // the team's own rule
}

BOOST_AUTO_TEST_CASE(a_good_map_reads_completely) {
    const RoleMap m = load_ok(R"({"$schema": "../schemas/rolemap.schema.json", "version": 1,
      "roles": [{"id": "voice", "title": "Voice-over artist"}],
      "rules": [{"name": "narration",
                 "match": {"paths": ["audio/**"], "kinds": ["audio"], "resource_types": ["sco"],
                           "ids": ["MOD-*"], "titles": ["*Quiz*"], "keywords": ["safety"],
                           "facts": ["sequencing", "objectives", "interactions", "mastery_score"]},
                 "roles": ["voice"], "exclude": ["artist"]}],
      "people": [{"agent": {"mbox": "mailto:ana@example.org"}, "name": "Ana Lima",
                  "roles": ["writer", "reviewer"], "scope": ["MOD-INTRO", "MOD-HAZ*"]},
                 {"agent": {"account": {"homePage": "https://lms.example.org", "name": "bob"}},
                  "name": "Bob", "roles": ["artist"]}],
      "schedule": [{"module": "MOD-INTRO", "due": "2026-12-15", "roles": {"reviewer": "2026-12-20"}}]})");
    BOOST_TEST(m.file == "test.json");
    BOOST_TEST_REQUIRE(m.rules.size() == 1u);
    const Rule &r = m.rules[0];
    BOOST_TEST(r.name == "narration");
    BOOST_TEST(r.pointer == "/rules/0");
    BOOST_TEST(r.match.paths == Names{"audio/**"}, boost::test_tools::per_element());
    BOOST_TEST_REQUIRE(r.match.kinds.size() == 1u);
    BOOST_TEST((r.match.kinds[0] == FileKind::Audio));
    BOOST_TEST(r.match.facts.size() == 4u);
    BOOST_TEST(r.roles == Names{"voice"}, boost::test_tools::per_element());
    BOOST_TEST(r.exclude == Names{"artist"}, boost::test_tools::per_element());
    BOOST_TEST_REQUIRE(m.people.size() == 2u);
    BOOST_TEST(m.people[0].agent.key() == "mailto:ana@example.org");
    BOOST_TEST(m.people[1].agent.key() == "account:https://lms.example.org|bob");
    BOOST_TEST(m.people[1].pointer == "/people/1");
    BOOST_TEST(m.people[0].scope == (Names{"MOD-INTRO", "MOD-HAZ*"}), boost::test_tools::per_element());
    BOOST_TEST_REQUIRE(m.schedule.size() == 1u);
    BOOST_TEST(m.schedule[0].date == "2026-12-15");
    BOOST_TEST(m.schedule[0].roles.at("reviewer") == "2026-12-20");
    BOOST_TEST(m.find_role("voice")->title == "Voice-over artist");
    BOOST_TEST(m.find_role("writer") == nullptr);  // built-in roles join in effective_role_map()
}

BOOST_AUTO_TEST_CASE(a_missing_file_is_an_error) {
    RoleMap m;
    std::vector<MapError> errors;
    BOOST_TEST(!load_role_map_file(fixture("no-such-map.json"), m, errors));
    BOOST_TEST_REQUIRE(errors.size() == 1u);
    BOOST_TEST(mentions(errors[0], "cannot read"));
}

// ------------------------------------------------------------ hostile maps (issue 10)

BOOST_AUTO_TEST_CASE(glob_agrees_with_the_reference_on_random_patterns) {
    // Every glob feature, with '/' and the special characters as text too.
    const std::string pattern_alphabet = "ab/*?[]!-\\";
    const std::string text_alphabet = "ab/[]*-";
    std::mt19937 rng(20261205);
    auto random_string = [&](const std::string &alphabet, std::size_t max_len) {
        std::string s(rng() % (max_len + 1), ' ');
        for (char &c : s) c = alphabet[rng() % alphabet.size()];
        return s;
    };
    // Patterns made of whole "**" segments too, which random characters rarely give.
    const std::vector<std::string> pieces = {"**/", "*", "a", "b/", "?", "[ab]", "/**", "[!a]", "**"};
    std::size_t matched = 0, disagreements = 0;
    for (int i = 0; i < 200000; ++i) {
        std::string pattern;
        if (i % 2) {
            pattern = random_string(pattern_alphabet, 10);
        } else {
            for (std::size_t n = rng() % 6; n > 0; --n) pattern += pieces[rng() % pieces.size()];
        }
        const std::string text = random_string(text_alphabet, 10);
        const bool want = reference_glob(pattern, text);
        if (glob_match(pattern, text) != want && ++disagreements <= 10)
            BOOST_ERROR("glob_match(\"" << pattern << "\", \"" << text << "\") should be " << want);
        matched += want;
    }
    BOOST_TEST(disagreements == 0u);
    BOOST_TEST(matched > 1000u);  // the cases are not all misses
}

BOOST_AUTO_TEST_CASE(glob_of_a_thousand_globstars_is_linear) {
    // A 4 KB pattern against a path 300 folders deep: the old backtracking
    // matcher ran for minutes on this; the linear one takes well under 100 ms.
    const std::string pattern = repeat("**/", 1000) + "x/**/y.html";        // 3,011 characters
    const std::string deep = repeat("a/", 300);
    const std::string hit = deep + "x/b/y.html", miss = deep + "x/b/z.html";
    BOOST_TEST(pattern.size() > 3000u);
    const std::clock_t start = std::clock();
    BOOST_TEST(glob_match(pattern, hit));
    BOOST_TEST(!glob_match(pattern, miss));
    BOOST_TEST(!glob_match(repeat("*a", 1000), repeat("a", 2000) + "b"));  // stars within a segment
    BOOST_TEST(seconds_since(start) < 0.1);
}

BOOST_AUTO_TEST_CASE(glob_of_a_million_globstars_does_not_crash) {
    // The matcher itself never recurses (the old one overflowed the stack)...
    const std::string pattern = repeat("**/", 1000000) + "a";
    BOOST_TEST(glob_match(pattern, "x/y/a"));
    BOOST_TEST(!glob_match(pattern, "x/y/b"));
    // ...and a role map refuses such a glob, saying where it is.
    RoleMap m;
    std::vector<MapError> errors;
    const std::string json = R"({"version": 1, "rules": [{"match": {"paths": ["ok/**", ")" +
                             pattern + R"("]}, "roles": ["writer"]}], "schedule": [{"module": ")" +
                             repeat("**/", 2000) + R"(", "due": "2026-12-15"}]})";
    BOOST_TEST(!load_role_map(json, "big.json", m, errors));
    BOOST_TEST_REQUIRE(errors.size() == 2u);
    BOOST_TEST(errors[0].pointer == "/rules/0/match/paths/1");
    BOOST_TEST(errors[0].code == "rolemap.schema.maxLength");
    BOOST_TEST(mentions(errors[0], "the limit is 4096"));
    BOOST_TEST(errors[0].message.size() < 400u);  // the glob is shown shortened
    BOOST_TEST(errors[1].pointer == "/schedule/0/module");
    // 4096 characters are still a glob.
    errors.clear();
    BOOST_TEST(load_role_map(R"({"version": 1, "rules": [{"match": {"paths": [")" +
                                 repeat("a", 4096) + R"("]}, "roles": ["writer"]}]})",
                             "ok.json", m, errors));
}

BOOST_AUTO_TEST_CASE(role_map_nested_a_million_deep_is_an_error_not_a_crash) {
    const std::size_t n = 1000000;
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"arrays", R"({"version": 1, "rules": )" + repeat("[", n) + repeat("]", n) + "}"},
        {"objects", R"({"rules": )" + repeat(R"({"a/b":)", n) + "1" + repeat("}", n) + "}"},
        {"unclosed", repeat("[", n)},
    };
    for (const auto &[what, json] : cases) {
        BOOST_TEST_CONTEXT(what) {
            RoleMap m;
            std::vector<MapError> errors;
            const std::clock_t start = std::clock();
            BOOST_TEST(!load_role_map(json, "deep.json", m, errors));
            BOOST_TEST(seconds_since(start) < 2.0);
            BOOST_TEST_REQUIRE(errors.size() == 1u);
            BOOST_TEST(errors[0].code == "rolemap.too_deep");
            BOOST_TEST(errors[0].file == "deep.json");
            BOOST_TEST(mentions(errors[0], "nested deeper than 64 levels at line 1"));
        }
    }
    // Where: the pointer of the container one level too deep.
    RoleMap m;
    std::vector<MapError> errors;
    BOOST_TEST(!load_role_map(cases[1].second, "deep.json", m, errors));
    BOOST_TEST(errors[0].pointer == "/rules" + repeat("/a~1b", 63));
    // 64 levels are fine as JSON (the schema then says what is wrong).
    errors.clear();
    BOOST_TEST(!load_role_map(R"({"rules": [{"match": {"paths": )" + repeat("[", 60) + repeat("]", 60) + "}}]}",
                              "deep.json", m, errors));
    BOOST_TEST_REQUIRE(!errors.empty());
    BOOST_TEST(errors[0].code == "rolemap.schema.type");
}

BOOST_AUTO_TEST_CASE(role_map_over_16_mib_is_refused_before_parsing) {
    RoleMap m;
    std::vector<MapError> errors;
    const std::string json = R"({"version": 1, "rules": [], "x": ")" + std::string(17u << 20, 'a') + "\"}";
    BOOST_TEST(!load_role_map(json, "huge.json", m, errors));
    BOOST_TEST_REQUIRE(errors.size() == 1u);
    BOOST_TEST(errors[0].code == "rolemap.too_large");
    BOOST_TEST(mentions(errors[0], "over the limit of 16,777,216 bytes"));
}

BOOST_AUTO_TEST_CASE(problems_are_capped_per_kind_with_an_exact_count) {
    // 100,000 people with empty agents: one line per person would be 25 MB.
    const std::size_t n = 100000;
    const std::string json = map_of_people(n, [](std::size_t i) {
        return R"({"agent": {}, "name": "P)" + std::to_string(i) + R"(", "roles": ["writer"]})";
    });
    RoleMap m;
    std::vector<MapError> errors;
    const std::clock_t start = std::clock();
    BOOST_TEST(!load_role_map(json, "crowd.json", m, errors));
    BOOST_TEST(seconds_since(start) < 3.0);  // 16 s of CPU before; 0.35 s now
    BOOST_TEST_REQUIRE(errors.size() == kMapErrorsPerKind + 1);
    std::size_t bytes = 0;
    for (const auto &e : errors) bytes += e.message.size() + e.pointer.size();
    BOOST_TEST(bytes < 20000u);
    for (std::size_t i = 0; i < kMapErrorsPerKind; ++i) {
        BOOST_TEST(errors[i].pointer == "/people/" + std::to_string(i) + "/agent");
        BOOST_TEST(errors[i].code == "rolemap.schema.oneOf");
    }
    const MapError &summary = errors.back();
    BOOST_TEST(summary.message.rfind("... and 99,980 more like this at /people/*/agent", 0) == 0u,
               summary.message);
    BOOST_TEST(summary.pointer == "/people/20/agent");  // the first one not listed
    BOOST_TEST(summary.code == "rolemap.schema.oneOf");
    // The summary line carries its count: the whole list stands for all of them.
    BOOST_TEST(summary.count == 99980u);
    BOOST_TEST(count_map_problems(errors) == 100000u);
    BOOST_TEST(group_thousands(100000) == "100,000");
    BOOST_TEST(group_thousands(999) == "999");
    BOOST_TEST(group_thousands(1000) == "1,000");

    // Each kind has its own cap; a smaller cap counts exactly too.
    errors.clear();
    const std::string mixed = map_of_people(30, [](std::size_t i) {
        return i % 2 ? R"({"agent": {"mbox": "mailto:p)" + std::to_string(i) + R"(@x.org"}, "name": "P", "roles": ["nobody"]})"
                     : R"({"agent": {"mbox": "mailto:p)" + std::to_string(i) + R"(@x.org"}, "name": "P", "roles": []})";
    });
    BOOST_TEST(!load_role_map(mixed, "mixed.json", m, errors, 4));
    std::map<std::string, std::size_t> per_code;
    for (const auto &e : errors) ++per_code[e.code];
    BOOST_TEST(per_code["rolemap.unknown_role"] == 5u);         // 4 and the summary
    BOOST_TEST(per_code["rolemap.person_without_role"] == 5u);
    BOOST_TEST(mentions(errors.back(), "... and 11 more"));
}

BOOST_AUTO_TEST_CASE(a_hundred_thousand_people_load_fast_and_duplicates_are_found) {
    const std::size_t n = 100000;
    auto person = [](std::size_t i) {
        return R"({"agent": {"mbox": "mailto:p)" + std::to_string(i) + R"(@x.org"}, "name": "P", "roles": ["writer"]})";
    };
    RoleMap m;
    std::vector<MapError> errors;
    const std::clock_t start = std::clock();
    BOOST_TEST(load_role_map(map_of_people(n, person), "team.json", m, errors));
    BOOST_TEST(m.people.size() == n);
    // Every person listed twice: the duplicate check used to compare each
    // with all before it (5 billion comparisons).
    BOOST_TEST(!load_role_map(map_of_people(2 * n, [&](std::size_t i) { return person(i % n); }),
                              "twice.json", m, errors));
    BOOST_TEST(seconds_since(start) < 6.0);
    BOOST_TEST_REQUIRE(errors.size() == kMapErrorsPerKind + 1);
    BOOST_TEST(errors[0].pointer == "/people/100000/agent");
    BOOST_TEST(mentions(errors[0], "also at /people/0)"));
    BOOST_TEST(mentions(errors.back(), "... and 99,980 more"));
}

BOOST_AUTO_TEST_CASE(scopes_that_match_nothing_are_checked_once_and_capped) {
    // 100,000 people sharing two scopes, one of which matches no module.
    const std::size_t n = 100000;
    RoleMap m = load_ok(map_of_people(n, [](std::size_t i) {
        return R"({"agent": {"mbox": "mailto:p)" + std::to_string(i) +
               R"(@x.org"}, "name": "P", "roles": ["writer"], "scope": [")" +
               (i % 2 ? "M1" : "M9*") + R"("]})";
    }));
    std::vector<MapError> errors;
    const std::clock_t start = std::clock();
    check_against_course(m, hand_course(), errors);
    BOOST_TEST(seconds_since(start) < 2.0);
    BOOST_TEST_REQUIRE(errors.size() == kMapErrorsPerKind + 1);
    BOOST_TEST(errors[0].pointer == "/people/0/scope/0");
    BOOST_TEST(errors[0].code == "rolemap.matches_nothing");
    BOOST_TEST(errors[1].pointer == "/people/2/scope/0");
    BOOST_TEST(mentions(errors.back(), "... and 49,980 more like this at /people/*/scope/*"));
}

// A glob over the 4096-character limit: its length and the limit, not the glob.
BOOST_AUTO_TEST_CASE(an_overlong_glob_is_refused_without_echoing_it) {
    std::string glob;
    while (glob.size() < 3'000'000) glob += "**/";
    const std::string json = R"({"version": 1, "rules": [{"match": {"paths": [")" + glob + R"("]}, "roles": ["writer"]}]})";
    RoleMap map;
    std::vector<MapError> errors;
    BOOST_TEST(!load_role_map(json, "roles.json", map, errors));
    bool named = false;
    for (const MapError &e : errors) {
        BOOST_TEST(e.message.size() < 1000u, e.message.substr(0, 200));
        if (e.pointer == "/rules/0/match/paths/0")
            named = e.message.find("too long (3,000,000 characters; the limit is 4096)") != std::string::npos;
    }
    BOOST_TEST(named);
}

// The note a role's missing files get (the store's record and the review's
// "waiting" finding say the same thing): one, two, three and more files.
BOOST_AUTO_TEST_CASE(waiting_note_names_the_first_files_and_counts_the_rest) {
    BOOST_TEST(waiting_note({}) == "");
    BOOST_TEST(waiting_note({"images/a.png"}) == "waiting for images/a.png");
    BOOST_TEST(waiting_note({"a.png", "b.png"}) == "waiting for a.png and b.png");
    BOOST_TEST(waiting_note({"a.png", "b.png", "c.png"}) == "waiting for a.png, b.png and 1 more file");
    BOOST_TEST(waiting_note({"a.png", "b.png", "c.png", "d.png"}) == "waiting for a.png, b.png and 2 more files");
}

// ------------------------------------------------------------ working calendar (issue 14)

namespace {

std::vector<MapError> load_bad(const std::string &json) {
    RoleMap m;
    std::vector<MapError> errors;
    BOOST_TEST(!load_role_map(json, "test.json", m, errors));
    BOOST_TEST(m.people.empty());  // untouched
    return errors;
}

bool has_error(const std::vector<MapError> &errors, const std::string &code, const std::string &pointer) {
    for (const auto &e : errors)
        if (e.code == code && e.pointer == pointer) return true;
    return false;
}

std::string listed(const std::vector<MapError> &errors) {
    std::string all;
    for (const auto &e : errors) all += e.code + " " + e.pointer + ": " + e.message + "\n";
    return all;
}

}  // namespace

BOOST_AUTO_TEST_CASE(calendar_and_days_away_are_read) {
    const RoleMap m = load_ok(R"({"version": 1,
        "calendar": {"working_days": ["mon", "tue", "wed", "thu"], "holidays": ["2026-12-25", "2026-12-24", "2026-12-25"]},
        "people": [
          {"agent": {"mbox": "mailto:zoe@example.org"}, "name": "Zoe", "roles": ["writer"],
           "away": [{"from": "2026-12-14", "to": "2026-12-18"}, "2026-12-07"]},
          {"agent": {"account": {"homePage": "https://lms", "name": "ana"}}, "name": "Ana", "roles": ["artist"],
           "away": ["2026-12-21"]},
          {"agent": {"mbox": "mailto:bob@example.org"}, "name": "Bob", "roles": ["artist"]}
        ]})");
    BOOST_TEST(m.calendar.weekdays == 0x0F);
    Day d24, d25, d07, d14, d18, d21;
    BOOST_TEST_REQUIRE(parse_day("2026-12-24", d24));
    BOOST_TEST_REQUIRE(parse_day("2026-12-25", d25));
    BOOST_TEST_REQUIRE(parse_day("2026-12-07", d07));
    BOOST_TEST_REQUIRE(parse_day("2026-12-14", d14));
    BOOST_TEST_REQUIRE(parse_day("2026-12-18", d18));
    BOOST_TEST_REQUIRE(parse_day("2026-12-21", d21));
    BOOST_TEST((m.calendar.holidays == std::vector<Day>{d24, d25}));  // sorted, once each
    BOOST_TEST_REQUIRE(m.calendar.away.size() == 3u);
    // Sorted by person key, then from.
    BOOST_TEST(m.calendar.away[0].person == "account:https://lms|ana");
    BOOST_TEST(m.calendar.away[0].from == d21);
    BOOST_TEST(m.calendar.away[0].to == d21);
    BOOST_TEST(m.calendar.away[1].person == "mailto:zoe@example.org");
    BOOST_TEST(m.calendar.away[1].from == d07);
    BOOST_TEST(m.calendar.away[2].from == d14);
    BOOST_TEST(m.calendar.away[2].to == d18);
    BOOST_TEST(m.calendar.away_on("mailto:zoe@example.org", d14 + 2));
    BOOST_TEST(!m.calendar.away_on("mailto:bob@example.org", d14 + 2));
    BOOST_TEST(!m.calendar.working(d24));
    BOOST_TEST(!m.calendar.working(d14 + 4));  // a Friday: not a working day here
    // Carried into the map in force.
    const RoleMap eff = effective_role_map(&m, false);
    BOOST_TEST(eff.calendar.weekdays == 0x0F);
    BOOST_TEST(eff.calendar.away.size() == 3u);
}

BOOST_AUTO_TEST_CASE(a_map_without_a_calendar_works_monday_to_friday) {
    const RoleMap m = load_ok(R"({"version": 1,
        "people": [{"agent": {"mbox": "mailto:zoe@example.org"}, "name": "Zoe", "roles": ["writer"]}]})");
    BOOST_TEST(m.calendar.weekdays == 0x1F);
    BOOST_TEST(m.calendar.holidays.empty());
    BOOST_TEST(m.calendar.away.empty());
    BOOST_TEST(default_role_map().calendar.weekdays == 0x1F);
    // Only holidays: still Monday to Friday.
    BOOST_TEST(load_ok(R"({"version": 1, "calendar": {"holidays": ["2026-01-01"]}})").calendar.weekdays == 0x1F);
}

BOOST_AUTO_TEST_CASE(bad_calendar_dates_are_reported_with_their_pointer) {
    const auto errors = load_bad(R"({"version": 1,
        "calendar": {"holidays": ["2026-02-30", "2026-12-24"]},
        "people": [
          {"agent": {"mbox": "mailto:zoe@example.org"}, "name": "Zoe", "roles": ["writer"],
           "away": ["2026-12-01", {"from": "2026-12-18", "to": "2026-12-14"}, {"from": "2026-13-01", "to": "2026-12-14"},
                    "2026-11-31"]}
        ]})");
    BOOST_TEST_INFO(listed(errors));
    BOOST_TEST(has_error(errors, "rolemap.bad_date", "/calendar/holidays/0"));
    BOOST_TEST(has_error(errors, "rolemap.bad_range", "/people/0/away/1"));
    BOOST_TEST(has_error(errors, "rolemap.bad_date", "/people/0/away/2/from"));
    BOOST_TEST(has_error(errors, "rolemap.bad_date", "/people/0/away/3"));
    BOOST_TEST(errors.size() == 4u);
}

BOOST_AUTO_TEST_CASE(calendar_shape_errors_come_from_the_schema) {
    auto errors = load_bad(R"({"version": 1, "calendar": {"working_days": []}})");
    BOOST_TEST_INFO(listed(errors));
    BOOST_TEST(has_error(errors, "rolemap.schema.minItems", "/calendar/working_days"));
    errors = load_bad(R"({"version": 1, "calendar": {"working_days": ["monday"], "weekends": true}})");
    BOOST_TEST_INFO(listed(errors));
    BOOST_TEST(has_error(errors, "rolemap.schema.enum", "/calendar/working_days/0"));
    BOOST_TEST(has_error(errors, "rolemap.schema.additionalProperties", "/calendar/weekends"));
    errors = load_bad(R"({"version": 1, "people": [{"agent": {"mbox": "mailto:z@x.org"}, "name": "Z",
        "roles": ["writer"], "away": ["12/24/2026", {"from": "2026-12-01"}]}]})");
    BOOST_TEST_INFO(listed(errors));
    BOOST_TEST(has_error(errors, "rolemap.schema.oneOf", "/people/0/away/0"));
    BOOST_TEST(has_error(errors, "rolemap.schema.oneOf", "/people/0/away/1"));
}

BOOST_AUTO_TEST_SUITE_END()

