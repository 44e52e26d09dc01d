/* Exercises every export of include/apimbackend.h from C: success and error paths, ownership
 * (run under valgrind by the test command to prove nothing leaks). */
#include "apimbackend.h"
#include "test_util.h"

static void test_abi_version(void) {
    CHECK(apimb_abi_version() == APIMB_ABI_VERSION);
}

static void test_version_info(void) {
    char *json = NULL;
    apimb_error *err = apimb_version_info(&json);
    CHECK(err == NULL);
    CHECK_STR_CONTAINS(json, "\"name\":\"apimbackend\"");
    CHECK_STR_CONTAINS(json, "\"defaultApiVersion\":\"2024-05-01\"");
    CHECK_STR_CONTAINS(json, "\"rustc\":\"rustc ");
    apimb_string_free(json);

    /* NULL out-parameter: an invalid-argument error naming it, nothing written. */
    err = apimb_version_info(NULL);
    CHECK(err != NULL);
    CHECK(apimb_error_kind(err) == APIMB_ERROR_KIND_INVALID_ARGUMENT);
    CHECK_STR_EQ(apimb_error_code(err), "InvalidArgument");
    CHECK_STR_EQ(apimb_error_field(err), "out_json");
    CHECK_STR_CONTAINS(apimb_error_message(err), "out_json");
    CHECK(apimb_error_http_status(err) == 0);
    CHECK(apimb_error_arm_code(err) == NULL);
    CHECK(apimb_error_request_id(err) == NULL);
    CHECK_STR_CONTAINS(apimb_error_json(err), "\"kind\":1");
    apimb_error_free(err);
}

static void test_null_tolerance(void) {
    /* Accessors and frees accept NULL. */
    CHECK(apimb_error_kind(NULL) == APIMB_ERROR_KIND_NONE);
    CHECK(apimb_error_code(NULL) == NULL);
    CHECK(apimb_error_message(NULL) == NULL);
    CHECK(apimb_error_field(NULL) == NULL);
    CHECK(apimb_error_arm_code(NULL) == NULL);
    CHECK(apimb_error_request_id(NULL) == NULL);
    CHECK(apimb_error_json(NULL) == NULL);
    CHECK(apimb_error_http_status(NULL) == 0);
    apimb_error_free(NULL);
    apimb_string_free(NULL);
}

int main(void) {
    test_abi_version();
    test_version_info();
    test_null_tolerance();
    return test_summary("c-abi");
}
