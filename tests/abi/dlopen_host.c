/* A minimal host in C: dlopen the plugin, find coursecrew_entry, check the
 * ABI both ways, inspect a package, free what the plugin allocated. Uses no
 * other symbol of the library. Usage: cc_dlopen_host LIB PACKAGE */
#include <dlfcn.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "coursecrew/coursecrew.h"

#define CHECK(cond, ...)                        \
    do {                                        \
        if (!(cond)) {                          \
            fprintf(stderr, "FAIL: " __VA_ARGS__); \
            fprintf(stderr, "\n");              \
            return 1;                           \
        }                                       \
    } while (0)

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

    /* A missing package: a status, a message naming it, and JSON with the diagnostic. */
    json = NULL;
    st = e->inspect(inst, "/nonexistent/course.zip", NULL, &json);
    CHECK(st == COURSECREW_E_NOT_FOUND, "missing package: %s", e->strerror(st));
    CHECK(strstr(e->last_error(inst), "/nonexistent/course.zip") != NULL, "last_error: %s",
          e->last_error(inst));
    CHECK(json && strstr(json, "package.not_found") != NULL, "json lacks package.not_found");
    e->free_string(json);

    CHECK(e->inspect(inst, NULL, NULL, &json) == COURSECREW_E_INVALID_ARGUMENT, "NULL path");
    CHECK(json == NULL, "json set on invalid argument");
    CHECK(strcmp(e->strerror(COURSECREW_E_PACKAGE_INVALID), "the package has errors") == 0, "strerror");
    e->free_string(NULL);
    e->destroy(inst);
    e->destroy(NULL);
    dlclose(h);
    printf("dlopen host: all checks passed\n");
    return 0;
}
