/* Exercises the client, operation, cancellation and log exports of include/apimbackend.h against
 * the emulator, which this program starts itself (127.0.0.1, port 0) and stops at the end.
 * Usage: client_test <path to apim-emulator>. Run under valgrind by the test command. */
#define _POSIX_C_SOURCE 200809L
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "apimbackend.h"
#include "test_util.h"

static pid_t g_emulator;
static char g_url[256];
static char g_ca[256];

static int start_emulator(const char *binary) {
    int fds[2];
    if (pipe(fds) != 0) return -1;
    snprintf(g_ca, sizeof g_ca, "/tmp/apimb-ctest-ca-%d.pem", (int)getpid());
    g_emulator = fork();
    if (g_emulator == 0) {
        dup2(fds[1], STDOUT_FILENO);
        close(fds[0]);
        close(fds[1]);
        execl(binary, binary, "--bind", "127.0.0.1", "--port", "0", "--cert-out", g_ca, (char *)NULL);
        _exit(127);
    }
    close(fds[1]);
    size_t n = 0;
    char ch;
    while (n + 1 < sizeof g_url && read(fds[0], &ch, 1) == 1 && ch != '\n') g_url[n++] = ch;
    g_url[n] = 0;
    close(fds[0]);
    return strncmp(g_url, "https://127.0.0.1:", 18) == 0 ? 0 : -1;
}

static void stop_emulator(void) {
    if (g_emulator > 0) {
        kill(g_emulator, SIGTERM);
        waitpid(g_emulator, NULL, 0);
    }
    unlink(g_ca);
}

static apimb_client *new_client(void) {
    char options[1024];
    snprintf(options, sizeof options,
             "{\"endpoint\":\"%s\",\"caCertificateFile\":\"%s\",\"accessToken\":\"c-token-secret\","
             "\"userAgent\":\"c-test/1\",\"retry\":{\"maxRetries\":1,\"initialDelayMs\":10}}",
             g_url, g_ca);
    apimb_client *client = NULL;
    apimb_error *err = apimb_client_new(options, &client);
    CHECK(err == NULL);
    if (err) fprintf(stderr, "client_new: %s\n", apimb_error_message(err));
    apimb_error_free(err);
    return client;
}

static const char *TARGET =
    "{\"subscriptionId\":\"00000000-0000-0000-0000-000000000000\",\"resourceGroupName\":\"rg1\","
    "\"serviceName\":\"apim1\",\"backendId\":\"b1\"}";
static const char *COLLECTION =
    "{\"subscriptionId\":\"00000000-0000-0000-0000-000000000000\",\"resourceGroupName\":\"rg1\","
    "\"serviceName\":\"apim1\"}";

static void test_client_new_errors(void) {
    apimb_client *client = NULL;
    apimb_error *err = apimb_client_new("{\"endpoint\":", &client);
    CHECK(apimb_error_kind(err) == APIMB_ERROR_KIND_INVALID_ARGUMENT);
    CHECK_STR_EQ(apimb_error_field(err), "options_json");
    apimb_error_free(err);

    err = apimb_client_new("{\"endpont\":\"https://x\"}", &client);
    CHECK_STR_CONTAINS(apimb_error_message(err), "unknown option 'endpont'");
    apimb_error_free(err);

    /* A token of the wrong type is not echoed. */
    err = apimb_client_new("{\"accessToken\":[\"c-secret-token-2\"]}", &client);
    CHECK(err != NULL && strstr(apimb_error_message(err), "c-secret-token-2") == NULL);
    apimb_error_free(err);

    err = apimb_client_new("{\"endpoint\":\"http://management.example.com\"}", &client);
    CHECK_STR_EQ(apimb_error_field(err), "endpoint");
    apimb_error_free(err);

    err = apimb_client_new("{\"cloud\":\"Mars\"}", &client);
    CHECK_STR_EQ(apimb_error_field(err), "cloud");
    apimb_error_free(err);

    err = apimb_client_new("{\"caCertificateFile\":\"/nonexistent/ca.pem\",\"endpoint\":\"https://127.0.0.1:1\"}", &client);
    CHECK_STR_EQ(apimb_error_field(err), "caCertificateFile");
    apimb_error_free(err);

    err = apimb_client_new("{\"credentialSources\":[\"magic\"]}", &client);
    CHECK_STR_EQ(apimb_error_field(err), "credentialSources");
    apimb_error_free(err);

    err = apimb_client_new(NULL, &client);
    CHECK_STR_EQ(apimb_error_field(err), "options_json");
    apimb_error_free(err);
    err = apimb_client_new("{}", NULL);
    CHECK_STR_EQ(apimb_error_field(err), "out_client");
    apimb_error_free(err);
    CHECK(client == NULL);
    apimb_client_free(NULL);
}

static void test_lifecycle(apimb_client *client) {
    char *json = NULL, *etag = NULL;
    /* Create through a validated patch. */
    apimb_patch *create = NULL;
    CHECK(apimb_patch_build_az("{\"Url\":\"https://a.example\",\"Protocol\":\"http\",\"Title\":\"t\"}", &create) == NULL);
    apimb_error *err = apimb_backend_create(client, TARGET, create, NULL, NULL, &json, &etag);
    CHECK(err == NULL);
    if (err) fprintf(stderr, "create: %s\n", apimb_error_message(err));
    apimb_error_free(err);
    CHECK_STR_CONTAINS(json, "\"name\":\"b1\"");
    CHECK(etag != NULL);
    apimb_string_free(json);
    apimb_patch_free(create);

    /* Replace with PUT of a whole backend. */
    err = apimb_backend_put(client, TARGET, "{\"properties\":{\"url\":\"https://b.example\",\"protocol\":\"soap\"}}", "*", NULL, &json, NULL);
    CHECK(err == NULL);
    CHECK_STR_CONTAINS(json, "\"protocol\":\"soap\"");
    apimb_string_free(json);

    /* GET returns the current ETag (the PUT changed it). */
    char *etag2 = NULL;
    CHECK(apimb_backend_get(client, TARGET, NULL, &json, &etag2) == NULL);
    CHECK(etag2 != NULL && etag != NULL && strcmp(etag, etag2) != 0);
    apimb_string_free(json);

    /* Update with the current ETag succeeds; with the stale one it is a precondition failure. */
    apimb_patch *patch = NULL;
    CHECK(apimb_patch_build("{\"properties\":{\"description\":\"updated description\"}}", &patch) == NULL);
    CHECK(apimb_backend_update(client, TARGET, patch, etag2, NULL, &json, NULL) == NULL);
    CHECK_STR_CONTAINS(json, "\"description\":\"updated description\"");
    apimb_string_free(json);
    err = apimb_backend_update(client, TARGET, patch, etag, NULL, &json, NULL);
    CHECK(apimb_error_kind(err) == APIMB_ERROR_KIND_PRECONDITION_FAILED);
    CHECK(apimb_error_http_status(err) == 412);
    CHECK_STR_EQ(apimb_error_arm_code(err), "PreconditionFailed");
    CHECK(apimb_error_request_id(err) != NULL);
    CHECK_STR_CONTAINS(apimb_error_message(err), "changed since it was read");
    CHECK(strstr(apimb_error_json(err), "c-token-secret") == NULL);
    apimb_error_free(err);
    apimb_string_free(etag);
    apimb_string_free(etag2);

    /* A raised token stops the call before anything is sent. */
    apimb_cancel *cancel = apimb_cancel_new();
    CHECK(cancel != NULL);
    apimb_cancel_trigger(cancel);
    err = apimb_backend_update(client, TARGET, patch, NULL, cancel, &json, NULL);
    CHECK(apimb_error_kind(err) == APIMB_ERROR_KIND_CANCELLED);
    apimb_error_free(err);
    apimb_cancel_free(cancel);
    apimb_cancel_trigger(NULL);
    apimb_cancel_free(NULL);

    /* List. */
    CHECK(apimb_backend_list(client, COLLECTION, NULL, &json) == NULL);
    CHECK_STR_CONTAINS(json, "\"name\":\"b1\"");
    CHECK(json != NULL && json[0] == '[');
    apimb_string_free(json);

    /* Delete: existed, then not. */
    bool existed = false;
    CHECK(apimb_backend_delete(client, TARGET, NULL, NULL, &existed) == NULL);
    CHECK(existed);
    CHECK(apimb_backend_delete(client, TARGET, "*", NULL, &existed) == NULL);
    CHECK(!existed);

    /* Missing backend: not found, with ARM's code. */
    err = apimb_backend_get(client, TARGET, NULL, &json, NULL);
    CHECK(apimb_error_kind(err) == APIMB_ERROR_KIND_NOT_FOUND);
    CHECK(apimb_error_http_status(err) == 404);
    CHECK_STR_EQ(apimb_error_arm_code(err), "ResourceNotFound");
    apimb_error_free(err);

    /* Argument errors of the operations. */
    err = apimb_backend_update(NULL, TARGET, patch, NULL, NULL, &json, NULL);
    CHECK_STR_EQ(apimb_error_field(err), "client");
    apimb_error_free(err);
    err = apimb_backend_update(client, TARGET, NULL, NULL, NULL, &json, NULL);
    CHECK_STR_EQ(apimb_error_field(err), "patch");
    apimb_error_free(err);
    err = apimb_backend_update(client, COLLECTION, patch, NULL, NULL, &json, NULL);
    CHECK_STR_EQ(apimb_error_field(err), "backendId");
    apimb_error_free(err);
    err = apimb_backend_get(client, "{\"subscriptionId\":\"x\"}", NULL, &json, NULL);
    CHECK_STR_EQ(apimb_error_field(err), "target_json");
    apimb_error_free(err);
    err = apimb_backend_list(client, COLLECTION, NULL, NULL);
    CHECK_STR_EQ(apimb_error_field(err), "out_json");
    apimb_error_free(err);
    err = apimb_backend_put(client, TARGET, "not json", NULL, NULL, &json, NULL);
    CHECK_STR_EQ(apimb_error_field(err), "backend_json");
    apimb_error_free(err);
    err = apimb_backend_delete(client, NULL, NULL, NULL, NULL);
    CHECK_STR_EQ(apimb_error_field(err), "target_json");
    apimb_error_free(err);
    apimb_patch_free(patch);
}

static void test_stats_and_log(apimb_client *client) {
    char *json = NULL;
    CHECK(apimb_client_stats(client, &json) == NULL);
    CHECK_STR_CONTAINS(json, "\"attempts\":");
    apimb_string_free(json);
    apimb_error *err = apimb_client_stats(NULL, &json);
    CHECK_STR_EQ(apimb_error_field(err), "client");
    apimb_error_free(err);

    apimb_log_set_level(3);
    char *out = NULL;
    apimb_error *missing = apimb_backend_get(client, TARGET, NULL, &out, NULL); /* 404, logged */
    CHECK(missing != NULL);
    apimb_error_free(missing);
    CHECK(apimb_log_drain(&json) == NULL);
    CHECK_STR_CONTAINS(json, "GET https://127.0.0.1:");
    CHECK(json != NULL && strstr(json, "c-token-secret") == NULL);
    apimb_string_free(json);
    apimb_log_set_level(0);
    err = apimb_log_drain(NULL);
    CHECK_STR_EQ(apimb_error_field(err), "out_json");
    apimb_error_free(err);
}

int main(int argc, char **argv) {
    const char *binary = argc > 1 ? argv[1] : getenv("APIMB_EMULATOR");
    test_client_new_errors();
    if (binary == NULL || start_emulator(binary) != 0) {
        fprintf(stderr, "could not start the emulator (%s)\n", binary ? binary : "no path given");
        stop_emulator();
        return 2;
    }
    apimb_client *client = new_client();
    if (client) {
        test_lifecycle(client);
        test_stats_and_log(client);
    }
    apimb_client_free(client);
    stop_emulator();
    return test_summary("c-client");
}
