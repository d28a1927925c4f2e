/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* recio.c - recording files: safe creation, full writes, fsync, tcpdump-style rotation, reads. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <linux/types.h>

#include "record.h"
#include "recio.h"

#define WRITE_FLAGS (O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY)

static int open_excl(const char *path)
{
	int fd = open(path, WRITE_FLAGS, 0600);

	return fd < 0 ? -errno : fd;
}

/* Removes what is at path if it may be replaced: a regular file only. */
static int unlink_regular(const char *path)
{
	struct stat st;

	if (lstat(path, &st))
		return errno == ENOENT ? 0 : -errno;
	if (S_ISLNK(st.st_mode))
		return -ELOOP;
	if (S_ISDIR(st.st_mode))
		return -EISDIR;
	if (!S_ISREG(st.st_mode))
		return -EEXIST;
	if (unlink(path) && errno != ENOENT)
		return -errno;
	return 0;
}

static int open_replace(const char *path)
{
	int err = unlink_regular(path);

	/* if something re-creates the name in between, O_EXCL refuses it: -EEXIST */
	return err ? err : open_excl(path);
}

int pcg_recio_open_write(const char *path, bool force)
{
	int fd;

	if (!path || !*path)
		return -EINVAL;
	if (!strcmp(path, "-")) {
		fd = fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 3);
		return fd < 0 ? -errno : fd;
	}
	fd = open_excl(path);
	if (fd != -EEXIST || !force)
		return fd;
	return open_replace(path);
}

static int write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	struct pollfd pfd = { .fd = fd, .events = POLLOUT };
	ssize_t n;

	while (len) {
		n = write(fd, p, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK) {
				if (poll(&pfd, 1, -1) < 0 && errno != EINTR)
					return -errno;
				continue;
			}
			return -errno;
		}
		if (n == 0)
			return -EIO;
		p += n;
		len -= n;
	}
	return 0;
}

int pcg_recio_write_fd(void *ctx, const void *buf, size_t len)
{
	if (!ctx)
		return -EINVAL;
	return write_all(*(int *)ctx, buf, len);
}

int pcg_recio_close(int fd)
{
	struct stat st;
	int err = 0;

	if (fd < 0)
		return -EBADF;
	if (!fstat(fd, &st) && S_ISREG(st.st_mode) && fsync(fd))
		err = -errno;
	/* close() may report a deferred write error (NFS, quotas); EINTR still closed the fd */
	if (close(fd) && errno != EINTR && !err)
		err = -errno;
	return err;
}

/* ---- rotation ----------------------------------------------------------------------------- */

struct pcg_recio_rotator {
	char *base;
	struct pcg_recio_rotator_opts opts;
	int width;   /* digits of the file number; 0 = the first file is base itself */
	__u64 count; /* files opened so far */
	int fd;
	__u64 bytes; /* written to the current file */
	char path[PATH_MAX];
};

/* tcpdump's getWflagChars(): the number of digits of nr_files - 1. */
static int number_width(__u32 nr_files)
{
	int c = 0;

	for (__u32 x = nr_files ? nr_files - 1 : 0; x; x /= 10)
		c++;
	return c;
}

static int rot_name(struct pcg_recio_rotator *rot, __u64 idx)
{
	int n;

	if (idx == 0 && rot->width == 0)
		n = snprintf(rot->path, sizeof(rot->path), "%s", rot->base);
	else
		n = snprintf(rot->path, sizeof(rot->path), "%s%0*llu", rot->base, rot->width,
			     (unsigned long long)idx);
	return n < 0 || (size_t)n >= sizeof(rot->path) ? -ENAMETOOLONG : 0;
}

static int rot_open(struct pcg_recio_rotator *rot)
{
	__u64 n = rot->opts.nr_files;
	bool reuse = rot->opts.file_size && n && rot->count >= n;
	__u64 idx = rot->opts.file_size ? (n ? rot->count % n : rot->count) : 0;
	int fd, err;

	err = rot_name(rot, idx);
	if (err)
		return err;
	fd = reuse ? open_replace(rot->path) : pcg_recio_open_write(rot->path, rot->opts.force);
	if (fd < 0)
		return fd;
	rot->fd = fd;
	rot->bytes = 0;
	rot->count++;
	return 0;
}

struct pcg_recio_rotator *pcg_recio_rotator__new(const char *base,
						 const struct pcg_recio_rotator_opts *opts)
{
	struct pcg_recio_rotator *rot;
	int err;

	if (!base || !*base || (opts && opts->file_size && !strcmp(base, "-"))) {
		errno = EINVAL;
		return NULL;
	}
	rot = calloc(1, sizeof(*rot));
	if (!rot) {
		errno = ENOMEM;
		return NULL;
	}
	rot->fd = -1;
	if (opts)
		rot->opts = *opts;
	if (rot->opts.file_size)
		rot->width = number_width(rot->opts.nr_files);
	rot->base = strdup(base);
	err = rot->base ? rot_open(rot) : -ENOMEM;
	if (err) {
		pcg_recio_rotator__free(rot);
		errno = -err;
		return NULL;
	}
	return rot;
}

int pcg_recio_rotator__write(void *ctx, const void *buf, size_t len)
{
	struct pcg_recio_rotator *rot = ctx;
	int err;

	if (!rot || rot->fd < 0)
		return -EBADF;
	err = write_all(rot->fd, buf, len);
	if (!err)
		rot->bytes += len;
	return err;
}

bool pcg_recio_rotator__due(const struct pcg_recio_rotator *rot)
{
	return rot && rot->opts.file_size && rot->fd >= 0 && rot->bytes > rot->opts.file_size;
}

int pcg_recio_rotator__close(struct pcg_recio_rotator *rot)
{
	int err;

	if (!rot)
		return -EINVAL;
	if (rot->fd < 0)
		return 0;
	err = pcg_recio_close(rot->fd);
	rot->fd = -1;
	return err;
}

int pcg_recio_rotator__next(struct pcg_recio_rotator *rot)
{
	int err;

	if (!rot || !rot->opts.file_size)
		return -EINVAL;
	err = pcg_recio_rotator__close(rot);
	if (err)
		return err;
	return rot_open(rot);
}

const char *pcg_recio_rotator__path(const struct pcg_recio_rotator *rot)
{
	return rot ? rot->path : NULL;
}

__u64 pcg_recio_rotator__bytes(const struct pcg_recio_rotator *rot)
{
	return rot ? rot->bytes : 0;
}

void pcg_recio_rotator__free(struct pcg_recio_rotator *rot)
{
	if (!rot)
		return;
	pcg_recio_rotator__close(rot);
	free(rot->base);
	free(rot);
}

/* ---- reading ------------------------------------------------------------------------------ */

int pcg_recio_read_fd(int fd, struct pcg_rec_reader *r)
{
	struct stat st;
	char *buf;
	ssize_t n;
	int ret = 0, fin;

	if (fd < 0 || !r)
		return -EINVAL;
	if (!fstat(fd, &st) && S_ISDIR(st.st_mode))
		return -EISDIR;
	buf = malloc(PCG_RECIO_CHUNK);
	if (!buf)
		return -ENOMEM;
	for (;;) {
		n = read(fd, buf, PCG_RECIO_CHUNK);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			ret = -errno;
			break;
		}
		if (n == 0)
			break;
		ret = pcg_rec_reader__feed(r, buf, n);
		if (ret) /* gave up (1) or failed: the rest is not read */
			break;
	}
	free(buf);
	fin = pcg_rec_reader__finish(r);
	return ret < 0 ? ret : fin;
}

int pcg_recio_read_all(const char *path_or_dash, struct pcg_rec_reader *r)
{
	int fd, ret;

	if (!path_or_dash || !r)
		return -EINVAL;
	if (!strcmp(path_or_dash, "-"))
		return pcg_recio_read_fd(STDIN_FILENO, r);
	fd = open(path_or_dash, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return -errno;
	ret = pcg_recio_read_fd(fd, r);
	close(fd);
	return ret;
}
