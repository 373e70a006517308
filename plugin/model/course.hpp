// The course model: what every manifest reader produces and everything after
// the reader (role mapping, status, sync, review) consumes.
//
//   Course ─ modules ─▶ items (a tree; leaves are pieces) ─▶ resource ─▶ files
//
// Items, resources and files live in flat vectors and refer to each other by
// index, so a 20,000-item course is a few contiguous arrays, not a pointer maze.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string_view>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "plugin/model/big_alloc.hpp"
#include "plugin/model/diagnostics.hpp"
#include "plugin/model/paths.hpp"

namespace coursecrew {

// A SHA-256 digest spelled as 64 lowercase hex digits, held inline: copying
// one allocates nothing, and a vector of them is one contiguous block (a big
// course has 200,000 file digests and tens of thousands of fingerprints).
// Empty when there was nothing to hash.
class Sha256Hex {
public:
    static constexpr std::size_t kSize = 64;

    Sha256Hex() = default;
    // `hex` is "" or the 64-digit spelling (a longer text is cut to 64).
    explicit Sha256Hex(std::string_view hex) { assign(hex); }
    void assign(std::string_view hex) {
        size_ = static_cast<std::uint8_t>(hex.size() < kSize ? hex.size() : kSize);
        for (std::size_t i = 0; i < size_; ++i) text_[i] = hex[i];
    }
    // From the digest's bytes (32 for SHA-256).
    static Sha256Hex of_bytes(const unsigned char *md, std::size_t len) {
        static constexpr char kHex[] = "0123456789abcdef";
        Sha256Hex out;
        const std::size_t n = len < kSize / 2 ? len : kSize / 2;
        for (std::size_t i = 0; i < n; ++i) {
            out.text_[2 * i] = kHex[md[i] >> 4];
            out.text_[2 * i + 1] = kHex[md[i] & 15];
        }
        out.size_ = static_cast<std::uint8_t>(2 * n);
        return out;
    }

    std::string_view view() const { return {text_, size_}; }
    operator std::string_view() const { return view(); }  // NOLINT: reads as text everywhere
    std::string str() const { return std::string(view()); }
    bool empty() const { return size_ == 0; }

    friend bool operator==(const Sha256Hex &a, const Sha256Hex &b) { return a.view() == b.view(); }
    friend bool operator!=(const Sha256Hex &a, const Sha256Hex &b) { return !(a == b); }

private:
    char text_[kSize];
    std::uint8_t size_ = 0;
};

enum class Format { Unknown, Scorm12, Scorm2004, Cmi5, Tincan };
const char *to_string(Format f);  // "scorm12", "scorm2004", "cmi5", "tincan", "unknown"

constexpr std::uint32_t kNone = UINT32_MAX;

// A text in one or more languages ("" = no language given).
struct LangText {
    std::vector<std::pair<std::string, std::string>> values;  // (lang, text), document order
    bool empty() const { return values.empty(); }
    // The text for the first language, or "".
    const std::string &primary() const;
    void add(std::string lang, std::string text);
};

struct Metadata {
    LangText title;
    LangText description;
    std::vector<std::string> keywords;
    std::string location;  // adlcp:location, when metadata lives in another file
};

// What the reader found about how a piece behaves; role rules match on these.
struct StructureFacts {
    bool has_sequencing = false;   // imsss:sequencing or a sequencing IDRef
    std::string sequencing_idref;  // IDRef into sequencingCollection, if any
    int sequencing_rules = 0;      // pre/exit/post condition rules
    int objectives = 0;            // imsss objectives / cmi5 objective refs
    bool has_interactions = false; // tincan cmi.interaction activities, etc.
    std::optional<double> mastery_score;           // adlcp:masteryscore / cmi5 masteryScore
    std::optional<double> completion_threshold;    // adlcp:completionThreshold
    bool has_presentation = false; // adlnav:presentation
    std::string prerequisites;     // SCORM 1.2 adlcp:prerequisites
    // What an authoring tool's data says a piece holds (plugin/content).
    bool is_question = false;      // graded or ungraded question, knowledge check, quiz slide
    bool has_media = false;        // image, audio, video, gallery
    bool has_text = false;         // body text beyond a title
};

// Where in an authoring tool's data a module or piece came from.
struct ContentOrigin {
    std::string type;  // the tool's type, "adapt:mcq", "rise:knowledgeCheck", "storyline:slide"
    std::string file;  // package path of the file it was read from
    std::string at;    // place in that file: a JSON pointer ("/3") or "line 12"
};

// Stable storage for the many small strings of a big course (file paths):
// one allocation per block, and views stay valid for the Course's lifetime,
// moves included. A 200,000-file manifest costs a few MB here instead of
// 200,000 heap strings.
// Blocks double from 64 KiB to 512 KiB, then are 2 MiB: a small course stays
// small, a big one gets whole huge pages (big_alloc.hpp).
class StringArena {
public:
    StringArena() = default;
    StringArena(StringArena &&other) noexcept { swap(other); }
    StringArena &operator=(StringArena &&other) noexcept {
        StringArena(std::move(other)).swap(*this);
        return *this;
    }
    StringArena(const StringArena &) = delete;
    StringArena &operator=(const StringArena &) = delete;
    ~StringArena();

    std::string_view add(std::string_view s);

private:
    struct Block {
        char *data;
        std::size_t size;
    };
    void swap(StringArena &other) noexcept {
        blocks_.swap(other.blocks_);
        std::swap(used_, other.used_);
        std::swap(capacity_, other.capacity_);
    }
    std::vector<Block> blocks_;
    std::size_t used_ = 0, capacity_ = 0;
};

// One <file> reference. A big course has hundreds of thousands (the largest
// array of the model), so this stays at 32 bytes: the path is a pointer into
// Course::strings and a 16-bit length (kMaxPathBytes, paths.hpp), and what the package
// says about a present file beyond its size (stamp, change time) is looked
// up in its PackageEntry when needed.
struct File {
    std::string_view path() const { return {path_data, path_size}; }  // package-relative
    void set_path(std::string_view p);  // a view into Course::strings; at most kMaxPathBytes

    std::uint64_t size = 0;     // bytes, when present
    std::uint32_t resource = kNone;
    std::uint32_t line = 0;
    std::uint32_t digest = kNone;  // index into Course::digests (SHA-256 hex), when hashed
private:
    std::uint16_t path_size = 0;
public:
    bool present = false;
    // Part of the course shell (see Course::shell): not any one piece's.
    bool shell = false;
private:
    const char *path_data = nullptr;
};
static_assert(sizeof(File) == 32, "File is the model's largest array: keep it at 32 bytes");

// A course holds tens of thousands of resources: their texts are views into
// Course::strings, not strings of their own.
struct Resource {
    std::string_view id;
    std::string_view type;         // "webcontent"
    std::string_view scorm_type;   // "sco" / "asset" ("" for cmi5/tincan)
    std::string_view href;         // launch href as written (after xml:base); SCORM keeps it only
                                   // when it differs from launch_path
    std::string_view launch_path;  // package-relative launch file ("" for URLs)
    std::string_view launch_query; // "?a=b" part of the href, kept as launch parameters
    bool launch_is_url = false; // an absolute URL (cmi5/tincan), not a package file
    bool launch_present = false;
    // Its files: Course::files[first_file, first_file + file_count). A reader
    // adds a resource's files one after another (Course::add_file).
    std::uint32_t first_file = 0, file_count = 0;
    std::uint32_t file_elements = 0;  // <file> elements as written, usable or not (SCORM counts)
    std::vector<std::uint32_t> dependencies;  // <dependency> targets, indices into Course::resources
    std::unique_ptr<Metadata> metadata;       // when the resource carries <metadata>
    int manifest_depth = 0;     // 0 = top-level manifest, 1+ = sub-manifest
    long line = 0;
};

// Module and Piece are the authoring tool's own units (plugin/content):
// added after the manifest is read, they stand in for the one-SCO course.
enum class ItemKind { Organization, Item, Block, Au, Activity, Module, Piece };
const char *to_string(ItemKind k);

// What only some items have (cmi5 AU attributes, SCORM sequencing facts,
// metadata...). Kept out of line so that a 20,000-item course of plain items
// costs a small Item each.
struct ItemDetails {
    LangText description;
    std::string parameters;             // SCORM item parameters / cmi5 launchParameters
    StructureFacts facts;
    Metadata metadata;
    // cmi5 AU / tincan activity details
    std::string url, launch_method, move_on, activity_type;
    std::vector<std::string> objective_refs;
    // Authoring-tool modules and pieces (plugin/content).
    ContentOrigin origin;
    std::vector<std::uint32_t> files;  // a content piece's own files (indices into Course::files)
    std::string data_digest;           // SHA-256 hex of the piece's own data in the tool's files ("" = none)
};

struct Item {
    ItemKind kind = ItemKind::Item;
    bool visible = true;
    bool top_manifest = true;           // false for items read from a sub-manifest
    std::string id;
    LangText title;
    std::uint32_t parent = kNone;
    std::vector<std::uint32_t> children;
    std::string identifierref;          // SCORM: resource or sub-manifest id
    std::uint32_t resource = kNone;     // resolved launch resource
    std::uint32_t aggregation = kNone;  // SCORM: the sub-manifest organization this item stands for
    long line = 0;

    // A piece: no child items and no sub-manifest behind it.
    bool is_leaf() const { return children.empty() && aggregation == kNone; }

    // The details, created on first write access.
    ItemDetails &details() {
        if (!details_) details_ = std::make_unique<ItemDetails>();
        return *details_;
    }
    // Read access never allocates: an item without details reads as empty.
    const ItemDetails &details() const {
        static const ItemDetails none;
        return details_ ? *details_ : none;
    }

private:
    std::unique_ptr<ItemDetails> details_;
};

struct Counts {
    // SCORM
    std::size_t organizations = 0, items = 0, leaf_items = 0, resources = 0, files = 0;
    // cmi5
    std::size_t aus = 0, blocks = 0;
    // tincan
    std::size_t activities = 0;
    std::size_t modules = 0;
    std::size_t pieces = 0;
    std::size_t package_files = 0;   // regular files found in the package
};

// The authoring tool's structure, when one was read (plugin/content).
struct ContentInfo {
    std::string tool;     // "adapt", "rise", ... ("" = none: the manifest's pieces)
    std::string version;  // the tool's version when its data names it
    std::string source;   // package path of the file the structure was read from
    // What the tool's data names the course: its identifier and title when
    // the package has no manifest (an Adapt build without spoor).
    std::string course_id, course_title;
    std::vector<std::uint32_t> modules;  // Module items, in course order
    bool present() const { return !tool.empty(); }
};

struct Course {
    Format format = Format::Unknown;
    std::string edition;             // "2nd" | "3rd" | "4th" for SCORM 2004, else ""
    std::string schema, schema_version;
    std::string identifier;
    LangText title;
    LangText description;
    std::string version;
    Metadata metadata;
    std::string manifest_path;       // relative to the package root
    std::string default_organization;

    // The big arrays of a big course: huge-page backed once they pass 1 MiB
    // (big_alloc.hpp), so filling them costs few page faults.
    big::vector<Item> items;         // all items of all organizations (+ sub-manifests)
    big::vector<Resource> resources;
    big::vector<File> files;
    StringArena strings;                       // backs File::path, Resource::launch_path
    big::vector<Sha256Hex> digests;            // of present files
    std::vector<std::uint32_t> organizations;  // item indices of kind Organization / course root
    std::uint32_t default_org = kNone;         // index into items
    std::vector<std::uint32_t> modules;        // item indices
    ContentInfo content;                       // the authoring tool's structure, if read
    // The course shell: files that belong to the course itself rather than
    // to a piece (the player, theme and framework). With a content model,
    // the files no piece's data references; without one, the files most
    // pieces share (a player's scripts, styles and fonts that every SCO
    // lists). Indices into `files`, one per path, in path order; each such
    // File has `shell` set. A piece's files, roles and fingerprint leave
    // them out.
    std::vector<std::uint32_t> shell;
    Counts counts;

    // All pieces (leaf items) under `item`, in document order.
    std::vector<std::uint32_t> pieces_under(std::uint32_t item) const;
    // Adds a file reference to `resource` (path stored in `strings`). Files of
    // one resource must be added consecutively.
    void add_file(std::uint32_t resource, std::string_view path, long line);

    // Files a piece uses: its resource's files and, transitively, its
    // dependencies' (or an authoring tool's piece: what its data references),
    // without the course shell's.
    std::vector<std::uint32_t> piece_files(std::uint32_t item) const;
    // SHA-256 over the piece's present files (sorted path + content hash), hex.
    // "" when none of its files are present. `used` is piece_files(item).
    // With `data_digest` (an authoring tool's piece), its own data counts too.
    std::string piece_fingerprint(const std::vector<std::uint32_t> &used, std::string_view data_digest = {}) const;
    std::string piece_fingerprint(std::uint32_t item) const {
        return piece_fingerprint(piece_files(item), items[item].details().data_digest);
    }
};

}  // namespace coursecrew
