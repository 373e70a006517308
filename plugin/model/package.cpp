#include "plugin/model/package.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <cassert>
#include <functional>
#include <memory>
#include <stdexcept>

namespace coursecrew {

std::string ascii_lower(std::string_view s) {
    std::string out(s);
    for (char &c : out)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return out;
}

std::string_view PathStore::add(std::initializer_list<std::string_view> parts) {
    std::size_t size = 0;
    for (std::string_view p : parts) size += p.size();
    if (size > room_ - used_ || blocks_.empty()) {
        // A new block; a path longer than a block gets one of its own.
        room_ = std::max(kBlock, size);
        blocks_.push_back(std::unique_ptr<char[]>(new char[room_]));  // not zeroed: written as used
        used_ = 0;
    }
    char *at = blocks_.back().get() + used_;
    for (std::string_view p : parts) {
        std::copy(p.begin(), p.end(), at);
        at += p.size();
    }
    const std::string_view stored(blocks_.back().get() + used_, size);
    used_ += size;
    return stored;
}

void PathStore::adopt(PathStore &&other) {
    for (auto &b : other.blocks_) blocks_.push_back(std::move(b));
    other.blocks_.clear();
    other.used_ = other.room_ = 0;
    used_ = room_ = 0;  // the last block is someone else's: the next path starts a new one
}

bool path_ends_with(std::string_view path, std::string_view tail) {
    if (path.size() < tail.size() || path.compare(path.size() - tail.size(), tail.size(), tail) != 0) return false;
    return path.size() == tail.size() || path[path.size() - tail.size() - 1] == '/';
}

std::uint64_t file_stamp(std::initializer_list<std::uint64_t> facts) {
    std::uint64_t h = 0x8ebc6af09c88c6e3ull;
    for (std::uint64_t w : facts) {  // the mixing step of wyhash, per fact
        const unsigned __int128 m = static_cast<unsigned __int128>(h ^ w ^ 0xa0761d6478bd642full) * 0xe7037ed1a0b428dbull;
        h = static_cast<std::uint64_t>(m) ^ static_cast<std::uint64_t>(m >> 64);
    }
    return h ? h : 1;
}

std::string to_hex(const unsigned char *data, std::size_t len) {
    static const char digits[] = "0123456789abcdef";
    std::string out(len * 2, '0');
    for (std::size_t i = 0; i < len; ++i) {
        out[2 * i] = digits[data[i] >> 4];
        out[2 * i + 1] = digits[data[i] & 15];
    }
    return out;
}

bool PackageSource::read_all(const std::string &path, std::uint64_t max_bytes, std::string &out,
                             std::string &error) const {
    auto in = open(path, error);
    if (!in) return false;
    out.clear();
    unsigned char probe[64 * 1024];
    for (;;) {
        const std::size_t at = out.size();
        long n;
        if (out.capacity() > at) {
            // Straight into the room the caller reserved (usually the file's
            // size): no second copy of a 10 MB file.
            out.resize(out.capacity());
            n = in->read(reinterpret_cast<unsigned char *>(out.data() + at), out.size() - at);
            out.resize(at + static_cast<std::size_t>(std::max(n, 0L)));
        } else {
            // No room left: a chunk at a time (the string grows geometrically),
            // so a file that was exactly its reserved size ends without regrowing.
            n = in->read(probe, sizeof probe);
            if (n > 0) out.append(reinterpret_cast<const char *>(probe), static_cast<std::size_t>(n));
        }
        if (n < 0) {
            error = in->error();
            return false;
        }
        if (n == 0) return true;
        if (out.size() > max_bytes) {
            error = "file is larger than " + std::to_string(max_bytes) + " bytes";
            return false;
        }
    }
}

namespace {

char fold(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

std::size_t folded_hash(std::string_view s) {
    std::size_t h = 1469598103934665603ull;  // FNV-1a over the folded bytes
    for (char c : s) h = (h ^ static_cast<unsigned char>(fold(c))) * 1099511628211ull;
    return h;
}

bool folded_equal(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (fold(a[i]) != fold(b[i])) return false;
    return true;
}

// Room for `n` keys at a load of at most one half (a power of two).
std::size_t table_size(std::size_t n) {
    std::size_t cap = 16;
    while (cap < n * 2) cap *= 2;
    return cap;
}

// The slot holding an entry whose path is `same` as `key`, or the empty slot
// where `key` belongs (linear probing).
template <class Same>
std::size_t probe(const std::vector<std::uint32_t> &slots, std::size_t hash,
                  const std::vector<PackageEntry> &entries, std::string_view key, Same same) {
    const std::size_t mask = slots.size() - 1;
    for (std::size_t at = hash & mask;; at = (at + 1) & mask) {
        const std::uint32_t e = slots[at];
        if (e == UINT32_MAX || same(entries[e].path, key)) return at;
    }
}

bool exact_equal(std::string_view a, std::string_view b) { return a == b; }

}  // namespace

EntryIndex::EntryIndex(const std::vector<PackageEntry> &entries) : entries_(entries) {
    if (entries.size() >= kEmpty) throw std::length_error("too many package entries to index");
    assert(std::is_sorted(entries.begin(), entries.end(),
                          [](const PackageEntry &a, const PackageEntry &b) { return a.path < b.path; }));
}

void EntryIndex::build_exact() const {
    exact_.assign(table_size(entries_.size()), kEmpty);
    for (std::uint32_t i = 0; i < entries_.size(); ++i) {
        const std::string_view path = entries_[i].path;
        std::uint32_t &slot =
            exact_[probe(exact_, std::hash<std::string_view>()(path), entries_, path, exact_equal)];
        if (slot == kEmpty) slot = i;  // paths are unique; the first wins if not
    }
}

void EntryIndex::build_folded() const {
    folded_.assign(table_size(entries_.size()), kEmpty);
    for (std::uint32_t i = 0; i < entries_.size(); ++i) {
        const std::string_view path = entries_[i].path;
        std::uint32_t &slot = folded_[probe(folded_, folded_hash(path), entries_, path, folded_equal)];
        if (slot == kEmpty) slot = i;  // "A.png" and "a.png": the first in path order
    }
}

bool EntryIndex::has_length(std::size_t n) const {
    std::call_once(lengths_once_, [this] {
        for (const PackageEntry &e : entries_) {
            if (e.path.size() >= lengths_.size()) lengths_.resize(e.path.size() + 1, false);
            lengths_[e.path.size()] = true;
        }
    });
    return n < lengths_.size() && lengths_[n];
}

const PackageEntry *EntryIndex::find_folded(std::string_view path, bool *case_mismatch) const {
    if (!has_length(path.size())) return nullptr;
    std::call_once(folded_once_, [this] { build_folded(); });
    const std::uint32_t folded = folded_[probe(folded_, folded_hash(path), entries_, path, folded_equal)];
    if (folded == kEmpty) return nullptr;
    if (case_mismatch) *case_mismatch = true;
    return &entries_[folded];
}

const PackageEntry *EntryIndex::find(std::string_view path, bool *case_mismatch) const {
    if (case_mismatch) *case_mismatch = false;
    if (!has_length(path.size())) return nullptr;
    std::call_once(exact_once_, [this] { build_exact(); });
    const std::uint32_t exact =
        exact_[probe(exact_, std::hash<std::string_view>()(path), entries_, path, exact_equal)];
    if (exact != kEmpty) return &entries_[exact];
    return find_folded(path, case_mismatch);
}

const PackageEntry *EntryIndex::find_near(std::string_view path, std::size_t &near, bool *case_mismatch) const {
    if (case_mismatch) *case_mismatch = false;
    auto before = [&](std::size_t i) { return std::string_view(entries_[i].path) < path; };
    // Narrows [lo, hi), where the first entry not before `path` lies, in
    // steps that double away from `near`: a path d entries away costs about
    // 2 log d comparisons, of entries close to the last one found.
    const std::size_t n = entries_.size();
    std::size_t lo = 0, hi = n;
    if (near < n) {
        if (before(near)) {
            lo = near + 1;
            for (std::size_t step = 1; lo < hi; step *= 2) {
                const std::size_t at = near + step;
                if (at >= n) break;
                if (!before(at)) {
                    hi = at + 1;
                    break;
                }
                lo = at + 1;
            }
        } else {
            hi = near + 1;
            for (std::size_t step = 1; lo < hi; step *= 2) {
                if (step > near) break;
                const std::size_t at = near - step;
                if (before(at)) {
                    lo = at + 1;
                    break;
                }
                hi = at + 1;
            }
        }
    }
    const auto first = std::lower_bound(entries_.begin() + static_cast<std::ptrdiff_t>(lo),
                                        entries_.begin() + static_cast<std::ptrdiff_t>(hi), path,
                                        [](const PackageEntry &e, std::string_view p) { return std::string_view(e.path) < p; });
    if (first != entries_.end() && first->path == path) {
        near = static_cast<std::size_t>(first - entries_.begin()) + 1;
        return &*first;
    }
    return find_folded(path, case_mismatch);
}

std::string sha256_hex(std::string_view data) {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (EVP_Digest(data.data(), data.size(), md, &len, EVP_sha256(), nullptr) != 1) return {};
    return to_hex(md, len);
}

std::string sha256_file(const PackageSource &src, std::string_view path, std::string &error) {
    auto in = src.open(std::string(path), error);
    if (!in) return {};
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
    if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) != 1) {
        error = "OpenSSL could not start SHA-256";
        return {};
    }
    unsigned char buf[64 * 1024];
    for (;;) {
        long n = in->read(buf, sizeof buf);
        if (n < 0) {
            error = in->error();
            return {};
        }
        if (n == 0) break;
        EVP_DigestUpdate(ctx.get(), buf, static_cast<std::size_t>(n));
    }
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_DigestFinal_ex(ctx.get(), md, &len);
    return to_hex(md, len);
}

}  // namespace coursecrew
