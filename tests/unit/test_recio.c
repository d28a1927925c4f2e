/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* test_recio.c - tests of the recording file layer in a private temp dir (no root needed).
 *
 * recio.c is impure, so it is not in libpcg_core.a that the unit binary links; this file
 * compiles it in directly.  Everything happens below a fresh mkdtemp() directory.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/types.h>

#include "pcg_abi.h"
#include "record.h"
#include "recio.h"
#include "test.h"

#include "recio.c"

static char tmpdir[64];

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

static bool tmp_setup(void)
{
	strcpy(tmpdir, "/tmp/pcg-recio-XXXXXX");
	if (!mkdtemp(tmpdir)) {
		pcg_test__skip("mkdtemp failed");
		return false;
	}
	return true;
}

static void tmp_cleanup(void)
{
	nftw(tmpdir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* buf must be an array: its size bounds the path */
#define tmp_path(buf, name) (snprintf(buf, sizeof(buf), "%s/%s", tmpdir, name), (buf))

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (!f)
		abort();
	fputs(text, f);
	fclose(f);
}

static bool file_is(const char *path, const char *text)
{
	char buf[256] = {};
	FILE *f = fopen(path, "r");
	size_t n;

	if (!f)
		return false;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	return n == strlen(text) && !memcmp(buf, text, n);
}

PCG_TEST(recio_open_write)
{
	char p[PATH_MAX], q[PATH_MAX];
	struct stat st, st2;
	mode_t old = umask(022);
	int fd;

	if (!tmp_setup())
		goto out;
	fd = pcg_recio_open_write(tmp_path(p, "rec"), false);
	ASSERT_TRUE(fd >= 0, "created");
	ASSERT_TRUE(fcntl(fd, F_GETFD) & FD_CLOEXEC, "close-on-exec");
	ASSERT_EQ(write(fd, "abc", 3), 3, "writable");
	ASSERT_OK(fstat(fd, &st), "fstat");
	ASSERT_EQ(st.st_mode & 07777, 0600, "mode 0600");
	ASSERT_OK(pcg_recio_close(fd), "close");
	ASSERT_EQ(pcg_recio_open_write(p, false), -EEXIST, "exists, no force");
	ASSERT_TRUE(file_is(p, "abc"), "left alone");

	/* force replaces the file: a new inode, 0600, the old one's hard links untouched */
	chmod(p, 0644);
	ASSERT_OK(link(p, tmp_path(q, "hardlink")), "link");
	ASSERT_OK(stat(p, &st), "stat old");
	fd = pcg_recio_open_write(p, true);
	ASSERT_TRUE(fd >= 0, "force");
	ASSERT_OK(fstat(fd, &st2), "fstat new");
	ASSERT_TRUE(st.st_ino != st2.st_ino, "new inode");
	ASSERT_EQ(st2.st_mode & 07777, 0600, "new mode");
	ASSERT_EQ(st2.st_size, 0, "empty");
	ASSERT_TRUE(file_is(q, "abc"), "hard link keeps the old data");
	close(fd);

	/* symlinks: never followed, refused even with force; the target is untouched */
	write_file(tmp_path(q, "target"), "secret");
	ASSERT_OK(symlink(q, tmp_path(p, "link")), "symlink");
	ASSERT_EQ(pcg_recio_open_write(p, false), -EEXIST, "symlink, no force");
	ASSERT_EQ(pcg_recio_open_write(p, true), -ELOOP, "symlink, force");
	ASSERT_TRUE(file_is(q, "secret"), "target untouched");
	ASSERT_OK(symlink("/nonexistent/x", tmp_path(p, "dangling")), "dangling symlink");
	ASSERT_EQ(pcg_recio_open_write(p, false), -EEXIST, "dangling, no force");
	ASSERT_EQ(pcg_recio_open_write(p, true), -ELOOP, "dangling, force");

	/* a directory and a FIFO */
	ASSERT_OK(mkdir(tmp_path(p, "dir"), 0700), "mkdir");
	ASSERT_EQ(pcg_recio_open_write(p, false), -EEXIST, "directory");
	ASSERT_EQ(pcg_recio_open_write(p, true), -EISDIR, "directory, force");
	ASSERT_OK(mkfifo(tmp_path(p, "fifo"), 0600), "mkfifo");
	ASSERT_EQ(pcg_recio_open_write(p, true), -EEXIST, "fifo, force");

	ASSERT_EQ(pcg_recio_open_write("", false), -EINVAL, "empty path");
	ASSERT_EQ(pcg_recio_open_write(tmp_path(p, "nodir/rec"), false), -ENOENT, "no dir");

	/* "-" is a duplicate of stdout */
	fd = pcg_recio_open_write("-", false);
	ASSERT_TRUE(fd > 2, "stdout dup");
	ASSERT_TRUE(fcntl(fd, F_GETFD) & FD_CLOEXEC, "dup close-on-exec");
	close(fd);
	tmp_cleanup();
out:
	umask(old);
}

PCG_TEST(recio_write_errors)
{
	struct sigaction ign = { .sa_handler = SIG_IGN }, old;
	int fd, pfd[2];

	fd = open("/dev/full", O_WRONLY | O_CLOEXEC);
	if (fd >= 0) {
		ASSERT_EQ(pcg_recio_write_fd(&fd, "x", 1), -ENOSPC, "disk full");
		close(fd);
	}
	if (pipe(pfd))
		return;
	sigaction(SIGPIPE, &ign, &old);
	close(pfd[0]);
	ASSERT_EQ(pcg_recio_write_fd(&pfd[1], "x", 1), -EPIPE, "reader gone");
	ASSERT_OK(pcg_recio_close(pfd[1]), "close of a pipe: nothing to sync");
	sigaction(SIGPIPE, &old, NULL);
	ASSERT_EQ(pcg_recio_close(-1), -EBADF, "bad fd");
}

/* Short writes and EAGAIN: 4 MiB through a non-blocking pipe to a slow child. */
PCG_TEST(recio_write_nonblocking_pipe)
{
	size_t len = 4 << 20;
	char *buf = malloc(len);
	int pfd[2], status = 0;
	pid_t pid;

	if (!buf || pipe(pfd))
		return;
	memset(buf, 'z', len);
	pid = fork();
	if (pid == 0) {
		char tmp[1000];
		size_t got = 0;
		ssize_t n;

		close(pfd[1]);
		while ((n = read(pfd[0], tmp, sizeof(tmp))) > 0)
			got += n;
		_exit(got == 4u << 20 ? 0 : 1);
	}
	close(pfd[0]);
	fcntl(pfd[1], F_SETFL, O_NONBLOCK);
	ASSERT_OK(pcg_recio_write_fd(&pfd[1], buf, len), "everything written");
	close(pfd[1]);
	waitpid(pid, &status, 0);
	ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0, "the reader got it all");
	free(buf);
}

/* ---- rotation and reading back ---------------------------------------------------------- */

struct count {
	size_t events;
	int damage, trailer;
};

static int count_event(void *ctx, const void *ev, size_t len)
{
	(void)ev;
	(void)len;
	((struct count *)ctx)->events++;
	return 0;
}

static void count_damage(void *ctx, __u64 off, __u64 skipped, const char *what)
{
	(void)off;
	(void)skipped;
	(void)what;
	((struct count *)ctx)->damage++;
}

static int count_trailer(void *ctx, const struct pcg_rec_trailer *t)
{
	(void)t;
	((struct count *)ctx)->trailer++;
	return 0;
}

static const struct pcg_rec_reader_cbs count_cbs = {
	.event = count_event,
	.damage = count_damage,
	.trailer = count_trailer,
};

static int read_path(const char *path, struct count *c)
{
	struct pcg_rec_reader *r = pcg_rec_reader__new(&count_cbs, c, 0);
	int ret;

	memset(c, 0, sizeof(*c));
	ret = pcg_recio_read_all(path, r);
	pcg_rec_reader__free(r);
	return ret;
}

/* Records nr events through a rotator as main would; returns the files opened. */
static __u64 record_rotating(const char *base, __u64 file_size, __u32 nr_files, size_t nr)
{
	struct pcg_recio_rotator_opts ro = { .file_size = file_size, .nr_files = nr_files };
	struct pcg_rec_writer_opts wo = { .block_size = 1024 };
	struct pcg_rec_header h = { .abi_version = PCG_ABI_VERSION };
	struct pcg_recio_rotator *rot;
	struct pcg_rec_writer *w;
	unsigned char ev[100] = {};
	struct pcg_ev_hdr *eh = (void *)ev;
	__u64 files;

	rot = pcg_recio_rotator__new(base, &ro);
	if (!rot)
		return 0;
	w = pcg_rec_writer__new(&h, pcg_recio_rotator__write, rot, &wo);
	for (size_t i = 0; i < nr && w; i++) {
		eh->type = PCG_EV_FORK;
		eh->size = sizeof(ev);
		eh->ts = i;
		for (size_t j = 16; j < sizeof(ev); j++)
			ev[j] = (i * 7 + j * 13) ^ (i >> 3); /* not too compressible */
		if (pcg_rec_writer__append(w, ev, sizeof(ev)))
			break;
		if (pcg_recio_rotator__due(rot)) {
			int err = pcg_rec_writer__finish(w);

			pcg_rec_writer__free(w);
			w = NULL;
			if (err || pcg_recio_rotator__next(rot))
				break;
			w = pcg_rec_writer__new(&h, pcg_recio_rotator__write, rot, &wo);
		}
	}
	if (w) {
		pcg_rec_writer__finish(w);
		pcg_rec_writer__free(w);
	}
	files = rot->count;
	if (pcg_recio_rotator__close(rot))
		files = 0;
	pcg_recio_rotator__free(rot);
	return files;
}

PCG_TEST(recio_rotation_names)
{
	char base[256], p[PATH_MAX];
	struct count c;
	size_t total = 0;
	__u64 files;
	struct stat st;

	if (!tmp_setup())
		return;
	/* -C only: base, base1, base2, ... each a complete recording */
	files = record_rotating(tmp_path(base, "a.pcgt"), 4000, 0, 2000);
	ASSERT_TRUE(files >= 5, "several files");
	for (__u64 i = 0; i < files; i++) {
		if (i)
			snprintf(p, sizeof(p), "%s%llu", base, (unsigned long long)i);
		else
			snprintf(p, sizeof(p), "%s", base);
		if (!ASSERT_OK(read_path(p, &c), p))
			break;
		ASSERT_EQ(c.damage, 0, "clean file");
		ASSERT_EQ(c.trailer, 1, "with its trailer");
		ASSERT_OK(stat(p, &st), "stat");
		ASSERT_EQ(st.st_mode & 0777, 0600, "mode");
		/* over the limit by at most a block (<= 1 KiB raw) and the trailer */
		ASSERT_TRUE(st.st_size <= 4000 + 1100 + 80, "size bound");
		total += c.events;
	}
	ASSERT_EQ(total, 2000, "every event in some file");
	snprintf(p, sizeof(p), "%s%llu", base, (unsigned long long)files);
	ASSERT_TRUE(access(p, F_OK) != 0, "no extra file");
	snprintf(p, sizeof(p), "%s0", base);
	ASSERT_TRUE(access(p, F_OK) != 0, "no base0 without -W");

	/* -W 3: b0 b1 b2 b0 ..., the oldest names reused */
	files = record_rotating(tmp_path(base, "b"), 3000, 3, 3000);
	ASSERT_TRUE(files > 3, "wrapped around");
	for (int i = 0; i < 3; i++) {
		snprintf(p, sizeof(p), "%s%d", base, i);
		ASSERT_OK(read_path(p, &c), p);
		ASSERT_EQ(c.damage, 0, "clean");
	}
	snprintf(p, sizeof(p), "%s3", base);
	ASSERT_TRUE(access(p, F_OK) != 0, "only three names");
	ASSERT_TRUE(access(base, F_OK) != 0, "no bare base with -W 3");

	/* -W 12: two digits */
	files = record_rotating(tmp_path(base, "c"), 2000, 12, 300);
	ASSERT_TRUE(files >= 2, "rotated");
	snprintf(p, sizeof(p), "%s00", base);
	ASSERT_OK(access(p, F_OK), "c00");
	snprintf(p, sizeof(p), "%s01", base);
	ASSERT_OK(access(p, F_OK), "c01");

	/* -W 1: always the bare name */
	files = record_rotating(tmp_path(base, "d"), 2000, 1, 300);
	ASSERT_TRUE(files >= 2, "rotated onto itself");
	ASSERT_OK(read_path(base, &c), "d");
	ASSERT_TRUE(c.events > 0 && c.events < 300, "only the last file's events");

	/* no -C: a single file even for many events */
	files = record_rotating(tmp_path(base, "e"), 0, 0, 3000);
	ASSERT_EQ(files, 1, "one file");
	ASSERT_OK(read_path(base, &c), "e");
	ASSERT_EQ(c.events, 3000, "all events");
	tmp_cleanup();
}

PCG_TEST(recio_rotation_refuses_existing)
{
	struct pcg_recio_rotator_opts ro = { .file_size = 1000 };
	struct pcg_recio_rotator *rot;
	char base[256], p[PATH_MAX];

	if (!tmp_setup())
		return;
	write_file(tmp_path(base, "r"), "old");
	errno = 0;
	rot = pcg_recio_rotator__new(base, &ro);
	ASSERT_TRUE(!rot && errno == EEXIST, "first name exists");
	ro.force = true;
	rot = pcg_recio_rotator__new(base, &ro);
	ASSERT_TRUE(rot != NULL, "force");
	ASSERT_STREQ(pcg_recio_rotator__path(rot), base, "path");
	pcg_recio_rotator__free(rot);

	/* a later name that existed before the run is refused without force */
	ro.force = false;
	write_file(tmp_path(p, "s1"), "old");
	rot = pcg_recio_rotator__new(tmp_path(base, "s"), &ro);
	ASSERT_TRUE(rot != NULL, "s");
	ASSERT_EQ(pcg_recio_rotator__next(rot), -EEXIST, "s1 exists");
	ASSERT_TRUE(file_is(p, "old"), "s1 untouched");
	ASSERT_EQ(pcg_recio_rotator__write(rot, "x", 1), -EBADF, "no file open");
	pcg_recio_rotator__free(rot);

	errno = 0;
	ASSERT_TRUE(!pcg_recio_rotator__new("-", &ro) && errno == EINVAL, "stdout cannot rotate");
	ro.file_size = 0;
	rot = pcg_recio_rotator__new("-", &ro);
	ASSERT_TRUE(rot != NULL, "stdout without rotation");
	ASSERT_EQ(pcg_recio_rotator__next(rot), -EINVAL, "next without -C");
	pcg_recio_rotator__free(rot);
	tmp_cleanup();
}

PCG_TEST(recio_read_all)
{
	struct pcg_rec_reader *r;
	char p[PATH_MAX];
	struct count c;
	int save, fd;

	if (!tmp_setup())
		return;
	ASSERT_EQ(read_path(tmpdir, &c), -EISDIR, "a directory");
	ASSERT_EQ(read_path(tmp_path(p, "missing"), &c), -ENOENT, "missing file");
	write_file(tmp_path(p, "empty"), "");
	ASSERT_EQ(read_path(p, &c), -EBADMSG, "empty file");
	write_file(p, "#!/bin/sh\necho not a recording\n");
	ASSERT_EQ(read_path(p, &c), -ENOMSG, "wrong magic");
	if (access("/dev/zero", R_OK) == 0)
		ASSERT_EQ(read_path("/dev/zero", &c), -ENOMSG, "/dev/zero terminates");

	ASSERT_EQ(record_rotating(tmp_path(p, "rec"), 0, 0, 500), 1, "recorded");
	ASSERT_OK(read_path(p, &c), "read back");
	ASSERT_EQ(c.events, 500, "events");

	/* "-" reads stdin */
	save = dup(STDIN_FILENO);
	fd = open(p, O_RDONLY);
	dup2(fd, STDIN_FILENO);
	close(fd);
	ASSERT_OK(read_path("-", &c), "stdin");
	ASSERT_EQ(c.events, 500, "events from stdin");
	dup2(save, STDIN_FILENO);
	close(save);

	/* truncated file: the events of complete blocks, one damage report */
	ASSERT_OK(truncate(p, 3000), "truncate");
	ASSERT_OK(read_path(p, &c), "truncated file");
	ASSERT_TRUE(c.events > 0 && c.events < 500, "a prefix of the events");
	ASSERT_EQ(c.damage, 1, "reported");
	ASSERT_EQ(c.trailer, 0, "no trailer");

	r = pcg_rec_reader__new(&count_cbs, &c, 0);
	ASSERT_EQ(pcg_recio_read_fd(-1, r), -EINVAL, "bad fd");
	pcg_rec_reader__free(r);
	tmp_cleanup();
}
