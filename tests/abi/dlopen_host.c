/* A minimal host in C: dlopen the plugin, find coursecrew_entry, check the
 * ABI both ways, inspect a package, free what the plugin allocated. Uses no
 * other symbol of the library. Usage: cc_dlopen_host LIB PACKAGE */
#define _DEFAULT_SOURCE /* mkdtemp */
#include <dlfcn.h>
#include <stdlib.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "coursecrew/coursecrew.h"

#define CHECK(cond, ...)                        \
    do {                                        \
        if (!(cond)) {                          \
            fprintf(stderr, "FAIL: " __VA_ARGS__); \
            fprintf(stderr, "\n");              \
            return 1;                           \
        }                                       \
    } while (0)

/* Sync events arrive on the plugin's worker thread. */
static int g_retrying = 0;
static void on_event(void *user, const char *event_json) {
    (void)user;
    if (strstr(event_json, "\"event\":\"retrying\"")) __atomic_add_fetch(&g_retrying, 1, __ATOMIC_SEQ_CST);
}

/* Whether one line of `csv` holds every one of `fields` (NULL-terminated) as
 * a whole field: the words must be on the same row, not anywhere. */
static int csv_row_has(const char *csv, const char *const *fields) {
    for (const char *line = csv; line && *line;) {
        const char *end = strchr(line, '\n');
        const size_t len = end ? (size_t)(end - line) : strlen(line);
        int all = 1;
        for (const char *const *f = fields; *f && all; ++f) {
            const size_t n = strlen(*f);
            int found = 0;
            for (size_t at = 0; at + n <= len && !found; ++at) {
                const int starts = at == 0 || line[at - 1] == ',';
                const char after = at + n < len ? line[at + n] : ',';
                found = starts && (after == ',' || after == '\r') && memcmp(line + at, *f, n) == 0;
            }
            all = found;
        }
        if (all) return 1;
        line = end ? end + 1 : NULL;
    }
    return 0;
}

/* Collects what inspect_write hands over (NUL-terminated), in pieces; asks
 * to stop after `stop_after` pieces when that is set. */
struct Collected {
    char *data;
    size_t size;
    int pieces, stop_after;
};
static int collect(void *user_data, const char *data, size_t size) {
    struct Collected *c = (struct Collected *)user_data;
    char *grown = (char *)realloc(c->data, c->size + size + 1);
    if (!grown) return 1;
    memcpy(grown + c->size, data, size);
    c->data = grown;
    c->size += size;
    c->data[c->size] = '\0';
    ++c->pieces;
    return c->stop_after && c->pieces >= c->stop_after;
}

int main(int argc, char **argv) {
    CHECK(argc == 3, "usage: %s LIB PACKAGE", argv[0]);
    void *h = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
    CHECK(h, "dlopen: %s", dlerror());
    const coursecrew_entry_t *e = (const coursecrew_entry_t *)dlsym(h, COURSECREW_ENTRY_SYMBOL);
    CHECK(e, "no %s", COURSECREW_ENTRY_SYMBOL);
    CHECK(e->abi_major == COURSECREW_ABI_MAJOR, "abi major %u", e->abi_major);
    CHECK(e->struct_size >= offsetof(coursecrew_entry_t, inspect) + sizeof(e->inspect),
          "entry struct too small: %u", e->struct_size);
    CHECK(strcmp(e->version, COURSECREW_VERSION_STRING) == 0, "version %s", e->version);
    CHECK(dlsym(h, "cc_inspect") == NULL, "internal symbol visible");

    /* The plugin refuses a host of another major version. */
    coursecrew_host_info future = {sizeof future, COURSECREW_ABI_MAJOR + 1, 0, "future-host"};
    coursecrew_instance *inst = NULL;
    CHECK(e->create(&future, &inst) == COURSECREW_E_ABI && inst == NULL, "accepted ABI major+1");

    coursecrew_host_info host = {sizeof host, COURSECREW_ABI_MAJOR, COURSECREW_ABI_MINOR, "c-test"};
    CHECK(e->create(&host, &inst) == COURSECREW_OK && inst, "create");
    CHECK(strcmp(e->last_error(inst), "") == 0, "fresh last_error not empty");

    /* Bad options: an error with a JSON pointer, nothing changed. */
    CHECK(e->configure(inst, "{\"max_xml_depth\": \"deep\"}") == COURSECREW_E_INVALID_ARGUMENT,
          "bad option accepted");
    CHECK(strstr(e->last_error(inst), "/max_xml_depth") != NULL, "last_error: %s",
          e->last_error(inst));
    CHECK(e->configure(inst, "{\"max_diagnostics_per_code\": 5}") == COURSECREW_OK, "configure");

    char *json = NULL;
    int st = e->inspect(inst, argv[2], NULL, &json);
    CHECK(st == COURSECREW_OK, "inspect %s: %s (%s)", argv[2], e->strerror(st), e->last_error(inst));
    CHECK(json && strstr(json, "\"format\":\"scorm2004\"") != NULL, "json: %.200s", json ? json : "(null)");
    e->free_string(json);

    /* ABI 1.3: inspect_write hands the same JSON over in pieces. */
    CHECK(e->struct_size >= offsetof(coursecrew_entry_t, inspect_write) + sizeof(e->inspect_write),
          "entry struct lacks ABI 1.3 functions");
    {
        char *whole = NULL;
        CHECK(e->inspect(inst, argv[2], NULL, &whole) == COURSECREW_OK, "inspect again");
        struct Collected got = {0};
        st = e->inspect_write(inst, argv[2], NULL, collect, &got);
        CHECK(st == COURSECREW_OK, "inspect_write: %s (%s)", e->strerror(st), e->last_error(inst));
        CHECK(got.size == strlen(whole) && memcmp(got.data, whole, got.size) == 0,
              "inspect_write gave %zu bytes in %d pieces, inspect %zu", got.size, got.pieces, strlen(whole));
        free(got.data);
        /* Stopped by the host: E_IO, and nothing more is written. */
        struct Collected stop = {0};
        stop.stop_after = 1;
        st = e->inspect_write(inst, argv[2], NULL, collect, &stop);
        CHECK(st == COURSECREW_E_IO, "a stopped write gave %s", e->strerror(st));
        CHECK(stop.pieces == 1, "written after the stop: %d pieces", stop.pieces);
        free(stop.data);
        /* A missing package: its JSON, and the status inspect gives. */
        struct Collected missing = {0};
        st = e->inspect_write(inst, "/nonexistent/course.zip", NULL, collect, &missing);
        CHECK(st == COURSECREW_E_NOT_FOUND, "missing package: %s", e->strerror(st));
        CHECK(missing.data && strstr(missing.data, "package.not_found"), "no package.not_found written");
        free(missing.data);
        CHECK(e->inspect_write(inst, argv[2], NULL, NULL, NULL) == COURSECREW_E_INVALID_ARGUMENT,
              "NULL write function accepted");
        e->free_string(whole);
    }

    /* A missing package: a status, a message naming it, and JSON with the diagnostic. */
    json = NULL;
    st = e->inspect(inst, "/nonexistent/course.zip", NULL, &json);
    CHECK(st == COURSECREW_E_NOT_FOUND, "missing package: %s", e->strerror(st));
    CHECK(strstr(e->last_error(inst), "/nonexistent/course.zip") != NULL, "last_error: %s",
          e->last_error(inst));
    CHECK(json && strstr(json, "package.not_found") != NULL, "json lacks package.not_found");
    e->free_string(json);

    /* ABI 1.1: publish, set_status, review against a scratch store. */
    CHECK(e->struct_size >= offsetof(coursecrew_entry_t, set_status) + sizeof(e->set_status),
          "entry struct lacks ABI 1.1 functions");
    char dir[] = "/tmp/cc-dlopen-XXXXXX";
    CHECK(mkdtemp(dir) != NULL, "mkdtemp");
    char options[512];
    snprintf(options, sizeof options, "{\"store\": \"%s/state.db\", \"now\": 1795000000}", dir);
    CHECK(e->configure(inst, options) == COURSECREW_OK, "configure store: %s", e->last_error(inst));
    json = NULL;
    st = e->publish(inst, argv[2], NULL, &json);
    CHECK(st == COURSECREW_OK, "publish: %s", e->last_error(inst));
    CHECK(json && strstr(json, "\"course\":\"com.example.safety-basics\"") != NULL, "publish json: %.200s", json);
    e->free_string(json);

    char request[1024];
    snprintf(request, sizeof request,
             "{\"package\": \"%s\", \"updates\": [{\"piece\": \"SCO-NOPE\", \"role\": \"writer\", "
             "\"status\": \"done\", \"by\": \"c-test\"}]}", argv[2]);
    json = NULL;
    CHECK(e->set_status(inst, request, NULL, &json) == COURSECREW_E_INVALID_ARGUMENT, "unknown piece accepted");
    CHECK(strstr(e->last_error(inst), "SCO-NOPE") != NULL, "last_error: %s", e->last_error(inst));
    e->free_string(json);
    snprintf(request, sizeof request,
             "{\"package\": \"%s\", \"updates\": [{\"piece\": \"SCO-QUIZ\", \"role\": \"writer\", "
             "\"status\": \"in_progress\", \"by\": \"c-test\"}]}", argv[2]);
    json = NULL;
    CHECK(e->set_status(inst, request, NULL, &json) == COURSECREW_OK, "set_status: %s", e->last_error(inst));
    CHECK(json && strstr(json, "\"to\":\"in_progress\"") != NULL, "set_status json: %.200s", json);
    e->free_string(json);

    json = NULL;
    CHECK(e->review(inst, argv[2], "{\"format\": \"csv\"}", &json) == COURSECREW_OK, "review: %s", e->last_error(inst));
    CHECK(json && strncmp(json, "module,", 7) == 0, "review csv: %.100s", json);
    const char *const updated_row[] = {"SCO-QUIZ", "writer", "in_progress", NULL};
    CHECK(csv_row_has(json, updated_row), "review lacks the update on SCO-QUIZ's writer row: %.400s", json);
    const char *const other_row[] = {"SCO-QUIZ", "designer", "in_progress", NULL};
    CHECK(!csv_row_has(json, other_row), "the update reached another role's row");
    e->free_string(json);
    CHECK(e->review(inst, argv[2], "{\"format\": \"pdf\"}", &json) == COURSECREW_E_INVALID_ARGUMENT, "pdf accepted");

    /* ABI 1.2: LMS sync. The target is a port nothing listens on: changes are
     * queued, the worker retries in the background, the host never waits. */
    CHECK(e->struct_size >= offsetof(coursecrew_entry_t, outbox) + sizeof(e->outbox),
          "entry struct lacks ABI 1.2 functions");
    char config[600];
    snprintf(config, sizeof config, "%s/sync.json", dir);
    FILE *cf = fopen(config, "w");
    CHECK(cf != NULL, "cannot write %s", config);
    fprintf(cf, "{\"course_iri\": \"https://example.org/courses/c-host\", \"targets\": [{\"name\": \"lms\", "
                "\"kind\": \"xapi\", \"endpoint\": \"http://127.0.0.1:9/xAPI/\", \"connect_timeout_ms\": 500, "
                "\"retry\": {\"base_ms\": 50, \"cap_ms\": 200}}]}");
    fclose(cf);
    CHECK(e->set_event_callback(inst, &on_event, NULL) == COURSECREW_OK, "set_event_callback");
    char sync_options[700];
    snprintf(sync_options, sizeof sync_options, "{\"config\": \"%s\", \"dry_run\": true}", config);
    snprintf(request, sizeof request,
             "{\"package\": \"%s\", \"updates\": [{\"piece\": \"SCO-QUIZ\", \"role\": \"writer\", "
             "\"status\": \"in_review\", \"by\": \"ana@example.org\"}]}", argv[2]);
    json = NULL;
    CHECK(e->set_status(inst, request, sync_options, &json) == COURSECREW_OK, "dry run: %s", e->last_error(inst));
    CHECK(json && strstr(json, "\"statements\":[") && strstr(json, "mailto:ana@example.org"),
          "dry run json: %.300s", json);
    e->free_string(json);
    snprintf(sync_options, sizeof sync_options, "{\"config\": \"%s\"}", config);
    const time_t started = time(NULL);
    json = NULL;
    CHECK(e->set_status(inst, request, sync_options, &json) == COURSECREW_OK, "set_status with sync: %s",
          e->last_error(inst));
    CHECK(json && strstr(json, "\"queued\":{\"statements\":"), "queued: %.300s", json);
    e->free_string(json);
    json = NULL;
    st = e->sync(inst, sync_options, 1500, &json);
    CHECK(st == COURSECREW_E_IO, "sync to a dead port: %s", e->strerror(st));
    CHECK(json && strstr(json, "\"idle\":false"), "sync status: %.300s", json);
    CHECK(strstr(e->last_error(inst), "not everything was delivered") != NULL, "sync error: %s", e->last_error(inst));
    e->free_string(json);
    CHECK(__atomic_load_n(&g_retrying, __ATOMIC_SEQ_CST) > 0, "no retrying event reached the host");
    json = NULL;
    CHECK(e->outbox(inst, "{\"action\": \"list\", \"pending\": true}", sync_options, &json) == COURSECREW_OK,
          "outbox list: %s", e->last_error(inst));
    CHECK(json && strstr(json, "\"state\":\"pending\""), "outbox list: %.300s", json);
    e->free_string(json);
    json = NULL;
    CHECK(e->outbox(inst, "{\"action\": \"drop\"}", sync_options, &json) == COURSECREW_E_INVALID_ARGUMENT,
          "drop without ids accepted");
    CHECK(time(NULL) - started < 10, "sync calls blocked the host");

    CHECK(e->inspect(inst, NULL, NULL, &json) == COURSECREW_E_INVALID_ARGUMENT, "NULL path");
    CHECK(json == NULL, "json set on invalid argument");
    CHECK(strcmp(e->strerror(COURSECREW_E_PACKAGE_INVALID), "the package has errors") == 0, "strerror");
    e->free_string(NULL);
    const time_t destroying = time(NULL);
    e->destroy(inst);  /* stops the retrying worker: must not hang */
    CHECK(time(NULL) - destroying < 5, "destroy waited on the network");
    e->destroy(NULL);
    /* The scratch store: the database and any WAL files, then the folder. */
    unlink(config);
    const char *suffixes[] = {"", "-wal", "-shm", "-journal"};
    for (size_t i = 0; i < sizeof suffixes / sizeof *suffixes; ++i) {
        char path[600];
        snprintf(path, sizeof path, "%s/state.db%s", dir, suffixes[i]);
        unlink(path);
    }
    rmdir(dir);
    dlclose(h);
    printf("dlopen host: all checks passed\n");
    return 0;
}
