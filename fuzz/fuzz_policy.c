/* fuzz_policy.c: IAM policy parsing (JSON and URL-encoded forms) and every
 * statement question the controls ask. */
#include <stdint.h>
#include <stdlib.h>

#include <dbward/policy.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct dw_policy *p = NULL;
    struct dw_error err;
    if (dw_policy_parse_text((const char *)data, size, "fuzz", &p, &err) != DW_OK) {
        if (err.message[0] == '\0')
            abort();
        return 0;
    }
    for (size_t i = 0; i < p->n_stmts; i++) {
        const struct dw_policy_stmt *s = &p->stmts[i];
        char label[64];
        (void)dw_policy_stmt_all_actions(s, "dynamodb");
        (void)dw_policy_stmt_any_action(s, "kms");
        (void)dw_policy_stmt_any_resource(s, "arn:aws:dynamodb:");
        (void)dw_policy_stmt_table_wildcard(s);
        (void)dw_policy_stmt_principal_any(s);
        (void)dw_policy_stmt_principal_not_root(s, "123456789012");
        (void)dw_policy_stmt_limiting_cond(s);
        (void)dw_policy_stmt_label(s, label, sizeof(label));
    }
    dw_policy_free(p);
    return 0;
}
