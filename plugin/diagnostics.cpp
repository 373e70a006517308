#include "diagnostics.hpp"

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
    tally_only(sev, code, file);
    if (count(code) > cap_) return;
    items_.push_back(Diagnostic{sev, std::move(code), std::move(message), std::move(file), line,
                                column});
}

void Diagnostics::tally_only(Severity sev, const std::string &code, const std::string &file) {
    if (sev == Severity::Error) ++errors_;
    if (sev == Severity::Warning) ++warnings_;
    Tally &t = tallies_[code];
    ++t.total;
    if (sev > t.severity) t.severity = sev;
    if (t.total == 1) t.file = file;
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

}  // namespace coursecrew
