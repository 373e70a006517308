#include "adapters/package/zip_source.hpp"

#include <libxml/xmlstring.h>
#include <sys/stat.h>
#include <zip.h>

#include <algorithm>
#include <cctype>
#include <climits>
#include <cstdio>
#include <filesystem>

#include "coursecrew/coursecrew.h"

namespace coursecrew {

namespace {

struct ZipDiscard {
    // Read-only: discard, never zip_close(), which could try to write back.
    void operator()(zip_t *z) const { zip_discard(z); }
};
struct ZipFileClose {
    void operator()(zip_file_t *f) const { zip_fclose(f); }
};
using ZipPtr = std::unique_ptr<zip_t, ZipDiscard>;
using ZipFilePtr = std::unique_ptr<zip_file_t, ZipFileClose>;

// Only entries expanding beyond this are checked for their compression ratio:
// small text files (XML, HTML, JS) legitimately compress very well.
constexpr std::uint64_t kRatioCheckMinSize = 1ull << 20;

// How far an entry may inflate beyond its declared size before a stream stops
// it. Honest archives never exceed it (libzip itself reports a size or CRC
// mismatch at the end of an entry); the margin only leaves those near misses
// to libzip's more precise error, while a lying entry is cut off early.
constexpr std::uint64_t kExpansionMargin = 64ull << 10;

std::uint64_t saturating_add(std::uint64_t a, std::uint64_t b) {
    return b > UINT64_MAX - a ? UINT64_MAX : a + b;
}

// The entry name as it can be shown: control characters, and bytes that are
// not UTF-8 (a raw name may be CP437), become \xNN, so that messages and the
// JSON carrying them stay valid UTF-8 (fuzzing found a raw 0xFF in the JSON).
std::string printable(const std::string &name) {
    std::string out;
    const auto *bytes = reinterpret_cast<const xmlChar *>(name.data());
    for (std::size_t i = 0; i < name.size();) {
        int len = static_cast<int>(std::min<std::size_t>(name.size() - i, 4));
        const int c = xmlGetUTF8Char(bytes + i, &len);  // -1: not UTF-8
        if (c < 0x20 || c == 0x7f) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\x%02X", static_cast<unsigned char>(name[i]));
            out += buf;
            ++i;
        } else {
            out.append(name, i, static_cast<std::size_t>(len));
            i += static_cast<std::size_t>(len);
        }
    }
    return out;
}

bool has_control(const std::string &s) {
    for (unsigned char c : s)
        if (c < 0x20 || c == 0x7f) return true;
    return false;
}

enum class NameVerdict { Ok, Control, Absolute, Escapes };

// Normalises a zip entry name to a package path: '\' counts as a separator
// (Windows tools write them, and Windows unzippers honour them), "" and "."
// segments are dropped and ".." removes the previous segment. Anything that
// would land outside the package root is refused.
NameVerdict normalise_name(const std::string &name, std::string &out) {
    // libzip turns NUL bytes inside names into spaces, so NUL cannot reach
    // here; every other control character is refused.
    if (has_control(name)) return NameVerdict::Control;
    if (!name.empty() && (name[0] == '/' || name[0] == '\\')) return NameVerdict::Absolute;
    if (name.size() >= 2 && std::isalpha(static_cast<unsigned char>(name[0])) && name[1] == ':')
        return NameVerdict::Absolute;  // "C:" drive letter

    std::vector<std::string> segs;
    std::size_t start = 0;
    while (start <= name.size()) {
        std::size_t end = name.find_first_of("/\\", start);
        if (end == std::string::npos) end = name.size();
        std::string seg = name.substr(start, end - start);
        if (seg == "..") {
            if (segs.empty()) return NameVerdict::Escapes;
            segs.pop_back();
        } else if (!seg.empty() && seg != ".") {
            segs.push_back(std::move(seg));
        }
        start = end + 1;
    }
    out.clear();
    for (const auto &s : segs) {
        if (!out.empty()) out += '/';
        out += s;
    }
    return NameVerdict::Ok;
}

std::string absolute_for_display(const std::string &p) {
    std::error_code ec;
    std::filesystem::path abs = std::filesystem::absolute(p, ec);
    return ec ? p : abs.lexically_normal().string();
}

}  // namespace

struct ZipSource::Archive {
    ZipPtr zip;
    std::uint64_t max_total = 0;  // limits.max_expanded_bytes
    std::uint64_t total = 0;      // bytes actually inflated, each entry counted once
    // Per entry (position in entries_): the most bytes any stream has inflated
    // from it, so reading a file twice does not count twice.
    std::vector<std::uint64_t> high_water;
};

namespace {

// Reads one zip entry, inflating in place, and stops it when it produces more
// than it declared or pushes the archive's total over max_expanded_bytes.
class ZipStream final : public InputStream {
public:
    ZipStream(std::shared_ptr<ZipSource::Archive> archive, ZipFilePtr file, std::size_t entry,
              std::uint64_t declared)
        : archive_(std::move(archive)), file_(std::move(file)), entry_(entry), declared_(declared),
          limit_(saturating_add(declared, kExpansionMargin)) {}

    long read(unsigned char *buf, std::size_t len) override {
        if (failed_) return -1;
        len = std::min<std::size_t>(len, LONG_MAX);
        zip_int64_t n = zip_fread(file_.get(), buf, len);
        if (n < 0) return fail(std::string("reading the zip entry failed: ") +
                               zip_file_strerror(file_.get()));
        // The end: an entry must hold exactly what its directory declares
        // (libzip has checked the CRC-32 by now).
        if (n == 0 && produced_ != declared_)
            return fail("the zip entry holds " + std::to_string(produced_) + " bytes, not the " +
                        std::to_string(declared_) + " its directory declares");
        produced_ += static_cast<std::uint64_t>(n);
        if (produced_ > limit_)
            return fail("zip entry expands beyond its declared size (refused as a zip bomb)");

        std::uint64_t &high = archive_->high_water[entry_];
        if (produced_ > high) {
            archive_->total = saturating_add(archive_->total, produced_ - high);
            high = produced_;
        }
        if (archive_->total > archive_->max_total)
            return fail("zip entry expands beyond its declared size (the archive now exceeds "
                        "max_expanded_bytes = " + std::to_string(archive_->max_total) +
                        " bytes; refused as a zip bomb)");
        return static_cast<long>(n);
    }
    const std::string &error() const override { return error_; }

private:
    long fail(std::string why) {
        failed_ = true;
        error_ = std::move(why);
        return -1;
    }

    std::shared_ptr<ZipSource::Archive> archive_;  // keeps the zip_t alive
    ZipFilePtr file_;
    std::size_t entry_;
    std::uint64_t declared_;
    std::uint64_t limit_;
    std::uint64_t produced_ = 0;
    bool failed_ = false;
    std::string error_;
};

}  // namespace

int ZipSource::create(const std::string &zip_path, const PackageLimits &limits,
                      Diagnostics &diags, std::unique_ptr<ZipSource> &out) {
    const std::string shown = absolute_for_display(zip_path);

    int code = 0;
    ZipPtr zip(zip_open(zip_path.c_str(), ZIP_RDONLY, &code));
    if (!zip) {
        zip_error_t ze;
        zip_error_init_with_code(&ze, code);
        std::string why = zip_error_strerror(&ze);
        zip_error_fini(&ze);
        if (code == ZIP_ER_NOENT) {
            diags.error("package.not_found", "no such file or folder: " + zip_path);
            return COURSECREW_E_NOT_FOUND;
        }
        if (code == ZIP_ER_OPEN || code == ZIP_ER_READ) {
            diags.error("package.read_failed",
                        "cannot read " + shown + ": " + why + " (check its permissions)");
            return COURSECREW_E_IO;
        }
        diags.error("zip.corrupt", "cannot read the zip " + shown + ": " + why +
                                       "; the archive is damaged or not a zip: "
                                       "re-create it or download it again");
        return COURSECREW_E_PACKAGE_INVALID;
    }

    zip_int64_t count = zip_get_num_entries(zip.get(), 0);
    if (count < 0) count = 0;
    if (static_cast<std::uint64_t>(count) > limits.max_entries) {
        diags.error("package.too_many_files",
                    "the zip " + shown + " holds " + std::to_string(count) +
                        " entries, more than the limit of " +
                        std::to_string(limits.max_entries) +
                        "; refused (raise the max_entries limit if the course really is "
                        "this large)");
        return COURSECREW_E_PACKAGE_INVALID;
    }

    std::unique_ptr<ZipSource> src(new ZipSource());
    src->path_ = shown;

    const std::size_t errors_before = diags.error_count();
    const std::string refused =
        "; the archive was refused as unsafe (nothing was extracted): re-create the zip "
        "from the course folder with a standard zip tool";
    std::uint64_t declared_total = 0;
    bool total_reported = false;
    struct Listed {
        PackageEntry entry;
        std::uint64_t index;  // libzip's
        std::string label;    // the name as stored, for messages
    };
    std::vector<Listed> files;

    // Every entry is checked (not just the first bad one) so one run reports
    // all the problems; Diagnostics caps repeats per code.
    for (zip_uint64_t i = 0; i < static_cast<zip_uint64_t>(count); ++i) {
        zip_stat_t st;
        zip_stat_init(&st);
        if (zip_stat_index(zip.get(), i, 0, &st) != 0 || !(st.valid & ZIP_STAT_NAME) ||
            !(st.valid & ZIP_STAT_SIZE) || !(st.valid & ZIP_STAT_COMP_SIZE)) {
            diags.error("zip.corrupt",
                        "cannot read entry #" + std::to_string(i) + " of the zip " + shown +
                            ": " + zip_strerror(zip.get()) +
                            "; re-create the zip or download it again");
            continue;
        }
        const std::string name = st.name;
        // libzip decodes names it guesses to be CP437 into UTF-8, which turns
        // control bytes into harmless-looking glyphs ("\x01" into U+263A), but
        // other unzippers keep the raw bytes: so control characters are
        // checked in the raw name. The separators, '.' and ':' are ASCII in
        // both, so the path checks below see the same structure.
        const char *raw_c = zip_get_name(zip.get(), i, ZIP_FL_ENC_RAW);
        const std::string raw = raw_c ? raw_c : name;
        const std::string label = has_control(raw) ? printable(raw) : name;

        std::string path;
        const NameVerdict verdict =
            has_control(raw) ? NameVerdict::Control : normalise_name(name, path);
        switch (verdict) {
        case NameVerdict::Control:
            diags.error("zip.unsafe_path",
                        "the zip entry '" + label + "' has control characters in its name" +
                            refused,
                        label);
            continue;
        case NameVerdict::Absolute:
            diags.error("zip.unsafe_path",
                        "the zip entry '" + label + "' is an absolute path" + refused, label);
            continue;
        case NameVerdict::Escapes:
            diags.error("zip.unsafe_path",
                        "the zip entry '" + label +
                            "' climbs above the package root with '..'" + refused,
                        label);
            continue;
        case NameVerdict::Ok:
            break;
        }

        zip_uint8_t opsys = 0;
        zip_uint32_t attr = 0;
        if (zip_file_get_external_attributes(zip.get(), i, 0, &opsys, &attr) == 0 &&
            opsys == ZIP_OPSYS_UNIX && ((attr >> 16) & S_IFMT) == S_IFLNK) {
            diags.error("zip.link",
                        "the zip entry '" + label +
                            "' is a symbolic link, which could point anywhere on the machine "
                            "that unpacks it; the archive was refused: replace the link with "
                            "the file itself and re-create the zip",
                        label);
            continue;
        }

        declared_total = saturating_add(declared_total, st.size);
        if (declared_total > limits.max_expanded_bytes && !total_reported) {
            total_reported = true;
            diags.error("zip.bomb",
                        "the zip's entries expand to more than " +
                            std::to_string(limits.max_expanded_bytes) +
                            " bytes (max_expanded_bytes), passed at entry '" + label +
                            "'; refused as a likely zip bomb (raise the limit if the course "
                            "really is this large)",
                        label);
        }
        if (st.size > kRatioCheckMinSize) {
            const std::uint64_t ratio = limits.max_compression_ratio;
            const bool too_dense =
                st.comp_size == 0 || ratio == 0 ||
                (st.comp_size <= UINT64_MAX / ratio && st.size > st.comp_size * ratio);
            if (too_dense) {
                diags.error("zip.bomb",
                            "the zip entry '" + label + "' expands from " +
                                std::to_string(st.comp_size) + " to " +
                                std::to_string(st.size) + " bytes, more than " +
                                std::to_string(ratio) +
                                " times (max_compression_ratio); refused as a likely zip "
                                "bomb (raise the limit if the file is genuine)",
                            label);
                continue;
            }
        }

        const bool is_dir = path.empty() || name.back() == '/' || name.back() == '\\';
        if (is_dir) continue;
        if (name.find('\\') != std::string::npos) {
            diags.warning("zip.backslash_path",
                          "the zip entry '" + label + "' uses '\\' as a folder separator; it "
                          "is read as '" + path + "', but many LMSs will not find it: "
                          "re-create the zip with a tool that writes '/'",
                          label);
        }
        if ((st.valid & ZIP_STAT_ENCRYPTION_METHOD) && st.encryption_method != ZIP_EM_NONE) {
            // Nothing can check what it holds, and an LMS cannot serve it.
            diags.error("zip.encrypted",
                        "the zip entry '" + label + "' is encrypted (password-protected); "
                        "neither coursecrew nor an LMS can read it, so the archive was "
                        "refused: re-create the zip without a password",
                        label);
            continue;
        }
        // The CRC-32 covers the content: a zip's entry cannot change without
        // its stamp changing (changed_ns 0: never too recent to trust).
        const std::uint64_t stamp =
            (st.valid & ZIP_STAT_CRC) ? file_stamp({st.crc, std::uint64_t(st.mtime), st.size, st.comp_size}) : 0;
        files.push_back({PackageEntry{src->paths_.add({path}), st.size, stamp, 0}, i, label});
    }

    std::stable_sort(files.begin(), files.end(), [](const Listed &a, const Listed &b) {
        return a.entry.path < b.entry.path;
    });
    const Listed *kept = nullptr;  // the last entry kept (its `entry` moved to entries_)
    for (Listed &file : files) {
        // Two names for one path ("a/b" twice, or "a/b", "a\b" and "./a/b"):
        // unzippers keep one or the other, so the copy an LMS serves may not
        // be the one checked here. Refused, naming both.
        if (kept && file.entry.path == src->entries_.back().path) {
            diags.error("zip.duplicate_entry",
                        "the zip holds '" + std::string(file.entry.path) + "' twice, as the entries '" +
                            kept->label + "' (#" + std::to_string(kept->index) + ") and '" +
                            file.label + "' (#" + std::to_string(file.index) +
                            "); unzippers keep one or the other, so what an LMS serves may "
                            "not be what was checked: the archive was refused (remove the "
                            "duplicate and re-create the zip)",
                        std::string(file.entry.path));
            continue;
        }
        src->by_path_.emplace(file.entry.path, Slot{file.index, src->entries_.size()});
        src->entries_.push_back(std::move(file.entry));
        kept = &file;
    }
    if (diags.error_count() > errors_before) return COURSECREW_E_PACKAGE_INVALID;

    auto archive = std::make_shared<Archive>();
    archive->zip = std::move(zip);
    archive->max_total = limits.max_expanded_bytes;
    archive->high_water.assign(src->entries_.size(), 0);
    src->archive_ = std::move(archive);
    out = std::move(src);
    return COURSECREW_OK;
}

std::string ZipSource::describe() const { return "zip " + path_; }

std::unique_ptr<InputStream> ZipSource::open(const std::string &path, std::string &error) const {
    std::string key;
    auto it = by_path_.end();
    if (normalise_name(path, key) == NameVerdict::Ok) it = by_path_.find(key);
    if (it == by_path_.end()) {
        error = "no file '" + printable(path) + "' in the zip";
        return nullptr;
    }
    const Slot &slot = it->second;
    zip_t *zip = archive_->zip.get();
    ZipFilePtr file(zip_fopen_index(zip, slot.zip_index, 0));
    if (!file) {
        error = "cannot open '" + key + "' in the zip: " + zip_strerror(zip);
        return nullptr;
    }
    return std::make_unique<ZipStream>(archive_, std::move(file), slot.entry,
                                       entries_[slot.entry].size);
}

}  // namespace coursecrew
