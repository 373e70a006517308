// eXeLearning: the pages and iDevices of an eXe project inside its export.
//
// eXe 2.x exports the project as contentv3.xml, a serialisation of eXe's
// Python objects: <instance class="exe.engine.node.Node"> for pages, one
// instance per iDevice, an object written out in full where it first
// occurs and <reference key="N"/> everywhere else. Not every Node in the
// file is a page: only the nodes reachable from the package's "root" key
// through "children" are (the others are leftovers of deleted pages).
//
// eXe 3.x exports content.xml (root <ode>): odeNavStructure = pages (with
// odeParentPageId), odePagStructure = blocks, odeComponent = iDevices.
//
// Both are read with libxml2 without network access, without entity
// substitution and without DTD loading, under libxml2's own nesting limit
// (256); every walk over the tree uses an explicit stack.
#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include <algorithm>
#include <climits>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "adapters/content/common/content_util.hpp"
#include "adapters/content/readers.hpp"

namespace coursecrew {

namespace {

using content::read_head;

namespace ct = content;

// ---------------------------------------------------------------- libxml2

struct DocFree {
    void operator()(xmlDoc *d) const { xmlFreeDoc(d); }
};
using XmlDoc = std::unique_ptr<xmlDoc, DocFree>;

// Parses `text` as XML: no network, no entity substitution, no DTD. On
// failure fills `problem` with the line and libxml2's message.
XmlDoc parse_xml(std::string_view text, const std::string &file, ContentProblem &problem) {
    problem.file = file;
    if (text.size() > static_cast<std::size_t>(INT_MAX)) {
        problem.message = "the file is too big to parse";
        return nullptr;
    }
    std::unique_ptr<xmlParserCtxt, void (*)(xmlParserCtxtPtr)> ctxt(xmlNewParserCtxt(), xmlFreeParserCtxt);
    if (!ctxt) {
        problem.message = "the XML parser cannot start";
        return nullptr;
    }
    XmlDoc doc(xmlCtxtReadMemory(ctxt.get(), text.data(), static_cast<int>(text.size()), nullptr, nullptr,
                                 XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
                                     XML_PARSE_BIG_LINES));
    if (doc && ctxt->wellFormed) return doc;
    const xmlError &e = ctxt->lastError;
    problem.line = e.line;
    std::string msg = e.message ? e.message : "unknown error";
    while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
    problem.message = "its XML is not well-formed: " + msg;
    return nullptr;
}

bool named(const xmlNode *n, const char *name) {
    return n && n->type == XML_ELEMENT_NODE && std::strcmp(reinterpret_cast<const char *>(n->name), name) == 0;
}

std::string attr(const xmlNode *n, const char *name) {
    std::string out;
    if (xmlChar *v = xmlGetProp(n, BAD_CAST name)) {
        out = reinterpret_cast<const char *>(v);
        xmlFree(v);
    }
    return out;
}

// The text of an element (its text and CDATA children only).
std::string text_of(const xmlNode *n) {
    std::string out;
    if (!n) return out;
    for (const xmlNode *c = n->children; c; c = c->next)
        if ((c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) && c->content)
            out += reinterpret_cast<const char *>(c->content);
    return out;
}

const xmlNode *child(const xmlNode *n, const char *name) {
    for (const xmlNode *c = n ? n->children : nullptr; c; c = c->next)
        if (named(c, name)) return c;
    return nullptr;
}

std::vector<const xmlNode *> children(const xmlNode *n, const char *name) {
    std::vector<const xmlNode *> out;
    for (const xmlNode *c = n ? n->children : nullptr; c; c = c->next)
        if (named(c, name)) out.push_back(c);
    return out;
}

std::string line_of(const xmlNode *n) { return "line " + std::to_string(xmlGetLineNo(n)); }

// ------------------------------------------------------- package helpers

// The shallowest package file called `name` (in any folder).
std::string find_file(const ContentInput &in, std::string_view name) {
    std::string best;
    long best_depth = LONG_MAX;
    for (const PackageEntry &e : in.source.entries()) {
        const std::string_view p = e.path;
        if (!path_ends_with(p, name)) continue;
        const long depth = static_cast<long>(std::count(p.begin(), p.end(), '/'));
        if (depth < best_depth) {
            best = p;
            best_depth = depth;
        }
    }
    return best;
}


// The version in the export's <meta name="generator" content="eXeLearning
// 2.9 - exelearning.net"> ("2.9") or "eXeLearning v3.0.0" ("3.0.0").
std::string generator_version(const ContentInput &in, const std::string &folder) {
    const std::string path = folder + "index.html";
    if (!in.index.find(path)) return {};
    std::string html;
    ContentProblem ignored;
    if (!ct::read_file(in, path, html, ignored) || html.size() > static_cast<std::size_t>(INT_MAX)) return {};
    XmlDoc doc(htmlReadMemory(html.data(), static_cast<int>(html.size()), nullptr, "UTF-8",
                              HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET));
    if (!doc) return {};
    for (xmlNode *n = xmlDocGetRootElement(doc.get()); n;) {
        if (named(n, "meta") && ascii_lower(attr(n, "name")) == "generator") {
            const std::string content = attr(n, "content");
            if (content.find("eXe") == std::string::npos) return {};
            // The first word that starts with a digit (or "v" and a digit).
            std::size_t i = 0;
            while (i < content.size()) {
                while (i < content.size() && content[i] == ' ') ++i;
                std::size_t end = content.find(' ', i);
                if (end == std::string::npos) end = content.size();
                std::string word = content.substr(i, end - i);
                if (word.size() > 1 && word[0] == 'v' && std::isdigit(static_cast<unsigned char>(word[1])))
                    word.erase(0, 1);
                if (!word.empty() && std::isdigit(static_cast<unsigned char>(word[0]))) return word;
                i = end;
            }
            return {};
        }
        if (n->children) {
            n = n->children;
            continue;
        }
        while (n && !n->next) n = n->parent;
        if (n) n = n->next;
    }
    return {};
}

bool any_media(const std::vector<std::string> &files) {
    return std::any_of(files.begin(), files.end(), [](const std::string &f) { return ct::is_media(f); });
}

bool contains_any(std::string_view s, std::initializer_list<const char *> words) {
    return std::any_of(words.begin(), words.end(), [s](const char *w) { return s.find(w) != std::string_view::npos; });
}

// ================================================================ eXe 2.x

// contentv3.xml: objects by reference number, dictionaries as key/value
// element pairs.
class Exe2Data {
public:
    explicit Exe2Data(const xmlNode *root) {
        for (const xmlNode *n = root; n;) {
            if (named(n, "instance")) {
                const std::string ref = attr(n, "reference");
                if (!ref.empty()) objects_.emplace(ref, n);
            }
            // Elements only: an entity reference's children are its
            // declaration in the DTD, whose parents lead back to the root
            // (an endless walk).
            if (n->children && n->type == XML_ELEMENT_NODE) {
                n = n->children;
                continue;
            }
            while (n && n != root && !n->next) n = n->parent;
            if (!n || n == root) break;
            n = n->next;
        }
    }

    // The object `n` stands for: itself, or the instance its <reference
    // key="N"/> names (nullptr when no object has that number).
    const xmlNode *deref(const xmlNode *n) const {
        if (!named(n, "reference")) return n;
        auto it = objects_.find(attr(n, "key"));
        return it == objects_.end() ? nullptr : it->second;
    }

    // The value element stored under `key` in an instance's dictionary.
    static const xmlNode *get(const xmlNode *instance, const char *key) {
        const xmlNode *dict = child(instance, "dictionary");
        bool take = false;
        for (const xmlNode *c = dict ? dict->children : nullptr; c; c = c->next) {
            if (c->type != XML_ELEMENT_NODE) continue;
            if (take) return c;
            take = attr(c, "role") == "key" && attr(c, "value") == key;
        }
        return nullptr;
    }

    static std::string value(const xmlNode *instance, const char *key) {
        const xmlNode *v = get(instance, key);
        return v ? attr(v, "value") : std::string();
    }

    static std::string class_name(const xmlNode *instance) {
        const std::string cls = attr(instance, "class");
        const std::size_t dot = cls.rfind('.');
        return dot == std::string::npos ? cls : cls.substr(dot + 1);
    }

private:
    std::unordered_map<std::string, const xmlNode *> objects_;
};

bool is_node(const xmlNode *instance) { return attr(instance, "class") == "exe.engine.node.Node"; }

bool is_idevice(const xmlNode *instance) {
    const std::string cls = attr(instance, "class");
    return cls.size() > 7 && cls.compare(cls.size() - 7, 7, "Idevice") == 0;
}

// What one iDevice's own objects hold: its HTML fields and the resource
// files stored for it. The walk follows references but does not enter
// pages, the package or other iDevices (they are not this piece's data).
struct Exe2Scan {
    std::vector<std::string> html;     // HTML field values
    std::vector<std::string> storage;  // Resource _storageName values
    // Its own values (ContentPiece::data): each key and value (text,
    // number, flag) its objects hold, NUL-separated, in the walk's order,
    // which follows the objects and not where the file happens to write
    // each one out (reference numbers are not kept).
    std::string data;
};

// Values that are not the iDevice's content: lastIdevice says whether it
// is the last on its page (its place), edit and undo are the editor's
// state when the project was saved.
bool exe2_not_content(std::string_view key) { return key == "lastIdevice" || key == "edit" || key == "undo"; }

Exe2Scan scan_idevice(const Exe2Data &data, const xmlNode *idevice) {
    Exe2Scan scan;
    std::unordered_set<const xmlNode *> seen{idevice};
    std::vector<const xmlNode *> stack{idevice};
    while (!stack.empty()) {
        const xmlNode *n = stack.back();
        stack.pop_back();
        std::string key;  // the dictionary key the next value is stored under
        for (const xmlNode *c = n->children; c; c = c->next) {
            if (c->type != XML_ELEMENT_NODE) continue;
            if (attr(c, "role") == "key") {
                key = attr(c, "value");
                if (key == "_storageName") {
                    const xmlNode *v = c->next;
                    while (v && v->type != XML_ELEMENT_NODE) v = v->next;
                    if (v && !attr(v, "value").empty()) scan.storage.push_back(attr(v, "value"));
                }
                continue;
            }
            const std::string k = std::move(key);
            key.clear();
            const xmlNode *target = data.deref(c);
            if (!target || !seen.insert(target).second) continue;
            if (named(target, "instance") &&
                (is_node(target) || is_idevice(target) || attr(target, "class") == "exe.engine.package.Package"))
                continue;
            const bool text = named(target, "unicode") || named(target, "string");
            if (text || named(target, "int") || named(target, "bool") || named(target, "float") ||
                named(target, "long")) {
                if (exe2_not_content(k)) continue;
                const std::string v = attr(target, "value");
                (scan.data += k) += '\0';
                (scan.data += v) += '\0';
                if (text && v.find('<') != std::string::npos) scan.html.push_back(v);
                continue;
            }
            stack.push_back(target);
        }
    }
    return scan;
}

// eXe 2 question iDevices, and the JavaScript game iDevices that are quizzes.
bool exe2_question(const std::string &cls, const std::string &js_dir) {
    static const std::unordered_set<std::string> kQuestions{
        "TrueFalseIdevice", "ClozeIdevice",    "ClozelangIdevice",     "MultiSelectIdevice",
        "MultichoiceIdevice", "QuizTestIdevice", "ScormMultiSelectIdevice", "ListaIdevice"};
    static const std::unordered_set<std::string> kQuizGames{
        "quext-activity", "vquext-activity", "rosco-activity",  "selecciona-activity",
        "trivial-activity", "adivina-activity", "candado-activity", "identifica-activity"};
    return kQuestions.count(cls) > 0 || kQuizGames.count(js_dir) > 0;
}

struct Exe2Reader {
    const ContentInput &in;
    const std::string &file;
    std::string root_folder;  // where the export put the resources (beside contentv3.xml)
    const Exe2Data &data;
    ct::AssetFinder finder;

    Exe2Reader(const ContentInput &input, const std::string &path, const Exe2Data &d)
        : in(input), file(path), root_folder(ct::folder_of(path)), data(d), finder(input.index, {root_folder}) {}

    // A field refers to "resources/x.png"; the export keeps it as "x.png"
    // beside the pages.
    void resolve_resources(std::vector<std::string> &files) const {
        const std::string prefix = root_folder + "resources/";
        for (std::string &f : files) {
            if (f.compare(0, prefix.size(), prefix) != 0 || in.index.find(f)) continue;
            f = root_folder + f.substr(prefix.size());
        }
    }

    bool piece(const xmlNode *ref, ContentPiece &out, ContentProblem &problem) const {
        const xmlNode *idevice = data.deref(ref);
        if (!idevice || !named(idevice, "instance")) {
            problem = {file, static_cast<long>(xmlGetLineNo(ref)),
                       "an iDevice refers to object " + attr(ref, "key") + ", which the file does not define"};
            return false;
        }
        const std::string cls = Exe2Data::class_name(idevice);
        out.id = Exe2Data::value(idevice, "id");
        if (out.id.empty()) {
            problem = {file, static_cast<long>(xmlGetLineNo(idevice)), "an iDevice (" + cls + ") has no id"};
            return false;
        }
        out.title = ct::plain_text(Exe2Data::value(idevice, "_title"));
        if (out.title.empty()) out.title = ct::plain_text(Exe2Data::value(idevice, "_typeName"));
        if (out.title.empty()) out.title = cls;
        out.origin = {"exe:" + cls, file, line_of(idevice)};
        const std::string js_dir = Exe2Data::value(idevice, "_iDeviceDir");

        Exe2Scan scan = scan_idevice(data, idevice);
        // contentv3.xml holds every iDevice: its own values are its data.
        out.data = std::move(scan.data);
        for (const std::string &h : scan.html) {
            finder.from_html(h, out.files);
            if (!out.has_text && !ct::plain_text(h).empty()) out.has_text = true;
        }
        for (const std::string &s : scan.storage) finder.add(s, out.files);
        resolve_resources(out.files);
        ct::sort_unique(out.files);

        out.is_question = exe2_question(cls, js_dir);
        out.has_interactions = out.is_question || js_dir.find("-activity") != std::string::npos;
        out.has_media = any_media(out.files) || contains_any(cls, {"Image", "Gallery", "Video", "Flash", "Media"});
        return true;
    }

    // The module of a top-level page: its own iDevices, then those of its
    // sub-pages, depth first in the tree's order.
    bool module(const xmlNode *node, bool with_subpages, std::unordered_set<const xmlNode *> &seen,
                ContentModule &out, ContentProblem &problem) const {
        out.id = Exe2Data::value(node, "_id");
        out.title = ct::plain_text(Exe2Data::value(node, "_title"));
        out.origin = {"exe:page", file, line_of(node)};
        std::vector<const xmlNode *> stack{node};
        while (!stack.empty()) {
            const xmlNode *page = stack.back();
            stack.pop_back();
            if (const xmlNode *list = Exe2Data::get(page, "idevices")) {
                for (const xmlNode *c = list->children; c; c = c->next) {
                    if (c->type != XML_ELEMENT_NODE) continue;
                    ContentPiece p;
                    if (!piece(c, p, problem)) return false;
                    out.pieces.push_back(std::move(p));
                    if (out.pieces.size() > in.limits.max_pieces) {
                        problem = {file, 0, "it holds more than " + std::to_string(in.limits.max_pieces) + " pieces"};
                        return false;
                    }
                }
            }
            if (!with_subpages) continue;
            std::vector<const xmlNode *> subpages;
            if (!child_nodes(page, seen, subpages, problem)) return false;
            for (auto it = subpages.rbegin(); it != subpages.rend(); ++it) stack.push_back(*it);
        }
        return true;
    }

    // The pages in a node's "children" list (each page once: a damaged file
    // could make the tree a loop).
    bool child_nodes(const xmlNode *node, std::unordered_set<const xmlNode *> &seen,
                     std::vector<const xmlNode *> &out, ContentProblem &problem) const {
        const xmlNode *list = Exe2Data::get(node, "children");
        for (const xmlNode *c = list ? list->children : nullptr; c; c = c->next) {
            if (c->type != XML_ELEMENT_NODE) continue;
            const xmlNode *n = data.deref(c);
            if (!n || !named(n, "instance") || !is_node(n)) {
                problem = {file, static_cast<long>(xmlGetLineNo(c)), "a page's child is not a page (object " +
                                                                          attr(c, "key") + ")"};
                return false;
            }
            if (seen.insert(n).second) out.push_back(n);
        }
        return true;
    }
};

ContentResult read_exe2(const ContentInput &in, const std::string &file, ContentModel &out, ContentProblem &problem) {
    std::string text;
    if (!ct::read_file(in, file, text, problem)) return ContentResult::Failed;
    XmlDoc doc = parse_xml(text, file, problem);
    if (!doc) return ContentResult::Failed;
    const xmlNode *package = xmlDocGetRootElement(doc.get());
    if (!named(package, "instance") || attr(package, "class") != "exe.engine.package.Package") {
        problem = {file, 0, "its root element is not an eXe package (exe.engine.package.Package)"};
        return ContentResult::Failed;
    }
    const Exe2Data data(package);
    const xmlNode *root_ref = Exe2Data::get(package, "root");
    const xmlNode *root = root_ref ? data.deref(root_ref) : nullptr;
    if (!root || !named(root, "instance") || !is_node(root)) {
        problem = {file, root_ref ? static_cast<long>(xmlGetLineNo(root_ref)) : 0,
                   "the package has no root page (its \"root\" key is missing or names no page)"};
        return ContentResult::Failed;
    }
    // Modules: the home page with its own iDevices, then each of its
    // children with everything under it (the pages of the export's menu).
    const Exe2Reader reader(in, file, data);
    std::unordered_set<const xmlNode *> seen{root};
    ContentModule home;
    if (!reader.module(root, false, seen, home, problem)) return ContentResult::Failed;
    out.modules.push_back(std::move(home));
    std::vector<const xmlNode *> tops;
    if (!reader.child_nodes(root, seen, tops, problem)) return ContentResult::Failed;
    for (const xmlNode *top : tops) {
        ContentModule m;
        if (!reader.module(top, true, seen, m, problem)) return ContentResult::Failed;
        out.modules.push_back(std::move(m));
    }
    out.tool = "exe";
    out.source = file;
    out.version = generator_version(in, ct::folder_of(file));
    return ContentResult::Read;
}

// ================================================================ eXe 3.x

struct Exe3Component {
    const xmlNode *node;
    std::string block_name;
    long block_order, order;
    std::size_t seq;  // document order, for ties
};

struct Exe3Page {
    const xmlNode *node;
    std::string id, parent, name;
    long order;
    std::size_t seq;
    std::vector<Exe3Component> components;
    std::vector<std::size_t> subpages;
};

// An *Order field; a page or iDevice without one goes after the numbered ones.
long order_of(const xmlNode *n, const char *field) {
    const std::string s = text_of(child(n, field));
    if (s.empty() || s.size() > 9 || !std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; }))
        return LONG_MAX;
    return std::stol(s);
}

// eXe 3 iDevice types that are questions, and those that are interactive.
bool exe3_question(std::string_view type) {
    return contains_any(type, {"quiz", "question", "choice", "true", "cloze", "form", "test", "trivial",
                               "guess", "identify", "select", "az-quiz", "quext"});
}
bool exe3_interactive(std::string_view type) {
    return exe3_question(type) ||
           contains_any(type, {"game", "puzzle", "sort", "relate", "drag", "flipcard", "flash", "crossword",
                               "word-search", "map", "interactive", "padlock", "discover", "classify",
                               "complete", "mathproblem", "checklist", "challenge", "dragdrop"});
}

std::string replace_all(std::string s, std::string_view from, std::string_view to) {
    for (std::size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size()))
        s.replace(at, from.size(), to);
    return s;
}

ContentResult read_exe3(const ContentInput &in, const std::string &file, ContentModel &out, ContentProblem &problem) {
    std::string text;
    if (!ct::read_file(in, file, text, problem)) return ContentResult::Failed;
    XmlDoc doc = parse_xml(text, file, problem);
    if (!doc) return ContentResult::Failed;
    const xmlNode *ode = xmlDocGetRootElement(doc.get());
    if (!named(ode, "ode")) {
        problem = {file, 0, "its root element is not <ode>"};
        return ContentResult::Failed;
    }
    const xmlNode *nav = child(ode, "odeNavStructures");
    if (!nav) {
        problem = {file, static_cast<long>(xmlGetLineNo(ode)), "it has no odeNavStructures (no pages)"};
        return ContentResult::Failed;
    }
    std::vector<Exe3Page> pages;
    std::unordered_map<std::string, std::size_t> page_of;
    std::size_t seq = 0, components = 0;
    for (const xmlNode *p : children(nav, "odeNavStructure")) {
        Exe3Page page{p, text_of(child(p, "odePageId")), text_of(child(p, "odeParentPageId")),
                      ct::plain_text(text_of(child(p, "pageName"))), order_of(p, "odeNavStructureOrder"),
                      seq++, {}, {}};
        if (page.id.empty()) {
            problem = {file, static_cast<long>(xmlGetLineNo(p)), "a page (odeNavStructure) has no odePageId"};
            return ContentResult::Failed;
        }
        for (const xmlNode *b : children(child(p, "odePagStructures"), "odePagStructure")) {
            const std::string block = ct::plain_text(text_of(child(b, "blockName")));
            const long block_order = order_of(b, "odePagStructureOrder");
            for (const xmlNode *c : children(child(b, "odeComponents"), "odeComponent"))
                page.components.push_back({c, block, block_order, order_of(c, "odeComponentsOrder"), seq++});
        }
        components += page.components.size();
        if (components > in.limits.max_pieces) {
            problem = {file, 0, "it holds more than " + std::to_string(in.limits.max_pieces) + " iDevices"};
            return ContentResult::Failed;
        }
        std::sort(page.components.begin(), page.components.end(), [](const Exe3Component &a, const Exe3Component &b) {
            if (a.block_order != b.block_order) return a.block_order < b.block_order;
            if (a.order != b.order) return a.order < b.order;
            return a.seq < b.seq;
        });
        if (!page_of.emplace(page.id, pages.size()).second) {
            problem = {file, static_cast<long>(xmlGetLineNo(p)), "page id " + page.id + " is used twice"};
            return ContentResult::Failed;
        }
        pages.push_back(std::move(page));
    }

    // A page whose parent is missing, or whose parents loop, is treated as
    // a top-level page rather than dropped.
    auto top_level = [&](std::size_t i) {
        std::size_t steps = 0;
        for (std::size_t at = i; steps <= pages.size(); ++steps) {
            auto it = page_of.find(pages[at].parent);
            if (pages[at].parent.empty() || it == page_of.end()) return at == i;
            at = it->second;
            if (at == i) return true;  // a loop through i: i stands at its top
        }
        return true;
    };
    auto by_order = [&](std::size_t a, std::size_t b) {
        if (pages[a].order != pages[b].order) return pages[a].order < pages[b].order;
        return pages[a].seq < pages[b].seq;
    };
    std::vector<std::size_t> tops;
    for (std::size_t i = 0; i < pages.size(); ++i) {
        if (top_level(i)) tops.push_back(i);
        else pages[page_of[pages[i].parent]].subpages.push_back(i);
    }
    std::sort(tops.begin(), tops.end(), by_order);
    for (Exe3Page &p : pages) std::sort(p.subpages.begin(), p.subpages.end(), by_order);

    const std::string root = ct::folder_of(file);
    // htmlView writes {{context_path}}/<iDevice id>/<file>; the export puts
    // it in content/resources/<iDevice id>/<file>.
    const ct::AssetFinder finder(in.index, {root + "content/resources/", root});
    std::unordered_set<std::size_t> done;
    for (std::size_t top : tops) {
        ContentModule m;
        m.id = pages[top].id;
        m.title = pages[top].name;
        m.origin = {"exe:page", file, line_of(pages[top].node)};
        std::vector<std::size_t> stack{top};
        while (!stack.empty()) {
            const std::size_t at = stack.back();
            stack.pop_back();
            if (!done.insert(at).second) continue;
            const Exe3Page &page = pages[at];
            for (const Exe3Component &c : page.components) {
                ContentPiece p;
                p.id = text_of(child(c.node, "odeIdeviceId"));
                if (p.id.empty()) {
                    problem = {file, static_cast<long>(xmlGetLineNo(c.node)), "an iDevice has no odeIdeviceId"};
                    return ContentResult::Failed;
                }
                const std::string type = text_of(child(c.node, "odeIdeviceTypeName"));
                p.title = !c.block_name.empty() ? c.block_name : page.name;
                p.origin = {"exe:" + (type.empty() ? std::string("idevice") : type), file, line_of(c.node)};
                const std::string html = replace_all(text_of(child(c.node, "htmlView")), "{{context_path}}/", "");
                finder.from_html(html, p.files);
                // jsonProperties holds the iDevice's settings (a game's
                // images, say); it is not needed for the structure, so a
                // damaged one only costs its file references.
                const std::string json = replace_all(text_of(child(c.node, "jsonProperties")), "{{context_path}}/", "");
                rapidjson::Document props;
                ContentProblem ignored;
                if (!json.empty() && ct::parse_json(in, json, file, props, ignored)) finder.from_json(props, p.files);
                ct::sort_unique(p.files);
                p.is_question = exe3_question(type);
                p.has_interactions = exe3_interactive(type);
                p.has_media = any_media(p.files) || contains_any(html, {"<video", "<audio", "<iframe"});
                p.has_text = !ct::plain_text(html).empty();
                // content.xml holds every iDevice: its own data is its type,
                // htmlView, jsonProperties and odeComponentsProperties, as
                // the file has them. Left out: odeComponentsOrder (its
                // place) and the page and block ids it sits in; the block's
                // name (its title) is the block's, shared by its iDevices.
                // (The texts are taken with {{context_path}}/ dropped, as
                // read above.)
                ((((p.data = type) += '\0') += html) += '\0') += json;
                for (const xmlNode *prop : children(child(c.node, "odeComponentsProperties"), "odeComponentsProperty")) {
                    ((p.data += '\0') += text_of(child(prop, "key"))) += '\0';
                    p.data += text_of(child(prop, "value"));
                }
                m.pieces.push_back(std::move(p));
            }
            for (auto it = page.subpages.rbegin(); it != page.subpages.rend(); ++it) stack.push_back(*it);
        }
        out.modules.push_back(std::move(m));
    }
    out.tool = "exe";
    out.source = file;
    out.version = generator_version(in, root);
    return ContentResult::Read;
}

// ================================================================ reader

class ExeReader : public ContentReader {
public:
    const char *tool() const override { return "exe"; }
    std::vector<std::string_view> marker_files() const override { return {"contentv3.xml", "content.xml"}; }

    ContentResult read(const ContentInput &in, ContentModel &out, ContentProblem &problem) const override {
        // Recognised by what the files say, not their names: contentv3.xml
        // must serialise an exe.engine.package.Package, content.xml must
        // have the root <ode> with eXe's page structures.
        const std::string v2 = find_file(in, "contentv3.xml");
        if (!v2.empty() && read_head(in, v2, 4096).find("exe.engine.package.Package") != std::string::npos)
            return read_exe2(in, v2, out, problem);
        const std::string v3 = find_file(in, "content.xml");
        if (!v3.empty() && is_exe3(read_head(in, v3, 4096))) return read_exe3(in, v3, out, problem);
        return ContentResult::NotMine;
    }

private:
    // The root element is <ode> and eXe's own elements follow it.
    static bool is_exe3(const std::string &head) {
        std::size_t at = 0;
        // Skip the XML declaration, comments and white space before the root.
        for (;;) {
            at = head.find('<', at);
            if (at == std::string::npos || at + 1 >= head.size()) return false;
            if (head[at + 1] != '?' && head[at + 1] != '!') break;
            ++at;
        }
        if (head.compare(at, 5, "<ode>") != 0 && head.compare(at, 5, "<ode ") != 0) return false;
        return contains_any(head, {"<odeNavStructures", "<odeProperties", "<odeResources", "<userPreferences"});
    }
};

}  // namespace

std::unique_ptr<ContentReader> make_exe_reader() { return std::make_unique<ExeReader>(); }

}  // namespace coursecrew
