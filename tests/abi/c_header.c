/* The public header must compile as strict C99, alone. */
#include "coursecrew/coursecrew.h"

/* Use every type so the compiler checks the declarations. */
size_t cc_header_check_sizes(void);
size_t cc_header_check_sizes(void) {
    coursecrew_host_info host = {sizeof(coursecrew_host_info), COURSECREW_ABI_MAJOR,
                                 COURSECREW_ABI_MINOR, "c-header-check"};
    coursecrew_status st = COURSECREW_OK;
    (void)st;
    return sizeof(coursecrew_entry_t) + host.struct_size;
}
