#include "plugin/model/course.hpp"

#include <openssl/evp.h>

#include "plugin/model/package.hpp"

#include <algorithm>
#include <cstring>
#include <stdexcept>
#include <memory>

namespace coursecrew {

const char *to_string(Format f) {
    switch (f) {
    case Format::Scorm12: return "scorm12";
    case Format::Scorm2004: return "scorm2004";
    case Format::Cmi5: return "cmi5";
    case Format::Tincan: return "tincan";
    case Format::Unknown: break;
    }
    return "unknown";
}

const char *to_string(ItemKind k) {
    switch (k) {
    case ItemKind::Organization: return "organization";
    case ItemKind::Item: return "item";
    case ItemKind::Block: return "block";
    case ItemKind::Au: return "au";
    case ItemKind::Activity: return "activity";
    case ItemKind::Module: return "module";
    case ItemKind::Piece: return "piece";
    }
    return "item";
}

const std::string &LangText::primary() const {
    static const std::string empty;
    return values.empty() ? empty : values.front().second;
}

void LangText::add(std::string lang, std::string text) {
    values.emplace_back(std::move(lang), std::move(text));
}

StringArena::~StringArena() {
    for (const Block &b : blocks_) big::deallocate(b.data, b.size);
}

std::string_view StringArena::add(std::string_view s) {
    if (s.empty()) return {};
    if (used_ + s.size() > capacity_) {
        // 64 KiB, doubling to 512 KiB, then whole huge pages.
        const std::size_t doubled = std::size_t{64 * 1024} << std::min<std::size_t>(blocks_.size(), 4);
        capacity_ = std::max(doubled < big::kBigBlock ? doubled : big::kHugePage, s.size());
        blocks_.reserve(blocks_.size() + 1);  // so that the push_back below cannot throw and leak
        blocks_.push_back({static_cast<char *>(big::allocate(capacity_)), capacity_});
        used_ = 0;
    }
    char *dst = blocks_.back().data + used_;
    std::memcpy(dst, s.data(), s.size());
    used_ += s.size();
    return {dst, s.size()};
}

void File::set_path(std::string_view p) {
    // Readers refuse longer hrefs with a diagnostic (resolve_href): reaching
    // this is a bug, which must not become a silently shortened path.
    if (p.size() > kMaxPathBytes) throw std::length_error("a file path longer than 65,535 bytes");
    path_data = p.data();
    path_size = static_cast<std::uint16_t>(p.size());
}

void Course::add_file(std::uint32_t resource, std::string_view path, long line) {
    File f;
    f.set_path(strings.add(path));
    f.resource = resource;
    f.line = static_cast<std::uint32_t>(line > 0 ? line : 0);
    if (resource != kNone) {
        Resource &r = resources[resource];
        if (r.file_count == 0) r.first_file = static_cast<std::uint32_t>(files.size());
        ++r.file_count;
    }
    files.push_back(f);
}

std::vector<std::uint32_t> Course::pieces_under(std::uint32_t item) const {
    std::vector<std::uint32_t> out;
    std::vector<std::uint32_t> stack{item};
    std::vector<std::uint32_t> entered;
    while (!stack.empty()) {
        std::uint32_t i = stack.back();
        stack.pop_back();
        const Item &it = items[i];
        if (it.is_leaf()) {
            if (it.kind != ItemKind::Organization) out.push_back(i);
            continue;
        }
        for (auto c = it.children.rbegin(); c != it.children.rend(); ++c) stack.push_back(*c);
        // A sub-manifest's items follow the item that aggregates them; each
        // sub-manifest is entered once, so a manifest aggregating itself ends.
        if (it.aggregation != kNone &&
            std::find(entered.begin(), entered.end(), it.aggregation) == entered.end()) {
            entered.push_back(it.aggregation);
            const Item &org = items[it.aggregation];
            for (auto c = org.children.rbegin(); c != org.children.rend(); ++c)
                stack.push_back(*c);
        }
    }
    return out;
}

std::vector<std::uint32_t> Course::piece_files(std::uint32_t item) const {
    const Item &it = items[item];
    // An authoring tool's piece has the files its data references; a
    // manifest's piece, its resource's files and its dependencies'.
    std::vector<std::uint32_t> out = it.details().files;
    if (it.resource != kNone) {
        // Breadth-first over dependencies; `seen` guards against cycles.
        std::vector<std::uint32_t> queue{it.resource};
        std::vector<std::uint32_t> seen{it.resource};
        for (std::size_t q = 0; q < queue.size(); ++q) {
            const Resource &r = resources[queue[q]];
            for (std::uint32_t f = r.first_file; f < r.first_file + r.file_count; ++f) out.push_back(f);
            for (std::uint32_t d : r.dependencies) {
                if (std::find(seen.begin(), seen.end(), d) != seen.end()) continue;
                seen.push_back(d);
                queue.push_back(d);
            }
        }
    }
    // The course shell's files are the course's, not the piece's.
    out.erase(std::remove_if(out.begin(), out.end(), [&](std::uint32_t f) { return files[f].shell; }), out.end());
    // A file listed twice counts once.
    std::sort(out.begin(), out.end(), [&](std::uint32_t a, std::uint32_t b) {
        return files[a].path() < files[b].path();
    });
    out.erase(std::unique(out.begin(), out.end(),
                          [&](std::uint32_t a, std::uint32_t b) {
                              return files[a].path() == files[b].path();
                          }),
              out.end());
    return out;
}

std::string Course::piece_fingerprint(const std::vector<std::uint32_t> &used, std::string_view data_digest) const {
    if (data_digest.empty() && std::none_of(used.begin(), used.end(),
                                            [&](std::uint32_t f) { return files[f].digest != kNone; }))
        return {};
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
    if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) != 1) return {};
    bool any = false;
    for (std::uint32_t f : used) {
        const File &file = files[f];
        if (!file.present || file.digest == kNone) continue;
        const std::string_view sha = digests[file.digest];
        any = true;
        EVP_DigestUpdate(ctx.get(), file.path().data(), file.path().size());
        EVP_DigestUpdate(ctx.get(), "\0", 1);
        EVP_DigestUpdate(ctx.get(), sha.data(), sha.size());
        EVP_DigestUpdate(ctx.get(), "\n", 1);
    }
    if (!data_digest.empty()) {  // after the files: "\0data\0<sha>\n" (no path starts with NUL)
        any = true;
        EVP_DigestUpdate(ctx.get(), "\0data\0", 6);
        EVP_DigestUpdate(ctx.get(), data_digest.data(), data_digest.size());
        EVP_DigestUpdate(ctx.get(), "\n", 1);
    }
    if (!any) return {};
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_DigestFinal_ex(ctx.get(), md, &len);
    return to_hex(md, len);
}

}  // namespace coursecrew
