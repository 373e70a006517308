// Generates a large SCORM 2004 4th edition manifest for benchmarks:
// MODULES top-level items x PIECES leaf items, each leaf launching its own
// SCO resource that lists FILES files. Only the manifest is written, so every
// listed file is missing (the worst case for diagnostics).
//
//   gen_scorm OUT_DIR [MODULES=200] [PIECES=100] [FILES=10] [--with-files]
//
// --with-files also writes every listed file (a few bytes each), so content
// fingerprints exist (the roles benchmark needs them).
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>

int main(int argc, char **argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: %s OUT_DIR [MODULES] [PIECES] [FILES]\n", argv[0]);
        return 2;
    }
    const std::string dir = argv[1];
    const int modules = argc > 2 ? std::atoi(argv[2]) : 200;
    const int pieces = argc > 3 ? std::atoi(argv[3]) : 100;
    const int files = argc > 4 ? std::atoi(argv[4]) : 10;
    const bool with_files = argc > 5 && std::strcmp(argv[5], "--with-files") == 0;
    const std::string path = dir + "/imsmanifest.xml";
    std::FILE *f = std::fopen(path.c_str(), "w");
    if (!f) {
        std::perror(path.c_str());
        return 1;
    }
    std::fprintf(f,
                 "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                 "<manifest identifier=\"bench.course\" version=\"1\"\n"
                 "  xmlns=\"http://www.imsglobal.org/xsd/imscp_v1p1\"\n"
                 "  xmlns:adlcp=\"http://www.adlnet.org/xsd/adlcp_v1p3\"\n"
                 "  xmlns:adlseq=\"http://www.adlnet.org/xsd/adlseq_v1p3\"\n"
                 "  xmlns:adlnav=\"http://www.adlnet.org/xsd/adlnav_v1p3\"\n"
                 "  xmlns:imsss=\"http://www.imsglobal.org/xsd/imsss\">\n"
                 "  <metadata>\n    <schema>ADL SCORM</schema>\n"
                 "    <schemaversion>2004 4th Edition</schemaversion>\n  </metadata>\n"
                 "  <organizations default=\"org\">\n    <organization identifier=\"org\">\n"
                 "      <title>Benchmark course</title>\n");
    for (int m = 1; m <= modules; ++m) {
        std::fprintf(f, "      <item identifier=\"m%03d\">\n        <title>Module %d</title>\n", m, m);
        for (int p = 1; p <= pieces; ++p)
            std::fprintf(f,
                         "        <item identifier=\"m%03d_p%03d\" identifierref=\"r%03d_%03d\">"
                         "<title>Module %d, piece %d</title></item>\n",
                         m, p, m, p, m, p);
        std::fprintf(f, "      </item>\n");
    }
    std::fprintf(f, "    </organization>\n  </organizations>\n  <resources>\n");
    for (int m = 1; m <= modules; ++m)
        for (int p = 1; p <= pieces; ++p) {
            std::fprintf(f,
                         "    <resource identifier=\"r%03d_%03d\" type=\"webcontent\" "
                         "adlcp:scormType=\"sco\" href=\"m%03d/p%03d/index.html\">\n",
                         m, p, m, p);
            for (int k = 1; k <= files; ++k) {
                char rel[64];
                if (k == 1)  // the launch file
                    std::snprintf(rel, sizeof rel, "m%03d/p%03d/index.html", m, p);
                else
                    std::snprintf(rel, sizeof rel, "m%03d/p%03d/asset%02d.%s", m, p, k,
                                  k % 3 ? "png" : "js");
                std::fprintf(f, "      <file href=\"%s\"/>\n", rel);
                if (with_files) {
                    const std::string full = dir + "/" + rel;
                    std::filesystem::create_directories(std::filesystem::path(full).parent_path());
                    if (std::FILE *c = std::fopen(full.c_str(), "w")) {
                        std::fprintf(c, "content of %s\n", rel);
                        std::fclose(c);
                    }
                }
            }
            std::fprintf(f, "    </resource>\n");
        }
    std::fprintf(f, "  </resources>\n</manifest>\n");
    std::fclose(f);
    return 0;
}
