// SCORM 1.2 and SCORM 2004 (2nd, 3rd, 4th edition) imsmanifest.xml reader.
//
// One streaming pass over the manifest builds organizations, items,
// resources and file references; a short second pass over the model resolves
// references (identifierref, dependencies, sub-manifests, sequencing IDRefs),
// since a manifest may refer forward to anything.
//
// Elements are matched by local name within their parent, so odd prefixes and
// missing namespaces still read; namespaces decide only the format and edition.
#include <cctype>
#include <cstdlib>
#include <string>
#include <unordered_map>

#include "plugin/model/text_index.hpp"
#include <unordered_set>
#include <vector>

#include "adapters/xml/xml_stream.hpp"
#include "adapters/xml_common/children.hpp"
#include "plugin/model/paths.hpp"
#include "plugin/model/reader.hpp"

namespace coursecrew {

namespace {

using xml::Event;

std::string str(std::string_view s) { return std::string(s); }
std::string trimmed(std::string_view s) { return std::string(xml::trim(s)); }

// xs:ID / NCName, close enough: a letter or '_' first, then no spaces or ':'.
bool is_ncname(std::string_view id) {
    if (id.empty()) return false;
    unsigned char c0 = static_cast<unsigned char>(id[0]);
    if (!(std::isalpha(c0) || c0 == '_' || c0 >= 0x80)) return false;
    for (char ch : id) {
        unsigned char c = static_cast<unsigned char>(ch);
        if (c >= 0x80) continue;
        if (!(std::isalnum(c) || c == '_' || c == '-' || c == '.')) return false;
    }
    return true;
}

bool parse_number(std::string_view text, double &out) {
    std::string t = trimmed(text);
    if (t.empty()) return false;
    char *end = nullptr;
    out = std::strtod(t.c_str(), &end);
    return end && *end == '\0';
}

// The LOM elements we read; everything else inside <lom> is walked over.
enum class Lom { Other, General, Title, Description, Keyword, String };

Lom lom_kind(std::string_view local) {
    if (local == "general") return Lom::General;
    if (local == "title") return Lom::Title;
    if (local == "description") return Lom::Description;
    if (local == "keyword") return Lom::Keyword;
    if (local == "langstring" || local == "string") return Lom::String;
    return Lom::Other;
}

class ScormReader {
public:
    ScormReader(xml::Stream &x, ReadContext &ctx, Course &c) : x_(x), ctx_(ctx), c_(c) {}

    void run() {
        reserve_for_size();
        read_manifest(0, "");
        if (x_.failed()) return;  // the core discards a half-read manifest
        decide_format();
        resolve();
    }

private:
    struct SubManifest {
        std::uint32_t org = kNone;  // its default organization item
    };

    xml::Stream &x_;
    ReadContext &ctx_;
    Course &c_;

    std::string default_org_attr_;
    long default_org_line_ = 0;
    long manifest_line_ = 0;  // of the root <manifest>: where format warnings point
    bool saw_organizations_ = false;
    std::string schemaversion_;
    long schemaversion_line_ = 0;
    // Identifiers, for duplicates and references: indexes of item and
    // resource numbers by their ids (the first of each id).
    struct ItemId {
        const Course *c;
        std::string_view operator()(std::uint32_t i) const { return c->items[i].id; }
    };
    struct ResourceId {
        const Course *c;
        std::string_view operator()(std::uint32_t i) const { return c->resources[i].id; }
    };
    TextIndex<ItemId> item_ids_{16, ItemId{&c_}};
    struct DependencyRef {
        std::uint32_t resource;
        std::string id;  // the <dependency> identifierref, resolved after the pass
    };
    std::vector<DependencyRef> dependency_refs_;  // in document order
    TextIndex<ResourceId> resource_ids_{16, ResourceId{&c_}};
    std::unordered_map<std::string, SubManifest> submanifests_;
    std::unordered_set<std::string> sequencing_ids_;
    std::unordered_set<std::uint32_t> without_href_;  // resources with no href: nothing to launch
    // Per sub-manifest depth, its organizations and default attribute.
    struct OrgScope {
        std::string default_attr;
        std::vector<std::uint32_t> orgs;
    };

    const std::string &file() const { return ctx_.manifest_path; }

    // Sizes the tables from the manifest's byte count, so a big course is not
    // copied and rehashed as it grows. The ratios are lower bounds on the
    // bytes an element takes in a real manifest; unused reservations are
    // address space only, never touched memory.
    void reserve_for_size() {
        const auto bytes = static_cast<std::size_t>(ctx_.manifest_bytes);
        if (bytes < (1u << 20)) return;
        c_.items.reserve(bytes / 500);
        c_.resources.reserve(bytes / 500);
        c_.files.reserve(bytes / 60);
    }

    // -- elements --------------------------------------------------------

    // Reads a <manifest> (depth 0) or sub-manifest; returns its default organization.
    std::uint32_t read_manifest(int depth, const std::string &outer_base) {
        const std::string id = trimmed(x_.attr("identifier"));
        const std::string base = join_base(outer_base, x_.attr("base", xml::ns::kXml));
        const long line = x_.line();
        if (depth == 0) {
            manifest_line_ = line;
            c_.identifier = id;
            c_.version = trimmed(x_.attr("version"));
            if (id.empty())
                ctx_.diags.warning("manifest.identifier_missing",
                                   "the manifest has no identifier attribute; LMSs use it to "
                                   "recognise updates of the same course",
                                   file(), line);
        }
        OrgScope scope;
        for (xml::Children in(x_); in.next();) {
            const std::string_view local = x_.local_name();
            if (local == "metadata") {
                read_manifest_metadata(depth == 0 ? &c_.metadata : nullptr, depth == 0);
            } else if (local == "organizations") {
                read_organizations(depth, scope);
            } else if (local == "resources") {
                read_resources(depth, join_base(base, x_.attr("base", xml::ns::kXml)));
            } else if (local == "manifest") {
                // A sub-manifest: items elsewhere may name it in identifierref.
                const std::string sub_id = trimmed(x_.attr("identifier"));
                const std::uint32_t sub_org = read_manifest(depth + 1, base);
                if (!sub_id.empty()) submanifests_[sub_id] = SubManifest{sub_org};
            } else if (local == "sequencingCollection") {
                read_sequencing_collection();
            } else {
                x_.skip();
            }
        }
        if (x_.failed()) return kNone;  // half-read: the core keeps only the diagnostics
        if (depth == 0) {
            c_.organizations = scope.orgs;
            choose_default_org(scope);
            return c_.default_org;
        }
        // A sub-manifest's default organization, or its first.
        for (std::uint32_t o : scope.orgs)
            if (c_.items[o].id == scope.default_attr) return o;
        return scope.orgs.empty() ? kNone : scope.orgs.front();
    }

    void read_manifest_metadata(Metadata *md, bool top) {
        for (xml::Children in(x_); in.next();) {
            const std::string_view local = x_.local_name();
            if (top && local == "schema") {
                c_.schema = trimmed(x_.read_text());
            } else if (top && local == "schemaversion") {
                schemaversion_line_ = x_.line();
                schemaversion_ = trimmed(x_.read_text());
                c_.schema_version = schemaversion_;
            } else if (local == "lom" && md) {
                read_lom(*md);
            } else if (local == "location" && md) {
                md->location = trimmed(x_.read_text());
                read_external_metadata(*md, x_.line());
            } else {
                x_.skip();
            }
        }
    }

    // Inline LOM: title, description and keywords of the <general> category.
    void read_lom(Metadata &md) {
        const int my_depth = x_.depth();
        std::vector<Lom> path;
        std::string lang;
        for (;;) {
            Event e = x_.next();
            if (e == Event::Eof || e == Event::Error) return;
            if (e == Event::End) {
                if (x_.depth() < my_depth) return;
                if (!path.empty()) path.pop_back();
                continue;
            }
            if (e == Event::Start) {
                path.push_back(lom_kind(x_.local_name()));
                if (path.back() == Lom::String) {
                    lang = str(x_.attr("lang"));
                    if (lang.empty()) lang = str(x_.attr("language"));
                    std::string text = trimmed(x_.read_text());
                    path.pop_back();
                    if (path.size() < 2 || path[0] != Lom::General || text.empty()) continue;
                    switch (path[1]) {
                    case Lom::Title: md.title.add(lang, text); break;
                    case Lom::Description: md.description.add(lang, text); break;
                    case Lom::Keyword: md.keywords.push_back(text); break;
                    default: break;
                    }
                }
                continue;
            }
            // Text directly inside <title> (some tools skip <langstring>).
            if (e == Event::Text && path.size() == 2 && path[0] == Lom::General) {
                std::string text = trimmed(x_.text());
                if (text.empty()) continue;
                if (path[1] == Lom::Title) md.title.add("", text);
                else if (path[1] == Lom::Description) md.description.add("", text);
                else if (path[1] == Lom::Keyword) md.keywords.push_back(text);
            }
        }
    }

    // adlcp:location names a metadata file in the package: read its LOM.
    void read_external_metadata(Metadata &md, long line) {
        ResolvedHref h = resolve_href(ctx_.manifest_dir, "", md.location,
                                      HrefSite{file(), line, "metadata"}, ctx_.diags);
        if (!h.ok || h.is_url) return;
        const PackageEntry *entry = ctx_.index.find(h.path);
        if (!entry) {
            ctx_.diags.warning("metadata.location_missing",
                               "metadata file '" + h.path +
                                   "' (adlcp:location) is not in the package; its title and "
                                   "keywords are not read",
                               file(), line);
            return;
        }
        std::string error;
        auto in = ctx_.source.open(std::string(entry->path), error);
        if (!in) {
            ctx_.diags.warning("metadata.unreadable",
                               "cannot read metadata file '" + std::string(entry->path) + "': " + error, file(),
                               line);
            return;
        }
        xml::Stream meta(*in, std::string(entry->path), ctx_.diags, ctx_.limits);
        for (;;) {
            Event e = meta.next();
            if (e == Event::Eof || e == Event::Error) return;
            if (e == Event::Start && meta.local_name() == "lom") {
                ScormReader sub(meta, ctx_, c_);
                sub.read_lom(md);
                return;
            }
        }
    }

    void read_organizations(int depth, OrgScope &scope) {
        if (depth == 0) {
            saw_organizations_ = true;
            default_org_attr_ = str(x_.attr("default"));
            default_org_line_ = x_.line();
        } else {
            scope.default_attr = trimmed(x_.attr("default"));
        }
        for (xml::Children in(x_); in.next();) {
            if (x_.local_name() == "organization") {
                scope.orgs.push_back(read_item(kNone, ItemKind::Organization, depth));
            } else {
                x_.skip();
            }
        }
    }

    // Reads an <organization> or <item> and its subtree; returns its index.
    std::uint32_t read_item(std::uint32_t parent, ItemKind kind, int manifest_depth) {
        const auto index = static_cast<std::uint32_t>(c_.items.size());
        {
            Item it;
            it.kind = kind;
            it.parent = parent;
            it.line = x_.line();
            it.top_manifest = manifest_depth == 0;
            it.id = trimmed(x_.attr("identifier"));
            it.identifierref = trimmed(x_.attr("identifierref"));
            if (std::string_view params = x_.attr("parameters"); !params.empty())
                it.details().parameters = str(params);
            std::string_view vis = xml::trim(x_.attr("isvisible"));
            it.visible = !(vis == "false" || vis == "0");
            c_.items.push_back(std::move(it));
        }
        check_item_id(x_.attr("identifier"), index,
                      kind == ItemKind::Organization ? "organization" : "item");
        if (parent != kNone) c_.items[parent].children.push_back(index);

        for (xml::Children in(x_); in.next();) {
            const std::string_view local = x_.local_name();
            if (local == "item") {
                read_item(index, ItemKind::Item, manifest_depth);
            } else if (local == "title") {
                std::string t = trimmed(x_.read_text());
                if (!t.empty()) c_.items[index].title.add("", std::move(t));
            } else if (local == "metadata") {
                read_manifest_metadata(&c_.items[index].details().metadata, false);
            } else if (local == "sequencing") {
                read_sequencing(c_.items[index].details().facts);
            } else if (local == "presentation") {
                c_.items[index].details().facts.has_presentation = true;
                x_.skip();
            } else if (local == "completionThreshold") {
                read_completion_threshold(c_.items[index].details().facts);
            } else if (local == "masteryscore") {
                double v = 0;
                std::string text = x_.read_text();
                if (parse_number(text, v)) c_.items[index].details().facts.mastery_score = v;
                else
                    ctx_.diags.warning("item.mastery_score_invalid",
                                       "adlcp:masteryscore '" + trimmed(text) +
                                           "' is not a number; ignored",
                                       file(), x_.line());
            } else if (local == "prerequisites") {
                c_.items[index].details().facts.prerequisites = trimmed(x_.read_text());
            } else {
                x_.skip();
            }
        }
        return index;
    }

    void read_completion_threshold(StructureFacts &facts) {
        // 4th edition: attributes; 3rd edition: the value as text.
        double v = 0;
        std::string_view attr = x_.attr("minProgressMeasure");
        std::string text = x_.read_text();
        if (!attr.empty() && parse_number(attr, v)) facts.completion_threshold = v;
        else if (parse_number(text, v)) facts.completion_threshold = v;
        else if (attr.empty() && xml::trim(text).empty())
            facts.completion_threshold = 1.0;  // the schema's default
    }

    void read_sequencing(StructureFacts &facts) {
        facts.has_sequencing = true;
        facts.sequencing_idref = trimmed(x_.attr("IDRef"));
        for (xml::Children in(x_); in.next();) {
            const std::string_view local = x_.local_name();
            const std::string_view ns = x_.ns_uri();
            if (local == "preConditionRule" || local == "exitConditionRule" ||
                local == "postConditionRule")
                ++facts.sequencing_rules;
            else if ((local == "primaryObjective" || local == "objective") && ns != xml::ns::kAdlseq)
                ++facts.objectives;
        }
    }

    void read_sequencing_collection() {
        for (xml::Children in(x_); in.next();) {
            if (x_.local_name() == "sequencing" && in.at_child()) {
                std::string id = trimmed(x_.attr("ID"));
                if (!id.empty()) sequencing_ids_.insert(id);
            }
        }
    }

    void read_resources(int depth, const std::string &base) {
        for (xml::Children in(x_); in.next();) {
            if (x_.local_name() == "resource") read_resource(depth, base);
            else x_.skip();
        }
    }

    void read_resource(int depth, const std::string &outer_base) {
        const auto index = static_cast<std::uint32_t>(c_.resources.size());
        c_.resources.emplace_back();
        {
            Resource &r = c_.resources.back();
            r.line = x_.line();
            r.manifest_depth = depth;
            std::string_view raw_id = x_.attr("identifier");
            r.id = c_.strings.add(xml::trim(raw_id));
            r.type = c_.strings.add(xml::trim(x_.attr("type")));
            // SCORM 1.2 spells it scormtype, 2004 scormType.
            r.scorm_type = c_.strings.add(xml::trim(x_.attr("scormType")));
            if (r.scorm_type.empty()) r.scorm_type = c_.strings.add(xml::trim(x_.attr("scormtype")));
            check_resource_id(raw_id, r.id, r.line);
        }
        const std::string base = join_base(outer_base, x_.attr("base", xml::ns::kXml));
        {
            Resource &r = c_.resources[index];
            std::string_view href = x_.attr("href");
            if (xml::trim(href).empty()) without_href_.insert(index);
            if (!xml::trim(href).empty()) {
                ResolvedHref h = resolve_href(ctx_.manifest_dir, base, href,
                                              HrefSite{file(), r.line, "launch"}, ctx_.diags);
                std::string written = h.is_url ? h.path : join_base(base, href);
                if (h.is_url || written != h.path) r.href = c_.strings.add(written);
                r.launch_is_url = h.is_url;
                if (h.ok && !h.is_url) r.launch_path = c_.strings.add(h.path);
                r.launch_query = c_.strings.add(h.query);
            }
        }
        for (xml::Children in(x_); in.next();) {
            const std::string_view local = x_.local_name();
            if (local == "file") {
                ++c_.resources[index].file_elements;
                add_file(index, base);
                if (in.at_child()) {
                    // <file> may carry <metadata>; nothing in it matters here.
                    x_.skip();
                }
            } else if (local == "dependency") {
                std::string ref = trimmed(x_.attr("identifierref"));
                if (!ref.empty()) dependency_refs_.push_back({index, std::move(ref)});
                x_.skip();
            } else if (local == "metadata") {
                auto &md = c_.resources[index].metadata;
                if (!md) md = std::make_unique<Metadata>();
                read_manifest_metadata(md.get(), false);
            } else {
                x_.skip();
            }
        }
    }

    void add_file(std::uint32_t resource, const std::string &base) {
        std::string_view href = x_.attr("href");
        const long line = x_.line();
        if (xml::trim(href).empty()) {
            ctx_.diags.warning("file.href_missing", "a <file> element has no href; ignored",
                               file(), line);
            return;
        }
        if (base.empty() && ctx_.manifest_dir.empty() && is_plain_href(href)) {
            c_.add_file(resource, href, line);  // the common case: no copy, no parsing
            return;
        }
        ResolvedHref h =
            resolve_href(ctx_.manifest_dir, base, href, HrefSite{file(), line, "file"}, ctx_.diags);
        if (!h.ok) return;
        // A <file> naming a URL is not a package file: nothing to check or hash.
        if (h.is_url) return;
        c_.add_file(resource, h.path, line);
    }

    // -- identifiers -----------------------------------------------------

    void check_id_text(std::string_view raw, std::string_view id, long line, const char *what) {
        if (raw.size() != id.size())
            ctx_.diags.warning("id.whitespace",
                               std::string(what) + " identifier '" + str(raw) +
                                   "' has leading or trailing spaces; read as '" + str(id) + "'",
                               file(), line);
        else if (!id.empty() && !is_ncname(id))
            ctx_.diags.warning("id.invalid",
                               std::string(what) + " identifier '" + str(id) +
                                   "' is not a valid XML ID (no spaces, must not start with a "
                                   "digit); some LMSs reject it",
                               file(), line);
    }

    // `raw`: the item's identifier as written.
    void check_item_id(std::string_view raw, std::uint32_t item, const char *what) {
        const std::string &id = c_.items[item].id;
        const long line = c_.items[item].line;
        check_id_text(raw, id, line, what);
        if (id.empty()) {
            ctx_.diags.error("id.missing", std::string(what) + " has no identifier", file(), line);
            return;
        }
        if (const std::uint32_t first = item_ids_.insert(item); first != item_ids_.kAbsent)
            ctx_.diags.error("id.duplicate",
                             std::string(what) + " identifier '" + id +
                                 "' is already used at line " + std::to_string(c_.items[first].line) +
                                 "; identifiers must be unique",
                             file(), line);
        else if (id == c_.identifier)
            ctx_.diags.warning("id.duplicate_manifest",
                               std::string(what) + " identifier '" + id +
                                   "' equals the manifest identifier; XML IDs must be unique",
                               file(), line);
    }

    void check_resource_id(std::string_view raw, std::string_view id, long line) {
        check_id_text(raw, id, line, "resource");
        if (id.empty()) {
            ctx_.diags.error("id.missing", "resource has no identifier", file(), line);
            return;
        }
        const std::uint32_t first = resource_ids_.insert(static_cast<std::uint32_t>(c_.resources.size() - 1));
        if (first != resource_ids_.kAbsent)
            ctx_.diags.error("id.duplicate",
                             "resource identifier '" + str(id) + "' is already used at line " +
                                 std::to_string(c_.resources[first].line) +
                                 "; identifiers must be unique",
                             file(), line);
    }

    // -- after the pass ------------------------------------------------------

    void choose_default_org(const OrgScope &scope) {
        if (!saw_organizations_ || scope.orgs.empty()) {
            ctx_.diags.error("org.empty",
                             "the manifest has no organization, so the course has no modules to "
                             "launch or track; add an <organization> with items",
                             file(), default_org_line_);
            return;
        }
        const std::string wanted = trimmed(default_org_attr_);
        if (wanted.empty()) {
            ctx_.diags.warning("org.default_absent",
                               "<organizations> has no default attribute; using the first "
                               "organization '" + c_.items[scope.orgs.front()].id + "'",
                               file(), default_org_line_);
            c_.default_org = scope.orgs.front();
        } else {
            for (std::uint32_t o : scope.orgs)
                if (c_.items[o].id == wanted) c_.default_org = o;
            if (c_.default_org == kNone) {
                ctx_.diags.error("org.default_missing",
                                 "the default organization '" + wanted +
                                     "' does not exist; set organizations/@default to one of "
                                     "the organization identifiers",
                                 file(), default_org_line_);
            } else if (wanted != default_org_attr_) {
                ctx_.diags.warning("id.whitespace",
                                   "organizations/@default '" + default_org_attr_ +
                                       "' has surrounding spaces; read as '" + wanted + "'",
                                   file(), default_org_line_);
            }
        }
        c_.default_organization = wanted;
        for (std::uint32_t o : scope.orgs) {
            if (c_.items[o].children.empty())
                ctx_.diags.error("org.no_items",
                                 "organization '" + c_.items[o].id +
                                     "' has no items; add the course's items to it",
                                 file(), c_.items[o].line);
            if (c_.items[o].title.empty())
                ctx_.diags.warning("org.title_missing",
                                   "organization '" + c_.items[o].id +
                                       "' has no <title>, which SCORM requires; LMSs show the "
                                       "course under it: add one",
                                   file(), c_.items[o].line);
        }
    }

    void decide_format() {
        const auto &nss = x_.namespaces();
        auto has = [&](std::string_view u) { return nss.find(u) != nss.end(); };
        const std::string &sv = schemaversion_;
        if (sv == "1.2") {
            c_.format = Format::Scorm12;
        } else if (sv == "CAM 1.3" || sv == "2004 2nd Edition") {
            c_.format = Format::Scorm2004;
            c_.edition = "2nd";
        } else if (sv == "2004 3rd Edition") {
            c_.format = Format::Scorm2004;
            c_.edition = "3rd";
        } else if (sv == "2004 4th Edition") {
            c_.format = Format::Scorm2004;
            c_.edition = "4th";
        } else if (has(xml::ns::kImscp12) || has(xml::ns::kAdlcp12)) {
            c_.format = Format::Scorm12;
        } else if (has(xml::ns::kImscp2004) || has(xml::ns::kAdlcp2004) || has(xml::ns::kImsss)) {
            c_.format = Format::Scorm2004;
        } else {
            // No namespaces and no schemaversion: a content package of unknown
            // flavour. SCORM 1.2 is the lenient reading.
            c_.format = Format::Scorm12;
        }
        if (sv.empty())
            ctx_.diags.warning("manifest.schemaversion_missing",
                               std::string("the manifest has no <schemaversion>; read as ") +
                                   (c_.format == Format::Scorm12 ? "SCORM 1.2" : "SCORM 2004") +
                                   " from its namespaces" +
                                   (c_.format == Format::Scorm2004 ? " (edition unknown)" : ""),
                               file(), manifest_line_);
        else if (c_.format == Format::Scorm2004 && c_.edition.empty())
            ctx_.diags.warning("manifest.schemaversion_unknown",
                               "schemaversion '" + sv + "' is not a SCORM 2004 edition "
                               "('CAM 1.3', '2004 3rd Edition', '2004 4th Edition'); edition unknown",
                               file(), schemaversion_line_);
        if (!has(xml::ns::kImscp12) && !has(xml::ns::kImscp2004))
            ctx_.diags.warning("manifest.no_namespace",
                               "the manifest does not declare the IMS content packaging "
                               "namespace; read anyway, but strict LMSs may reject it",
                               file(), manifest_line_);
        if (c_.title.empty() && c_.default_org != kNone) c_.title = c_.items[c_.default_org].title;
        if (c_.title.empty()) c_.title = c_.metadata.title;
        c_.description = c_.metadata.description;
    }

    void resolve() {
        // Items -> resources (or sub-manifests).
        for (std::uint32_t i = 0; i < c_.items.size(); ++i) {
            Item &it = c_.items[i];
            if (it.kind != ItemKind::Item) continue;
            if (it.identifierref.empty()) {
                if (it.is_leaf() && it.top_manifest)
                    ctx_.diags.warning("item.no_resource",
                                       "leaf item '" + it.id +
                                           "' has no identifierref, so it launches nothing",
                                       file(), it.line);
                continue;
            }
            if (const std::uint32_t r = resource_ids_.find(it.identifierref); r != resource_ids_.kAbsent) {
                it.resource = r;
                if (it.is_leaf() && without_href_.count(r))
                    ctx_.diags.error("resource.href_missing",
                                     "item '" + it.id + "' launches resource '" + it.identifierref +
                                         "', which has no href, so an LMS has nothing to launch: "
                                         "give the resource the href of its start page",
                                     file(), it.line);
                if (!it.is_leaf())
                    ctx_.diags.warning("item.nonleaf_reference",
                                       "item '" + it.id +
                                           "' has child items and an identifierref; SCORM "
                                           "launches only leaf items, so the reference is ignored "
                                           "by most LMSs",
                                       file(), it.line);
                continue;
            }
            if (auto s = submanifests_.find(it.identifierref); s != submanifests_.end()) {
                // An aggregation: the sub-manifest's organization stands in for this item.
                it.aggregation = s->second.org;
                continue;
            }
            ctx_.diags.error("ref.missing_resource",
                             "item '" + it.id + "' refers to resource '" + it.identifierref +
                                 "', which the manifest does not define",
                             file(), it.line);
        }
        // Dependencies.
        for (const DependencyRef &ref : dependency_refs_) {
            Resource &r = c_.resources[ref.resource];
            const std::uint32_t dep = resource_ids_.find(ref.id);
            if (dep == resource_ids_.kAbsent) {
                ctx_.diags.error("ref.missing_dependency",
                                 "resource '" + str(r.id) + "' depends on '" + ref.id +
                                     "', which the manifest does not define",
                                 file(), r.line);
                continue;
            }
            r.dependencies.push_back(dep);
        }
        for (const Resource &r : c_.resources) {
            if (c_.format == Format::Scorm2004 && r.scorm_type.empty() && r.manifest_depth == 0)
                ctx_.diags.warning("resource.scormtype_missing",
                                   "resource '" + str(r.id) +
                                       "' has no adlcp:scormType; LMSs treat it as an asset",
                                   file(), r.line);
        }
        // Sequencing references into the sequencingCollection.
        for (const Item &it : c_.items)
            if (!it.details().facts.sequencing_idref.empty() &&
                sequencing_ids_.find(it.details().facts.sequencing_idref) == sequencing_ids_.end())
                ctx_.diags.error("seq.idref_missing",
                                 "item '" + it.id + "' uses sequencing IDRef '" +
                                     it.details().facts.sequencing_idref +
                                     "', which no imsss:sequencing in the sequencingCollection "
                                     "defines",
                                 file(), it.line);
    }
};

}  // namespace

void read_scorm(xml::Stream &xml, ReadContext &ctx, Course &course) {
    course.format = Format::Scorm12;
    ScormReader(xml, ctx, course).run();
}

}  // namespace coursecrew
