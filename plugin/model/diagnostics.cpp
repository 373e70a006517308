#include "plugin/model/diagnostics.hpp"

#include <algorithm>

namespace coursecrew {

const char *to_string(Severity s) {
    switch (s) {
    case Severity::Info: return "info";
    case Severity::Warning: return "warning";
    case Severity::Error: return "error";
    }
    return "error";
}

void Diagnostics::add(Severity sev, std::string code, std::string message, std::string file,
                      long line, long column) {
    Tally &t = tally(code);
    count_in(t, sev, file);
    if (t.total > cap_) return;
    items_.push_back(Diagnostic{sev, std::move(code), std::move(message), std::move(file), line,
                                column});
}

Diagnostics::Tally &Diagnostics::tally(const std::string &code) {
    if (last_code_ && *last_code_ == code) return *last_tally_;
    auto it = tallies_.try_emplace(code).first;
    last_code_ = &it->first;
    last_tally_ = &it->second;
    return it->second;
}

void Diagnostics::count_in(Tally &t, Severity sev, const std::string &file) {
    if (sev == Severity::Error) ++errors_;
    if (sev == Severity::Warning) ++warnings_;
    ++t.total;
    if (sev > t.severity) t.severity = sev;
    if (t.total == 1) t.file = file;
}

std::string Diagnostics::first_error() const { return first_error_except({}); }

std::string Diagnostics::first_error_except(std::initializer_list<std::string_view> tolerated) const {
    for (const Diagnostic &d : items_) {
        if (d.severity != Severity::Error) continue;
        if (std::find(tolerated.begin(), tolerated.end(), d.code) != tolerated.end()) continue;
        // Package-level diagnostics name the package in their message already.
        std::string where = d.file;
        if (!where.empty() && d.line > 0) where += ":" + std::to_string(d.line);
        return (where.empty() ? "" : where + ": ") + d.message + " [" + d.code + "]";
    }
    return {};
}

std::size_t Diagnostics::count(const std::string &code) const {
    auto it = tallies_.find(code);
    return it == tallies_.end() ? 0 : it->second.total;
}

void Diagnostics::finish() {
    if (finished_) return;
    finished_ = true;
    for (const auto &[code, t] : tallies_) {
        if (t.total <= cap_) continue;
        Diagnostic d;
        d.severity = t.severity;
        d.code = code;
        d.file = t.file;
        d.message = std::to_string(t.total - cap_) + " more '" + code +
                    "' diagnostics not shown (" + std::to_string(t.total) +
                    " in all; the first " + std::to_string(cap_) +
                    " are listed above; raise max_diagnostics_per_code to see more)";
        items_.push_back(std::move(d));
    }
}

std::string group_thousands(std::size_t n) {
    std::string digits = std::to_string(n), out;
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
        out.push_back(digits[i]);
    }
    return out;
}

}  // namespace coursecrew
