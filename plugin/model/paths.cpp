#include "plugin/model/paths.hpp"

#include <array>
#include <string>
#include <vector>

namespace coursecrew {

namespace {

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

std::string_view trim_ws(std::string_view s) {
    auto ws = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
    while (!s.empty() && ws(s.front())) s.remove_prefix(1);
    while (!s.empty() && ws(s.back())) s.remove_suffix(1);
    return s;
}

std::string quoted(std::string_view s) { return "'" + std::string(s) + "'"; }

// True when the href needs no work: a relative path with no "." or ".."
// segment and nothing to decode or split. That is nearly every href of a big
// manifest, and it should cost one scan.
bool is_plain(std::string_view s) {
    // One table lookup per byte; only the rare flagged bytes need a look.
    static const auto special = [] {
        std::array<bool, 256> t{};
        for (unsigned char c : std::string_view("%\\?#:/.")) t[c] = true;
        return t;
    }();
    if (s.empty() || s.front() == '/' || s.back() == '/') return false;
    for (std::size_t i = 0; i < s.size(); ++i) {
        const char c = s[i];
        if (!special[static_cast<unsigned char>(c)]) continue;
        if (c != '/' && c != '.') return false;  // % \ ? # :
        const bool segment_start = i == 0 || s[i - 1] == '/';
        if (c == '/' && segment_start) return false;  // "a//b"
        if (c == '.' && segment_start &&
            (i + 1 == s.size() || s[i + 1] == '/' ||
             (s[i + 1] == '.' && (i + 2 == s.size() || s[i + 2] == '/'))))
            return false;  // "." or ".." as a whole segment
    }
    return true;
}

}  // namespace

bool is_plain_href(std::string_view href) { return href.size() <= kMaxPathBytes && is_plain(href); }

bool has_url_scheme(std::string_view s) {
    // scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) ":"; one letter is a
    // Windows drive ("C:"), not a scheme.
    std::size_t i = 0;
    if (s.empty() || !((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z'))) return false;
    for (i = 1; i < s.size(); ++i) {
        char c = s[i];
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '+' || c == '-' || c == '.';
        if (!ok) break;
    }
    return i >= 2 && i < s.size() && s[i] == ':';
}

std::string join_base(std::string_view outer, std::string_view inner) {
    outer = trim_ws(outer);
    inner = trim_ws(inner);
    if (outer.empty() || has_url_scheme(inner) || (!inner.empty() && inner.front() == '/'))
        return std::string(inner);
    std::string out(outer);
    if (!out.empty() && out.back() != '/' && out.back() != '\\') out.push_back('/');
    out.append(inner);
    return out;
}

namespace {

ResolvedHref resolve(std::string_view manifest_dir, std::string_view base, std::string_view href,
                     const HrefSite &site, Diagnostics &diags) {
    ResolvedHref r;
    href = trim_ws(href);
    if (href.empty()) return r;

    const std::string file(site.file);
    if (base.empty() && manifest_dir.empty() && is_plain(href)) {
        r.path.assign(href);
        r.ok = true;
        return r;
    }

    std::string s = join_base(base, href);
    if (has_url_scheme(s)) {
        if (s.compare(0, 5, "file:") == 0 || s.compare(0, 5, "FILE:") == 0) {
            diags.error("href.absolute_path",
                        std::string(site.what) + " href " + quoted(s) +
                            " is a file: URL on the author's machine; use a path relative to "
                            "the package root",
                        file, site.line);
            return r;
        }
        r.is_url = true;
        r.ok = true;
        r.path = s;
        return r;
    }
    if (s.find('\\') != std::string::npos) {
        diags.warning("href.backslash",
                      std::string(site.what) + " href " + quoted(s) +
                          " uses backslashes; read as forward slashes, but LMSs on Linux will "
                          "not find it: use '/'",
                      file, site.line);
        for (char &c : s)
            if (c == '\\') c = '/';
    }
    if (s.size() >= 2 && s[1] == ':' &&
        ((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z'))) {
        diags.error("href.absolute_path",
                    std::string(site.what) + " href " + quoted(s) +
                        " is an absolute Windows path; use a path relative to the package root",
                    file, site.line);
        return r;
    }
    if (!s.empty() && s.front() == '/') {
        diags.error("href.absolute_path",
                    std::string(site.what) + " href " + quoted(s) +
                        " is an absolute path; use a path relative to the package root",
                    file, site.line);
        return r;
    }
    // The fragment never names a file; the query becomes launch parameters.
    if (auto hash = s.find('#'); hash != std::string::npos) s.erase(hash);
    if (auto q = s.find('?'); q != std::string::npos) {
        r.query = s.substr(q);
        s.erase(q);
        diags.info("href.query",
                   std::string(site.what) + " href " + quoted(href) + " carries the query " +
                       quoted(r.query) + "; kept as launch parameters, not part of the file name",
                   file, site.line);
    }
    // Percent-decoding: file names on disk are not encoded.
    std::string decoded;
    decoded.reserve(s.size());
    bool bad_percent = false;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '%') {
            const bool room = i + 2 < s.size();
            const int hi = room ? hex_value(s[i + 1]) : -1;
            const int lo = room ? hex_value(s[i + 2]) : -1;
            if (hi >= 0 && lo >= 0) {
                decoded.push_back(static_cast<char>(hi * 16 + lo));
                i += 2;
                continue;
            }
            bad_percent = true;
        }
        decoded.push_back(s[i]);
    }
    if (bad_percent)
        diags.warning("href.percent_encoding",
                      std::string(site.what) + " href " + quoted(href) +
                          " has a '%' that is not followed by two hex digits; kept literally (write "
                          "'%25' for a literal percent sign)",
                      file, site.line);

    // Normalise against the manifest's folder; refuse anything above the root.
    std::vector<std::string_view> segs;
    std::string full = std::string(manifest_dir) + decoded;
    std::string_view rest(full);
    while (!rest.empty()) {
        auto slash = rest.find('/');
        std::string_view seg = rest.substr(0, slash);
        rest = slash == std::string_view::npos ? std::string_view() : rest.substr(slash + 1);
        if (seg.empty() || seg == ".") continue;
        if (seg == "..") {
            if (segs.empty()) {
                diags.error("href.escapes_package",
                            std::string(site.what) + " href " + quoted(href) +
                                " points outside the package; everything a course uses must be "
                                "inside it",
                            file, site.line);
                return r;
            }
            segs.pop_back();
            continue;
        }
        segs.push_back(seg);
    }
    for (std::size_t i = 0; i < segs.size(); ++i) {
        if (i) r.path.push_back('/');
        r.path.append(segs[i]);
    }
    r.ok = !r.path.empty();
    return r;
}

}  // namespace

ResolvedHref resolve_href(std::string_view manifest_dir, std::string_view base,
                          std::string_view href, const HrefSite &site, Diagnostics &diags) {
    ResolvedHref r = resolve(manifest_dir, base, href, site, diags);
    if (r.ok && !r.is_url && r.path.size() > kMaxPathBytes) {
        diags.error("href.too_long",
                    std::string(site.what) + " href of " + std::to_string(r.path.size()) +
                        " bytes is longer than any file name a package can hold (65,535 bytes); "
                        "it starts " + quoted(std::string_view(r.path).substr(0, 80)),
                    std::string(site.file), site.line);
        r = ResolvedHref{};
    }
    return r;
}

}  // namespace coursecrew
