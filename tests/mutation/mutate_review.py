#!/usr/bin/env python3
"""One-line mutations of the review (builder, CSV/HTML/JSON escaping, speed):
each is applied, the unit tests rebuilt and run, and the file restored.

    tests/mutation/mutate_review.py [BUILD_DIR] [--only 'NAME;NAME...']

A mutation is "killed" when the review's unit tests fail (or the build
fails), "survived" when they pass. The Chromium screenshot case is left out
(slow, and it checks that a page renders, not what it says). Prints one line per mutation and
exits 1 if any survived. Run it on a clean tree: it edits plugin/review in
place and restores each file from a copy (also on Ctrl-C).
"""
import pathlib
import subprocess
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parents[2]
R = "plugin/review/"

# (name, file, exact original text (must occur once), replacement)
MUTATIONS = [
    ("overdue on the due day", R + "review.cpp",
     "p.overdue = today > due_day;", "p.overdue = today >= due_day;"),
    ("at risk window one day short", R + "review.cpp",
     "due_day - today <= options.at_risk_days;", "due_day - today < options.at_risk_days;"),
    ("stale at exactly stale_days", R + "review.cpp",
     "options.now - p.since > stale_after;", "options.now - p.since >= stale_after;"),
    ("done pairs count as gaps", R + "review.cpp",
     "const bool gap = holders.empty() && !done;", "const bool gap = holders.empty();"),
    ("changed-after-done ignores who", R + "review.cpp",
     "p.note == kChangedNote &&\n                                   p.by == kAutomatic;",
     "p.note == kChangedNote;"),
    ("archived states are live", R + "review.cpp",
     "if (!pairs[i].archived) next_[i] = index_.put(i);", "next_[i] = index_.put(i);"),
    ("duplicate state: the first wins, not the last", R + "review.cpp",
     "                p.since = pairs[i].since;\n                break;",
     "                p.since = pairs[i].since;"),
    ("people not in the map's order", R + "review.cpp",
     "        std::sort(people.begin(), people.end(), by_key);\n", "\n"),
    ("overload at the threshold", R + "review.cpp",
     "if (pa.open > options.overload_threshold)", "if (pa.open >= options.overload_threshold)"),
    ("quadratic: states found by a scan", R + "review.cpp",
     "for (std::uint32_t i = chain; i != StateIndex::kEnd; i = states.next(i)) {",
     "for (std::uint32_t i = static_cast<std::uint32_t>(pairs.size()); i-- > 0;) if (chain != StateIndex::kEnd && pairs[i].piece == pp.piece_id && !pairs[i].archived) {"),
    ("quadratic: findings matched to modules by a scan", R + "render_common.cpp",
     "auto it = f.module.empty() ? module_at.end() : module_at.find(f.module);",
     "auto it = f.module.empty() ? module_at.end() : std::find_if(module_at.begin(), module_at.end(), [&](const auto &e) { return e.first == f.module; });"),
    ("quadratic: table lines copy the output", R + "render_table.cpp",
     "    o.push_back('\\n');\n}", "    o = o + '\\n';\n}"),
    ("quadratic: html cells copy the output", R + "render_html.cpp",
     '    o += "</td>";\n}', '    o = o + "</td>";\n}'),
    ("csv: TAB not neutralised", R + "render_csv.cpp",
     "first == '@' || first == '\\t' || first == '\\r')", "first == '@' || first == '\\r')"),
    ("csv: CR not neutralised", R + "render_csv.cpp",
     "first == '@' || first == '\\t' || first == '\\r')", "first == '@' || first == '\\t')"),
    ("csv: people cell never neutralised", R + "render_csv.cpp",
     "more && !more->empty() && !more->front().empty() ? more->front()[0] : '\\0';", "'\\0';"),
    ("csv: CR does not force quotes", R + "render_csv.cpp",
     "if (c == ',' || c == '\"' || c == '\\r' || c == '\\n') return true;",
     "if (c == ',' || c == '\"' || c == '\\n') return true;"),
    ("csv: quotes not doubled", R + "render_csv.cpp",
     "            o.push_back('\"');\n            at = q + 1;", "            at = q + 1;"),
    ("html: apostrophe not escaped", R + "render_html.cpp",
     "case '\\'': o += \"&#39;\"; break;", "case '\\'': o += \"'\"; break;"),
    ("html: fast path skips apostrophes", R + "render_html.cpp",
     "bytes_equal(w, '\"') | bytes_equal(w, '\\''))", "bytes_equal(w, '\"'))"),
    ("html: control characters kept", R + "render_html.cpp",
     "t[static_cast<std::size_t>(c)] = c != '\\n' && c != '\\t';", "t[static_cast<std::size_t>(c)] = false;"),
    ("json: fast path passes 0x1F", R + "render_json.cpp",
     "        if (bytes_below(w, 0x20) | bytes_equal(w, '\"') | bytes_equal(w, '\\\\')) break;\n            q += 8;",
     "        if (bytes_below(w, 0x1F) | bytes_equal(w, '\"') | bytes_equal(w, '\\\\')) break;\n            q += 8;"),
    ("stamp: seconds shown as minutes", R + "review.cpp",
     "put_2(s, static_cast<unsigned>(hms.seconds().count()));", "put_2(s, static_cast<unsigned>(hms.minutes().count()));"),
    # Issue 13: the team state of a shared seat.
    ("remote not copied from the pair state", R + "review.cpp",
     "p.remote = pairs[i].remote;", "(void)pairs[i].remote;"),
    ("foreign cells ignore --module", R + "render_common.cpp",
     "if (r.module.empty() || c.module == r.module) out.push_back(&c);", "out.push_back(&c);"),
    ("team age counted from the last attempt", R + "render_common.cpp",
     "age_text(r.generated_at - t.pulled_at)", "age_text(r.generated_at - t.attempted_at)"),
    ("age: hours from 90 minutes", R + "render_common.cpp",
     "if (seconds < 3600) return", "if (seconds < 5400) return"),
    ("csv: changed_on swapped", R + "render_csv.cpp",
     'o += p.remote ? ",another seat" : ",this seat";', 'o += p.remote ? ",this seat" : ",another seat";'),
    ("html: remote tooltip unescaped", R + "render_html.cpp",
     "esc(o, remote_text(p));", "o += remote_text(p);"),
    ("json: remote shown when not shared", R + "render_json.cpp",
     "if (shared && p.remote) raw_literal", "if (p.remote) raw_literal"),
    ("table: mark on every cell of a shared review", R + "render_table.cpp",
     "const bool far = r.team.shared && p->remote;", "const bool far = r.team.shared;"),
    ("table: no one-line for another seat's text", R + "render_table.cpp",
     "if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) c = ' ';", "if (c == 0x7F) c = ' ';"),
]


def run(cmd, **kw):
    return subprocess.run(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, **kw)


def review_cases(build):
    """The review suite's test cases, without the Chromium one."""
    out = run([str(build / "bin/coursecrew_tests"), "--list_content"]).stdout
    cases, suite = [], None
    for line in out.splitlines():
        if not line.startswith(" "):
            suite = line.strip().rstrip("*")
        elif suite == "review" and line.startswith("    ") and not line.startswith("     "):
            name = line.strip().rstrip("*")
            if name != "html_renders_in_chromium":
                cases.append(name)
    return "review/" + ",".join(cases)


def main():
    args = sys.argv[1:]
    only = None
    if "--only" in args:
        i = args.index("--only")
        only = set(args[i + 1].split(";"))
        del args[i:i + 2]
    build = pathlib.Path(args[0] if args else ROOT / "build")
    survived = 0
    cases = review_cases(build)
    for name, rel, old, new in MUTATIONS:
        if only and name not in only:
            continue
        path = ROOT / rel
        text = path.read_text()
        if text.count(old) != 1:
            print(f"SKIPPED: {name}: the original text occurs {text.count(old)} times in {rel}")
            survived += 1
            continue
        start = time.time()
        try:
            path.write_text(text.replace(old, new))
            b = run(["cmake", "--build", str(build), "--target", "coursecrew_tests", "-j2"])
            if b.returncode != 0:
                verdict = "killed (build)"
            else:
                t = run([str(build / "bin/coursecrew_tests"), "--run_test=" + cases], timeout=900)
                verdict = "killed" if t.returncode != 0 else "SURVIVED"
                if t.returncode != 0:
                    failed = sorted({l.split('"')[1] for l in t.stdout.splitlines() if 'error: in "' in l})
                    verdict += " by " + ", ".join(failed) if failed else " (crash)"
        finally:
            path.write_text(text)
        survived += verdict == "SURVIVED"
        print(f"{verdict}: {name} [{rel}] ({time.time() - start:.0f} s)", flush=True)
    # Leave the build matching the restored sources.
    run(["cmake", "--build", str(build), "--target", "coursecrew_tests", "-j2"])
    sys.exit(1 if survived else 0)


if __name__ == "__main__":
    main()
