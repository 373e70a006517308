/* c-host: a host of the coursecrew plugin in C.
 *
 *   c-host PACKAGE [ROLES.json [STORE.db]]     (ROLES.json "" : the built-in rules)
 *
 * Loads libcoursecrew.so.1, records a publish of PACKAGE (a course folder,
 * .zip or manifest) with the team's role map ROLES.json (default: the
 * built-in rules) in the status store STORE.db (default:
 * .coursecrew/state.db), then prints the course's review as a table.
 *
 * The plugin is loaded with dlopen() by its soname and used only through the
 * one exported symbol, as coursecrew.h describes: this program starts (and
 * says what is wrong) without the plugin installed, and checks the plugin's
 * ABI version before calling it. It needs the header, not -lcoursecrew.
 *
 * Exit status: 0 success, 1 the package or role map has errors, 2 usage,
 * 3 the plugin cannot be loaded or failed. */
#include <dlfcn.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <coursecrew/coursecrew.h>

/* The file name of ABI major 1 of the plugin (its soname). */
#define PLUGIN_SONAME "libcoursecrew.so.1"

/* Appends `text` to `out` as a JSON string. `out` has room for it: at most
 * six bytes per input byte, plus the quotes. */
static char *put_json_string(char *out, const char *text) {
    *out++ = '"';
    for (const unsigned char *c = (const unsigned char *)text; *c; ++c) {
        if (*c == '"' || *c == '\\') {
            *out++ = '\\';
            *out++ = (char)*c;
        } else if (*c < 0x20) {
            out += sprintf(out, "\\u%04x", *c);
        } else {
            *out++ = (char)*c;
        }
    }
    *out++ = '"';
    return out;
}

/* The options object for the plugin: {"roles": ..., "store": ..., "format": ...},
 * each member only when given. Free it with free(). */
static char *make_options(const char *roles, const char *store, const char *format) {
    const char *names[] = {"roles", "store", "format"};
    const char *values[] = {roles, store, format};
    size_t size = 3;
    for (int i = 0; i < 3; ++i)
        if (values[i]) size += strlen(names[i]) + 6 * strlen(values[i]) + 8;
    char *json = malloc(size);
    if (!json) return NULL;
    char *at = json;
    *at++ = '{';
    for (int i = 0; i < 3; ++i) {
        if (!values[i]) continue;
        if (at[-1] != '{') *at++ = ',';
        at = put_json_string(at, names[i]);
        *at++ = ':';
        at = put_json_string(at, values[i]);
    }
    *at++ = '}';
    *at = '\0';
    return json;
}

/* Says why a call failed; returns the exit status for it. */
static int report(const coursecrew_entry_t *cc, coursecrew_instance *inst, const char *what, int status,
                  const char *json) {
    fprintf(stderr, "c-host: %s: %s: %s\n", what, cc->strerror(status), cc->last_error(inst));
    /* A broken role map: the plugin lists every problem, with its JSON pointer. */
    if (json) fprintf(stderr, "%s\n", json);
    return status == COURSECREW_E_INTERNAL || status == COURSECREW_E_NO_MEMORY || status == COURSECREW_E_ABI
               ? 3
               : 1;
}

int main(int argc, char **argv) {
    if (argc < 2 || argc > 4) {
        fprintf(stderr, "usage: %s PACKAGE [ROLES.json|\"\" [STORE.db]]\n", argv[0]);
        return 2;
    }
    const char *package = argv[1];
    const char *roles = argc > 2 && argv[2][0] ? argv[2] : NULL;
    const char *store = argc > 3 ? argv[3] : NULL;

    /* 1. Load the plugin and check its ABI before calling anything. */
    void *lib = dlopen(PLUGIN_SONAME, RTLD_NOW | RTLD_LOCAL);
    if (!lib) {
        fprintf(stderr, "c-host: cannot load the coursecrew plugin: %s\n"
                        "  (install libcoursecrew1, or set LD_LIBRARY_PATH to its folder)\n",
                dlerror());
        return 3;
    }
    const coursecrew_entry_t *cc = (const coursecrew_entry_t *)dlsym(lib, COURSECREW_ENTRY_SYMBOL);
    if (!cc) {
        fprintf(stderr, "c-host: %s has no %s\n", PLUGIN_SONAME, COURSECREW_ENTRY_SYMBOL);
        return 3;
    }
    /* Another major version changes meanings; publish and review arrived in
     * ABI 1.1, and a field may be read only when it lies within struct_size. */
    if (cc->abi_major != COURSECREW_ABI_MAJOR ||
        cc->struct_size < offsetof(coursecrew_entry_t, review) + sizeof cc->review) {
        fprintf(stderr, "c-host: the plugin has ABI %u.%u; this program needs %u.1 or later\n",
                cc->abi_major, cc->abi_minor, COURSECREW_ABI_MAJOR);
        return 3;
    }

    coursecrew_host_info host = {sizeof host, COURSECREW_ABI_MAJOR, COURSECREW_ABI_MINOR, "c-host example"};
    coursecrew_instance *inst = NULL;
    int status = cc->create(&host, &inst);
    if (status != COURSECREW_OK) {
        fprintf(stderr, "c-host: create: %s\n", cc->strerror(status));
        return 3;
    }

    int exit_status = 0;
    char *options = make_options(roles, store, NULL);
    char *review_options = make_options(roles, store, "table");
    char *json = NULL, *table = NULL;
    if (!options || !review_options) {
        fprintf(stderr, "c-host: out of memory\n");
        exit_status = 3;
        goto done;
    }

    /* 2. Record the publish: what an authoring tool does each time it
     * publishes. The result (new pairs, reopened pieces...) is JSON. */
    status = cc->publish(inst, package, options, &json);
    if (status != COURSECREW_OK) {
        exit_status = report(cc, inst, "publish", status, json);
        goto done;
    }

    /* 3. The review, as a table. (review records the package too, so it is
     * never out of date; right after the publish it changes nothing.) */
    status = cc->review(inst, package, review_options, &table);
    if (status != COURSECREW_OK) {
        exit_status = report(cc, inst, "review", status, NULL);
        goto done;
    }
    fputs(table, stdout);
    fputs("\n", stdout);

done:
    /* Strings from the plugin go back to it; destroy before dlclose. */
    cc->free_string(json);
    cc->free_string(table);
    free(options);
    free(review_options);
    cc->destroy(inst);
    dlclose(lib);
    return exit_status;
}
