// The review as JSON (schemas/review.schema.json), written with RapidJSON;
// the pieces and pairs, nearly all of a large review, as literal text.
#include <rapidjson/writer.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <string>

#include "coursecrew/coursecrew.h"
#include "plugin/review/review_internal.hpp"

namespace coursecrew::review_detail {
namespace {

// RapidJSON output straight into a std::string sized up front: a 20 MB
// document is written once, not grown and copied, and PutReserve/PutUnsafe
// (specialised below) spare the writer a capacity check per byte.
class ReviewJsonOut {
public:
    using Ch = char;
    explicit ReviewJsonOut(std::size_t expect) {
        reserve_output(buf_, expect);
        buf_.resize(expect);
    }
    void reserve(std::size_t more) {
        if (size_ + more > buf_.size()) buf_.resize(std::max(buf_.size() * 2, size_ + more));
    }
    void put_unsafe(char c) { buf_[size_++] = c; }
    void Put(char c) {
        reserve(1);
        put_unsafe(c);
    }
    void append(const char *p, std::size_t n) {
        reserve(n);
        std::memcpy(&buf_[size_], p, n);
        size_ += n;
    }
    void Flush() {}
    std::string take() {
        buf_.resize(size_);
        return std::move(buf_);
    }

private:
    std::string buf_;
    std::size_t size_ = 0;
};

}  // namespace
}  // namespace coursecrew::review_detail

namespace rapidjson {
template <>
inline void PutReserve(coursecrew::review_detail::ReviewJsonOut &out, std::size_t count) {
    out.reserve(count);
}
template <>
inline void PutUnsafe(coursecrew::review_detail::ReviewJsonOut &out, char c) {
    out.put_unsafe(c);
}
// RapidJSON's hook for copying the part of a string that needs no escaping
// in bulk (it ships an SSE version for StringBuffer): the writer escapes
// byte by byte otherwise, which dominated the time of a large review.
template <>
inline bool Writer<coursecrew::review_detail::ReviewJsonOut>::ScanWriteUnescapedString(StringStream &is, size_t length) {
    const char *p = is.src_, *end = is.head_ + length, *q = p;
    using namespace coursecrew::review_detail;
    while (end - q >= 8) {
        const std::uint64_t w = load8(q);
        if (bytes_below(w, 0x20) | bytes_equal(w, '"') | bytes_equal(w, '\\')) break;
        q += 8;
    }
    while (q < end && static_cast<unsigned char>(*q) >= 0x20 && *q != '"' && *q != '\\') ++q;
    os_->append(p, static_cast<std::size_t>(q - p));
    is.src_ = q;
    return q < end;
}
}  // namespace rapidjson

namespace coursecrew::review_detail {
namespace {

using JsonWriter = rapidjson::Writer<ReviewJsonOut>;

// ---- the pieces, written by hand
// Pieces and pairs are nearly all of a large review, and their keys never
// change: they are appended as literal text, and only values go through
// escaping. The bytes are exactly what the RapidJSON writer would produce.

// A JSON string escaped as RapidJSON's writer escapes it: \" \\ \b \f \n \r
// \t, other control characters as \u00XX; everything else (UTF-8 too) as is.
void raw_string(ReviewJsonOut &o, std::string_view s) {
    o.Put('"');
    const char *p = s.data(), *const end = p + s.size();
    while (true) {
        const char *q = p;
        while (end - q >= 8) {  // 8 plain bytes at a time
            const std::uint64_t w = load8(q);
            if (bytes_below(w, 0x20) | bytes_equal(w, '"') | bytes_equal(w, '\\')) break;
            q += 8;
        }
        while (q < end && static_cast<unsigned char>(*q) >= 0x20 && *q != '"' && *q != '\\') ++q;
        o.append(p, static_cast<std::size_t>(q - p));
        if (q == end) break;
        const auto c = static_cast<unsigned char>(*q);
        char esc[6] = {'\\', 'u', '0', '0', "0123456789ABCDEF"[c >> 4], "0123456789ABCDEF"[c & 15]};
        std::size_t n = 2;
        switch (c) {
        case '"': esc[1] = '"'; break;
        case '\\': esc[1] = '\\'; break;
        case '\b': esc[1] = 'b'; break;
        case '\f': esc[1] = 'f'; break;
        case '\n': esc[1] = 'n'; break;
        case '\r': esc[1] = 'r'; break;
        case '\t': esc[1] = 't'; break;
        default: n = 6; break;
        }
        o.append(esc, n);
        p = q + 1;
    }
    o.Put('"');
}

void raw_literal(ReviewJsonOut &o, std::string_view text) { o.append(text.data(), text.size()); }

void raw_string_or_null(ReviewJsonOut &o, std::string_view s) {
    if (s.empty()) raw_literal(o, "null");
    else raw_string(o, s);
}

void raw_bool(ReviewJsonOut &o, bool b) { raw_literal(o, b ? "true" : "false"); }

void raw_pair(ReviewJsonOut &o, const ReviewPair &p, bool shared) {
    raw_literal(o, "{\"role\":");
    raw_string(o, p.role);
    raw_literal(o, ",\"status\":");
    raw_string(o, style(p.status).id);
    raw_literal(o, ",\"people\":[");
    for (std::size_t k = 0; k < p.people.size(); ++k) {
        raw_literal(o, k ? ",{\"name\":" : "{\"name\":");
        raw_string(o, p.people[k]);
        raw_literal(o, ",\"agent\":");
        raw_string(o, k < p.agents.size() ? std::string_view(p.agents[k]) : std::string_view());
        o.Put('}');
    }
    raw_literal(o, "],\"by\":");
    raw_string_or_null(o, p.by);
    raw_literal(o, ",\"since\":");
    if (p.since > 0) raw_string(o, stamp(p.since, true).view());
    else raw_literal(o, "null");
    raw_literal(o, ",\"note\":");
    raw_string_or_null(o, p.note);
    raw_literal(o, ",\"due\":");
    raw_string_or_null(o, p.due);
    raw_literal(o, ",\"overdue\":");
    raw_bool(o, p.overdue);
    raw_literal(o, ",\"at_risk\":");
    raw_bool(o, p.at_risk);
    raw_literal(o, ",\"changed_after_done\":");
    raw_bool(o, p.changed_after_done);
    if (shared && p.remote) raw_literal(o, ",\"remote\":true");  // only then: an unshared review stays as it was
    o.Put('}');
}

// The value of a module's "pieces" member: [{"id":..., "title":..., "pairs": [...]}, ...].
void raw_pieces(ReviewJsonOut &o, const std::vector<ReviewPiece> &pieces, bool shared) {
    o.Put('[');
    for (std::size_t i = 0; i < pieces.size(); ++i) {
        raw_literal(o, i ? ",{\"id\":" : "{\"id\":");
        raw_string(o, pieces[i].id);
        raw_literal(o, ",\"title\":");
        raw_string(o, pieces[i].title);
        raw_literal(o, ",\"pairs\":[");
        for (std::size_t k = 0; k < pieces[i].pairs.size(); ++k) {
            if (k) o.Put(',');
            raw_pair(o, pieces[i].pairs[k], shared);
        }
        raw_literal(o, "]}");
    }
    o.Put(']');
}

void jstr(JsonWriter &w, std::string_view s) { w.String(s.data(), static_cast<rapidjson::SizeType>(s.size())); }
void jstr_or_null(JsonWriter &w, std::string_view s) {
    if (s.empty()) w.Null();
    else jstr(w, s);
}
void jstamp_or_null(JsonWriter &w, std::int64_t t) {
    if (t > 0) jstr(w, stamp(t, true).view());
    else w.Null();
}
void jprogress(JsonWriter &w, const Progress &p) {
    w.StartObject();
    w.Key("done");
    w.Uint64(p.done);
    w.Key("total");
    w.Uint64(p.total);
    w.Key("percent");
    w.Double(std::floor(p.percent() * 10.0) / 10.0);  // one decimal, rounded down
    w.EndObject();
}
// forecast_late only in a review with a forecast: without one, the counts
// are what they were before issue 14.
void jkinds(JsonWriter &w, const KindCounts &k, bool forecasting) {
    w.StartObject();
    for (std::size_t i = 0; i < kKinds.size(); ++i) {
        if (i == kForecastLate && !forecasting) continue;
        w.Key(kKinds[i]);
        w.Uint64(k[i]);
    }
    w.EndObject();
}
void jstatuses(JsonWriter &w, const StatusCounts &c) {
    w.StartObject();
    for (std::size_t i = 0; i < kStatus.size(); ++i) {
        jstr(w, kStatus[i].id);
        w.Uint64(c[i]);
    }
    w.EndObject();
}

// ---- history and forecast (issue 14), only in a review built with timelines

// [["2026-11-02", done, total], ...]
void jseries(JsonWriter &w, const ProgressSeries &s) {
    w.StartArray();
    for (const ProgressPoint &p : s) {
        w.StartArray();
        jstr(w, day_str(p.day));
        w.Int(p.done);
        w.Int(p.total);
        w.EndArray();
    }
    w.EndArray();
}

void jseries_map(JsonWriter &w, const std::vector<std::pair<std::string, ProgressSeries>> &m) {
    w.StartObject();
    for (const auto &[key, series] : m) {
        jstr(w, key);
        jseries(w, series);
    }
    w.EndObject();
}

void jhistory(JsonWriter &w, const ModuleTimeline &t) {
    w.StartObject();
    w.Key("overall");
    jseries(w, t.overall);
    w.Key("by_role");
    jseries_map(w, t.by_role);
    w.Key("by_person");
    jseries_map(w, t.by_person);
    w.EndObject();
}

// Members that are "not set" (an empty string, day 0) are left out.
void jday_if(JsonWriter &w, const char *key, Day d) {
    if (d == 0) return;
    w.Key(key);
    jstr(w, day_str(d));
}
void jstr_if(JsonWriter &w, const char *key, std::string_view s) {
    if (s.empty()) return;
    w.Key(key);
    jstr(w, s);
}

void jforecast(JsonWriter &w, const ModuleForecast &f) {
    w.StartObject();
    w.Key("state");
    jstr(w, to_string(f.state));
    jstr_if(w, "reason", f.reason);
    jday_if(w, "as_of", f.as_of);
    jday_if(w, "p50", f.p50);
    jday_if(w, "p85", f.p85);
    jstr_if(w, "bottleneck", f.bottleneck);
    jstr_if(w, "due", f.due);
    if (!f.due.empty()) {
        w.Key("late_days");
        w.Int(f.late_days);
    }
    w.Key("inputs");
    w.StartObject();
    w.Key("window_days");
    w.Int(f.settings.window_days);
    w.Key("min_history_days");
    w.Int(f.settings.min_history_days);
    w.Key("trials");
    w.Int(f.settings.trials);
    w.Key("horizon_days");
    w.Int(f.settings.horizon_days);
    w.Key("seed");
    w.Uint64(f.settings.seed);
    w.EndObject();
    w.Key("roles");
    w.StartArray();
    for (const RoleForecast &rf : f.roles) {
        w.StartObject();
        w.Key("role");
        jstr(w, rf.role);
        w.Key("state");
        jstr(w, to_string(rf.state));
        w.Key("remaining");
        w.Int(rf.remaining);
        w.Key("throughput");
        w.Double(std::round(rf.throughput * 1000.0) / 1000.0);  // three decimals are plenty
        w.Key("done_in_window");
        w.Int(rf.done_in_window);
        w.Key("sampled_days");
        w.Int(rf.sampled_days);
        jday_if(w, "p50", rf.p50);
        jday_if(w, "p85", rf.p85);
        jstr_if(w, "due", rf.due);
        if (!rf.due.empty()) {
            w.Key("late_days");
            w.Int(rf.late_days);
        }
        jstr_if(w, "reason", rf.reason);
        w.EndObject();
    }
    w.EndArray();
    w.EndObject();
}

}  // namespace

std::string render_json(const Review &r) {
    const Digest dg(r);
    ReviewJsonOut buf(4096 + r.overall.total * 360);  // ~330 bytes a pair, measured
    JsonWriter w(buf);
    w.StartObject();
    w.Key("coursecrew");
    w.String(COURSECREW_VERSION_STRING);
    w.Key("generated_at");
    jstr(w, format_timestamp(r.generated_at));
    w.Key("course");
    w.StartObject();
    w.Key("id");
    jstr_or_null(w, r.course_id);
    w.Key("title");
    jstr_or_null(w, r.course_title);
    w.Key("format");
    jstr_or_null(w, r.format);
    w.Key("tool");
    jstr_or_null(w, r.tool);
    w.EndObject();
    w.Key("notices");
    w.StartArray();
    for (const std::string &n : r.notices) jstr(w, n);
    w.EndArray();
    w.Key("shell");
    w.StartObject();
    w.Key("files");
    w.Uint64(r.shell.files);
    w.Key("missing_files");
    w.Uint64(r.shell.missing);
    w.Key("bytes");
    w.Uint64(r.shell.bytes);
    w.Key("role");
    jstr_or_null(w, r.shell.role);
    w.Key("people");
    w.StartArray();
    for (const std::string &p : r.shell.people) jstr(w, p);
    w.EndArray();
    w.EndObject();
    w.Key("roles");
    w.StartArray();
    for (const Role &role : r.roles) {
        w.StartObject();
        w.Key("id");
        jstr(w, role.id);
        w.Key("title");
        jstr(w, role.title.empty() ? role.id : role.title);
        w.EndObject();
    }
    w.EndArray();
    w.Key("progress");
    jprogress(w, r.overall);

    StatusCounts all{};
    w.Key("modules");
    w.StartArray();
    for (std::size_t i = 0; i < r.modules.size(); ++i) {
        const ReviewModule &m = r.modules[i];
        const StatusCounts sc = count_statuses(m);
        for (std::size_t s = 0; s < all.size(); ++s) all[s] += sc[s];
        w.StartObject();
        w.Key("id");
        jstr(w, m.id);
        w.Key("title");
        jstr(w, m.title);
        w.Key("due");
        jstr_or_null(w, m.due);
        w.Key("progress");
        jprogress(w, m.overall);
        w.Key("by_role");
        w.StartArray();
        for (const auto &[role, p] : m.by_role) {
            w.StartObject();
            w.Key("role");
            jstr(w, role);
            w.Key("progress");
            jprogress(w, p);
            w.EndObject();
        }
        w.EndArray();
        w.Key("by_person");
        w.StartArray();
        for (const auto &[name, p] : m.by_person) {
            w.StartObject();
            w.Key("person");
            jstr(w, name);
            w.Key("progress");
            jprogress(w, p);
            w.EndObject();
        }
        w.EndArray();
        w.Key("summary");
        w.StartObject();
        w.Key("statuses");
        jstatuses(w, sc);
        w.Key("findings");
        jkinds(w, dg.kinds_by_module[i], r.forecasting);
        w.EndObject();
        if (m.timeline) {
            w.Key("history");
            jhistory(w, *m.timeline);
        }
        if (m.forecast) {
            w.Key("forecast");
            jforecast(w, *m.forecast);
        }
        w.Key("pieces");
        // An empty raw value makes the writer account for the member (the
        // ':' and its count); the array itself goes straight into `buf`.
        w.RawValue("", 0, rapidjson::kArrayType);
        raw_pieces(buf, m.pieces, r.team.shared);
        w.EndObject();
    }
    w.EndArray();

    w.Key("findings");
    w.StartArray();
    for (const Finding &f : r.findings) {
        w.StartObject();
        w.Key("kind");
        jstr(w, f.kind);
        w.Key("severity");
        jstr(w, f.severity);
        w.Key("module");
        jstr_or_null(w, f.module);
        w.Key("piece");
        jstr_or_null(w, f.piece);
        w.Key("role");
        jstr_or_null(w, f.role);
        w.Key("person");
        jstr_or_null(w, f.person);
        w.Key("message");
        jstr(w, f.message);
        w.EndObject();
    }
    w.EndArray();
    if (r.team.shared) {  // absent otherwise
        w.Key("team");
        w.StartObject();
        w.Key("pulled_at");
        jstamp_or_null(w, r.team.pulled_at);
        w.Key("attempted_at");
        jstamp_or_null(w, r.team.attempted_at);
        w.Key("error");
        jstr(w, r.team.error);
        w.Key("stale");
        w.Bool(!r.team.error.empty());
        w.Key("message");
        jstr(w, team_line(r));
        w.Key("foreign");
        w.StartArray();
        for (const ForeignCell *c : foreign_cells(r)) {
            w.StartObject();
            w.Key("module");
            jstr(w, c->module);
            w.Key("piece");
            jstr(w, c->piece);
            w.Key("title");
            jstr(w, c->title.empty() ? c->piece : c->title);
            w.Key("role");
            jstr(w, c->role);
            w.Key("status");
            jstr(w, style(c->status).id);
            w.Key("by");
            jstr_or_null(w, c->by);
            w.Key("at");
            jstamp_or_null(w, c->at);
            w.Key("note");
            jstr_or_null(w, c->note);
            w.EndObject();
        }
        w.EndArray();
        w.EndObject();
    }
    w.Key("summary");
    w.StartObject();
    w.Key("modules");
    w.Uint64(r.modules.size());
    w.Key("pieces");
    std::size_t pieces = 0;
    for (const ReviewModule &m : r.modules) pieces += m.pieces.size();
    w.Uint64(pieces);
    w.Key("pairs");
    w.Uint64(r.overall.total);
    w.Key("statuses");
    jstatuses(w, all);
    w.Key("findings");
    jkinds(w, dg.kinds, r.forecasting);
    w.EndObject();
    w.EndObject();
    return buf.take();
}

}  // namespace coursecrew::review_detail
