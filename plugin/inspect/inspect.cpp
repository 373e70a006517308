#include "plugin/inspect/inspect.hpp"

#include <algorithm>
#include <utility>
#include <unordered_map>
#include <unordered_set>

#include "adapters/xml/xml_stream.hpp"
#include "plugin/inspect/digest_cache.hpp"

namespace coursecrew {

namespace {

std::string base_name(const std::string &path) {
    auto slash = path.rfind('/');
    return slash == std::string::npos ? path : path.substr(slash + 1);
}

std::string dir_name(const std::string &path) {
    auto slash = path.rfind('/');
    return slash == std::string::npos ? std::string() : path.substr(0, slash + 1);
}

bool ends_with(std::string_view s, std::string_view suffix) {
    return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// Which reader a manifest needs, from its root element (the file name only
// has to agree; it never decides on its own).
Format detect(std::string_view root, const std::string &manifest_name, Diagnostics &diags,
              const std::string &file, long line, std::string_view ns) {
    Format f = Format::Unknown;
    if (root == "manifest") f = Format::Scorm12;  // 1.2 vs 2004 is the reader's call
    else if (root == "courseStructure") f = Format::Cmi5;
    else if (root == "tincan") f = Format::Tincan;
    if (f == Format::Unknown) {
        diags.error("package.unknown_format",
                    "the root element <" + std::string(root) + ">" +
                        (ns.empty() ? std::string() : " (namespace " + std::string(ns) + ")") +
                        " is not an IMS manifest (SCORM), a cmi5 <courseStructure> or a "
                        "<tincan> document",
                    file, line);
        return f;
    }
    const std::string name = ascii_lower(manifest_name);
    const bool mismatch = (name == "imsmanifest.xml" && f != Format::Scorm12) ||
                          (name == "cmi5.xml" && f != Format::Cmi5) ||
                          (name == "tincan.xml" && f != Format::Tincan);
    if (mismatch)
        diags.warning("package.name_mismatch",
                      "'" + manifest_name + "' holds a <" + std::string(root) +
                          "> document; read by its content, but LMSs look for the standard name",
                      file, line);
    return f;
}

std::string quoted(std::string_view s) { return "'" + std::string(s) + "'"; }

// Marks which package entries the manifest uses, for the unlisted-files check.
class EntryMarks {
public:
    explicit EntryMarks(const std::vector<PackageEntry> &entries)
        : base_(entries.data()), used_(entries.size(), false) {}
    void mark(const PackageEntry *e) { used_[static_cast<std::size_t>(e - base_)] = true; }
    bool used(std::size_t i) const { return used_[i]; }

private:
    const PackageEntry *base_;
    std::vector<bool> used_;
};

// Marks which of the package's files the course uses, and notes in
// `entry_of` each of Course::files' entry (its number in the package's
// listing, kNone when the package lacks it).
void check_presence(Course &c, const std::vector<PackageEntry> &entries, const EntryIndex &index,
                    EntryMarks &marks, std::vector<std::uint32_t> &entry_of,
                    const std::string &file, Diagnostics &diags) {
    const std::string case_code = "file.case_mismatch";
    const std::string launch_code = "file.launch_missing";
    const std::string missing_code = "file.missing";
    std::size_t near = 0;  // a manifest lists files mostly in the listing's order
    for (Resource &r : c.resources) {
        if (r.launch_path.empty()) continue;
        bool case_mismatch = false;
        const PackageEntry *e = index.find_near(r.launch_path, near, &case_mismatch);
        r.launch_present = e != nullptr;
        if (!e) {
            diags.add_lazy(Severity::Error, launch_code, file, r.line, [&] {
                return "the launch file " + quoted(r.launch_path) + " of " + quoted(r.id) +
                       " is not in the package";
            });
            continue;
        }
        marks.mark(e);
        if (case_mismatch)
            diags.add_lazy(Severity::Warning, case_code, file, r.line, [&] {
                return "launch file " + quoted(r.launch_path) + " is stored as " + quoted(e->path) +
                       ": the case differs, which breaks on case-sensitive web servers";
            });
    }
    entry_of.assign(c.files.size(), kNone);
    for (std::size_t i = 0; i < c.files.size(); ++i) {
        File &f = c.files[i];
        bool case_mismatch = false;
        const PackageEntry *e = index.find_near(f.path(), near, &case_mismatch);
        if (e) {
            marks.mark(e);
            entry_of[i] = static_cast<std::uint32_t>(e - entries.data());
            f.present = true;
            f.size = e->size;
            if (case_mismatch) {
                diags.add_lazy(Severity::Warning, case_code, file, f.line, [&] {
                    return "file " + quoted(f.path()) + " is stored as " + quoted(e->path) +
                           ": the case differs, which breaks on case-sensitive web servers";
                });
                f.set_path(c.strings.add(e->path));  // hash and fingerprint what is really there
            }
            continue;
        }
        // A resource's launch file is reported once, as file.launch_missing.
        if (f.resource != kNone && c.resources[f.resource].launch_path == f.path()) continue;
        // A file the tool's data references is reported against that data.
        const bool content_file = f.resource == kNone && c.content.present();
        diags.add_lazy(Severity::Error, missing_code, content_file ? c.content.source : file, f.line, [&] {
            std::string owner = f.resource != kNone ? " (listed by " + quoted(c.resources[f.resource].id) + ")"
                                : content_file     ? " (used by the " + c.content.tool + " course data)"
                                                   : "";
            return "file " + quoted(f.path()) + owner + " is not in the package";
        });
    }
    if (!c.metadata.location.empty())
        if (const PackageEntry *e = index.find(c.metadata.location)) marks.mark(e);
}

// Files the package holds that no resource lists (SCORM only: cmi5 and tincan
// manifests do not list files).
void check_unlisted(const PackageSource &src, const EntryMarks &marks,
                    const std::string &manifest_path, Diagnostics &diags) {
    const std::string code = "file.unlisted";
    const auto &entries = src.entries();
    for (std::size_t i = 0; i < entries.size(); ++i) {
        const PackageEntry &e = entries[i];
        if (marks.used(i) || e.path == manifest_path) continue;
        // Schema files beside the manifest are packaging, not content.
        const bool at_root = e.path.find('/') == std::string::npos;
        const std::string lower = ascii_lower(e.path);
        if (at_root && (ends_with(lower, ".xsd") || ends_with(lower, ".dtd"))) continue;
        diags.add_lazy(Severity::Warning, code, manifest_path, 0, [&] {
            return quoted(e.path) +
                   " is in the package but no resource lists it; list it in a <file> element "
                   "or leave it out of the package";
        });
    }
}

// The SHA-256 of every present file, each file read at most once (several
// resources may list it), and not at all when `cache` knows it unchanged.
// Files are taken in the listing's (path) order, the order StoredDigests
// reads its rows in.
void hash_files(Course &c, const PackageSource &src, const std::vector<std::uint32_t> &entry_of,
                const std::string &file, Diagnostics &diags, DigestCache *cache) {
    const std::vector<PackageEntry> &entries = src.entries();
    std::vector<std::uint32_t> first_file(entries.size(), kNone);  // by entry: who lists it first
    for (std::uint32_t i = 0; i < c.files.size(); ++i)
        if (c.files[i].present && first_file[entry_of[i]] == kNone) first_file[entry_of[i]] = i;

    std::vector<std::uint32_t> digest_of(entries.size(), kNone);  // by entry
    // At most one digest per file: sized once, not doubled past 200,000
    // files (which holds the old and the new array at once, 38 MB).
    c.digests.reserve(c.digests.size() + c.files.size());
    for (std::size_t e = 0; e < entries.size(); ++e) {
        if (first_file[e] == kNone) continue;
        const PackageEntry &entry = entries[e];
        const bool cacheable = cache && entry.stamp != 0;
        if (const Sha256Hex *known = cacheable ? cache->find(static_cast<std::uint32_t>(e)) : nullptr) {
            digest_of[e] = static_cast<std::uint32_t>(c.digests.size());
            c.digests.push_back(*known);
            continue;
        }
        std::string error;
        std::string hex = sha256_file(src, entry.path, error);
        if (hex.empty()) {
            diags.warning("file.unreadable", "cannot read " + quoted(entry.path) + ": " + error, file,
                          c.files[first_file[e]].line);
            continue;
        }
        digest_of[e] = static_cast<std::uint32_t>(c.digests.size());
        c.digests.emplace_back(hex);
        if (cacheable) cache->remember(static_cast<std::uint32_t>(e), c.digests.back());
    }
    for (std::size_t i = 0; i < c.files.size(); ++i)
        if (c.files[i].present) c.files[i].digest = digest_of[entry_of[i]];
}

void choose_modules(Course &c) {
    c.modules.clear();
    if (c.content.present()) {
        c.modules = c.content.modules;
        return;
    }
    if (c.format == Format::Tincan) {
        // The activities of type module; when there are none, every activity.
        for (std::uint32_t i = 0; i < c.items.size(); ++i)
            if (c.items[i].kind == ItemKind::Activity &&
                std::as_const(c.items[i]).details().activity_type == "http://adlnet.gov/expapi/activities/module")
                c.modules.push_back(i);
        if (c.modules.empty())
            for (std::uint32_t i = 0; i < c.items.size(); ++i)
                if (c.items[i].kind == ItemKind::Activity) c.modules.push_back(i);
        return;
    }
    // SCORM: the top-level items of the default organization (the first one
    // when the default is broken, so the team still sees the course).
    // cmi5: the top-level blocks and AUs.
    std::uint32_t root = c.default_org;
    if (root == kNone && !c.organizations.empty()) root = c.organizations.front();
    if (root == kNone) return;
    c.modules = c.items[root].children;
}

// The files that belong to the course itself (see Course::shell).
// `entry_of` names each file's package entry (kNone when missing), so that a
// path several resources list is counted as one file, without hashing paths.
void find_course_shell(Course &c, const std::vector<std::uint32_t> &entry_of, std::size_t entries) {
    c.shell.clear();
    if (c.content.present()) {
        // The pieces say what is theirs: every other file is the course's.
        std::vector<std::uint8_t> used_entry(entries, 0);
        std::vector<std::string_view> used_missing;
        for (std::uint32_t m : c.modules)
            for (std::uint32_t p : c.pieces_under(m))
                for (std::uint32_t f : c.items[p].details().files) {
                    if (entry_of[f] != kNone) used_entry[entry_of[f]] = 1;
                    else used_missing.push_back(c.files[f].path());
                }
        for (std::uint32_t i = 0; i < c.files.size(); ++i) {
            const std::uint32_t e = entry_of[i];
            const bool used = e != kNone ? used_entry[e] != 0
                                         : std::find(used_missing.begin(), used_missing.end(), c.files[i].path()) !=
                                               used_missing.end();
            c.files[i].shell = !used;
        }
    } else {
        // Files more than half of three or more pieces list: how many pieces
        // reach each resource (itself or as a dependency), then each
        // package file's users over the resources that list it.
        std::vector<std::uint32_t> reach(c.resources.size(), 0), stamp, queue;
        std::size_t pieces = 0;
        std::uint32_t visit = 0;
        for (std::uint32_t m : c.modules)
            for (std::uint32_t p : c.pieces_under(m)) {
                ++pieces;
                const std::uint32_t r0 = c.items[p].resource;
                if (r0 == kNone) continue;
                if (c.resources[r0].dependencies.empty()) {  // the usual SCO: no walk
                    ++reach[r0];
                    continue;
                }
                if (stamp.empty()) stamp.assign(c.resources.size(), 0);
                ++visit;
                queue.assign(1, r0);
                stamp[r0] = visit;
                for (std::size_t q = 0; q < queue.size(); ++q) {
                    ++reach[queue[q]];
                    for (std::uint32_t d : c.resources[queue[q]].dependencies)
                        if (stamp[d] != visit) {
                            stamp[d] = visit;
                            queue.push_back(d);
                        }
                }
            }
        if (pieces < 3) return;
        std::vector<std::uint32_t> users(entries, 0);
        for (std::uint32_t i = 0; i < c.files.size(); ++i)
            if (entry_of[i] != kNone && c.files[i].resource != kNone)
                users[entry_of[i]] += reach[c.files[i].resource];
        for (std::uint32_t i = 0; i < c.files.size(); ++i) {
            const File &f = c.files[i];
            const std::uint32_t n = entry_of[i] != kNone ? users[entry_of[i]]
                                    : f.resource != kNone ? reach[f.resource]
                                                          : 0;
            c.files[i].shell = n * 2 > pieces;
        }
    }
    std::vector<std::uint8_t> listed(entries, 0);
    for (std::uint32_t i = 0; i < c.files.size(); ++i) {
        if (!c.files[i].shell) continue;
        const std::uint32_t e = entry_of[i];
        if (e != kNone && listed[e]) continue;  // one entry per path
        if (e != kNone) listed[e] = 1;
        c.shell.push_back(i);
    }
    std::sort(c.shell.begin(), c.shell.end(),
              [&](std::uint32_t a, std::uint32_t b) { return c.files[a].path() < c.files[b].path(); });
    c.shell.erase(std::unique(c.shell.begin(), c.shell.end(),
                              [&](std::uint32_t a, std::uint32_t b) { return c.files[a].path() == c.files[b].path(); }),
                  c.shell.end());
}

void count(Course &c, const EntryIndex &index) {
    Counts &k = c.counts;
    k = Counts{};
    k.package_files = index.size();
    k.organizations = c.organizations.size();
    for (const Item &it : c.items) {
        switch (it.kind) {
        case ItemKind::Item:
            if (!it.top_manifest) break;
            ++k.items;
            if (it.children.empty()) ++k.leaf_items;
            break;
        case ItemKind::Block: ++k.blocks; break;
        case ItemKind::Au: ++k.aus; break;
        case ItemKind::Activity: ++k.activities; break;
        case ItemKind::Organization:
        case ItemKind::Module:
        case ItemKind::Piece: break;
        }
    }
    for (const Resource &r : c.resources) {
        if (r.manifest_depth != 0) continue;
        ++k.resources;
        k.files += r.file_elements;
    }
    k.modules = c.modules.size();
    for (std::uint32_t m : c.modules) k.pieces += c.pieces_under(m).size();
}

}  // namespace

// Reads the manifest into `c`. False when reading cannot go on (the
// diagnostics say why); a manifest that stops half-way leaves only them.
bool read_manifest(const PackageSource &source, const std::string &manifest_path, bool in_package,
                   const Readers &readers, const InspectOptions &options, const EntryIndex &index,
                   Course &c, Diagnostics &diags) {
    std::string error;
    auto in = source.open(manifest_path, error);
    if (!in) {
        diags.error("package.read_failed", "cannot read the manifest: " + error, manifest_path);
        return false;
    }
    // The size the package states is checked before anything is parsed.
    // (find_near: one lookup, for which the hash tables are not worth building.)
    std::size_t near = 0;
    const PackageEntry *entry = index.find_near(manifest_path, near);
    xml::Stream x(*in, manifest_path, diags, options.limits, entry ? entry->size : xml::Stream::kUnknownSize);
    xml::Event e = x.next();
    while (e == xml::Event::Text) e = x.next();
    if (e != xml::Event::Start) {
        if (e == xml::Event::Eof) diags.error("xml.malformed", "the manifest has no root element", manifest_path);
        return false;
    }
    ReadContext ctx{source, index, diags, options.limits, manifest_path, dir_name(manifest_path), in_package,
                    entry ? entry->size : 0};
    const Format f = detect(x.local_name(), base_name(manifest_path), diags, manifest_path, x.line(), x.ns_uri());
    ReaderFn reader = f == Format::Scorm12  ? readers.scorm
                      : f == Format::Cmi5   ? readers.cmi5
                      : f == Format::Tincan ? readers.tincan
                                            : nullptr;
    if (!reader) return false;
    reader(x, ctx, c);
    if (x.failed()) {
        // A manifest that stops half-way would yield false findings (resources
        // "missing" because they were never read): keep only the diagnostics.
        const std::string manifest = c.manifest_path;
        c = Course{};
        c.manifest_path = manifest;
        c.counts.package_files = index.size();
        return false;
    }
    return true;
}

// A package with no manifest (an Adapt build without spoor): the course is
// what the authoring tool's own data says, and every file in the package is
// the course's. False, with the old error, when no content reader knows it.
bool read_without_manifest(const PackageSource &source, const EntryIndex &index, const Readers &readers,
                           const InspectOptions &options, const std::string &package, Course &c,
                           Diagnostics &diags) {
    if (readers.content) {
        const ContentInput content{source, index, c, options.content_limits};
        read_content_model(content, *readers.content, options.content, c, diags);
    }
    if (!c.content.present()) {
        diags.error("package.no_manifest", "no imsmanifest.xml, cmi5.xml or tincan.xml in " + package +
                                               "; name a course package (a folder or .zip) or its manifest file");
        return false;
    }
    diags.warning("package.no_manifest_content_only",
                  "no imsmanifest.xml, cmi5.xml or tincan.xml in " + package +
                      ": an LMS cannot import it as it is (an Adapt build needs the spoor extension for one); "
                      "the course is read from the " + c.content.tool + " course data alone",
                  c.content.source);
    c.identifier = c.content.course_id;
    if (!c.content.course_title.empty()) c.title.add("", c.content.course_title);
    std::unordered_set<std::string_view> known;
    for (const File &f : c.files) known.insert(f.path());
    std::vector<std::string> rest;
    for (const PackageEntry &e : source.entries())
        if (!known.count(e.path)) rest.emplace_back(e.path);
    for (const std::string &path : rest) c.add_file(kNone, path, 0);
    return true;
}

void inspect_source(const PackageSource &source, const std::string &manifest_path,
                    bool in_package, const Readers &readers, const InspectOptions &options,
                    Inspection &out) {
    Course &c = out.course;
    Diagnostics &diags = out.diags;
    c.manifest_path = manifest_path;
    EntryIndex index(source.entries());
    c.counts.package_files = index.size();
    // A zip's entries are each read once, listed or not (see check_every_file).
    MemoryDigests read_once;
    DigestCache *digests = options.digests ? options.digests : source.listing_can_lie() ? &read_once : nullptr;
    // The cache gets the listing now (StoredDigests matches its rows to it
    // while the manifest is parsed), and lets go of it on every way out.
    struct Unlist {
        DigestCache *cache;
        ~Unlist() {
            if (cache) cache->unlisted();
        }
    } unlist{digests};
    if (digests) digests->listed(source.entries());

    if (manifest_path.empty()) {
        if (!read_without_manifest(source, index, readers, options, out.package, c, diags)) {
            diags.finish();
            return;
        }
    } else {
        if (!read_manifest(source, manifest_path, in_package, readers, options, index, c, diags)) {
            diags.finish();
            return;
        }
        // The authoring tool's own structure, in place of the one-SCO piece.
        if (readers.content && in_package) {
            const ContentInput content{source, index, c, options.content_limits};
            read_content_model(content, *readers.content, options.content, c, diags);
        }
    }

    EntryMarks marks(source.entries());
    std::vector<std::uint32_t> entry_of;  // per file of the course
    check_presence(c, source.entries(), index, marks, entry_of, manifest_path, diags);
    if (in_package && (c.format == Format::Scorm12 || c.format == Format::Scorm2004))
        check_unlisted(source, marks, manifest_path, diags);
    if (digests) check_every_file(source, *digests, diags);
    if (options.hash_files) hash_files(c, source, entry_of, manifest_path, diags, digests);
    choose_modules(c);
    find_course_shell(c, entry_of, source.entries().size());
    count(c, index);
    diags.finish();
}

}  // namespace coursecrew
