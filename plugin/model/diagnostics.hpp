// Diagnostics: what a reader found wrong or odd, for a person to act on.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

namespace coursecrew {

enum class Severity { Info, Warning, Error };

const char *to_string(Severity s);

struct Diagnostic {
    Severity severity = Severity::Warning;
    std::string code;     // stable, dotted: "xml.malformed", "file.missing", ...
    std::string message;  // what is wrong and what to do about it
    std::string file;     // path relative to the package root ("" = the package)
    long line = 0;        // 1-based; 0 when not known
    long column = 0;      // 1-based; 0 when not known
};

// Collects diagnostics. When one code repeats, the first `cap_per_code` are kept
// individually and the rest only counted; finish() appends one summary per
// such code with the exact total.
class Diagnostics {
public:
    explicit Diagnostics(std::size_t cap_per_code = 20) : cap_(cap_per_code) {}

    void add(Severity sev, std::string code, std::string message, std::string file = {},
             long line = 0, long column = 0);
    void error(std::string code, std::string message, std::string file = {}, long line = 0,
               long column = 0) {
        add(Severity::Error, std::move(code), std::move(message), std::move(file), line, column);
    }
    void warning(std::string code, std::string message, std::string file = {}, long line = 0,
                 long column = 0) {
        add(Severity::Warning, std::move(code), std::move(message), std::move(file), line,
            column);
    }
    void info(std::string code, std::string message, std::string file = {}, long line = 0,
              long column = 0) {
        add(Severity::Info, std::move(code), std::move(message), std::move(file), line, column);
    }

    // For hot loops (a manifest listing 200,000 missing files): builds the
    // message only when it will be kept.
    template <class MakeMessage>
    void add_lazy(Severity sev, const std::string &code, const std::string &file, long line,
                  MakeMessage &&make) {
        Tally &t = tally(code);
        if (t.total >= cap_) {
            count_in(t, sev, file);
            return;
        }
        add(sev, code, make(), file, line);
    }

    // Appends the "N more" summaries. Idempotent.
    void finish();

    bool has_errors() const { return errors_ > 0; }
    // The first error as one line, "file:line: message [code]" ("" if none):
    // what a host's last_error and a CLI's stderr say.
    std::string first_error() const;
    // The first error whose code is not one of `tolerated` ("" if none).
    std::string first_error_except(std::initializer_list<std::string_view> tolerated) const;
    std::size_t error_count() const { return errors_; }
    std::size_t warning_count() const { return warnings_; }
    // How many times `code` was reported (kept or not).
    std::size_t count(const std::string &code) const;
    const std::vector<Diagnostic> &items() const { return items_; }
    std::size_t cap() const { return cap_; }

private:
    struct Tally {
        std::size_t total = 0;
        Severity severity = Severity::Info;
        std::string file;
    };
    // The tally for `code`; the last one is cached, since repeats come in runs.
    Tally &tally(const std::string &code);
    void count_in(Tally &t, Severity sev, const std::string &file);
    std::size_t cap_;
    std::size_t errors_ = 0;
    std::size_t warnings_ = 0;
    bool finished_ = false;
    std::vector<Diagnostic> items_;
    std::map<std::string, Tally> tallies_;  // node-based: cached pointers stay valid
    const std::string *last_code_ = nullptr;
    Tally *last_tally_ = nullptr;
};

// 100000 -> "100,000": a count or size a person reads at a glance.
std::string group_thousands(std::size_t n);

}  // namespace coursecrew
