/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* evidence.c - each recording file's size, event count and SHA-256, on stderr at exit. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <nettle/sha2.h>

#include "evidence.h"
#include "log.h"
#include "record.h"

struct note {
	char *path;
	unsigned long long size, events;
	int err; /* reading it back failed: -errno */
	char hex[SHA256_DIGEST_SIZE * 2 + 1];
};

static struct note *notes;
static size_t nr_notes;

static int on_header(void *ctx, const struct pcg_rec_header *h)
{
	return 0;
}

static int on_event(void *ctx, const void *ev, size_t len)
{
	return 0;
}

static void on_damage(void *ctx, __u64 offset, __u64 skipped, const char *what)
{
}

/* Hashes the file and counts its events in one pass. */
static int measure(const char *path, struct note *n)
{
	static const struct pcg_rec_reader_cbs cbs = {
		.header = on_header,
		.event = on_event,
		.damage = on_damage,
	};
	unsigned char buf[1 << 16], digest[SHA256_DIGEST_SIZE];
	struct sha256_ctx sha;
	struct pcg_rec_reader *r = pcg_rec_reader__new(&cbs, NULL, 0);
	struct pcg_rec_stats rs;
	int fd, err = 0, fed = 0;
	ssize_t len;

	if (!r)
		return -errno;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0) {
		err = -errno;
		goto out;
	}
	sha256_init(&sha);
	while ((len = read(fd, buf, sizeof(buf))) != 0) {
		if (len < 0) {
			if (errno == EINTR)
				continue;
			err = -errno;
			break;
		}
		sha256_update(&sha, len, buf);
		n->size += len;
		if (!fed)
			fed = pcg_rec_reader__feed(r, buf, len);
	}
	close(fd);
	if (err)
		goto out;
	sha256_digest(&sha, sizeof(digest), digest);
	for (size_t i = 0; i < sizeof(digest); i++)
		snprintf(n->hex + 2 * i, 3, "%02x", digest[i]);
	pcg_rec_reader__finish(r);
	pcg_rec_reader__stats(r, &rs);
	n->events = rs.events;
out:
	pcg_rec_reader__free(r);
	return err;
}

void pcg_evidence_add(const char *path)
{
	struct note *n = NULL, *grown;

	if (!path || !strcmp(path, "-"))
		return;
	for (size_t i = 0; i < nr_notes; i++)
		if (!strcmp(notes[i].path, path))
			n = &notes[i];
	if (!n) {
		grown = realloc(notes, (nr_notes + 1) * sizeof(*notes));
		if (!grown)
			return;
		notes = grown;
		n = &notes[nr_notes++];
		n->path = NULL;
	}
	free(n->path);
	memset(n, 0, sizeof(*n));
	n->path = strdup(path);
	if (!n->path) {
		nr_notes--;
		return;
	}
	n->err = measure(path, n);
}

void pcg_evidence_print(void)
{
	for (size_t i = 0; i < nr_notes; i++) {
		struct note *n = &notes[i];

		if (n->err)
			pcg_warn("recorded '%s': cannot read it back to hash it: %s", n->path,
				 strerror(-n->err));
		else
			fprintf(stderr,
				"podcg-trace: recorded '%s': %llu bytes, %llu events\n%s  %s\n",
				n->path, n->size, n->events, n->hex, n->path);
		free(n->path);
	}
	free(notes);
	notes = NULL;
	nr_notes = 0;
}
