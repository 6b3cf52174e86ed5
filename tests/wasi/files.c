// WASI guest: file I/O, directories, stat, readdir, rename, symlinks and unlink through
// wasi-libc, in the granted directory "." (the test grants a fresh temp dir). Prints a
// transcript the test compares line by line; exits 1 at the first unexpected result.
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define CHECK(cond)                                                          \
  do {                                                                       \
    if (!(cond)) {                                                           \
      printf("FAIL line %d: %s (errno %d %s)\n", __LINE__, #cond, errno,     \
             strerror(errno));                                               \
      exit(1);                                                               \
    }                                                                        \
  } while (0)

static int CompareNames(const void* a, const void* b) {
  return strcmp(*(const char* const*)a, *(const char* const*)b);
}

static void ListDir(const char* path) {
  DIR* d = opendir(path);
  CHECK(d != NULL);
  char* names[64];
  int n = 0;
  struct dirent* e;
  while ((e = readdir(d)) != NULL && n < 64) {
    if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
    char buf[300];
    snprintf(buf, sizeof buf, "%s%s", e->d_name,
             e->d_type == DT_DIR ? "/" : e->d_type == DT_LNK ? "@" : "");
    names[n++] = strdup(buf);
  }
  closedir(d);
  qsort(names, (size_t)n, sizeof names[0], CompareNames);
  printf("ls %s:", path);
  for (int i = 0; i < n; ++i) {
    printf(" %s", names[i]);
    free(names[i]);
  }
  printf("\n");
}

int main(void) {
  // Write, read back, seek, pread/pwrite, append.
  int fd = open("a.txt", O_CREAT | O_RDWR | O_TRUNC, 0644);
  CHECK(fd >= 0);
  CHECK(write(fd, "hello world\n", 12) == 12);
  CHECK(lseek(fd, 6, SEEK_SET) == 6);
  char buf[64] = {0};
  CHECK(read(fd, buf, 5) == 5);
  printf("read: %s\n", buf);
  CHECK(pwrite(fd, "HELLO", 5, 0) == 5);
  memset(buf, 0, sizeof buf);
  CHECK(pread(fd, buf, 12, 0) == 12);
  printf("pread: %s", buf);
  CHECK(lseek(fd, 0, SEEK_CUR) == 11);
  CHECK(ftruncate(fd, 5) == 0);
  struct stat st;
  CHECK(fstat(fd, &st) == 0);
  printf("size after truncate: %lld regular=%d\n", (long long)st.st_size, S_ISREG(st.st_mode));
  CHECK(close(fd) == 0);
  fd = open("a.txt", O_WRONLY | O_APPEND);
  CHECK(fd >= 0);
  CHECK(write(fd, "+tail", 5) == 5);
  CHECK(close(fd) == 0);
  FILE* f = fopen("a.txt", "r");
  CHECK(f != NULL);
  CHECK(fgets(buf, sizeof buf, f) != NULL);
  fclose(f);
  printf("append: %s\n", buf);

  // Directories, nested files, readdir.
  CHECK(mkdir("d", 0755) == 0);
  CHECK(mkdir("d/e", 0755) == 0);
  CHECK(mkdir("d", 0755) == -1 && errno == EEXIST);
  f = fopen("d/e/deep.txt", "w");
  CHECK(f != NULL);
  fputs("deep\n", f);
  fclose(f);
  CHECK(stat("d/e/deep.txt", &st) == 0 && st.st_size == 5);
  ListDir(".");
  ListDir("d");

  // Rename (file and directory), then the old names are gone.
  CHECK(rename("a.txt", "b.txt") == 0);
  CHECK(access("a.txt", F_OK) == -1 && errno == ENOENT);
  CHECK(rename("d/e", "d/f") == 0);
  CHECK(stat("d/f/deep.txt", &st) == 0);

  // Symlinks inside the grant: create, read, follow, lstat.
  CHECK(symlink("d/f/deep.txt", "link") == 0);
  char target[64] = {0};
  CHECK(readlink("link", target, sizeof target - 1) == 12);
  printf("readlink: %s\n", target);
  CHECK(lstat("link", &st) == 0 && S_ISLNK(st.st_mode));
  CHECK(stat("link", &st) == 0 && S_ISREG(st.st_mode) && st.st_size == 5);
  f = fopen("link", "r");
  CHECK(f != NULL);
  CHECK(fgets(buf, sizeof buf, f) != NULL);
  fclose(f);
  printf("via link: %s", buf);
  CHECK(link("b.txt", "hard.txt") == 0);
  CHECK(stat("b.txt", &st) == 0 && st.st_nlink == 2);
  ListDir(".");

  // Remove everything again.
  CHECK(unlink("link") == 0);
  CHECK(unlink("hard.txt") == 0);
  CHECK(rmdir("d") == -1 && errno == ENOTEMPTY);
  CHECK(unlink("d/f/deep.txt") == 0);
  CHECK(rmdir("d/f") == 0);
  CHECK(rmdir("d") == 0);
  CHECK(unlink("b.txt") == 0);
  ListDir(".");

  // Synchronized I/O: an O_DSYNC open, and fcntl(F_SETFL) keeping the flags it reports (the
  // usual "add O_NONBLOCK" idiom) works; changing the sync mode later is not supported.
  int sfd = open("sync.txt", O_WRONLY | O_CREAT | O_DSYNC, 0644);
  CHECK(sfd >= 0);
  CHECK(write(sfd, "s\n", 2) == 2);
  int fl = fcntl(sfd, F_GETFL);
  CHECK(fl >= 0 && (fl & O_DSYNC));
  CHECK(fcntl(sfd, F_SETFL, fl | O_NONBLOCK) == 0);
  CHECK((fcntl(sfd, F_GETFL) & O_NONBLOCK) != 0);
  CHECK(fcntl(sfd, F_SETFL, fl & ~O_DSYNC) == -1);
  CHECK(close(sfd) == 0);
  CHECK(unlink("sync.txt") == 0);
  printf("files ok\n");
  return 0;
}
