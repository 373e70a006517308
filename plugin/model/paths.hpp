// Resolving manifest hrefs to package paths, with the checks real packages need.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "plugin/model/diagnostics.hpp"

namespace coursecrew {

// The longest path a package file can have: a zip entry's name is at most
// 65,535 bytes (and a folder's paths are shorter still). resolve_href()
// refuses a longer href (href.too_long), so every File's path fits.
inline constexpr std::size_t kMaxPathBytes = 65535;

struct ResolvedHref {
    std::string path;    // package-relative, '/' separated, percent-decoded, normalised
    std::string query;   // "?..." part (kept as launch parameters), "" if none
    bool is_url = false; // absolute URL with a scheme (http:, https:, ...): not a package file
    bool ok = false;     // false when the href cannot name a package file
};

struct HrefSite {
    std::string_view file;  // manifest path, for diagnostics
    long line = 0;
    std::string_view what;  // "file", "launch", "metadata" ... for messages
};

// Joins xml:base values and an href, then resolves the result against the
// manifest's folder (`manifest_dir`, "" or "dir/"). Reports href.* diagnostics:
// backslashes (warning, fixed), bad percent-encoding (warning), query strings
// (info: kept as parameters), absolute local paths, paths escaping the
// package and paths longer than kMaxPathBytes (error).
ResolvedHref resolve_href(std::string_view manifest_dir, std::string_view base,
                          std::string_view href, const HrefSite &site, Diagnostics &diags);

// True when `href` is a plain relative path that resolves to itself (no
// "."/".." segments, nothing to decode or split, at most kMaxPathBytes):
// the fast path for readers.
bool is_plain_href(std::string_view href);

// True when `s` starts with a URL scheme ("http:", "https:", "mailto:" ...).
bool has_url_scheme(std::string_view s);

// Joins two xml:base values (the second relative to the first).
std::string join_base(std::string_view outer, std::string_view inner);

}  // namespace coursecrew
