/* Minimal assertion harness for the C ABI tests: counts checks, prints a closing
 * "N passed, N failed" line, and exits non-zero on any failure. */
#ifndef APIMB_TEST_UTIL_H
#define APIMB_TEST_UTIL_H
#include <stdio.h>
#include <string.h>

static int g_passed, g_failed;

#define CHECK(cond)                                                                   \
    do {                                                                              \
        if (cond) {                                                                   \
            g_passed++;                                                               \
        } else {                                                                      \
            g_failed++;                                                               \
            fprintf(stderr, "FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond);           \
        }                                                                             \
    } while (0)

#define CHECK_STR_CONTAINS(haystack, needle)                                          \
    CHECK((haystack) != NULL && strstr((haystack), (needle)) != NULL)

#define CHECK_STR_EQ(a, b) CHECK((a) != NULL && strcmp((a), (b)) == 0)

static int test_summary(const char *suite) {
    printf("%s: %d passed, %d failed\n", suite, g_passed, g_failed);
    return g_failed == 0 ? 0 : 1;
}
#endif
