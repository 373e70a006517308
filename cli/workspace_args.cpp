// See workspace_args.hpp.
#include "workspace_args.hpp"

#include <chrono>
#include <cstdio>
#include <iostream>

namespace coursecrew::cli {

void put(JsonWriter &w, const char *key, const std::string &value) {
    w.Key(key);
    w.String(value.c_str(), static_cast<rapidjson::SizeType>(value.size()));
}

bool parse_now(const std::string &text, long long &out) {
    if (!text.empty() && text.find_first_not_of("0123456789") == std::string::npos) {
        out = std::stoll(text);
        return true;
    }
    int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
    char tail = 0;
    const int n = std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%c", &y, &mo, &d, &h, &mi, &s, &tail);
    if (n < 3 || mo < 1 || d < 1 || h < 0 || h > 23 || mi < 0 || mi > 59 || s < 0 || s > 60) return false;
    const std::chrono::year_month_day date{std::chrono::year{y}, std::chrono::month{static_cast<unsigned>(mo)},
                                           std::chrono::day{static_cast<unsigned>(d)}};
    if (!date.ok()) return false;
    out = std::chrono::sys_days{date}.time_since_epoch().count() * 86400LL + h * 3600 + mi * 60 + s;
    return true;
}

void WorkspaceArgs::add_to(CLI::App *cmd) {
    cmd->add_option("--config", config,
                    "The sync config (JSON, schemas/config.schema.json): course IRI, store, role map "
                    "and LMS targets; changes are then pushed to the LMS")
        ->check(CLI::ExistingFile);
    cmd->add_option("--roles", roles, "The team's role map (JSON); default: the built-in rules")
        ->check(CLI::ExistingFile);
    cmd->add_option("--store", store, "The status store (default .coursecrew/state.db)");
    cmd->add_option("--now", now,
                    "The clock for due dates and staleness: YYYY-MM-DD, an ISO time in UTC, "
                    "or unix seconds (default: now)");
    cmd->add_flag("--no-default-roles", no_default_roles,
                  "Without --roles, assign no roles instead of the built-in rules");
    cmd->add_flag("--no-forecast", no_forecast,
                  "Leave out progress over time and the finish-date forecast (review, module documents, "
                  "progress statements)");
}

bool WorkspaceArgs::write(JsonWriter &w, std::string &error) const {
    if (!config.empty()) put(w, "config", config);
    if (!roles.empty()) put(w, "roles", roles);
    if (!store.empty()) put(w, "store", store);
    if (no_default_roles) {
        w.Key("default_roles");
        w.Bool(false);
    }
    if (no_forecast) {
        w.Key("forecast");
        w.Bool(false);
    }
    if (!now.empty()) {
        long long t = 0;
        if (!parse_now(now, t) || t < 0) {
            error = "--now '" + now + "': expected YYYY-MM-DD, YYYY-MM-DDTHH:MM:SSZ or unix seconds";
            return false;
        }
        w.Key("now");
        w.Int64(t);
    }
    return true;
}

bool WorkspaceArgs::options_json(bool dry_run, std::string &out) const {
    rapidjson::StringBuffer text;
    JsonWriter w(text);
    w.StartObject();
    std::string error;
    if (!write(w, error)) {
        std::cerr << "coursecrew: " << error << "\n";
        return false;
    }
    if (dry_run) {
        w.Key("dry_run");
        w.Bool(true);
    }
    w.EndObject();
    out = text.GetString();
    return true;
}

}  // namespace coursecrew::cli
