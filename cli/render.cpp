#include "render.hpp"

#include <rapidjson/document.h>

#include <cstdio>

namespace coursecrew::cli {

namespace {

using rapidjson::Value;

std::string s(const Value &v, const char *key) {
    if (!v.IsObject()) return {};
    auto it = v.FindMember(key);
    if (it == v.MemberEnd() || !it->value.IsString()) return {};
    return std::string(it->value.GetString(), it->value.GetStringLength());
}

std::uint64_t n(const Value &v, const char *key) {
    if (!v.IsObject()) return 0;
    auto it = v.FindMember(key);
    return it != v.MemberEnd() && it->value.IsUint64() ? it->value.GetUint64() : 0;
}

std::string human_bytes(std::uint64_t b) {
    char buf[32];
    if (b < 1024) std::snprintf(buf, sizeof buf, "%llu B", static_cast<unsigned long long>(b));
    else if (b < 1024 * 1024) std::snprintf(buf, sizeof buf, "%.1f KiB", b / 1024.0);
    else std::snprintf(buf, sizeof buf, "%.1f MiB", b / (1024.0 * 1024.0));
    return buf;
}

const char *format_name(const std::string &f) {
    if (f == "scorm12") return "SCORM 1.2";
    if (f == "scorm2004") return "SCORM 2004";
    if (f == "cmi5") return "cmi5";
    if (f == "tincan") return "Tin Can (tincan.xml)";
    return "unknown format";
}

}  // namespace

bool render_inspect(const std::string &json, std::ostream &out, std::string &error) {
    rapidjson::Document d;
    d.Parse<rapidjson::kParseIterativeFlag>(json.c_str(), json.size());
    if (d.HasParseError() || !d.IsObject()) {
        error = "the plugin returned malformed JSON";
        return false;
    }
    const std::string format = s(d, "format");
    const std::string edition = s(d, "edition");
    const std::string title = s(d, "title");
    out << (title.empty() ? (format.empty() ? "(no course read)" : "(untitled course)") : title) << "\n";
    // A package with no manifest (an Adapt build without spoor) is read
    // from the authoring tool's data alone.
    const Value *content = d.HasMember("content_model") && d["content_model"].IsObject() ? &d["content_model"] : nullptr;
    const std::string tool = content ? s(*content, "tool") : "";
    if (format.empty() && !tool.empty()) out << "  format:     none (no manifest): the " << tool << " course data alone";
    else out << "  format:     " << format_name(format);
    if (!edition.empty()) out << ", " << edition << " edition";
    out << "\n";
    if (!s(d, "identifier").empty()) out << "  identifier: " << s(d, "identifier") << "\n";
    if (!s(d, "version").empty()) out << "  version:    " << s(d, "version") << "\n";
    if (!s(d, "manifest").empty()) out << "  manifest:   " << s(d, "manifest") << "\n";
    out << "  package:    " << s(d, "package") << "\n";

    const bool known_format = (d.HasMember("format") && d["format"].IsString()) || !tool.empty();
    const Value &counts = d["counts"];
    if (known_format && counts.IsObject()) {
        out << "  counts:    ";
        bool first = true;
        for (auto m = counts.MemberBegin(); m != counts.MemberEnd(); ++m) {
            if (!m->value.IsUint64()) continue;
            std::string label = m->name.GetString();
            for (char &c : label)
                if (c == '_') c = ' ';
            out << (first ? " " : ", ") << label << " " << m->value.GetUint64();
            first = false;
        }
        out << "\n";
    }

    const Value &modules = d["modules"];
    if (known_format && modules.IsArray()) {
        out << "\nModules (" << modules.Size() << ")\n";
        std::size_t index = 0;
        for (const Value &m : modules.GetArray()) {
            const Value &pieces = m["pieces"];
            const std::size_t count = pieces.IsArray() ? pieces.Size() : 0;
            out << "  " << ++index << ". " << (s(m, "title").empty() ? s(m, "id") : s(m, "title"))
                << "  [" << s(m, "id") << "]  " << count << (count == 1 ? " piece" : " pieces")
                << "\n";
            if (!pieces.IsArray()) continue;
            for (const Value &p : pieces.GetArray()) {
                out << "       - " << (s(p, "title").empty() ? s(p, "id") : s(p, "title")) << "  ["
                    << s(p, "id") << "]";
                if (!s(p, "launch").empty()) out << "  launch " << s(p, "launch");
                const std::uint64_t files = n(p, "file_count");
                if (files) {
                    out << "  " << files << (files == 1 ? " file" : " files");
                    if (n(p, "bytes")) out << " (" << human_bytes(n(p, "bytes")) << ")";
                    if (n(p, "missing_files")) out << ", " << n(p, "missing_files") << " missing";
                }
                out << "\n";
            }
        }
    }

    const Value &diags = d["diagnostics"];
    const Value &summary = d["summary"];
    out << "\nDiagnostics: " << n(summary, "errors") << " error(s), " << n(summary, "warnings")
        << " warning(s)\n";
    if (diags.IsArray()) {
        for (const Value &g : diags.GetArray()) {
            std::string where = s(g, "file");
            if (g.HasMember("line") && g["line"].IsInt64()) where += ":" + std::to_string(g["line"].GetInt64());
            if (g.HasMember("column") && g["column"].IsInt64())
                where += ":" + std::to_string(g["column"].GetInt64());
            out << "  " << s(g, "severity") << " " << (where.empty() ? "" : where + ": ")
                << s(g, "message") << " [" << s(g, "code") << "]\n";
        }
    }
    const bool usable = d.HasMember("usable") && d["usable"].IsBool() && d["usable"].GetBool();
    out << "\n"
        << (usable ? "Result: usable" : "Result: NOT usable (fix the errors above, then publish again)")
        << "\n";
    return true;
}

}  // namespace coursecrew::cli
