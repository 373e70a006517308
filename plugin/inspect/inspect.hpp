// Reading a package into the course model: pick the reader from the manifest,
// then do what is the same for every format (file presence, content hashes,
// unlisted files, modules, counts).
#pragma once

#include <string>
#include <vector>

#include "coursecrew/coursecrew.h"
#include "plugin/content/content.hpp"
#include "plugin/model/course.hpp"
#include "plugin/model/diagnostics.hpp"
#include "plugin/model/package.hpp"
#include "plugin/model/reader.hpp"

namespace coursecrew {

// File digests remembered from an earlier read of the same package, so that
// a publish reads only the files that changed. A digest is offered only for
// a file whose size and stamp (see PackageEntry) are those it was computed
// at, and only when it was computed well after the file last changed: a file
// rewritten within the file system's timestamp granularity of its hashing
// keeps its stamp, so such a digest is not trusted (it is computed again).
//
// Files are named by their number in the package's listing
// (PackageSource::entries(), sorted by path).
class DigestCache {
public:
    virtual ~DigestCache() = default;
    // The package's listing, once, before find() and remember(). It stays
    // valid until unlisted().
    virtual void listed(const std::vector<PackageEntry> &entries) = 0;
    // The listing is about to go; no later call uses it.
    virtual void unlisted() {}
    // The digest of entries[entry], or nullptr. Valid until the next find().
    virtual const Sha256Hex *find(std::uint32_t entry) = 0;
    // A digest just computed for entries[entry].
    virtual void remember(std::uint32_t entry, const Sha256Hex &digest) = 0;
};

struct InspectOptions {
    PackageLimits limits;
    std::size_t max_diagnostics_per_code = 20;
    bool hash_files = true;   // SHA-256 of every present file (content fingerprints)
    bool list_files = false;  // JSON: list each piece's files, not only counts
    DigestCache *digests = nullptr;  // not owned; nullptr: every file is read
    ContentChoice content;           // the authoring tool's structure: auto, off or one tool
    ContentLimits content_limits;
};

// The readers, handed in by the composition root (plugin/registry.cpp), so the
// core does not depend on the adapters.
using ReaderFn = void (*)(xml::Stream &, ReadContext &, Course &);
struct Readers {
    ReaderFn scorm = nullptr;
    ReaderFn cmi5 = nullptr;
    ReaderFn tincan = nullptr;
    const ContentReaders *content = nullptr;  // the authoring tools' structure, after the manifest
};

struct Inspection {
    explicit Inspection(std::size_t cap) : diags(cap) {}
    std::string package;  // what the host named
    Course course;
    Diagnostics diags;
    bool usable() const { return !diags.has_errors(); }
};

// Reads `manifest_path` from `source` and completes the model.
void inspect_source(const PackageSource &source, const std::string &manifest_path,
                    bool in_package, const Readers &readers, const InspectOptions &options,
                    Inspection &out);

// The model and diagnostics as the JSON document described by
// schemas/inspect.schema.json.
std::string to_json(const Inspection &in, const InspectOptions &options);
// The same, NUL-terminated in memory from big::text_allocate (the ABI hands
// it to the host as is; free it with big::text_free); `size` receives its
// length. Throws std::bad_alloc.
char *to_json_malloc(const Inspection &in, const InspectOptions &options, std::size_t *size);
// The same JSON, handed to `write` in pieces of up to 64 KiB as it is
// written (ABI inspect_write). False when `write` asked to stop.
bool write_json(const Inspection &in, const InspectOptions &options, coursecrew_write_fn write,
                void *user_data);

}  // namespace coursecrew
