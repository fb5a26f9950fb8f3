/* test_shell.c: shell quoting (src/util/shell.c). The exact forms of a few
 * values, then the property that matters: for a corpus of hostile strings and
 * a few thousand random byte strings, in every template position (a word, glued
 * to a word, inside '...', inside "...", after --option), bash reads back
 * exactly the original bytes as one argument. bash itself is the oracle: the
 * test writes a script, runs /bin/bash on it in the C and a UTF-8 locale, and
 * compares what printf '%s\0' wrote. Comment lines are checked the same way:
 * a script made of nothing but hostile comments prints only its last line. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "util/util.h"

static const char *const s_hostile[] = {
    "orders",
    "",
    " ",
    "a b",
    "it's",
    "''",
    "\"",
    "\\",
    "\\'",
    "'\\''",
    "$(touch PWNED)",
    "t$(touch PWNED)",
    "`id`",
    "t`id`",
    "t;touch X;#",
    "t\"$(touch X)\"",
    "t'$(touch X)'",
    "$HOME",
    "${IFS}",
    "$'\\n'",
    "a|b",
    "a&b",
    "a&&b",
    "a<b>c",
    "(x)",
    "{a,b}",
    "*",
    "?",
    "[a]",
    "~",
    "~root",
    "#x",
    "x#",
    "!",
    "!!",
    "!$",
    "a\nb",
    "\n",
    "a\rb",
    "\r\n",
    "a\tb",
    "\x01\x02\x1b[31m",
    "\x7f",
    "caf\xc3\xa9",
    "\xe2\x80\xae\x65vil",
    "\xe2\x80\xa8",
    "\xff\xfe",
    "\xc3",
    "\xf0\x9f\x92\xa9",
    "-x",
    "--table-name",
    "--debug",
    "-",
    "--",
    "--x=y",
    "=x",
    "a=b",
    "%s%n",
    "x\\",
    "\\x41",
    "$'",
    "'$'",
    "\"'\"",
    "a b\nc\td'e\"f$g`h\\i",
};

/* Runs /bin/bash on script with LC_ALL=locale in an empty folder; returns its
 * stdout (free with free()) and its length in *len; fails the test when bash
 * fails or leaves any file behind (a quoting bug would run touch). */
static char *s_bash(const char *script, size_t script_len, const char *locale, size_t *len)
{
    char path[] = "/tmp/dw-test-shell-XXXXXX";
    char cwd[] = "/tmp/dw-test-shell-cwd-XXXXXX";
    assert_non_null(mkdtemp(cwd));
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, script, script_len), (ssize_t)script_len);
    close(fd);
    int pfd[2];
    assert_int_equal(pipe(pfd), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        if (chdir(cwd) != 0)
            _exit(126);
        dup2(pfd[1], 1);
        close(pfd[0]);
        close(pfd[1]);
        char env_locale[64];
        snprintf(env_locale, sizeof(env_locale), "LC_ALL=%s", locale);
        char *const envp[] = {env_locale, "PATH=/usr/bin:/bin", NULL};
        execle("/bin/bash", "bash", "--norc", "--noprofile", path, (char *)NULL, envp);
        _exit(127);
    }
    close(pfd[1]);
    struct dw_buf out;
    dw_buf_init(&out, 64u << 20);
    char chunk[4096];
    ssize_t n;
    while ((n = read(pfd[0], chunk, sizeof(chunk))) > 0)
        dw_buf_append(&out, chunk, (size_t)n);
    close(pfd[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    unlink(path);
    if (rmdir(cwd) != 0)
        fail_msg("bash left files in %s: a value ran as a command", cwd);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
    *len = out.len;
    return out.data ? dw_buf_steal(&out) : dw_xstrdup("");
}

/* True when every byte is printable ASCII: a quoted value can neither break a
 * line nor show a reader something other than its bytes. */
static bool s_visible(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x20 || c >= 0x7f)
            return false;
    }
    return true;
}

static void s_expect(struct dw_buf *want, const char *a, const char *v, const char *z)
{
    dw_buf_puts(want, a);
    dw_buf_puts(want, v);
    dw_buf_puts(want, z);
    dw_buf_append(want, "", 1);
}

/* One line per template position for value v, and the bytes printf '%s\0'
 * must write for them. */
static void s_add(struct dw_buf *script, struct dw_buf *want, const char *v)
{
    size_t start = script->len;
    dw_shell_printf(script, "printf '%%s\\0' %s\n", v);
    s_expect(want, "", v, "");
    dw_shell_printf(script, "printf '%%s\\0' Name=x,Values=%s-end\n", v);
    s_expect(want, "Name=x,Values=", v, "-end");
    dw_shell_printf(script, "printf '%%s\\0' '{\"Resource\":\"arn:%s:x\"}'\n", v);
    s_expect(want, "{\"Resource\":\"arn:", v, ":x\"}");
    dw_shell_printf(script, "printf '%%s\\0' \"key for %s\"\n", v);
    s_expect(want, "key for ", v, "");
    dw_shell_printf(script, "printf '%%s\\0' --table-name %s\n", v);
    if (v[0] == '-') {
        s_expect(want, "--table-name=", v, "");
    } else {
        s_expect(want, "--table-name", "", "");
        s_expect(want, "", v, "");
    }
    dw_shell_printf(script, "printf '%%s\\0' $'a\\tb'%s\n", v);
    s_expect(want, "a\tb", v, "");
    assert_int_equal(script->st, DW_OK);
    /* Every line holds only printable ASCII, whatever v holds. */
    for (size_t i = start; i < script->len; i++) {
        if (script->data[i] != '\n')
            assert_true(s_visible(script->data + i, 1));
    }
}

static void s_roundtrip(const char *const *values, size_t n)
{
    static const char *const locales[] = {"C", "C.UTF-8"};
    struct dw_buf script, want;
    dw_buf_init(&script, 64u << 20);
    dw_buf_init(&want, 64u << 20);
    for (size_t i = 0; i < n; i++)
        s_add(&script, &want, values[i]);
    for (size_t l = 0; l < DW_ARRAY_LEN(locales); l++) {
        size_t got_len = 0;
        char *got = s_bash(script.data, script.len, locales[l], &got_len);
        if (got_len != want.len || memcmp(got, want.data, want.len) != 0) {
            /* Name the first value that came back different. */
            size_t off = 0;
            while (off < got_len && off < want.len && got[off] == want.data[off])
                off++;
            fail_msg("bash (%s) read back other bytes at offset %zu", locales[l], off);
        }
        free(got);
    }
    dw_buf_clean_up(&script);
    dw_buf_clean_up(&want);
}

static void test_forms(void **state)
{
    (void)state;
    static const struct {
        const char *in, *want;
    } cases[] = {
        {"orders", "orders"},
        {"arn:aws:dms:us-east-1:1:rep:X", "arn:aws:dms:us-east-1:1:rep:X"},
        {"a b", "'a b'"},
        {"it's", "'it'\\''s'"},
        {"", "''"},
        {"$(rm -rf /)", "'$(rm -rf /)'"},
        {"t;touch X;#", "'t;touch X;#'"},
        {"a\nb", "$'a\\nb'"},
        {"a\rb", "$'a\\rb'"},
        {"it's\n", "$'it\\x27s\\n'"},
        {"caf\xc3\xa9", "$'caf\\xc3\\xa9'"},
        {"x\x01!\\", "$'x\\x01\\x21\\\\'"},
    };
    for (size_t i = 0; i < DW_ARRAY_LEN(cases); i++) {
        struct dw_buf b;
        dw_buf_init(&b, 4096);
        dw_shell_quote(&b, cases[i].in);
        char *q = dw_buf_steal(&b);
        assert_string_equal(q, cases[i].want);
        free(q);
    }
    static const struct {
        const char *fmt, *v, *want;
    } in_templates[] = {
        {"--table-name %s", "-x", "--table-name=-x"},
        {"--table-name %s", "x y", "--table-name 'x y'"},
        {"Values=%s", "a b", "Values='a b'"},
        {"'{\"k\":\"%s\"}'", "plain text", "'{\"k\":\"plain text\"}'"},
        {"'{\"k\":\"%s\"}'", "it's", "'{\"k\":\"''it'\\''s''\"}'"},
        {"\"for %s\"", "$HOME", "\"for \"'$HOME'\"\""},
        {"\"for %s\"", "inst-1", "\"for inst-1\""},
        {"x # don't %s", "a\nb", "x # don't $'a\\nb'"},
        {"x # don't\ny %s", "it's", "x # don't\ny 'it'\\''s'"},
        {"x#y %s", "$(id)", "x#y '$(id)'"},
        {"x %d %ld %lld %zu %u %%", NULL, NULL},
    };
    for (size_t i = 0; i < DW_ARRAY_LEN(in_templates); i++) {
        struct dw_buf b;
        dw_buf_init(&b, 4096);
        if (!in_templates[i].v) {
            dw_shell_printf(&b, "x %d %ld %lld %zu %u %%", -1, 2L, 3LL, (size_t)4, 5u);
            assert_string_equal(b.data, "x -1 2 3 4 5 %");
        } else {
            dw_shell_printf(&b, in_templates[i].fmt, in_templates[i].v);
            assert_string_equal(b.data, in_templates[i].want);
        }
        dw_buf_clean_up(&b);
    }
}

static void test_roundtrip_hostile(void **state)
{
    (void)state;
    s_roundtrip(s_hostile, DW_ARRAY_LEN(s_hostile));
}

static void test_roundtrip_random(void **state)
{
    (void)state;
    enum { N = 600 };
    char **v = dw_xcalloc(N, sizeof(char *));
    uint64_t x = 0x9e3779b97f4a7c15u;
    for (size_t i = 0; i < N; i++) {
        x = x * 6364136223846793005u + 1442695040888963407u;
        size_t len = (size_t)(x >> 59); /* 0..31 */
        v[i] = dw_xcalloc(len + 1, 1);
        for (size_t k = 0; k < len; k++) {
            x = x * 6364136223846793005u + 1442695040888963407u;
            /* Half the time printable ASCII, else any byte but NUL. */
            unsigned r = (unsigned)(x >> 33);
            v[i][k] = (char)((r & 1) ? 0x20 + (r >> 1) % 95 : 1 + (r >> 1) % 255);
        }
    }
    s_roundtrip((const char *const *)v, N);
    for (size_t i = 0; i < N; i++)
        free(v[i]);
    free(v);
}

static void test_comments(void **state)
{
    (void)state;
    struct dw_buf script;
    dw_buf_init(&script, 1u << 20);
    dw_buf_puts(&script, "set -eu\n");
    size_t newlines = 0;
    for (size_t i = 0; i < DW_ARRAY_LEN(s_hostile); i++) {
        size_t start = script.len;
        dw_shell_comment(&script, "#   because: ", s_hostile[i]);
        size_t lines = 0;
        for (size_t k = start; k < script.len; k++) {
            if (script.data[k] == '\n') {
                lines++;
                /* Every line it wrote starts with the prefix. */
                if (k + 1 < script.len)
                    assert_memory_equal(script.data + k + 1, "#   because: ", 13);
            }
            assert_true(script.data[k] != '\r');
        }
        size_t want = 1;
        for (const char *c = s_hostile[i]; *c; c++)
            want += *c == '\n';
        assert_int_equal(lines, want);
        newlines += lines;
    }
    dw_buf_puts(&script, "printf done\n");
    size_t len = 0;
    char *got = s_bash(script.data, script.len, "C.UTF-8", &len);
    assert_string_equal(got, "done");
    free(got);
    /* Layout characters and broken UTF-8 are shown, valid text kept. */
    struct dw_buf b;
    dw_buf_init(&b, 4096);
    dw_shell_comment(&b, "# ", "caf\xc3\xa9 \xe2\x80\xae" "x\xff\x1b\r");
    assert_string_equal(b.data, "# caf\xc3\xa9 \\xe2\\x80\\xaex\\xff\\x1b\\x0d\n");
    dw_buf_clean_up(&b);
    dw_buf_clean_up(&script);
    assert_true(newlines > DW_ARRAY_LEN(s_hostile));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_forms),
        cmocka_unit_test(test_roundtrip_hostile),
        cmocka_unit_test(test_roundtrip_random),
        cmocka_unit_test(test_comments),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
