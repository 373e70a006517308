#include "plugin/content/content.hpp"

#include <exception>
#include <string>
#include <unordered_map>
#include <unordered_set>

namespace coursecrew {

namespace {

// Ids handed out so far, and for each repeated id the next suffix to try,
// so that an id repeated n times costs n steps, not n^2 / 2.
struct TakenIds {
    std::unordered_set<std::string> taken;
    std::unordered_map<std::string, unsigned> next;
};

// A unique id: `id` itself, or `id~2`, `id~3`... when it is taken.
std::string unique_id(const std::string &id, TakenIds &ids) {
    if (ids.taken.insert(id).second) return id;
    unsigned &n = ids.next.try_emplace(id, 2).first->second;
    for (;; ++n) {
        std::string candidate = id + "~" + std::to_string(n);
        if (ids.taken.insert(candidate).second) return candidate;
    }
}

std::string where(const ContentOrigin &o) {
    return o.at.empty() ? o.file : o.file + " at " + o.at;
}

std::size_t piece_count(const ContentModel &m) {
    std::size_t n = 0;
    for (const ContentModule &mod : m.modules) n += mod.pieces.size();
    return n;
}

}  // namespace

bool is_content_mode(std::string_view mode) {
    if (mode == "auto" || mode == "off") return true;
    for (const char *tool : kContentTools)
        if (mode == tool) return true;
    return false;
}

void apply_content_model(ContentModel &&model, Course &course, Diagnostics &diags) {
    TakenIds module_ids, piece_ids;
    // One File per path, however many pieces use it.
    std::unordered_map<std::string, std::uint32_t> file_of;
    auto file_index = [&](const std::string &path) {
        auto [it, added] = file_of.try_emplace(path, static_cast<std::uint32_t>(course.files.size()));
        if (added) course.add_file(kNone, path, 0);
        return it->second;
    };
    auto note_duplicate = [&](const std::string &what, const std::string &id, const std::string &now,
                              const ContentOrigin &o) {
        diags.warning("content.duplicate_id",
                      what + " id '" + id + "' is used twice in the " + model.tool + " data (" + where(o) +
                          "); this one is tracked as '" + now + "'",
                      o.file);
    };

    course.content = ContentInfo{};
    for (ContentModule &mod : model.modules) {
        const auto m = static_cast<std::uint32_t>(course.items.size());
        {
            Item item;
            item.kind = ItemKind::Module;
            item.id = unique_id(mod.id, module_ids);
            if (item.id != mod.id) note_duplicate("module", mod.id, item.id, mod.origin);
            item.title.add("", std::move(mod.title));
            item.details().origin = std::move(mod.origin);
            course.items.push_back(std::move(item));
        }
        course.content.modules.push_back(m);
        for (ContentPiece &p : mod.pieces) {
            Item item;
            item.kind = ItemKind::Piece;
            item.parent = m;
            item.id = unique_id(p.id, piece_ids);
            if (item.id != p.id) note_duplicate("piece", p.id, item.id, p.origin);
            item.title.add("", std::move(p.title));
            ItemDetails &d = item.details();
            d.origin = std::move(p.origin);
            d.facts.is_question = p.is_question;
            d.facts.has_interactions = p.has_interactions;
            d.facts.has_media = p.has_media;
            d.facts.has_text = p.has_text;
            for (const std::string &path : p.files) d.files.push_back(file_index(path));
            if (!p.data.empty()) d.data_digest = sha256_hex(p.data);
            const auto at = static_cast<std::uint32_t>(course.items.size());
            course.items.push_back(std::move(item));
            course.items[m].children.push_back(at);
        }
    }
    course.content.tool = std::move(model.tool);
    course.content.version = std::move(model.version);
    course.content.source = std::move(model.source);
    course.content.course_id = std::move(model.course_id);
    course.content.course_title = std::move(model.course_title);
}

namespace {

// Which of `readers` may find their tool in the package: those without
// marker files, and those with one of theirs in the listing.
std::vector<bool> worth_asking(const ContentInput &in, const ContentReaders &readers) {
    struct Marker {
        std::string_view file, name;  // name: the file's last segment
        std::size_t reader;
    };
    std::vector<bool> ask(readers.size(), false);
    std::vector<Marker> markers;
    for (std::size_t r = 0; r < readers.size(); ++r) {
        const std::vector<std::string_view> files = readers[r]->marker_files();
        if (files.empty()) ask[r] = true;
        for (std::string_view f : files) markers.push_back({f, f.substr(f.rfind('/') + 1), r});
    }
    for (const PackageEntry &e : in.source.entries()) {
        const std::string_view path = e.path;
        const std::string_view name = path.substr(path.rfind('/') + 1);
        for (const Marker &m : markers)
            if (name == m.name && path_ends_with(path, m.file)) ask[m.reader] = true;
    }
    return ask;
}

}  // namespace

void read_content_model(const ContentInput &in, const ContentReaders &readers,
                        const ContentChoice &choice, Course &course, Diagnostics &diags) {
    if (choice.mode == "off") return;
    const bool any = choice.mode == "auto";
    const std::vector<bool> ask = worth_asking(in, readers);
    for (std::size_t r = 0; r < readers.size(); ++r) {
        const auto &reader = readers[r];
        if (!any && choice.mode != reader->tool()) continue;
        if (!ask[r]) continue;
        ContentModel model;
        ContentProblem problem;
        ContentResult result = ContentResult::NotMine;
        try {
            result = reader->read(in, model, problem);
        } catch (const std::exception &e) {
            // A reader must not throw for bad input; if one does (memory),
            // the course still gets the manifest's pieces.
            result = ContentResult::Failed;
            problem.message = std::string("reading stopped: ") + e.what();
        }
        if (result == ContentResult::NotMine) continue;
        if (result == ContentResult::Read && piece_count(model) == 0) {
            result = ContentResult::Failed;
            problem.file = model.source;
            problem.message = "it holds no pieces";
        }
        if (result == ContentResult::Read && piece_count(model) > in.limits.max_pieces) {
            result = ContentResult::Failed;
            problem.file = model.source;
            problem.message = "it holds " + std::to_string(piece_count(model)) + " pieces, more than " +
                              std::to_string(in.limits.max_pieces);
        }
        if (result == ContentResult::Failed) {
            diags.warning("content.unreadable",
                          "the " + std::string(reader->tool()) + " course data cannot be read: " +
                              problem.message + "; the course keeps the manifest's modules and pieces",
                          problem.file.empty() ? course.manifest_path : problem.file, problem.line);
            return;
        }
        for (const ContentProblem &note : model.notes)
            diags.warning("content.partial", "the " + model.tool + " course data: " + note.message,
                          note.file.empty() ? model.source : note.file, note.line);
        std::size_t pieces = piece_count(model);
        const std::string tool = model.tool, source = model.source;
        const std::size_t modules = model.modules.size();
        apply_content_model(std::move(model), course, diags);
        diags.info("content.model",
                   "read the " + tool + " structure: " + std::to_string(modules) +
                       (modules == 1 ? " module, " : " modules, ") + std::to_string(pieces) +
                       (pieces == 1 ? " piece" : " pieces"),
                   source);
        return;
    }
    if (!any)
        diags.warning("content.not_found",
                      "content_model asks for '" + choice.mode + "', but the package holds no " + choice.mode +
                          " course data that could be recognised; the course keeps the manifest's pieces",
                      course.manifest_path);
}

}  // namespace coursecrew
