/* test_file.c: the atomic writer (dbward/file.h) and the no-follow folder
 * walk and reader (util.h): modes, refusal of links and special files,
 * failed writes that leave the old file and no temporary file behind. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include <dbward/file.h>

#include "util/util.h"

static char s_dir[256];

static char *s_path(const char *name)
{
    return dw_xasprintf("%s/%s", s_dir, name);
}

static void s_put(const char *name, const char *text)
{
    char *p = s_path(name);
    FILE *f = fopen(p, "wb");
    assert_non_null(f);
    fputs(text, f);
    assert_int_equal(fclose(f), 0);
    free(p);
}

/* The whole file, or NULL when it cannot be read. */
static char *s_get(const char *name)
{
    char *p = s_path(name);
    struct dw_buf b;
    dw_buf_init(&b, 1 << 20);
    enum dw_status rc = dw_buf_read_file(&b, p);
    free(p);
    return rc ? NULL : dw_buf_steal(&b);
}

static int s_mode(const char *name)
{
    char *p = s_path(name);
    struct stat st;
    int rc = lstat(p, &st);
    free(p);
    return rc == 0 ? (int)(st.st_mode & 07777) : -1;
}

/* Entries of the test folder whose name holds ".dbward-" (temporary files). */
static int s_temps(void)
{
    DIR *d = opendir(s_dir);
    assert_non_null(d);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        n += strstr(e->d_name, ".dbward-") != NULL;
    closedir(d);
    return n;
}

static int s_setup(void **state)
{
    (void)state;
    snprintf(s_dir, sizeof(s_dir), "/tmp/dw-test-file-XXXXXX");
    assert_non_null(mkdtemp(s_dir));
    return 0;
}

static int s_teardown(void **state)
{
    (void)state;
    char *cmd = dw_xasprintf("rm -rf '%s'", s_dir);
    int rc = system(cmd);
    free(cmd);
    return rc == 0 ? 0 : -1;
}

static void test_commit_mode(void **state)
{
    (void)state;
    static const mode_t umasks[] = {022, 0, 077, 0277};
    for (size_t i = 0; i < DW_ARRAY_LEN(umasks); i++) {
        mode_t old = umask(umasks[i]);
        char *p = s_path("out.json");
        struct dw_error err;
        memset(&err, 0, sizeof(err));
        assert_int_equal(dw_atomic_file_write(p, "{}\n", 3, &err), DW_OK);
        umask(old);
        free(p);
        char *got = s_get("out.json");
        assert_string_equal(got, "{}\n");
        free(got);
        assert_int_equal(s_mode("out.json"), 0600);
        assert_int_equal(s_temps(), 0);
    }
    /* Replacing a 0644 file leaves a 0600 one. */
    s_put("wide.txt", "old");
    char *p = s_path("wide.txt");
    assert_int_equal(chmod(p, 0644), 0);
    assert_int_equal(dw_atomic_file_write(p, "new", 3, NULL), DW_OK);
    free(p);
    assert_int_equal(s_mode("wide.txt"), 0600);
}

static void test_abort_keeps_old(void **state)
{
    (void)state;
    s_put("keep.txt", "old content");
    char *p = s_path("keep.txt");
    struct dw_atomic_file *f = NULL;
    assert_int_equal(dw_atomic_file_open(p, &f, NULL), DW_OK);
    fputs("half of a new", dw_atomic_file_stream(f));
    assert_int_equal(s_temps(), 1);
    dw_atomic_file_abort(f);
    dw_atomic_file_abort(NULL);
    free(p);
    char *got = s_get("keep.txt");
    assert_string_equal(got, "old content");
    free(got);
    assert_int_equal(s_temps(), 0);
}

/* Targets that are refused before anything is created, each with the words
 * its message must hold. */
static void test_refused_targets(void **state)
{
    (void)state;
    s_put("secret", "SECRET");
    char *secret = s_path("secret");
    assert_int_equal(chmod(secret, 0640), 0);
    char *link = s_path("link.json");
    char *dangling = s_path("dangling.json");
    char *loop = s_path("loop.json");
    char *fifo = s_path("fifo.json");
    char *dir = s_path("dir.json");
    assert_int_equal(symlink(secret, link), 0);
    assert_int_equal(symlink("/nonexistent/x", dangling), 0);
    assert_int_equal(symlink("loop.json", loop), 0);
    assert_int_equal(mkfifo(fifo, 0600), 0);
    assert_int_equal(mkdir(dir, 0700), 0);
    char *slash = dw_xasprintf("%s/", s_dir);
    static const struct {
        const char *name, *want;
        enum dw_status st;
    } cases[] = {
        {"link.json", "is a symbolic link; dbward replaces only regular files", DW_E_IO},
        {"dangling.json", "is a symbolic link", DW_E_IO},
        {"loop.json", "is a symbolic link", DW_E_IO},
        {"fifo.json", "is a FIFO", DW_E_IO},
        {"dir.json", "is a folder", DW_E_IO},
        {"", "is a folder name, not a file name", DW_E_USAGE},
    };
    for (size_t i = 0; i < DW_ARRAY_LEN(cases); i++) {
        char *p = cases[i].name[0] ? s_path(cases[i].name) : dw_xstrdup(slash);
        struct dw_error err;
        memset(&err, 0, sizeof(err));
        struct dw_atomic_file *f = NULL;
        assert_int_equal(dw_atomic_file_open(p, &f, &err), cases[i].st);
        assert_null(f);
        assert_string_equal(err.source, p);
        if (!strstr(err.message, cases[i].want))
            fail_msg("%s: got \"%s\", wanted \"%s\"", cases[i].name, err.message, cases[i].want);
        free(p);
    }
    char *got = s_get("secret");
    assert_string_equal(got, "SECRET");
    free(got);
    assert_int_equal(s_mode("secret"), 0640);
    assert_int_equal(s_temps(), 0);
    free(secret);
    free(link);
    free(dangling);
    free(loop);
    free(fifo);
    free(dir);
    free(slash);
}

/* A character device is written in place; /dev/full fails the commit with
 * the OS error. */
static void test_devices(void **state)
{
    (void)state;
    struct dw_error err;
    memset(&err, 0, sizeof(err));
    assert_int_equal(dw_atomic_file_write("/dev/null", "x", 1, &err), DW_OK);
    if (access("/dev/full", W_OK) != 0)
        return;
    struct dw_atomic_file *f = NULL;
    assert_int_equal(dw_atomic_file_open("/dev/full", &f, &err), DW_OK);
    for (int i = 0; i < 2000; i++)
        fputs("0123456789", dw_atomic_file_stream(f));
    assert_int_equal(dw_atomic_file_commit(f, &err), DW_E_IO);
    assert_string_equal(err.source, "/dev/full");
    assert_string_equal(err.message, "cannot write: No space left on device");
}

/* A write that fails half way (RLIMIT_FSIZE: EFBIG) leaves the old file
 * and no temporary file. */
static void test_failed_write(void **state)
{
    (void)state;
    s_put("big.json", "previous");
    struct rlimit old;
    assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
    void (*prev)(int) = signal(SIGXFSZ, SIG_IGN);
    struct rlimit small = {4096, old.rlim_max};
    assert_int_equal(setrlimit(RLIMIT_FSIZE, &small), 0);
    char *p = s_path("big.json");
    struct dw_atomic_file *f = NULL;
    struct dw_error err;
    memset(&err, 0, sizeof(err));
    assert_int_equal(dw_atomic_file_open(p, &f, &err), DW_OK);
    for (int i = 0; i < 1000; i++)
        fputs("0123456789", dw_atomic_file_stream(f));
    enum dw_status rc = dw_atomic_file_commit(f, &err);
    assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
    signal(SIGXFSZ, prev);
    assert_int_equal(rc, DW_E_IO);
    assert_string_equal(err.source, p);
    assert_string_equal(err.message, "cannot write: File too large");
    free(p);
    char *got = s_get("big.json");
    assert_string_equal(got, "previous");
    free(got);
    assert_int_equal(s_temps(), 0);
}

static void test_dir_walk(void **state)
{
    (void)state;
    int root = open(s_dir, O_RDONLY | O_DIRECTORY);
    assert_true(root >= 0);
    mode_t old = umask(0);
    int fd = -1;
    struct dw_error err;
    memset(&err, 0, sizeof(err));
    assert_int_equal(dw_dir_open_beneath(root, "a/b/c", true, "R", &fd, &err), DW_OK);
    umask(old);
    assert_true(fd >= 0);
    close(fd);
    assert_int_equal(s_mode("a"), 0700);
    assert_int_equal(s_mode("a/b/c"), 0700);
    char *outside = s_path("outside");
    assert_int_equal(mkdir(outside, 0755), 0);
    char *ln = s_path("a/ln");
    assert_int_equal(symlink(outside, ln), 0);
    s_put("a/file", "x");
    static const struct {
        const char *rel;
        bool create;
        enum dw_status st;
        const char *source, *want;
    } cases[] = {
        {"a/b", false, DW_OK, "", ""},
        {"", false, DW_OK, "", ""},
        {"a/missing/c", false, DW_E_NOT_FOUND, "R/a/missing", "No such file or directory"},
        {"a/ln", false, DW_E_IO, "R/a/ln", "is a symbolic link"},
        {"a/ln/new", true, DW_E_IO, "R/a/ln", "is a symbolic link"},
        {"a/file", false, DW_E_IO, "R/a/file", "is a file where a folder is expected"},
        {"a/../a", false, DW_E_USAGE, "R/a/..", "are not followed"},
    };
    for (size_t i = 0; i < DW_ARRAY_LEN(cases); i++) {
        memset(&err, 0, sizeof(err));
        fd = -1;
        assert_int_equal(dw_dir_open_beneath(root, cases[i].rel, cases[i].create, "R", &fd, &err), cases[i].st);
        if (cases[i].st == DW_OK) {
            assert_true(fd >= 0);
            close(fd);
            continue;
        }
        assert_int_equal(fd, -1);
        assert_string_equal(err.source, cases[i].source);
        if (!strstr(err.message, cases[i].want))
            fail_msg("%s: got \"%s\"", cases[i].rel, err.message);
    }
    /* Nothing was made through the link. */
    char *through = s_path("outside/new");
    assert_int_equal(access(through, F_OK), -1);
    free(through);
    free(outside);
    free(ln);
    close(root);
}

static void test_read_at(void **state)
{
    (void)state;
    s_put("ok.json", "{\"a\": 1}");
    s_put("canary", "CANARY-1f2e3d");
    char *canary = s_path("canary");
    char *ln = s_path("ln.json");
    char *loop = s_path("loop.json");
    char *dangling = s_path("dangling.json");
    char *fifo = s_path("fifo.json");
    char *dir = s_path("dir.json");
    assert_int_equal(symlink(canary, ln), 0);
    assert_int_equal(symlink("loop.json", loop), 0);
    assert_int_equal(symlink("nope", dangling), 0);
    assert_int_equal(mkfifo(fifo, 0600), 0);
    assert_int_equal(mkdir(dir, 0700), 0);
    int root = open(s_dir, O_RDONLY | O_DIRECTORY);
    assert_true(root >= 0);
    static const struct {
        const char *name;
        size_t max;
        enum dw_status st;
        const char *want;
    } cases[] = {
        {"ok.json", 100, DW_OK, "{\"a\": 1}"},
        {"ok.json", 3, DW_E_TOO_BIG, "file is larger than 3 bytes"},
        {"ln.json", 100, DW_E_IO, "is a symbolic link; dbward does not follow links inside a snapshot"},
        {"loop.json", 100, DW_E_IO, "is a symbolic link"},
        {"dangling.json", 100, DW_E_IO, "is a symbolic link"},
        {"fifo.json", 100, DW_E_IO, "is a FIFO where a file is expected"},
        {"dir.json", 100, DW_E_IO, "is a folder where a file is expected"},
        {"missing.json", 100, DW_E_NOT_FOUND, "No such file or directory"},
    };
    for (size_t i = 0; i < DW_ARRAY_LEN(cases); i++) {
        char *data = NULL;
        size_t len = 0;
        struct dw_error err;
        memset(&err, 0, sizeof(err));
        assert_int_equal(dw_file_read_at(root, cases[i].name, cases[i].name, cases[i].max, &data, &len, &err),
                         cases[i].st);
        if (cases[i].st == DW_OK) {
            assert_string_equal(data, cases[i].want);
            assert_int_equal(len, strlen(cases[i].want));
            free(data);
            continue;
        }
        assert_null(data);
        assert_string_equal(err.source, cases[i].name);
        if (!strstr(err.message, cases[i].want))
            fail_msg("%s: got \"%s\"", cases[i].name, err.message);
        assert_null(strstr(err.message, "CANARY"));
    }
    close(root);
    free(canary);
    free(ln);
    free(loop);
    free(dangling);
    free(fifo);
    free(dir);
}

/* A folder's listing names every entry with the type the folder records,
 * and nothing else; a name the listing showed as a file is still refused
 * when it was swapped for a link or a FIFO before the read. */
static void test_dirlist(void **state)
{
    (void)state;
    s_put("a.json", "{}");
    char *canary = s_path("canary");
    s_put("canary", "CANARY-1f2e3d");
    char *ln = s_path("ln.json");
    char *fifo = s_path("fifo.json");
    char *dir = s_path("sub");
    assert_int_equal(symlink(canary, ln), 0);
    assert_int_equal(mkfifo(fifo, 0600), 0);
    assert_int_equal(mkdir(dir, 0700), 0);
    for (int i = 0; i < 300; i++) { /* the table grows several times */
        char name[32];
        snprintf(name, sizeof(name), "t%03d.json", i);
        s_put(name, "[]");
    }
    int root = open(s_dir, O_RDONLY | O_DIRECTORY);
    assert_true(root >= 0);
    struct dw_dirlist *l = NULL;
    struct dw_error err;
    memset(&err, 0, sizeof(err));
    assert_int_equal(dw_dirlist_read(root, s_dir, &l, &err), DW_OK);
    /* The file system of the test folder records types (tmpfs, ext4). */
    assert_int_equal(dw_dirlist_type(l, "a.json"), DT_REG);
    assert_int_equal(dw_dirlist_type(l, "ln.json"), DT_LNK);
    assert_int_equal(dw_dirlist_type(l, "fifo.json"), DT_FIFO);
    assert_int_equal(dw_dirlist_type(l, "sub"), DT_DIR);
    assert_int_equal(dw_dirlist_type(l, "t000.json"), DT_REG);
    assert_int_equal(dw_dirlist_type(l, "t299.json"), DT_REG);
    assert_int_equal(dw_dirlist_type(l, "t300.json"), -1);
    assert_int_equal(dw_dirlist_type(l, "."), -1);
    assert_int_equal(dw_dirlist_type(l, ".."), -1);
    assert_int_equal(dw_dirlist_type(l, "a.jso"), -1);
    assert_int_equal(dw_dirlist_type(l, ""), -1);
    dw_dirlist_free(l);

    /* Listed as files, then swapped. */
    char *buf = NULL;
    size_t cap = 0, len = 0;
    assert_int_equal(dw_file_read_listed_at(root, "a.json", "a.json", 100, &buf, &cap, &len, &err), DW_OK);
    assert_string_equal(buf, "{}");
    char *t1 = s_path("t001.json");
    char *t2 = s_path("t002.json");
    assert_int_equal(unlink(t1), 0);
    assert_int_equal(symlink(canary, t1), 0);
    assert_int_equal(unlink(t2), 0);
    assert_int_equal(mkfifo(t2, 0600), 0);
    assert_int_equal(dw_file_read_listed_at(root, "t001.json", "t001.json", 100, &buf, &cap, &len, &err), DW_E_IO);
    assert_non_null(strstr(err.message, "is a symbolic link"));
    assert_int_equal(len, 0);
    assert_int_equal(dw_file_read_listed_at(root, "t002.json", "t002.json", 100, &buf, &cap, &len, &err), DW_E_IO);
    assert_non_null(strstr(err.message, "is a FIFO where a file is expected"));
    assert_int_equal(dw_file_read_listed_at(root, "t003.json", "t003.json", 1, &buf, &cap, &len, &err),
                     DW_E_TOO_BIG);
    char *t4 = s_path("t004.json");
    assert_int_equal(unlink(t4), 0);
    free(t4);
    assert_int_equal(dw_file_read_listed_at(root, "t004.json", "t004.json", 100, &buf, &cap, &len, &err),
                     DW_E_NOT_FOUND);
    free(buf);
    close(root);
    free(t1);
    free(t2);
    free(canary);
    free(ln);
    free(fifo);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_commit_mode, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_abort_keeps_old, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_refused_targets, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_devices, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_failed_write, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_dir_walk, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_read_at, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_dirlist, s_setup, s_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
