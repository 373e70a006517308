// The plan: every piece of every module mapped to the roles that work on it,
// the people who hold them and the fingerprint of the files behind each role;
// and the checks that need the course (globs that match nothing).
//
// A big course has 20,000 pieces and 200,000 files, so the map is compiled
// first (role ids to small indices, globs specialised by shape, kinds and
// facts to bit masks); each file is judged once against every rule's file
// criteria (a bit mask per file); whatever depends only on the module is
// computed once per module; and the per-piece work reuses its buffers.
#include "plugin/model/package.hpp"
#include "plugin/roles/rolemap.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <exception>
#include <iterator>
#include <cstdint>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace coursecrew {

namespace {

// ------------------------------------------------------------ compiled map

bool same_bytes(const char *a, const char *b, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i)
        if (a[i] != b[i]) return false;
    return true;
}

// A glob's literal prefix or suffix, compared 8 bytes at a time: paths
// differ from it within its first (or last) 8 bytes, so one masked 64-bit
// comparison settles most of them, with no call and no loop.
class Affix {
public:
    Affix() = default;
    Affix(std::string_view s, bool at_end) : s_(s), at_end_(at_end) {
        unsigned char bytes[8] = {}, mask[8] = {};
        const std::size_t k = std::min<std::size_t>(8, s.size());
        for (std::size_t i = 0; i < k; ++i) {
            const std::size_t pos = at_end ? 8 - k + i : i;  // place in the 8-byte window
            bytes[pos] = static_cast<unsigned char>(at_end ? s[s.size() - k + i] : s[i]);
            mask[pos] = 0xFF;
        }
        std::memcpy(&head_, bytes, 8);
        std::memcpy(&mask_, mask, 8);
    }

    std::size_t size() const { return s_.size(); }

    // Whether `text` starts (or, for a suffix, ends) with it.
    bool in(std::string_view text) const {
        const std::size_t n = s_.size();
        if (n == 0) return true;
        if (n > text.size()) return false;
        const char *at = at_end_ ? text.data() + text.size() - n : text.data();
        if (text.size() < 8) return same_bytes(at, s_.data(), n);
        std::uint64_t w;
        std::memcpy(&w, at_end_ ? text.data() + text.size() - 8 : text.data(), 8);
        if ((w & mask_) != head_) return false;
        if (n <= 8) return true;
        // What the window did not cover: the start of a suffix, the rest of a prefix.
        return at_end_ ? same_bytes(at, s_.data(), n - 8) : same_bytes(at + 8, s_.data() + 8, n - 8);
    }

private:
    std::string_view s_;
    bool at_end_ = false;
    std::uint64_t head_ = 0, mask_ = 0;
};

// A glob prepared for many matches. The shapes teams write most often are
// answered by comparing a literal prefix or suffix ("media/**", "**/*.mp3",
// "MOD-*", "*.png"); any other glob has its literal prefix and suffix checked
// first, which rejects most texts before the full match runs.
class Glob {
public:
    explicit Glob(std::string_view pattern) : pattern_(pattern) {
        constexpr std::string_view kSpecial = "*?[]\\";
        const std::size_t first = pattern.find_first_of(kSpecial);
        if (first == std::string_view::npos) {
            shape_ = Shape::Literal;
            return;
        }
        const std::size_t last = pattern.find_last_of(kSpecial);
        std::string_view prefix = pattern.substr(0, first);
        std::string_view suffix = pattern.substr(last + 1);
        const std::string_view wild = pattern.substr(first, last + 1 - first);
        const bool prefix_ends_segment = prefix.empty() || prefix.back() == '/';
        if (wild == "**" && suffix.empty() && prefix_ends_segment) {
            shape_ = Shape::Below;  // "media/**", "**"
        } else if (wild == "*" && suffix.empty()) {
            shape_ = Shape::PrefixInSegment;  // "MOD-*", "img/a*"
        } else if (wild == "*" && prefix.empty() && no_slash(suffix)) {
            shape_ = Shape::SuffixNoDir;  // "*.png"
        } else if (wild == "**/*" && prefix.empty() && no_slash(suffix)) {
            shape_ = Shape::SuffixAnyDir;  // "**/*.png"
        } else if (!suffix.empty() && suffix.front() == '/' && last >= 1 &&
                   pattern[last] == '*' && pattern[last - 1] == '*') {
            // "**/x" also matches "x": the '/' after "**" is not required.
            suffix.remove_prefix(1);
        }
        prefix_ = Affix(prefix, false);
        suffix_ = Affix(suffix, true);
    }

    // Calls `use` with a matcher specialised for this glob's shape, so that a
    // loop over many texts can be compiled once per shape, without a switch
    // (or a call) per text.
    template <class Use>
    auto visit(Use &&use) const {
        switch (shape_) {
        case Shape::Literal:
            return use([this](std::string_view t) { return t == pattern_; });
        case Shape::Below:
            return use([this](std::string_view t) { return prefix_.in(t); });
        case Shape::PrefixInSegment:
            return use([this](std::string_view t) {
                return prefix_.in(t) && no_slash(t.substr(prefix_.size()));
            });
        case Shape::SuffixNoDir:
            return use([this](std::string_view t) { return suffix_.in(t) && no_slash(t); });
        case Shape::SuffixAnyDir:
            return use([this](std::string_view t) { return suffix_.in(t); });
        case Shape::General: break;
        }
        return use([this](std::string_view t) {
            return t.size() >= prefix_.size() + suffix_.size() && prefix_.in(t) && suffix_.in(t) &&
                   glob_match(pattern_, t);
        });
    }

    bool matches(std::string_view text) const {
        return visit([&](auto match) { return match(text); });
    }

private:
    enum class Shape { Literal, Below, PrefixInSegment, SuffixNoDir, SuffixAnyDir, General };

    static bool no_slash(std::string_view s) { return s.find('/') == std::string_view::npos; }

    std::string_view pattern_;
    Affix prefix_, suffix_;
    Shape shape_ = Shape::General;
};

std::vector<Glob> compile(const std::vector<std::string> &patterns) {
    return std::vector<Glob>(patterns.begin(), patterns.end());
}

bool any_match(const std::vector<Glob> &globs, std::string_view text) {
    for (const Glob &g : globs)
        if (g.matches(text)) return true;
    return false;
}

// A title matches when one of its languages does; an absent title matches nothing.
bool any_match(const std::vector<Glob> &globs, const LangText &title) {
    for (const auto &lt : title.values)
        if (!lt.second.empty() && any_match(globs, lt.second)) return true;
    return false;
}

bool iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        char x = a[i], y = b[i];
        if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
        if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
        if (x != y) return false;
    }
    return true;
}

bool any_iequal(const std::vector<std::string> &wanted, const std::vector<std::string> &have) {
    for (const auto &w : wanted)
        for (const auto &h : have)
            if (iequals(w, h)) return true;
    return false;
}

enum Fact : std::uint8_t {
    kSequencing = 1, kObjectives = 2, kInteractions = 4, kMastery = 8,
    kQuestion = 16, kMedia = 32, kText = 64,  // from an authoring tool's data
};

std::uint8_t fact_bits(const std::vector<std::string> &facts) {
    std::uint8_t bits = 0;
    for (const auto &f : facts) {
        if (f == "sequencing") bits |= kSequencing;
        else if (f == "objectives") bits |= kObjectives;
        else if (f == "interactions") bits |= kInteractions;
        else if (f == "mastery_score") bits |= kMastery;
        else if (f == "question") bits |= kQuestion;
        else if (f == "media") bits |= kMedia;
        else if (f == "text") bits |= kText;
    }
    return bits;
}

std::uint8_t fact_bits(const StructureFacts &f) {
    std::uint8_t bits = 0;
    if (f.has_sequencing || f.sequencing_rules > 0) bits |= kSequencing;
    if (f.objectives > 0) bits |= kObjectives;
    if (f.has_interactions) bits |= kInteractions;
    if (f.mastery_score.has_value()) bits |= kMastery;
    if (f.is_question) bits |= kQuestion;
    if (f.has_media) bits |= kMedia;
    if (f.has_text) bits |= kText;
    return bits;
}

std::uint32_t kind_bit(FileKind k) { return 1u << static_cast<unsigned>(k); }

struct CompiledRule {
    std::vector<Glob> paths, ids, titles, tool_types;
    std::uint32_t kinds = 0;  // one bit per FileKind; 0 = no kind criterion
    std::uint8_t facts = 0;   // Fact bits; 0 = no fact criterion
    const std::vector<std::string> *resource_types = nullptr;  // as written
    std::uint64_t type_bits = 0;                               // the same, as bits of Planner::types_
    const std::vector<std::string> *keywords = nullptr;
    bool file_criteria = false;
    std::uint32_t file_bit = 0;       // its bit in the file masks, when file_criteria
    bool course_keyword_hit = false;  // a keyword of the course's own metadata matches
    std::vector<std::uint32_t> add, exclude;  // role indices
};

// The role ids the map uses, as small indices, and the order slots list them in.
struct RoleTable {
    std::vector<std::string> ids;
    std::vector<std::uint32_t> by_id;  // indices sorted by id

    std::uint32_t intern(const std::string &id) {
        for (std::uint32_t i = 0; i < ids.size(); ++i)
            if (ids[i] == id) return i;
        ids.push_back(id);
        return static_cast<std::uint32_t>(ids.size() - 1);
    }
};

// SHA-256 with one reusable context. OpenSSL 3 looks the algorithm up on
// every EVP_DigestInit_ex given EVP_sha256(); fetching it once saves that on
// tens of thousands of fingerprints.
class Sha256 {
public:
    Sha256() : ctx_(EVP_MD_CTX_new(), EVP_MD_CTX_free) {
        if (!ctx_) throw std::bad_alloc();
#if OPENSSL_VERSION_NUMBER >= 0x30000000L
        fetched_ = EVP_MD_fetch(nullptr, "SHA256", nullptr);
#endif
    }
    ~Sha256() {
#if OPENSSL_VERSION_NUMBER >= 0x30000000L
        EVP_MD_free(fetched_);
#endif
    }
    // A copy (a planner for another thread) gets a context of its own.
    Sha256(const Sha256 &) : Sha256() {}
    Sha256 &operator=(const Sha256 &) = delete;

    // The digest of `data`.
    Sha256Hex hex(std::string_view data) {
        unsigned char md[EVP_MAX_MD_SIZE];
        unsigned int len = 0;
        const EVP_MD *md_type = fetched_ ? fetched_ : EVP_sha256();
        if (EVP_DigestInit_ex(ctx_.get(), md_type, nullptr) != 1 ||
            EVP_DigestUpdate(ctx_.get(), data.data(), data.size()) != 1 ||
            EVP_DigestFinal_ex(ctx_.get(), md, &len) != 1)
            throw std::runtime_error("SHA-256 failed");
        return Sha256Hex::of_bytes(md, len);
    }

private:
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx_;
    EVP_MD *fetched_ = nullptr;
};

}  // namespace

std::string waiting_note(const std::vector<std::string> &missing) {
    if (missing.empty()) return {};
    std::string note = "waiting for " + missing[0];
    if (missing.size() >= 2) note += (missing.size() == 2 ? " and " : ", ") + missing[1];
    if (missing.size() > 2)
        note += " and " + std::to_string(missing.size() - 2) + (missing.size() == 3 ? " more file" : " more files");
    return note;
}

namespace {

// ------------------------------------------------------------ the planner

class Planner {
public:
    Planner(const Course &course, const RoleMap &map) : course_(course), map_(map) {
        for (const Role &r : map.roles) roles_.intern(r.id);
        for (std::size_t ri = 0; ri < map.rules.size(); ++ri) {
            rules_.push_back(compile_rule(map.rules[ri]));
            if (!rules_.back().file_criteria) continue;
            rules_.back().file_bit = static_cast<std::uint32_t>(file_rules_.size());
            file_rules_.push_back(static_cast<std::uint32_t>(ri));
            any_kinds_ |= rules_.back().kinds != 0;
        }
        words_ = std::max<std::size_t>(1, (file_rules_.size() + 63) / 64);
        // Rules that only name kinds: which of them each kind satisfies.
        kind_rules_.assign(kKinds * words_, 0);
        for (std::uint32_t j = 0; j < file_rules_.size(); ++j) {
            const CompiledRule &r = rules_[file_rules_[j]];
            if (!r.paths.empty()) continue;
            for (unsigned k = 0; k < kKinds; ++k)
                if (r.kinds & kind_bit(static_cast<FileKind>(k)))
                    kind_rules_[k * words_ + j / 64] |= std::uint64_t(1) << (j % 64);
        }
        resource_types_.assign(course.resources.size(), kUnknownTypes);
        holders_.resize(roles_.ids.size());
        for (std::uint32_t p = 0; p < map.people.size(); ++p) {
            scopes_.push_back(compile(map.people[p].scope));
            for (const auto &role : map.people[p].roles) {
                const std::uint32_t r = roles_.intern(role);
                if (r >= holders_.size()) holders_.resize(r + 1);
                if (holders_[r].empty() || holders_[r].back() != p) holders_[r].push_back(p);
            }
        }
        for (const Due &d : map.schedule) schedule_.emplace_back(d.module);
        const std::size_t nroles = roles_.ids.size();
        roles_.by_id.resize(nroles);
        for (std::uint32_t i = 0; i < nroles; ++i) roles_.by_id[i] = i;
        std::sort(roles_.by_id.begin(), roles_.by_id.end(),
                  [&](std::uint32_t a, std::uint32_t b) { return roles_.ids[a] < roles_.ids[b]; });

        judge_files();
        launch_mask_.assign(words_, 0);
        piece_mask_.assign(words_, 0);
        visited_.assign(course.resources.size(), 0);
        module_ids_.resize(rules_.size());
        module_titles_.resize(rules_.size());
        person_module_.resize(map.people.size());
        person_piece_.resize(map.people.size());
        added_.resize(nroles);
        excluded_.resize(nroles);
        all_files_.resize(nroles);
        role_rules_.resize(nroles * words_);
        row_fingerprint_.resize(nroles);
    }

    // Plans modules [begin, end), appending to `out`.
    void run(std::uint32_t begin, std::uint32_t end, std::vector<PiecePlan> &out) {
        for (std::uint32_t m = begin; m < end; ++m) {
            const std::uint32_t module_item = course_.modules[m];
            enter_module(module_item);
            for (std::uint32_t piece : course_.pieces_under(module_item))
                out.push_back(plan_piece(m, module_item, piece));
        }
    }

private:
    struct PieceFile {
        std::string_view path;
        std::uint32_t file;           // index into Course::files, kNone for a launch file
                                      // the resource does not list
        const std::uint64_t *mask;    // the file rules it satisfies (see judge_files())
    };

    CompiledRule compile_rule(const Rule &rule) {
        CompiledRule c;
        c.paths = compile(rule.match.paths);
        c.ids = compile(rule.match.ids);
        c.titles = compile(rule.match.titles);
        c.tool_types = compile(rule.match.types);
        for (FileKind k : rule.match.kinds) c.kinds |= kind_bit(k);
        c.facts = fact_bits(rule.match.facts);
        if (!rule.match.resource_types.empty()) c.resource_types = &rule.match.resource_types;
        for (const auto &t : rule.match.resource_types) c.type_bits |= type_bit(t);
        if (!rule.match.keywords.empty()) {
            c.keywords = &rule.match.keywords;
            c.course_keyword_hit = any_iequal(rule.match.keywords, course_.metadata.keywords);
        }
        c.file_criteria = rule.match.has_file_criteria();
        for (const auto &r : rule.roles) c.add.push_back(roles_.intern(r));
        for (const auto &r : rule.exclude) c.exclude.push_back(roles_.intern(r));
        return c;
    }

    // Resource types the rules name, compared case-insensitively: each
    // distinct one gets a bit, so that a piece's types are compared once, not
    // once per rule. (Past 64 distinct types, rules compare names instead.)
    std::uint64_t type_bit(const std::string &type) {
        for (std::size_t i = 0; i < types_.size(); ++i)
            if (iequals(types_[i], type)) return i < 64 ? std::uint64_t(1) << i : 0;
        types_.push_back(type);
        return types_.size() <= 64 ? std::uint64_t(1) << (types_.size() - 1) : 0;
    }

    // The bits of the types a resource has (its type or scormType), once
    // per resource.
    std::uint64_t types_of(std::uint32_t resource) {
        std::uint64_t &bits = resource_types_[resource];
        if (bits == kUnknownTypes) {
            const Resource &res = course_.resources[resource];
            bits = 0;
            for (std::size_t i = 0; i < types_.size() && i < 64; ++i)
                if (iequals(types_[i], res.type) || iequals(types_[i], res.scorm_type))
                    bits |= std::uint64_t(1) << i;
        }
        return bits;
    }

    // What depends only on the module: id and title criteria, people's
    // scopes, the schedule entry.
    void enter_module(std::uint32_t module_item) {
        const Item &mod = course_.items[module_item];
        for (std::size_t r = 0; r < rules_.size(); ++r) {
            module_ids_[r] = any_match(rules_[r].ids, mod.id);
            module_titles_[r] = any_match(rules_[r].titles, mod.title);
        }
        for (std::size_t p = 0; p < scopes_.size(); ++p)
            person_module_[p] = scopes_[p].empty() || any_match(scopes_[p], mod.id);
        // An entry naming the module exactly wins over a glob; otherwise the
        // first matching entry.
        due_ = nullptr;
        for (std::size_t i = 0; i < schedule_.size() && !due_; ++i)
            if (map_.schedule[i].module == mod.id) due_ = &map_.schedule[i];
        for (std::size_t i = 0; i < schedule_.size() && !due_; ++i)
            if (schedule_[i].matches(mod.id)) due_ = &map_.schedule[i];
    }

    // Whether one file satisfies the file criteria (kinds and paths) of a rule.
    static bool file_criteria_hold(const CompiledRule &r, std::string_view path, FileKind kind) {
        if (r.kinds && !(r.kinds & kind_bit(kind))) return false;
        return r.paths.empty() || any_match(r.paths, path);
    }

    // Marks, for every file of the course, the file rules it satisfies: one
    // bit per rule with file criteria. A file depends only on its path, so
    // each is judged once per plan however many pieces share it. Rules that
    // only name kinds cost one table lookup per file, all together; rules
    // with globs run over blocks of files small enough to stay in cache,
    // each in a tight loop of its own.
    void judge_files() {
        const std::size_t nf = course_.files.size();
        masks_.assign(file_rules_.empty() ? 0 : nf * words_, 0);
        if (file_rules_.empty()) return;
        constexpr std::size_t kBlock = 2048;
        std::uint8_t kinds[kBlock];  // of the block's files, when some rule names kinds
        std::fill(kinds, kinds + kBlock, static_cast<std::uint8_t>(FileKind::Other));
        const File *files = course_.files.data();
        for (std::size_t begin = 0; begin < nf; begin += kBlock) {
            const std::size_t end = std::min(nf, begin + kBlock);
            if (any_kinds_)
                for (std::size_t f = begin; f < end; ++f) {
                    const auto k = static_cast<std::uint8_t>(file_kind(files[f].path()));
                    kinds[f - begin] = k;
                    const std::uint64_t *by_kind = kind_rules_.data() + k * words_;
                    std::uint64_t *mask = masks_.data() + f * words_;
                    for (std::size_t w = 0; w < words_; ++w) mask[w] |= by_kind[w];
                }
            for (std::uint32_t j = 0; j < file_rules_.size(); ++j) {
                const CompiledRule &r = rules_[file_rules_[j]];
                if (r.paths.empty()) continue;  // done above
                const std::uint64_t bit = std::uint64_t(1) << (j % 64);
                std::uint64_t *word = masks_.data() + begin * words_ + j / 64;
                if (!r.kinds && r.paths.size() == 1) {  // the common case: one glob
                    r.paths.front().visit([&](auto match) {
                        for (std::size_t f = begin; f < end; ++f, word += words_)
                            if (match(files[f].path())) *word |= bit;
                    });
                } else {
                    for (std::size_t f = begin; f < end; ++f, word += words_)
                        if (file_criteria_hold(r, files[f].path(),
                                               static_cast<FileKind>(kinds[f - begin])))
                            *word |= bit;
                }
            }
        }
    }

    // The same for a launch file the resource does not list.
    void judge(std::string_view path, std::uint64_t *out) const {
        const FileKind kind = any_kinds_ ? file_kind(path) : FileKind::Other;
        for (std::uint32_t j = 0; j < file_rules_.size(); ++j)
            if (file_criteria_hold(rules_[file_rules_[j]], path, kind))
                out[j / 64] |= std::uint64_t(1) << (j % 64);
    }

    const std::uint64_t *mask_of(std::uint32_t f) const {
        if (file_rules_.empty()) return launch_mask_.data();  // all zero
        return masks_.data() + static_cast<std::size_t>(f) * words_;
    }

    static bool has_bit(const std::uint64_t *mask, std::uint32_t bit) {
        return (mask[bit / 64] >> (bit % 64)) & 1;
    }

    // The piece's files, as Course::piece_files finds them (its resource's
    // and, transitively, its dependencies'), but into reused buffers and
    // unsorted: only fingerprints need path order (see sort_files()). The
    // launch file counts as one of them even when the resource does not
    // list it. Also ORs the files' masks into piece_mask_.
    void gather_files(const Item &item, const Resource *res, std::uint32_t resource) {
        files_.clear();
        sorted_.clear();
        hashed_files_ = false;
        std::fill(piece_mask_.begin(), piece_mask_.end(), 0);
        // An authoring tool's piece: the files its data references.
        for (std::uint32_t f : item.details().files) {
            const File &file = course_.files[f];
            if (file.shell) continue;  // the course's, not the piece's
            files_.push_back({file.path(), f, mask_of(f)});
            hashed_files_ |= file.present && file.digest != kNone;
        }
        if (!res) {
            for (const PieceFile &f : files_)
                for (std::size_t w = 0; w < words_; ++w) piece_mask_[w] |= f.mask[w];
            return;
        }
        bool launch_listed = false;  // the launch file is a shell file
        ++visit_;
        queue_.assign(1, resource);
        visited_[resource] = visit_;
        for (std::size_t q = 0; q < queue_.size(); ++q) {
            const Resource &r = course_.resources[queue_[q]];
            for (std::uint32_t f = r.first_file; f < r.first_file + r.file_count; ++f) {
                const File &file = course_.files[f];
                if (file.shell) {  // the course's, not the piece's
                    launch_listed |= file.path() == res->launch_path;
                    continue;
                }
                files_.push_back({file.path(), f, mask_of(f)});
                hashed_files_ |= file.present && file.digest != kNone;
            }
            for (std::uint32_t d : r.dependencies) {
                if (visited_[d] == visit_) continue;  // cycles end
                visited_[d] = visit_;
                queue_.push_back(d);
            }
        }
        if (!res->launch_path.empty() && !launch_listed &&
            std::none_of(files_.begin(), files_.end(),
                         [&](const PieceFile &pf) { return pf.path == res->launch_path; })) {
            std::fill(launch_mask_.begin(), launch_mask_.end(), 0);
            if (!file_rules_.empty()) judge(res->launch_path, launch_mask_.data());
            files_.push_back({res->launch_path, kNone, launch_mask_.data()});
        }
        for (const PieceFile &f : files_)
            for (std::size_t w = 0; w < words_; ++w) piece_mask_[w] |= f.mask[w];
    }

    // Whether files_[i] is missing from the package. A launch file the
    // resource does not list is missing when the resource says so.
    bool missing(std::size_t i, const Resource *res) const {
        const std::uint32_t f = files_[i].file;
        return f != kNone ? !course_.files[f].present : res && !res->launch_is_url && !res->launch_present;
    }

    // The missing files of files_ selected by `row` (nullptr: all), sorted.
    std::vector<std::string> missing_files(const std::uint8_t *row, const Resource *res) {
        std::vector<std::string> out;
        for (std::size_t i = 0; i < files_.size(); ++i)
            if ((!row || row[i]) && missing(i, res)) out.emplace_back(files_[i].path);
        std::sort(out.begin(), out.end());
        out.erase(std::unique(out.begin(), out.end()), out.end());
        return out;
    }

    // Positions of files_ in path order, once per piece, when a fingerprint
    // needs them. A piece's paths mostly share their folder, so each is
    // compared by the 8 bytes after the shared part, as one big-endian
    // number; only equal numbers compare the whole paths.
    void sort_files() {
        if (!sorted_.empty() || files_.empty()) return;
        const std::size_t n = files_.size();
        sorted_.resize(n);
        for (std::uint32_t i = 0; i < n; ++i) sorted_[i] = i;
        // Manifests often list a resource's files in path order already.
        bool in_order = true;
        for (std::size_t i = 1; i < n && in_order; ++i) in_order = !(files_[i].path < files_[i - 1].path);
        if (in_order) return;

        std::size_t shared = files_[0].path.size();
        for (std::size_t i = 1; i < n; ++i) {
            const std::string_view a = files_[0].path, b = files_[i].path;
            std::size_t k = 0;
            while (k < shared && k < b.size() && a[k] == b[k]) ++k;
            shared = k;
        }
        sort_keys_.resize(n);
        for (std::uint32_t i = 0; i < n; ++i) {
            const std::string_view rest = files_[i].path.substr(shared);
            unsigned char bytes[8] = {};  // a shorter rest pads with 0, which sorts first
            std::memcpy(bytes, rest.data(), std::min<std::size_t>(8, rest.size()));
            std::uint64_t key = 0;
            for (unsigned char b : bytes) key = (key << 8) | b;
            sort_keys_[i] = key;
        }
        std::sort(sorted_.begin(), sorted_.end(), [&](std::uint32_t a, std::uint32_t b) {
            if (sort_keys_[a] != sort_keys_[b]) return sort_keys_[a] < sort_keys_[b];
            return files_[a].path < files_[b].path;
        });
    }

    bool piece_criteria_hold(std::size_t ri, const Item &item, const Resource *res,
                             std::uint8_t facts, std::uint64_t types) const {
        const CompiledRule &r = rules_[ri];
        if (r.facts && !(r.facts & facts)) return false;
        if (r.resource_types) {
            if (!res) return false;
            if (types_.size() <= 64) {
                if (!(r.type_bits & types)) return false;
            } else if (std::none_of(r.resource_types->begin(), r.resource_types->end(),
                                    [&](const std::string &t) {
                                        return iequals(t, res->type) || iequals(t, res->scorm_type);
                                    })) {
                return false;
            }
        }
        if (!r.tool_types.empty() && !any_match(r.tool_types, item.details().origin.type)) return false;
        if (!r.ids.empty() && !module_ids_[ri] && !any_match(r.ids, item.id)) return false;
        if (!r.titles.empty() && !module_titles_[ri] && !any_match(r.titles, item.title))
            return false;
        if (r.keywords && !r.course_keyword_hit &&
            !any_iequal(*r.keywords, item.details().metadata.keywords) &&
            !(res && res->metadata && any_iequal(*r.keywords, res->metadata->keywords)))
            return false;
        return true;
    }

    // The files relevant to role `r` in this piece (1 = relevant): those
    // satisfying a file rule that added the role. rows_ holds a row per role.
    std::uint8_t *build_row(std::uint32_t r) {
        const std::size_t n = files_.size();
        std::uint8_t *row = rows_.data() + static_cast<std::size_t>(r) * n;
        const std::uint64_t *rules = role_rules_.data() + static_cast<std::size_t>(r) * words_;
        for (std::size_t i = 0; i < n; ++i) {
            std::uint64_t hit = 0;
            for (std::size_t w = 0; w < words_; ++w) hit |= files_[i].mask[w] & rules[w];
            row[i] = hit != 0;
        }
        return row;
    }

    // SHA-256 over (path, content SHA-256) of the selected files that have a
    // digest, in path order and each path once: the same bytes as
    // Course::piece_fingerprint, so a role resting on all of a piece's files
    // has the piece's fingerprint. `selected` = nullptr for all files.
    Sha256Hex fingerprint(const std::uint8_t *selected) {
        // An authoring tool's piece's own data counts for the roles resting
        // on the whole piece (its text: the writer's), not for one file's.
        const std::string_view data = selected ? std::string_view() : std::string_view(data_digest_);
        if (!hashed_files_ && data.empty()) return {};  // the usual case when files are not hashed
        auto counts = [&](std::uint32_t i) {
            const std::uint32_t f = files_[i].file;
            return (!selected || selected[i]) && f != kNone && course_.files[f].present &&
                   course_.files[f].digest != kNone;
        };
        sort_files();
        text_.clear();
        std::string_view last;
        bool any = false;
        for (std::uint32_t i : sorted_) {
            if (!counts(i) || (any && files_[i].path == last)) continue;
            any = true;
            last = files_[i].path;
            const File &file = course_.files[files_[i].file];
            text_.append(file.path());
            text_.push_back('\0');
            text_.append(course_.digests[file.digest].view());
            text_.push_back('\n');
        }
        if (!data.empty()) {  // as Course::piece_fingerprint
            any = true;
            text_.append(std::string_view("\0data\0", 6));
            text_.append(data);
            text_.push_back('\n');
        }
        return any ? sha_.hex(text_) : Sha256Hex();
    }

    bool person_in_scope(std::uint32_t p, const Item &piece) {
        if (person_module_[p]) return true;
        std::int8_t &memo = person_piece_[p];
        if (memo < 0) memo = any_match(scopes_[p], piece.id) ? 1 : 0;
        return memo == 1;
    }

    PiecePlan plan_piece(std::uint32_t m, std::uint32_t module_item, std::uint32_t piece) {
        const Item &item = course_.items[piece];
        const Resource *res = item.resource != kNone ? &course_.resources[item.resource] : nullptr;
        const std::uint8_t facts = fact_bits(item.details().facts);
        const std::uint64_t types = res ? types_of(item.resource) : 0;
        gather_files(item, res, item.resource);
        data_digest_ = item.details().data_digest;
        std::fill(added_.begin(), added_.end(), 0);
        std::fill(excluded_.begin(), excluded_.end(), 0);
        std::fill(all_files_.begin(), all_files_.end(), 0);
        std::fill(role_rules_.begin(), role_rules_.end(), 0);
        std::fill(person_piece_.begin(), person_piece_.end(), -1);

        const std::size_t n = files_.size();
        for (std::size_t ri = 0; ri < rules_.size(); ++ri) {
            const CompiledRule &r = rules_[ri];
            // File criteria hold when one of the piece's files satisfies them.
            if (r.file_criteria && !has_bit(piece_mask_.data(), r.file_bit)) continue;
            if (!piece_criteria_hold(ri, item, res, facts, types)) continue;
            // Which files brought the role: all of them for a piece-only
            // rule, else those satisfying this rule's file criteria.
            for (std::uint32_t role : r.add) {
                added_[role] = 1;
                if (r.file_criteria)
                    role_rules_[role * words_ + r.file_bit / 64] |= std::uint64_t(1) << (r.file_bit % 64);
                else
                    all_files_[role] = 1;
            }
            for (std::uint32_t role : r.exclude) excluded_[role] = 1;
        }

        PiecePlan pp;
        pp.item = piece;
        pp.module = m;
        pp.piece_id = item.id;
        pp.module_id = course_.items[module_item].id;
        pp.title = item.title.primary();
        if (due_) pp.module_due = due_->date;
        bool all_done = false;
        bool any_missing = false;
        for (std::size_t i = 0; i < n && !any_missing; ++i) any_missing = missing(i, res);
        std::vector<std::uint8_t> owed(any_missing ? n : 0, 0);  // missing files some role makes
        hashed_.clear();  // roles whose row fingerprint is known
        std::size_t count = 0;
        for (std::uint32_t role : roles_.by_id) count += added_[role] && !excluded_[role];
        pp.slots.reserve(count);
        if (rows_.size() < added_.size() * n) rows_.resize(added_.size() * n);
        for (std::uint32_t role : roles_.by_id) {
            if (!added_[role] || excluded_[role]) continue;
            Slot slot;
            slot.role = roles_.ids[role];
            if (role < holders_.size()) {
                people_.clear();
                for (std::uint32_t p : holders_[role])
                    if (person_in_scope(p, item)) people_.push_back(p);
                slot.people.assign(people_.begin(), people_.end());  // one allocation
            }
            if (due_) {
                auto it = due_->roles.find(slot.role);
                slot.due = it != due_->roles.end() ? it->second : due_->date;
            }
            const std::uint8_t *mine = all_files_[role] ? nullptr : build_row(role);
            if (!mine || std::all_of(mine, mine + n, [](std::uint8_t b) { return b != 0; })) {
                // Resting on all the piece's files, however it got there.
                if (!all_done) all_fingerprint_ = fingerprint(nullptr);
                all_done = true;
                slot.fingerprint = all_fingerprint_;
            } else {
                // Roles often rest on the same files: hash each distinct set once.
                bool reused = false;
                for (std::uint32_t other : hashed_)
                    if (std::equal(mine, mine + n, rows_.data() + other * n)) {
                        slot.fingerprint = row_fingerprint_[other];
                        reused = true;
                        break;
                    }
                if (!reused) {
                    row_fingerprint_[role] = fingerprint(mine);
                    slot.fingerprint = row_fingerprint_[role];
                    hashed_.push_back(role);
                }
            }
            if (any_missing) {
                // Owed by the role whose file rules match the file (an image
                // to the artist), not by every role of the piece.
                const std::uint8_t *made = build_row(role);
                slot.waiting = missing_files(made, res);
                slot.waiting_note = waiting_note(slot.waiting);
                for (std::size_t i = 0; i < n; ++i) owed[i] |= made[i];
            }
            pp.slots.push_back(std::move(slot));
        }
        if (any_missing) {
            for (std::uint8_t &o : owed) o = !o;
            pp.waiting = missing_files(owed.data(), res);
        }
        return pp;
    }

    const Course &course_;
    const RoleMap &map_;
    RoleTable roles_;
    std::vector<CompiledRule> rules_;
    std::vector<std::uint32_t> file_rules_;             // rules with file criteria, by file_bit
    bool any_kinds_ = false;                            // some rule names file kinds
    static constexpr unsigned kKinds = static_cast<unsigned>(FileKind::Other) + 1;
    std::vector<std::uint64_t> kind_rules_;             // per kind: the kinds-only rules it satisfies
    std::vector<std::string> types_;                    // resource types the rules name
    static constexpr std::uint64_t kUnknownTypes = ~std::uint64_t(0);
    std::vector<std::uint64_t> resource_types_;         // per resource: bits of types_, computed once
    std::vector<std::vector<Glob>> scopes_;             // per person
    std::vector<std::vector<std::uint32_t>> holders_;  // per role: people holding it
    std::vector<Glob> schedule_;                        // per schedule entry: its module glob
    Sha256 sha_;
    std::string text_;              // what a fingerprint hashes
    Sha256Hex all_fingerprint_;     // of all the current piece's files
    std::string data_digest_;       // the current piece's own data (an authoring tool's piece)

    // Per course file: the file rules it satisfies (see judge_files()).
    std::size_t words_ = 1;
    std::vector<std::uint64_t> masks_;

    // Per module.
    std::vector<std::uint8_t> module_ids_, module_titles_;  // per rule
    std::vector<std::uint8_t> person_module_;               // per person
    const Due *due_ = nullptr;

    // Per piece (reused).
    std::vector<PieceFile> files_;
    std::vector<std::uint64_t> piece_mask_, launch_mask_;
    std::vector<std::uint32_t> sorted_;           // positions in files_, by path
    std::vector<std::uint64_t> sort_keys_;        // per position: see sort_files()
    std::vector<std::uint32_t> queue_, visited_;  // resources, for gather_files()
    std::uint32_t visit_ = 0;
    bool hashed_files_ = false;  // some file of the piece has a digest
    std::vector<std::uint8_t> added_, excluded_, all_files_;  // per role
    std::vector<std::uint64_t> role_rules_;  // per role: the file rules that added it (words_ each)
    std::vector<std::uint8_t> rows_;         // per role x file: relevant to the role
    std::vector<Sha256Hex> row_fingerprint_;
    std::vector<std::uint32_t> hashed_, people_;
    std::vector<std::int8_t> person_piece_;  // per person: -1 not yet known
};

// ------------------------------------------------------------ course checks

// Names for "matches nothing" messages: a few examples of what exists.
std::string examples(const std::vector<std::string_view> &names) {
    std::string out;
    const std::size_t n = std::min<std::size_t>(names.size(), 5);
    for (std::size_t i = 0; i < n; ++i) out += (i ? ", " : "") + std::string(names[i]);
    if (names.size() > n) out += ", ...";
    return out.empty() ? "none" : out;
}

// Whether `rule` is one of the built-in rules, which effective_role_map()
// copies into a team map that asks for them: those are not the team's to fix.
bool builtin_rule(const Rule &rule) {
    for (const Rule &d : default_role_map().rules) {
        const RuleMatch &a = rule.match, &b = d.match;
        if (rule.name == d.name && rule.pointer == d.pointer && rule.roles == d.roles &&
            rule.exclude == d.exclude && a.paths == b.paths && a.kinds == b.kinds &&
            a.resource_types == b.resource_types && a.types == b.types && a.ids == b.ids && a.titles == b.titles &&
            a.keywords == b.keywords && a.facts == b.facts)
            return true;
    }
    return false;
}

}  // namespace

std::size_t Plan::pairs() const {
    std::size_t n = 0;
    for (const auto &p : pieces) n += p.slots.size();
    return n;
}

namespace {

// Modules [begin, end) for each of `parts` threads, with about as many
// pieces each.
std::vector<std::uint32_t> split_modules(const Course &course, unsigned parts) {
    const std::uint32_t modules = static_cast<std::uint32_t>(course.modules.size());
    std::vector<std::size_t> pieces(modules);
    std::size_t total = 0;
    for (std::uint32_t m = 0; m < modules; ++m) total += pieces[m] = course.pieces_under(course.modules[m]).size();
    std::vector<std::uint32_t> bounds{0};
    std::size_t seen = 0;
    for (std::uint32_t m = 0; m < modules && bounds.size() < parts; ++m) {
        seen += pieces[m];
        if (seen * parts >= total * bounds.size()) bounds.push_back(m + 1);
    }
    if (bounds.back() != modules) bounds.push_back(modules);
    return bounds;
}

}  // namespace

Plan plan_roles(const Course &course, const RoleMap &map, unsigned threads) {
    Planner planner(course, map);
    Plan plan;
    plan.pieces.reserve(course.counts.pieces);
    if (threads == 0) {
        // Threads pay off past a few thousand pieces (a copy of the planner
        // and a thread start cost well under a millisecond).
        const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
        threads = course.counts.pieces >= 4000 ? std::min(cores, 4u) : 1;
    }
    const std::vector<std::uint32_t> bounds = split_modules(course, std::max(1u, threads));
    if (bounds.size() <= 2) {
        planner.run(0, static_cast<std::uint32_t>(course.modules.size()), plan.pieces);
        return plan;
    }
    // Each further part on a thread of its own, with its own copy of the
    // planner (the compiled map, the file masks and the buffers: a few
    // megabytes at most); this thread plans the first part.
    // A part whose thread cannot be started (no memory, a thread limit) is
    // planned here after the first.
    const std::size_t parts = bounds.size() - 1;
    std::vector<std::vector<PiecePlan>> results(parts);
    std::vector<std::exception_ptr> errors(parts);
    std::vector<std::thread> workers;
    std::vector<std::size_t> here;  // parts left to this thread
    workers.reserve(parts - 1);
    here.reserve(parts - 1);
    for (std::size_t i = 1; i < parts; ++i) {
        try {
            workers.emplace_back([&, i, copy = planner]() mutable {
                try {
                    copy.run(bounds[i], bounds[i + 1], results[i]);
                } catch (...) {
                    errors[i] = std::current_exception();
                }
            });
        } catch (...) {
            here.push_back(i);
        }
    }
    try {
        planner.run(bounds[0], bounds[1], plan.pieces);
        for (std::size_t i : here) planner.run(bounds[i], bounds[i + 1], results[i]);
    } catch (...) {
        errors[0] = std::current_exception();
    }
    for (std::thread &t : workers) t.join();
    for (const std::exception_ptr &e : errors)
        if (e) std::rethrow_exception(e);
    for (std::size_t i = 1; i < parts; ++i)
        std::move(results[i].begin(), results[i].end(), std::back_inserter(plan.pieces));
    return plan;
}

void check_against_course(const RoleMap &map, const Course &course, std::vector<MapError> &errors) {
    // What globs can name: module and piece ids and titles, file paths.
    std::vector<std::string_view> module_ids, ids, titles, paths;
    for (std::uint32_t m : course.modules) {
        const Item &mod = course.items[m];
        module_ids.push_back(mod.id);
        ids.push_back(mod.id);
        for (const auto &t : mod.title.values) titles.push_back(t.second);
        for (std::uint32_t p : course.pieces_under(m)) {
            ids.push_back(course.items[p].id);
            for (const auto &t : course.items[p].title.values) titles.push_back(t.second);
        }
    }
    for (const File &f : course.files) paths.push_back(f.path());
    for (const Resource &r : course.resources)
        if (!r.launch_path.empty()) paths.push_back(r.launch_path);

    // Many people share one scope: each distinct glob is tried on each list
    // of names once, not once per person (globs x names x people).
    std::map<std::pair<const void *, std::string_view>, bool> matched;
    const std::size_t first_error = errors.size();
    auto check = [&](const std::vector<std::string> &globs, const std::string &at,
                     const std::vector<std::string_view> &names, const char *what) {
        for (std::size_t i = 0; i < globs.size(); ++i) {
            auto [known, added] = matched.try_emplace({&names, globs[i]}, false);
            if (added) {
                const Glob g(globs[i]);
                known->second = std::any_of(names.begin(), names.end(), [&](std::string_view n) {
                    return !n.empty() && g.matches(n);
                });
            }
            if (known->second) continue;
            errors.push_back({map.file, at + "/" + std::to_string(i),
                              "'" + globs[i] + "' matches nothing in this course: no " + what +
                                  " matches it (there are: " + examples(names) +
                                  "); fix the glob or remove it",
                              "rolemap.matches_nothing"});
        }
    };
    for (const Rule &r : map.rules) {
        if (builtin_rule(r)) continue;
        check(r.match.paths, r.pointer + "/match/paths", paths, "file path");
        check(r.match.ids, r.pointer + "/match/ids", ids, "module or piece id");
        check(r.match.titles, r.pointer + "/match/titles", titles, "module or piece title");
    }
    for (const Person &p : map.people)
        check(p.scope, p.pointer + "/scope", ids, "module or piece id");
    for (const Due &d : map.schedule) {
        const Glob g(d.module);
        if (std::none_of(module_ids.begin(), module_ids.end(),
                         [&](std::string_view n) { return g.matches(n); }))
            errors.push_back({map.file, d.pointer + "/module",
                              "'" + d.module + "' matches nothing in this course: no module id " +
                                  "matches it (modules: " + examples(module_ids) +
                                  "); fix the id or remove the entry",
                              "rolemap.matches_nothing"});
    }
    cap_map_errors(errors, first_error);
}

}  // namespace coursecrew
