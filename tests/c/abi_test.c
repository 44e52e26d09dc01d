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

static void test_patch_build_preview_body(void) {
    const char *fields =
        "{\"properties\":{\"description\":\"updated description\","
        "\"proxy\":{\"url\":\"http://proxy:8080\",\"username\":\"u\",\"password\":\"c-secret-1\"},"
        "\"credentials\":{\"header\":{\"x-key\":\"c-secret-2\"}},\"tls\":null}}";
    apimb_patch *patch = NULL;
    apimb_error *err = apimb_patch_build(fields, &patch);
    CHECK(err == NULL);
    CHECK(patch != NULL);

    char *preview = NULL;
    CHECK(apimb_patch_preview(patch, &preview) == NULL);
    CHECK_STR_CONTAINS(preview, "\"description\":\"updated description\"");
    CHECK_STR_CONTAINS(preview, "***REDACTED***");
    CHECK_STR_CONTAINS(preview, "\"tls\":null");
    CHECK(preview != NULL && strstr(preview, "c-secret-1") == NULL);
    CHECK(preview != NULL && strstr(preview, "c-secret-2") == NULL);
    apimb_string_free(preview);

    char *body = NULL;
    CHECK(apimb_patch_body(patch, &body) == NULL);
    CHECK_STR_CONTAINS(body, "\"password\":\"c-secret-1\"");
    CHECK_STR_CONTAINS(body, "\"x-key\":[\"c-secret-2\"]");
    apimb_string_free(body);

    /* NULL out-parameters and NULL patch. */
    err = apimb_patch_preview(patch, NULL);
    CHECK_STR_EQ(apimb_error_field(err), "out_json");
    apimb_error_free(err);
    err = apimb_patch_body(NULL, &body);
    CHECK_STR_EQ(apimb_error_field(err), "patch");
    apimb_error_free(err);
    err = apimb_patch_preview(NULL, &preview);
    CHECK(apimb_error_kind(err) == APIMB_ERROR_KIND_INVALID_ARGUMENT);
    apimb_error_free(err);
    apimb_patch_free(patch);
    apimb_patch_free(NULL);
}

static void test_patch_build_errors(void) {
    apimb_patch *patch = NULL;
    /* Validation: two circuit-breaker rules. */
    apimb_error *err = apimb_patch_build(
        "{\"properties\":{\"circuitBreaker\":{\"rules\":[{\"name\":\"a\"},{\"name\":\"b\"}]}}}", &patch);
    CHECK(err != NULL);
    CHECK(patch == NULL);
    CHECK(apimb_error_kind(err) == APIMB_ERROR_KIND_VALIDATION);
    CHECK_STR_EQ(apimb_error_code(err), "TooManyItems");
    CHECK_STR_EQ(apimb_error_field(err), "properties.circuitBreaker.rules");
    CHECK_STR_CONTAINS(apimb_error_json(err), "\"kind\":2");
    apimb_error_free(err);

    /* A secret in a wrongly typed field is not echoed. */
    err = apimb_patch_build("{\"properties\":{\"proxy\":{\"url\":\"http://p\",\"password\":{\"x\":\"c-secret-3\"}}}}", &patch);
    CHECK(err != NULL && strstr(apimb_error_message(err), "c-secret-3") == NULL);
    CHECK_STR_EQ(apimb_error_field(err), "properties.proxy.password");
    apimb_error_free(err);

    /* Not JSON. */
    err = apimb_patch_build("{\"properties\":", &patch);
    CHECK(apimb_error_kind(err) == APIMB_ERROR_KIND_INVALID_ARGUMENT);
    CHECK_STR_EQ(apimb_error_code(err), "InvalidJson");
    apimb_error_free(err);

    /* NULL and invalid UTF-8 arguments. */
    err = apimb_patch_build(NULL, &patch);
    CHECK_STR_EQ(apimb_error_field(err), "fields_json");
    apimb_error_free(err);
    err = apimb_patch_build("{}", NULL);
    CHECK_STR_EQ(apimb_error_field(err), "out_patch");
    apimb_error_free(err);
    const char bad_utf8[] = {'{', '"', (char)0xC3, (char)0x28, '"', '}', 0};
    err = apimb_patch_build(bad_utf8, &patch);
    CHECK(apimb_error_kind(err) == APIMB_ERROR_KIND_INVALID_ARGUMENT);
    CHECK_STR_CONTAINS(apimb_error_message(err), "not valid UTF-8");
    apimb_error_free(err);
}

static void test_target_validate(void) {
    char *path = NULL;
    apimb_error *err = apimb_target_validate(
        "{\"subscriptionId\":\"00000000-0000-0000-0000-000000000000\",\"resourceGroupName\":\"rg1\","
        "\"serviceName\":\"apim1\",\"backendId\":\"b1\"}", &path);
    CHECK(err == NULL);
    CHECK_STR_EQ(path, "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg1/providers/"
                       "Microsoft.ApiManagement/service/apim1/backends/b1");
    apimb_string_free(path);

    err = apimb_target_validate(
        "{\"subscriptionId\":\"nope\",\"resourceGroupName\":\"rg1\",\"serviceName\":\"apim1\"}", &path);
    CHECK(apimb_error_kind(err) == APIMB_ERROR_KIND_VALIDATION);
    CHECK_STR_EQ(apimb_error_field(err), "subscriptionId");
    apimb_error_free(err);

    err = apimb_target_validate("[1]", &path);
    CHECK(apimb_error_kind(err) == APIMB_ERROR_KIND_INVALID_ARGUMENT);
    CHECK_STR_EQ(apimb_error_field(err), "target_json");
    apimb_error_free(err);
    err = apimb_target_validate(NULL, &path);
    CHECK_STR_EQ(apimb_error_field(err), "target_json");
    apimb_error_free(err);
    err = apimb_target_validate("{}", NULL);
    CHECK_STR_EQ(apimb_error_field(err), "out_path");
    apimb_error_free(err);
}

int main(void) {
    test_abi_version();
    test_version_info();
    test_null_tolerance();
    test_patch_build_preview_body();
    test_patch_build_errors();
    test_target_validate();
    return test_summary("c-abi");
}
