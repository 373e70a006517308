/* Links the installed libcoursecrew and reads its entry point. */
#include <stdio.h>
#include <string.h>

#include <coursecrew/coursecrew.h>

int main(void) {
    const coursecrew_entry_t *e = &coursecrew_entry;
    if (e->abi_major != COURSECREW_ABI_MAJOR || strcmp(e->version, COURSECREW_VERSION_STRING) != 0) {
        fprintf(stderr, "unexpected entry: abi %u version %s\n", e->abi_major, e->version);
        return 1;
    }
    printf("consumer: coursecrew %s, ABI %u.%u\n", e->version, e->abi_major, e->abi_minor);
    return 0;
}
