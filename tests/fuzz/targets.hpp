// The fuzz targets: one function per kind of outside input, each calling the
// entry the product uses (with the product's default limits). libFuzzer calls
// them through fuzz_main.cpp (one executable per target); the unit test
// tests/unit/test_fuzz_regressions.cpp calls the same functions on the files
// of tests/fuzz/regressions/<target>/, without the fuzzer.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ccfuzz {

using TargetFn = int (*)(const std::uint8_t *data, std::size_t size);

// The bytes as imsmanifest.xml / cmi5.xml / tincan.xml of a package folder
// (which also holds a few small files), through inspect_package and to_json.
int scorm_manifest(const std::uint8_t *data, std::size_t size);
int cmi5_manifest(const std::uint8_t *data, std::size_t size);
int tincan_manifest(const std::uint8_t *data, std::size_t size);
// The bytes as a .zip package, through inspect_package and to_json.
int zip_package(const std::uint8_t *data, std::size_t size);
// The bytes as a package folder in the "folder script" format below, written
// out and then inspected like a zip.
int folder_package(const std::uint8_t *data, std::size_t size);
// The bytes as a role map (load_role_map), then, when it loads, checked
// against and planned over the sample course.
int role_map(const std::uint8_t *data, std::size_t size);
// The bytes as a sync config file (parse_sync_config).
int sync_config(const std::uint8_t *data, std::size_t size);
// The bytes as a status CSV (parse_status_csv), then applied in a dry run to
// a store holding the sample course (set_status_in_store).
int status_csv(const std::uint8_t *data, std::size_t size);
// LRS answers: the /about body (parse_about_versions, choose_version) ...
int lrs_about(const std::uint8_t *data, std::size_t size);
// ... an answer to a statements POST ("STATUS\nRetry-After\nETag\nbody"),
// classified with the request's secrets masked (http::classify) ...
int lrs_statements(const std::uint8_t *data, std::size_t size);
// ... and a module document read from the LRS, merged with ours
// (merge_documents), merged again (nothing changes: same_document), and read
// into cells as a pull does (document_cells).
int lrs_document(const std::uint8_t *data, std::size_t size);

// ... and a whole HTTP answer (status line, headers, body, as bytes on the
// wire) served on 127.0.0.1 to the xAPI target's four requests (prepare,
// send, get_document, put_document), through libcurl and http::classify.
int lrs_http(const std::uint8_t *data, std::size_t size);

// The tool data every content reader parses (adapters/content/): the first
// byte picks the case (byte % the number of cases: an Adapt components.json,
// a Rise index.html, a Storyline slide, an H5P content.json, an eXe
// content.xml, a Lectora page, a Captivate CPM.js...), the rest is that
// case's data file, written into a package folder holding a one-SCO SCORM
// 1.2 manifest and the other files its reader needs to recognise the tool;
// then inspected like a package. content_model, when not null, names the
// case's tool.
int content_data(const std::uint8_t *data, std::size_t size);
// content_data's work: returns the tool content_model names ("" when it is
// null). And the tool a first byte's case is for.
std::string read_content_case(const std::uint8_t *data, std::size_t size);
const char *content_case_tool(std::uint8_t first_byte);

struct Target {
    const char *name;  // also the folder name under regressions/ and seeds/
    TargetFn fn;
};
const std::vector<Target> &all_targets();

// A broken invariant (not a crash): by default prints `what` and aborts, so
// libFuzzer records the input. The unit test installs a handler that throws.
using ViolationHandler = void (*)(const std::string &what);
void set_violation_handler(ViolationHandler handler);

// The folder script: lines "=== path" start a file whose content is every
// following line up to the next header; "=>> path target" makes a symbolic
// link. Paths are package-relative; unsafe ones are skipped.
struct FolderFile {
    std::string path, content, link_target;  // link_target set: a symbolic link
};
std::vector<FolderFile> parse_folder_script(std::string_view script);

}  // namespace ccfuzz
