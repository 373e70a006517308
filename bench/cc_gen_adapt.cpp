// Generates a one-SCO SCORM 1.2 package holding an Adapt course, for the
// content-reader benchmark (bench/adapt_bench.sh):
//
//   cc_gen_adapt OUT_DIR [PAGES=200] [COMPONENTS=10000]
//
// PAGES pages directly under the course, COMPONENTS components spread over
// them (two per block, ten per article), written as the Adapt authoring
// tool writes them: pretty-printed, every component with its plug-in
// settings (_onScreen, _pageLevelProgress), HTML bodies of
// a few paragraphs. A mix of text, graphic, mcq, accordion, narrative, media
// and matching components references 500 images (written, a few bytes each)
// by _graphic.src, item graphics and body <img> tags. 200 x 10,000 gives
// about 10 MB of JSON.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

namespace {

std::FILE *open_out(const std::string &path) {
    std::FILE *f = std::fopen(path.c_str(), "w");
    if (!f) {
        std::perror(path.c_str());
        std::exit(1);
    }
    return f;
}

void write(const std::string &path, const std::string &text) {
    std::FILE *f = open_out(path);
    std::fwrite(text.data(), 1, text.size(), f);
    std::fclose(f);
}

constexpr int kImages = 500;

std::string image(int n) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "course/en/assets/img-%03d.png", n % kImages);
    return buf;
}

// A few paragraphs of body text; every seventh body shows an image, every
// fifth links out.
std::string body(int n) {
    std::string b = "<p>This part explains how the team handles <strong>topic " + std::to_string(n) +
                    "</strong> in daily work, with the reasons behind each step and the mistakes people "
                    "make when new to it.</p><p>Read each point, then try the activity that follows.</p>";
    if (n % 5 == 0)
        b += "<p>See the <a href=\\\"https://example.org/guide/" + std::to_string(n) +
             "\\\" target=\\\"_blank\\\">full guide</a> for more.</p>";
    if (n % 7 == 0) b += "<p><img src=\\\"" + image(n * 3) + "\\\" alt=\\\"Diagram\\\"></p>";
    return b;
}

// The settings every component carries in an authoring-tool build.
const char *kCommon = R"(,
    "_classes": "",
    "_layout": "full",
    "_isOptional": false,
    "_isAvailable": true,
    "_isVisible": true,
    "_onScreen": {
      "_isEnabled": false,
      "_percentInviewVertical": 50,
      "_animationDelay": "delay-0.5s"
    },
    "_pageLevelProgress": {
      "_isEnabled": true,
      "_isCompletionIndicatorEnabled": false
    },
    "instruction": "")";

std::string graphic_object(int n) {
    return "{\n      \"alt\": \"Picture " + std::to_string(n) + "\",\n      \"longdescription\": \"\",\n      \"large\": \"" +
           image(n) + "\",\n      \"small\": \"" + image(n + 1) + "\",\n      \"attribution\": \"\"\n    }";
}

std::string items(int n, int count, bool graphics) {
    std::string s = "[";
    for (int i = 0; i < count; ++i) {
        s += i ? ",\n      {" : "\n      {";
        s += "\n        \"title\": \"Point " + std::to_string(i + 1) + "\",\n        \"body\": \"<p>Detail " +
             std::to_string(i + 1) + " of topic " + std::to_string(n) +
             ": what to look for, and what to do about it.</p>\"";
        if (graphics) s += ",\n        \"_graphic\": {\n          \"src\": \"" + image(n + 7 * i) + "\",\n          \"alt\": \"\"\n        }";
        s += "\n      }";
    }
    return s + "\n    ]";
}

// The plug-in's own part of component `n`.
std::string specific(int n, const char *&kind) {
    switch (n % 20) {
    case 0: case 1: case 2: case 3: case 4: case 5: case 6: case 7:
        kind = "text";
        return "";
    case 8: case 9: case 10:
        kind = "graphic";
        return ",\n    \"_graphic\": " + graphic_object(n);
    case 11: case 12: case 13:
        kind = "mcq";
        return ",\n    \"_attempts\": 1,\n    \"_questionWeight\": 1,\n    \"_isRandom\": false,\n    \"_selectable\": 1,\n"
               "    \"_items\": [\n      {\"text\": \"The first answer\", \"_shouldBeSelected\": true},\n"
               "      {\"text\": \"The second answer\", \"_shouldBeSelected\": false},\n"
               "      {\"text\": \"The third answer\", \"_shouldBeSelected\": false}\n    ],\n"
               "    \"_feedback\": {\n      \"title\": \"Feedback\",\n      \"correct\": \"<p>That is right.</p>\",\n"
               "      \"_incorrect\": {\"final\": \"<p>Not quite: see the page again.</p>\", \"notFinal\": \"\"}\n    }";
    case 14: case 15:
        kind = "accordion";
        return ",\n    \"_items\": " + items(n, 4, false);
    case 16: case 17:
        kind = "narrative";
        return ",\n    \"_items\": " + items(n, 3, true);
    case 18:
        kind = "media";
        return ",\n    \"_media\": {\n      \"mp4\": \"course/en/assets/video-" + std::to_string(n % 50) +
               ".mp4\",\n      \"poster\": \"" + image(n) + "\",\n      \"cc\": []\n    }";
    default:
        kind = "matching";
        return ",\n    \"_attempts\": 2,\n    \"_items\": [\n      {\"text\": \"Left one\", \"_options\": [{\"text\": \"Right one\", "
               "\"_isCorrect\": true}]}\n    ]";
    }
}

}  // namespace

int main(int argc, char **argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: %s OUT_DIR [PAGES=200] [COMPONENTS=10000]\n", argv[0]);
        return 2;
    }
    const std::string dir = argv[1];
    const int pages = argc > 2 ? std::max(1, std::atoi(argv[2])) : 200;
    const int components = argc > 3 ? std::max(1, std::atoi(argv[3])) : 10000;
    namespace fs = std::filesystem;
    fs::create_directories(dir + "/course/en/assets");
    fs::create_directories(dir + "/adapt/js");

    write(dir + "/imsmanifest.xml", R"(<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier="adapt_manifest" version="1" xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2"
  xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2">
  <metadata><schema>ADL SCORM</schema><schemaversion>1.2</schemaversion></metadata>
  <organizations default="adapt_scorm"><organization identifier="adapt_scorm"><title>Benchmark course</title>
    <item identifier="item_1" identifierref="res1" isvisible="true"><title>Benchmark course</title></item>
  </organization></organizations>
  <resources><resource identifier="res1" type="webcontent" href="index.html" adlcp:scormtype="sco">
    <file href="index.html"/></resource></resources>
</manifest>
)");
    write(dir + "/index.html", "<!doctype html><html><head><script src=\"adapt/js/scriptLoader.js\"></script></head></html>\n");
    write(dir + "/adapt/js/build.min.js",
          R"(define("build",{"package":{"name":"adapt_framework","version":"5.40.10"},"plugins":[]});)");
    write(dir + "/course/config.json", "{\n  \"_defaultLanguage\": \"en\",\n  \"_questionWeight\": 1,\n  \"build\": {}\n}\n");
    write(dir + "/course/en/course.json",
          "{\n  \"_id\": \"course\",\n  \"_type\": \"course\",\n  \"title\": \"Benchmark course\",\n  \"body\": \"\"\n}\n");
    for (int i = 0; i < kImages; ++i) write(dir + "/" + image(i), "png");

    std::FILE *co = open_out(dir + "/course/en/contentObjects.json");
    std::fputs("[", co);
    for (int p = 0; p < pages; ++p)
        std::fprintf(co, "%s\n  {\n    \"_id\": \"co-%d\",\n    \"_parentId\": \"course\",\n    \"_type\": \"page\",\n"
                         "    \"title\": \"Page %d\",\n    \"displayTitle\": \"Page %d\",\n    \"body\": \"<p>What page %d covers.</p>\",\n"
                         "    \"_graphic\": {\"src\": \"%s\", \"alt\": \"\"}\n  }",
                     p ? "," : "", p, p + 1, p + 1, p + 1, image(p).c_str());
    std::fputs("\n]\n", co);
    std::fclose(co);

    // Components per page, then two per block and ten per article.
    std::FILE *art = open_out(dir + "/course/en/articles.json");
    std::FILE *blk = open_out(dir + "/course/en/blocks.json");
    std::FILE *cmp = open_out(dir + "/course/en/components.json");
    std::fputs("[", art);
    std::fputs("[", blk);
    std::fputs("[", cmp);
    int a = 0, b = 0;
    for (int n = 0; n < components; ++n) {
        const int page = static_cast<int>(static_cast<long long>(n) * pages / components);
        const int first_of_page = static_cast<int>((static_cast<long long>(page) * components + pages - 1) / pages);
        const int in_page = n - first_of_page;
        if (in_page % 10 == 0) {
            std::fprintf(art, "%s\n  {\n    \"_id\": \"a-%d\",\n    \"_parentId\": \"co-%d\",\n    \"_type\": \"article\",\n"
                              "    \"title\": \"Section %d\",\n    \"displayTitle\": \"\",\n    \"body\": \"\",\n    \"_classes\": \"\"\n  }",
                         a ? "," : "", a, page, a + 1);
            ++a;
        }
        if (in_page % 2 == 0) {
            std::fprintf(blk, "%s\n  {\n    \"_id\": \"b-%d\",\n    \"_parentId\": \"a-%d\",\n    \"_type\": \"block\",\n"
                              "    \"title\": \"Block %d\",\n    \"displayTitle\": \"\",\n    \"body\": \"\",\n    \"_trackingId\": %d\n  }",
                         b ? "," : "", b, a - 1, b + 1, b);
            ++b;
        }
        const char *kind = "text";
        const std::string own = specific(n, kind);
        std::fprintf(cmp, "%s\n  {\n    \"_id\": \"c-%d\",\n    \"_parentId\": \"b-%d\",\n    \"_type\": \"component\",\n"
                          "    \"_component\": \"%s\",\n    \"title\": \"Topic %d\",\n    \"displayTitle\": \"Topic %d\",\n"
                          "    \"body\": \"%s\"%s%s\n  }",
                     n ? "," : "", n, b - 1, kind, n + 1, n + 1, body(n).c_str(), kCommon, own.c_str());
    }
    std::fputs("\n]\n", art);
    std::fputs("\n]\n", blk);
    std::fputs("\n]\n", cmp);
    std::fclose(art);
    std::fclose(blk);
    std::fclose(cmp);
    std::printf("%d pages, %d articles, %d blocks, %d components\n", pages, a, b, components);
    return 0;
}
