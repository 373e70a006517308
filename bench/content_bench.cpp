// Content-reader benchmark (issue 11): reading an Adapt course's content
// model against parsing the same JSON with RapidJSON alone, in one process,
// the two alternating run by run so the shared machine's load hits both
// alike.
//
//   content_bench PACKAGE_DIR [RUNS=11]
//
// (a) ours: the Adapt reader's read(), as the engine calls it after the
//     manifest: find the course files, read and parse them (iterative,
//     depth-limited, UTF-8 checked), build modules and pieces (titles to
//     plain text, facts, every component's asset references resolved
//     against the package listing). The package listing (open_package) is
//     made once, outside the timing, as the engine makes it before any
//     reader runs.
// (a') the same through read_content_model(): the reader, then the core's
//     apply_content_model() putting modules, pieces and their files into
//     the Course (shared by every tool's reader; reported, not the target).
// (b) baseline: read the same JSON files (course/config.json and every .json
//     file of course/<lang>/) from disk, each with one fread into a string of
//     its size, and rapidjson::Document::Parse each with default flags.
//
// It also times a whole inspect (manifest, files, hashing off) with the
// content model on and off, to show what the content model adds end to end.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include <rapidjson/document.h>

#include "adapters/content/readers.hpp"
#include "adapters/package/open_package.hpp"
#include "plugin/inspect/inspect.hpp"
#include "plugin/model/reader.hpp"

namespace cc = coursecrew;

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

bool ends_with(std::string_view s, std::string_view tail) {
    return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

// The files the Adapt reader parses: course/config.json and the .json files
// directly in course/<lang>/.
std::vector<std::string> adapt_json_files(const std::vector<cc::PackageEntry> &entries) {
    std::vector<std::string> out;
    for (const cc::PackageEntry &e : entries) {
        if (!ends_with(e.path, ".json") || e.path.compare(0, 7, "course/") != 0) continue;
        const auto slashes = std::count(e.path.begin(), e.path.end(), '/');
        if (e.path == "course/config.json" || slashes == 2) out.emplace_back(e.path);
    }
    return out;
}

// (b): the files read and parsed by RapidJSON alone. Returns the bytes.
std::size_t rapidjson_only(const std::string &dir, const std::vector<std::string> &files) {
    std::size_t bytes = 0;
    for (const std::string &f : files) {
        // One read of the whole file into a string of its size.
        const std::string path = dir + "/" + f;
        std::string text(std::filesystem::file_size(path), '\0');
        std::FILE *in = std::fopen(path.c_str(), "rb");
        if (!in || std::fread(text.data(), 1, text.size(), in) != text.size()) {
            std::fprintf(stderr, "cannot read %s\n", path.c_str());
            std::exit(1);
        }
        std::fclose(in);
        rapidjson::Document doc;
        doc.Parse(text.data(), text.size());
        if (doc.HasParseError()) {
            std::fprintf(stderr, "%s does not parse\n", f.c_str());
            std::exit(1);
        }
        bytes += text.size();
    }
    return bytes;
}

// (a): the content model step of the engine, Adapt reader only. Returns
// the pieces read.
std::size_t content_model(const cc::OpenedPackage &pkg, const cc::EntryIndex &index, const cc::ContentReaders &readers) {
    cc::Course course;
    course.manifest_path = pkg.manifest_path;
    cc::Diagnostics diags(20);
    const cc::ContentLimits limits;
    const cc::ContentInput in{*pkg.source, index, course, limits};
    cc::ContentChoice choice;
    choice.mode = "adapt";
    cc::read_content_model(in, readers, choice, course, diags);
    std::size_t pieces = 0;
    for (const cc::Item &it : course.items) pieces += it.kind == cc::ItemKind::Piece;
    return pieces;
}

// (a), the reader alone: the Adapt reader's read() into a ContentModel,
// without the core's putting it into the Course. Returns the pieces.
std::size_t reader_alone(const cc::OpenedPackage &pkg, const cc::EntryIndex &index, const cc::ContentReader &reader) {
    cc::Course course;
    course.manifest_path = pkg.manifest_path;
    const cc::ContentLimits limits;
    const cc::ContentInput in{*pkg.source, index, course, limits};
    cc::ContentModel model;
    cc::ContentProblem problem;
    if (reader.read(in, model, problem) != cc::ContentResult::Read) {
        std::fprintf(stderr, "the Adapt reader did not read the course: %s %s\n", problem.file.c_str(),
                     problem.message.c_str());
        std::exit(1);
    }
    std::size_t pieces = 0;
    for (const cc::ContentModule &m : model.modules) pieces += m.pieces.size();
    return pieces;
}

double whole_inspect(const cc::OpenedPackage &pkg, const cc::ContentReaders &readers, const char *mode) {
    cc::InspectOptions opt;
    opt.hash_files = false;
    opt.content.mode = mode;
    cc::Inspection ins(opt.max_diagnostics_per_code);
    const cc::Readers with{&cc::read_scorm, &cc::read_cmi5, &cc::read_tincan, &readers};
    const auto start = Clock::now();
    cc::inspect_source(*pkg.source, pkg.manifest_path, pkg.in_package, with, opt, ins);
    const std::string json = cc::to_json(ins, opt);
    return seconds_since(start);
}

}  // namespace

int main(int argc, char **argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: %s PACKAGE_DIR [RUNS=11]\n", argv[0]);
        return 2;
    }
    const std::string dir = argv[1];
    const int runs = argc > 2 ? std::max(1, std::atoi(argv[2])) : 11;
    cc::Diagnostics diags(20);
    cc::OpenedPackage pkg;
    if (cc::open_package(dir, {}, diags, pkg) != COURSECREW_OK) {
        std::fprintf(stderr, "cannot open %s\n", dir.c_str());
        return 1;
    }
    const cc::EntryIndex index(pkg.source->entries());
    cc::ContentReaders readers;
    readers.push_back(cc::make_adapt_reader());
    const std::vector<std::string> files = adapt_json_files(pkg.source->entries());

    std::size_t pieces = content_model(pkg, index, readers);  // warm the page cache for both
    const std::size_t bytes = rapidjson_only(dir, files);
    std::vector<double> ours, engine, base, ratio, engine_ratio, on, off;
    for (int i = 0; i < runs; ++i) {
        auto t = Clock::now();
        pieces = reader_alone(pkg, index, *readers.front());
        ours.push_back(seconds_since(t));
        t = Clock::now();
        rapidjson_only(dir, files);
        base.push_back(seconds_since(t));
        t = Clock::now();
        content_model(pkg, index, readers);
        engine.push_back(seconds_since(t));
        ratio.push_back(ours.back() / base.back());
        engine_ratio.push_back(engine.back() / base.back());
    }
    for (int i = 0; i < std::max(3, runs / 2); ++i) {
        on.push_back(whole_inspect(pkg, readers, "adapt"));
        off.push_back(whole_inspect(pkg, readers, "off"));
    }
    std::printf("JSON: %zu files, %zu bytes; pieces read: %zu\n", files.size(), bytes, pieces);
    const auto fastest = [](const std::vector<double> &v) { return *std::min_element(v.begin(), v.end()); };
    std::printf("(a) the Adapt reader's read() (files, parse, modules, pieces, assets): median %.1f ms, fastest %.1f ms\n",
                median(ours) * 1e3, fastest(ours) * 1e3);
    std::printf("(b) RapidJSON alone (fread + Document::Parse):                      median %.1f ms, fastest %.1f ms\n",
                median(base) * 1e3, fastest(base) * 1e3);
    std::printf("(a') read_content_model (the reader + the core putting it in the Course): median %.1f ms, fastest %.1f ms\n",
                median(engine) * 1e3, fastest(engine) * 1e3);
    std::printf("ratio (a)/(b): median of %d triples %.2fx, fastest runs %.2fx  (target <= 2x)\n", runs, median(ratio),
                fastest(ours) / fastest(base));
    std::printf("ratio (a')/(b): median %.2fx, fastest runs %.2fx\n", median(engine_ratio), fastest(engine) / fastest(base));
    std::printf("whole inspect (no hashing): content_model=adapt median %.1f ms, off %.1f ms, difference %.1f ms\n",
                median(on) * 1e3, median(off) * 1e3, (median(on) - median(off)) * 1e3);
    return 0;
}
