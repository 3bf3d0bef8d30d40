/* escape: hostile paths that try to leave the preopened directories.
 *
 * Preopens: "." (root/) and "other" (other/), side by side in a work folder
 * that also holds secret.txt and an empty outside/ folder. In root/: in.txt,
 * sub/, and symlinks made by the harness:
 *   abs_link     -> <absolute host path of secret.txt>
 *   abs_dir_link -> <absolute host path of outside/>
 *   rel_link     -> ../secret.txt
 *   deep_link    -> sub/../../secret.txt
 *   up_link      -> ..
 *   sub/ok_link  -> ../in.txt   (stays inside: must work)
 *
 * Every attempt to read, write, create, link, rename, remove or stat
 * something outside must fail; the errno of each is printed, and at the end
 * the number of attempts that succeeded (must be 0). The harness also checks
 * that nothing outside the preopens changed. Controls (paths that only look
 * odd and stay inside) must succeed.
 *
 * wasmtime notes (kept in the .expected file, a compatible host must match):
 * - leaving the preopen with ".." or through a symlink answers PERM (the old
 *   wasi-common said NOTCAPABLE, which the spec's rights model suggests);
 *   so does any absolute path, and any path that goes out and comes back in
 *   ("../root/in.txt").
 * - path_symlink refuses an absolute target with PERM, but creates a link
 *   whose relative target points out (it is only a string); following it
 *   then fails.
 * - the links themselves can be inspected: path_filestat_get without
 *   SYMLINK_FOLLOW works on links that point out, and path_readlink on a
 *   relative one; but path_readlink of a link whose target is absolute
 *   answers PERM (POSIX readlink would return the text; the guest would
 *   not print it anyway, it is a host path).
 * - a symlink loop answers LOOP.
 * - path_rename and path_link between the two preopens succeed: both ends
 *   are inside the sandbox (a host on one file system may say XDEV instead).
 */
#include "check.h"

static __wasi_fd_t root, other;
static int escaped = 0;

/* An attempt to reach outside: must fail. */
static void attempt(const char *label, __wasi_errno_t e) {
    printf("%s = %s%s\n", label, errname(e), e == 0 ? "   <-- ESCAPED" : "");
    if (e == 0) escaped++;
}

static __wasi_errno_t open_(__wasi_fd_t dir, __wasi_lookupflags_t look, const char *path, __wasi_oflags_t of,
                            __wasi_rights_t rights) {
    __wasi_fd_t fd;
    __wasi_errno_t e = __wasi_path_open(dir, look, path, of, rights, RIGHTS_ALL, 0, &fd);
    if (e == 0) (void)__wasi_fd_close(fd);
    return e;
}

#define FOLLOW __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW

static void dotdot_and_absolute(void) {
    const char *paths[] = {"..", "../secret.txt", "./../secret.txt", "sub/../../secret.txt", "sub/../..",
                           "../root/in.txt", "../other/o.txt", "/secret.txt", "/", "/etc/passwd",
                           "//secret.txt", "/in.txt"};
    char label[120];
    for (unsigned i = 0; i < sizeof paths / sizeof *paths; i++) {
        snprintf(label, sizeof label, "path_open(%s)", paths[i]);
        attempt(label, open_(root, FOLLOW, paths[i], 0, RIGHTS_RO));
    }
    __wasi_filestat_t st;
    attempt("path_filestat_get(..)", __wasi_path_filestat_get(root, 0, "..", &st));
    attempt("path_filestat_get(../secret.txt)", __wasi_path_filestat_get(root, 0, "../secret.txt", &st));
    attempt("path_filestat_get(/)", __wasi_path_filestat_get(root, 0, "/", &st));
    attempt("path_filestat_set_times(../secret.txt)",
            __wasi_path_filestat_set_times(root, 0, "../secret.txt", 0, 0, __WASI_FSTFLAGS_MTIM_NOW));
    attempt("path_open(../stolen.txt, CREAT)", open_(root, 0, "../stolen.txt", __WASI_OFLAGS_CREAT, RIGHTS_ALL));
    attempt("path_open(../secret.txt, TRUNC)", open_(root, 0, "../secret.txt", __WASI_OFLAGS_TRUNC, RIGHTS_ALL));
    attempt("path_create_directory(../newdir)", __wasi_path_create_directory(root, "../newdir"));
    attempt("path_create_directory(/newdir)", __wasi_path_create_directory(root, "/newdir"));
    attempt("path_unlink_file(../secret.txt)", __wasi_path_unlink_file(root, "../secret.txt"));
    attempt("path_remove_directory(../outside)", __wasi_path_remove_directory(root, "../outside"));
    attempt("path_rename(../secret.txt -> stolen.txt)", __wasi_path_rename(root, "../secret.txt", root, "stolen.txt"));
    attempt("path_rename(in.txt -> ../moved.txt)", __wasi_path_rename(root, "in.txt", root, "../moved.txt"));
    attempt("path_link(../secret.txt -> stolen.txt)", __wasi_path_link(root, 0, "../secret.txt", root, "stolen.txt"));
    attempt("path_link(in.txt -> ../outside/linked.txt)",
            __wasi_path_link(root, 0, "in.txt", root, "../outside/linked.txt"));
    attempt("path_symlink(in.txt -> ../outside/sym)", __wasi_path_symlink("in.txt", root, "../outside/sym"));
    attempt("path_symlink(x -> /abs_sym)", __wasi_path_symlink("x", root, "/abs_sym"));
    char buf[64];
    __wasi_size_t n;
    attempt("path_readlink(../root/abs_link)", __wasi_path_readlink(root, "../root/abs_link", (uint8_t *)buf, 64, &n));
}

static void through_symlinks(void) {
    const char *paths[] = {"abs_link", "rel_link", "deep_link", "up_link", "up_link/secret.txt",
                           "abs_dir_link", "abs_dir_link/.", "sub/../up_link/secret.txt"};
    char label[120];
    __wasi_filestat_t st;
    for (unsigned i = 0; i < sizeof paths / sizeof *paths; i++) {
        snprintf(label, sizeof label, "path_open(%s, follow)", paths[i]);
        attempt(label, open_(root, FOLLOW, paths[i], 0, RIGHTS_RO));
        snprintf(label, sizeof label, "path_filestat_get(%s, follow)", paths[i]);
        attempt(label, __wasi_path_filestat_get(root, FOLLOW, paths[i], &st));
    }
    attempt("path_open(up_link/secret.txt) nofollow (link in the middle)", open_(root, 0, "up_link/secret.txt", 0, RIGHTS_RO));
    attempt("path_open(abs_dir_link/new.txt, CREAT)", open_(root, 0, "abs_dir_link/new.txt", __WASI_OFLAGS_CREAT, RIGHTS_ALL));
    attempt("path_open(rel_link, follow, TRUNC)", open_(root, FOLLOW, "rel_link", __WASI_OFLAGS_TRUNC, RIGHTS_ALL));
    attempt("path_create_directory(up_link/newdir)", __wasi_path_create_directory(root, "up_link/newdir"));
    attempt("path_create_directory(abs_dir_link/newdir)", __wasi_path_create_directory(root, "abs_dir_link/newdir"));
    attempt("path_unlink_file(up_link/secret.txt)", __wasi_path_unlink_file(root, "up_link/secret.txt"));
    attempt("path_remove_directory(up_link/outside)", __wasi_path_remove_directory(root, "up_link/outside"));
    attempt("path_rename(in.txt -> up_link/moved.txt)", __wasi_path_rename(root, "in.txt", root, "up_link/moved.txt"));
    attempt("path_rename(in.txt -> abs_dir_link/moved.txt)",
            __wasi_path_rename(root, "in.txt", root, "abs_dir_link/moved.txt"));
    attempt("path_link(rel_link -> stolen.txt, follow)",
            __wasi_path_link(root, FOLLOW, "rel_link", root, "stolen.txt"));
    attempt("path_symlink(x -> up_link/sym)", __wasi_path_symlink("x", root, "up_link/sym"));
    attempt("path_filestat_set_times(abs_link, follow)",
            __wasi_path_filestat_set_times(root, FOLLOW, "abs_link", 0, 0, __WASI_FSTFLAGS_MTIM_NOW));

    /* Controls: inspecting the links themselves, and a link that stays inside. */
    char buf[128];
    __wasi_size_t n = 0;
    check("control: path_filestat_get(abs_link, nofollow)", __wasi_path_filestat_get(root, 0, "abs_link", &st));
    check("control: path_filestat_get(up_link, nofollow)", __wasi_path_filestat_get(root, 0, "up_link", &st));
    printf("path_readlink(abs_link) (text would not be shown) = %s\n",
           errname(__wasi_path_readlink(root, "abs_link", (uint8_t *)buf, sizeof buf, &n)));
    if (got("control: path_readlink(rel_link)", __wasi_path_readlink(root, "rel_link", (uint8_t *)buf, sizeof buf, &n))) {
        put_str(buf, n);
        printf("\n");
    }
    check("control: path_open(sub/ok_link, follow)", open_(root, FOLLOW, "sub/ok_link", 0, RIGHTS_RO));
    check("control: path_open(sub/.., DIRECTORY)", open_(root, 0, "sub/..", __WASI_OFLAGS_DIRECTORY, RIGHTS_RO));
    check("control: path_open(./sub/../in.txt)", open_(root, 0, "./sub/../in.txt", 0, RIGHTS_RO));
    check("control: path_unlink_file(rel_link) removes the link", __wasi_path_unlink_file(root, "rel_link"));
}

static void making_links_that_point_out(void) {
    attempt("path_symlink(/etc/passwd -> new_abs)", __wasi_path_symlink("/etc/passwd", root, "new_abs"));
    __wasi_errno_t e = __wasi_path_symlink("../secret.txt", root, "new_rel");
    printf("path_symlink(../secret.txt -> new_rel) = %s (creating it is harmless)\n", errname(e));
    if (e == 0) {
        attempt("path_open(new_rel, follow)", open_(root, FOLLOW, "new_rel", 0, RIGHTS_RO));
        attempt("path_open(new_rel, follow, CREAT|TRUNC)",
                open_(root, FOLLOW, "new_rel", __WASI_OFLAGS_CREAT | __WASI_OFLAGS_TRUNC, RIGHTS_ALL));
    }
    e = __wasi_path_symlink("../../secret.txt", root, "sub/new_rel2");
    printf("path_symlink(../../secret.txt -> sub/new_rel2) = %s\n", errname(e));
    if (e == 0) attempt("path_open(sub/new_rel2, follow)", open_(root, FOLLOW, "sub/new_rel2", 0, RIGHTS_RO));
    e = __wasi_path_symlink("../root/in.txt", other, "to_root");
    printf("path_symlink(other: ../root/in.txt -> to_root) = %s\n", errname(e));
    if (e == 0) attempt("path_open(other: to_root, follow)", open_(other, FOLLOW, "to_root", 0, RIGHTS_RO));
}

static void loops(void) {
    check("path_symlink(loop2 -> loop1)", __wasi_path_symlink("loop2", root, "loop1"));
    check("path_symlink(loop1 -> loop2)", __wasi_path_symlink("loop1", root, "loop2"));
    check("path_symlink(self -> self)", __wasi_path_symlink("self", root, "self"));
    __wasi_filestat_t st;
    check("path_open(loop1, follow)", open_(root, FOLLOW, "loop1", 0, RIGHTS_RO));
    check("path_open(self, follow)", open_(root, FOLLOW, "self", 0, RIGHTS_RO));
    check("path_open(loop1/x)", open_(root, 0, "loop1/x", 0, RIGHTS_RO));
    check("path_open(loop1, follow, CREAT)", open_(root, FOLLOW, "loop1", __WASI_OFLAGS_CREAT, RIGHTS_ALL));
    check("path_filestat_get(loop1, follow)", __wasi_path_filestat_get(root, FOLLOW, "loop1", &st));
    if (got("path_filestat_get(loop1, nofollow)", __wasi_path_filestat_get(root, 0, "loop1", &st)))
        printf("type=%s\n", typename_(st.filetype));
    check("path_create_directory(self/x)", __wasi_path_create_directory(root, "self/x"));
    check("path_unlink_file(loop1) removes the link", __wasi_path_unlink_file(root, "loop1"));
    check("path_open(loop2, follow) now dangling", open_(root, FOLLOW, "loop2", 0, RIGHTS_RO));
}

static void across_preopens(void) {
    /* Both ends are inside the sandbox: allowed, but recorded. */
    __wasi_errno_t e = __wasi_path_rename(root, "in.txt", other, "moved.txt");
    printf("path_rename(.:in.txt -> other:moved.txt) = %s\n", errname(e));
    if (e == 0) {
        check("  path_filestat_get(other: moved.txt)", __wasi_path_filestat_get(other, 0, "moved.txt", &(__wasi_filestat_t){0}));
        check("  path_rename back", __wasi_path_rename(other, "moved.txt", root, "in.txt"));
    }
    e = __wasi_path_link(root, 0, "in.txt", other, "linked.txt");
    printf("path_link(.:in.txt -> other:linked.txt) = %s\n", errname(e));
    if (e == 0) check("  path_unlink_file(other: linked.txt)", __wasi_path_unlink_file(other, "linked.txt"));
    attempt("path_rename(other: ../secret.txt -> .:s.txt)", __wasi_path_rename(other, "../secret.txt", root, "s.txt"));
    attempt("path_rename(.:in.txt -> other: ../in.txt)", __wasi_path_rename(root, "in.txt", other, "../in.txt"));
    attempt("path_open(other: ../root/in.txt)", open_(other, 0, "../root/in.txt", 0, RIGHTS_RO));
}

static void from_a_subdirectory_fd(void) {
    __wasi_fd_t sub = must_open(root, "sub", __WASI_OFLAGS_DIRECTORY, RIGHTS_RO);
    attempt("path_open(sub fd: ../../secret.txt)", open_(sub, 0, "../../secret.txt", 0, RIGHTS_RO));
    attempt("path_open(sub fd: /secret.txt)", open_(sub, 0, "/secret.txt", 0, RIGHTS_RO));
    /* out of sub's own fd but still inside the preopen */
    __wasi_errno_t e = open_(sub, 0, "../in.txt", 0, RIGHTS_RO);
    printf("path_open(sub fd: ../in.txt) still inside the preopen = %s\n", errname(e));
    (void)__wasi_fd_close(sub);
}

int main(void) {
    root = preopen(".");
    other = preopen("other");
    dotdot_and_absolute();
    through_symlinks();
    making_links_that_point_out();
    loops();
    across_preopens();
    from_a_subdirectory_fd();
    printf("escapes that succeeded: %d\n", escaped);
    return 0;
}
