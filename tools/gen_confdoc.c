/* Writes docs/CONFIGURATION.md, the reference of every configuration
 * property, from the property table (src/client/conf_props.c): to the file
 * argv[1] if given, else to stdout. tests/check_confdoc.sh fails when the
 * committed file differs from what this prints. */
#include <stdio.h>
#include <stdlib.h>

#include "client/conf.h"
#include "util/buf.h"

int main(int argc, char **argv)
{
    struct kr_buf doc;
    kr_buf_init(&doc, 0);
    kr_conf_doc_markdown(&doc);
    if (doc.err) {
        fprintf(stderr, "gen_confdoc: %s\n", krafka_err2str(doc.err));
        kr_buf_free(&doc);
        return EXIT_FAILURE;
    }
    FILE *f = argc > 1 ? fopen(argv[1], "w") : stdout;
    if (!f) {
        perror(argv[1]);
        kr_buf_free(&doc);
        return EXIT_FAILURE;
    }
    size_t n = fwrite(doc.data, 1, doc.len, f);
    int rc = (f == stdout ? fflush(f) : fclose(f)) != 0 || n != doc.len;
    if (rc)
        perror(argc > 1 ? argv[1] : "stdout");
    kr_buf_free(&doc);
    return rc ? EXIT_FAILURE : EXIT_SUCCESS;
}
