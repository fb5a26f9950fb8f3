/* fuzz_xml_response.c: Query/EC2 and REST-XML (S3) protocol answers. The
 * first byte picks the operation and the HTTP status class (0x7f and 0xff:
 * S3's get-bucket-notification-configuration, so the older seeds keep their
 * operations); the rest is the body. */
#include <stdint.h>
#include <stdlib.h>

#include "awsapi/awsapi_int.h"

static const char *const s_ops[][2] = {
    {"iam", "get-account-authorization-details"}, {"iam", "list-access-keys"}, {"iam", "get-login-profile"},
    {"ec2", "describe-vpcs"}, {"ec2", "describe-security-groups"}, {"ec2", "describe-regions"},
    {"sts", "get-caller-identity"}, {"sts", "assume-role"}, {"cloudwatch", "describe-alarms"},
    {"cloudwatch", "get-metric-data"}, {"dynamodb", "describe-table"}, {"kms", "describe-key"},
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct dw_aws_models *m;
    if (!m)
        m = dw_aws_models_load(); /* read-only, kept for the process */
    if (size < 1 || !m)
        return 0;
    size_t op = data[0] % (sizeof(s_ops) / sizeof(s_ops[0]));
    long status = (data[0] & 0x80) ? 400 : 200;
    bool s3 = (data[0] & 0x7f) == 0x7f;
    json_t *out = NULL;
    char *code = NULL, *msg = NULL;
    struct dw_error err;
    enum dw_status rc = dw_aws_response_parse(m, s3 ? "s3api" : s_ops[op][0],
                                              s3 ? "get-bucket-notification-configuration" : s_ops[op][1], status,
                                              (const char *)data + 1, size - 1, &out, &code, &msg, &err);
    if (rc == DW_OK && !json_is_object(out))
        abort();
    if (rc == DW_E_API && !code)
        abort();
    json_decref(out);
    free(code);
    free(msg);
    return 0;
}
