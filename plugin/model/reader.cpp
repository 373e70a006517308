#include "plugin/model/reader.hpp"

#include "plugin/model/paths.hpp"

namespace coursecrew {

namespace {

// The "?..." part of an href, up to a '#' fragment ("" when there is none).
std::string query_of(std::string_view href) {
    href = href.substr(0, href.find('#'));
    auto q = href.find('?');
    return q == std::string_view::npos ? std::string() : std::string(href.substr(q));
}

}  // namespace

std::uint32_t add_launch_resource(Course &course, ReadContext &ctx, const std::string &id,
                                  const std::string &href, long item_line, long href_line) {
    const auto index = static_cast<std::uint32_t>(course.resources.size());
    course.resources.emplace_back();
    Resource &r = course.resources.back();
    r.id = course.strings.add(id);
    r.href = course.strings.add(href);
    r.line = item_line;
    r.launch_query = course.strings.add(query_of(href));
    if (has_url_scheme(href)) {
        r.launch_is_url = true;
        return index;
    }
    // resolve_href drops a '#fragment' and splits off the query itself.
    HrefSite site{ctx.manifest_path, href_line, "launch"};
    ResolvedHref resolved = resolve_href(ctx.manifest_dir, "", href, site, ctx.diags);
    if (resolved.is_url) {
        r.launch_is_url = true;
        return index;
    }
    r.launch_path = course.strings.add(resolved.path);
    r.launch_query = course.strings.add(resolved.query);
    // resolve_href has already reported an unusable href: no file to check then.
    if (resolved.ok && !resolved.path.empty()) course.add_file(index, resolved.path, href_line);
    return index;
}

std::uint32_t add_course_root(Course &course, long line) {
    const auto index = static_cast<std::uint32_t>(course.items.size());
    Item root;
    root.kind = ItemKind::Organization;
    root.line = line;
    course.items.push_back(std::move(root));
    course.organizations.push_back(index);
    course.default_org = index;
    return index;
}

void name_course_root(Course &course, std::uint32_t root) {
    Item &item = course.items[root];
    item.id = course.identifier;
    item.title = course.title;
    item.details().description = course.description;
}

std::string quoted_clipped(std::string_view s) {
    constexpr std::size_t kMax = 200;
    if (s.size() <= kMax) return "'" + std::string(s) + "'";
    return "'" + std::string(s.substr(0, kMax)) + "...'";
}

bool is_absolute_iri(std::string_view id) {
    if (!has_url_scheme(id)) return false;
    for (char c : id)
        if (c == '[' || c == ']' || c == ' ' || c == '\t' || c == '\n' || c == '\r')
            return false;
    return true;
}

}  // namespace coursecrew
