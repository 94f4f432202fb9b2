/*
 * The end of every Check test program's main(): run the suite (forking
 * per test, Check's default, so a crash fails one test, not the file) and
 * turn the failures into the exit status meson reads.
 */
#ifndef KT_CHECK_H
#define KT_CHECK_H

#include <check.h>
#include <stdlib.h>

/* Runs @s, frees the runner; EXIT_FAILURE when any test failed. */
static inline int kt_run(Suite *s)
{
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

#endif
