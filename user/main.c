/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* main.c - entry: command line -> live tracing (optionally recording) or replay -> exit code. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/capability.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "cgpath.h"
#include "cli.h"
#include "decode.h"
#include "loader.h"
#include "log.h"
#include "pipeline.h"
#include "recio.h"
#include "record.h"
#include "sbuf.h"
#include "scan.h"

#ifndef PCG_VERSION
#define PCG_VERSION "0.0.0"
#endif

#define ACTIVE_POLL_MS	 1    /* poll period while events flow */
#define IDLE_POLL_MS	 1000 /* ... and when idle: the kernel side wakes us */
#define ACTIVE_WINDOW_NS (50ull * 1000 * 1000)
#define ACTIVE_MARGIN_NS (10ull * 1000 * 1000) /* slack for a late loop iteration */
#define TICK_EVERY_NS	 (20ull * 1000 * 1000)
#define HOUSEKEEP_NS	 (1000ull * 1000 * 1000) /* drop counters, recording flush */

enum { EXIT_OK = 0, EXIT_FAIL = 1, EXIT_USAGE = 2 };

struct app {
	struct pcg_opts opts;
	struct pcg_pipeline *pl;
	bool wrote;	  /* output pending a flush */
	bool stdout_gone; /* the reader of stdout closed its end (EPIPE) */
	int stdout_err;	  /* first error writing stdout (errno) */
	const struct pcg_layout *layout;
	char hinted[64][PCG_CONTAINER_ID_LEN + 1]; /* containers whose runtime was looked up */
	unsigned nr_hinted;
	/* recording */
	bool snapshotting; /* the tap collects the start-up snapshot */
	struct pcg_sbuf snapshot;
	struct pcg_rec_header hdr;
	struct pcg_recio_rotator *rot;
	struct pcg_rec_writer *rec;
	__u64 rec_hdr_bytes; /* the current file's header: not counted against -C */
	int rec_err;
	/* replay */
	bool replay_header_seen;
	int replay_err;
	unsigned long long damage;
};

static int sink_stdout(void *ctx, const char *buf, size_t len)
{
	struct app *a = ctx;

	if (a->opts.quiet || a->stdout_gone)
		return 0;
	if (fwrite(buf, 1, len, stdout) != len) {
		/* the reader went away (`| head`): stop like other tools do, quietly; a
		 * recording in progress is still finished properly */
		if (errno == EPIPE) {
			a->stdout_gone = true;
			return 0;
		}
		a->stdout_err = errno ? errno : EIO;
		return -a->stdout_err;
	}
	a->wrote = true;
	return 0;
}

/* fflush(stdout), noting a reader that went away. */
static void flush_stdout(struct app *a)
{
	if (!fflush(stdout))
		return;
	if (errno == EPIPE)
		a->stdout_gone = true;
	else if (!a->stdout_err)
		a->stdout_err = errno ? errno : EIO;
}

/* The last flush of stdout at exit: a write error (a full disk) is a failure, a reader that
 * went away is not.  Returns the exit code to keep. */
static int finish_stdout(struct app *a, int ret)
{
	flush_stdout(a);
	if (a->stdout_err && !a->stdout_gone && ret == EXIT_OK) {
		pcg_err("cannot write the output: %s", strerror(a->stdout_err));
		return EXIT_FAIL;
	}
	return ret;
}

/* Opens the recording (or the next one on rotation) with the current header. */
static int rec_start(struct app *a)
{
	a->rec = pcg_rec_writer__new(&a->hdr, pcg_recio_rotator__write, a->rot, NULL);
	if (!a->rec)
		return -errno;
	a->rec_hdr_bytes = pcg_recio_rotator__bytes(a->rot);
	return 0;
}

static int snap_add(void *ctx, const void *rec, size_t len)
{
	pcg_sbuf_add(ctx, rec, len);
	return 0;
}

/* The raw tap: every record fed to the pipeline is recorded, so replay sees the same input. */
static int tap_record(void *ctx, const void *rec, size_t len)
{
	const struct pcg_ev_hdr *h = rec;
	struct app *a = ctx;
	int err = 0;

	if (a->snapshotting) {
		pcg_sbuf_add(&a->snapshot, rec, len);
		return a->snapshot.oom ? -ENOMEM : 0;
	}
	if (!a->rec || a->rec_err)
		return 0;
	/* a snapshot bigger than -C alone must not rotate at every record */
	if (pcg_recio_rotator__due(a->rot) &&
	    pcg_recio_rotator__bytes(a->rot) - a->rec_hdr_bytes > a->opts.rotate_bytes) {
		/* Rotate before this record, once everything before it went through the
		 * correlator: the next file is self-contained, its header holding the pods,
		 * containers and processes alive now. */
		err = pcg_rec_writer__finish(a->rec);
		pcg_rec_writer__free(a->rec);
		a->rec = NULL;
		if (!err)
			err = pcg_recio_rotator__next(a->rot);
		if (!err) {
			pcg_sbuf_reset(&a->snapshot);
			err = pcg_pipeline__snapshot(a->pl, h->ts, snap_add, &a->snapshot);
			if (!err && a->snapshot.oom)
				err = -E2BIG;
			a->hdr.snapshot = a->snapshot.buf;
			a->hdr.snapshot_len = a->snapshot.len;
		}
		if (!err)
			err = rec_start(a);
	}
	if (!err)
		err = pcg_rec_writer__append(a->rec, rec, len);
	if (err) {
		pcg_err("cannot write the recording: %s; live tracing goes on", strerror(-err));
		a->rec_err = err;
	}
	return 0;
}

static int feed(void *ctx, const void *rec, size_t len)
{
	struct app *a = ctx;

	return pcg_pipeline__feed(a->pl, rec, len);
}

/* Live only: when a container's cgroup name does not tell its runtime, ask the process tree
 * (the runtime that made the cgroup, or a process already in it) and put the answer in the
 * stream as a PCG_EV_HINT record ahead of the cgroup event, so a replay sees it too. */
static void hint_runtime(struct app *a, const void *rec, size_t len)
{
	struct pcg_ev_hint h = { .hdr = { .type = PCG_EV_HINT, .size = sizeof(h) } };
	struct pcg_event ev;
	struct pcg_cgpath pp;
	int pid;

	if (pcg_decode(rec, len, &ev) || !ev.str || pcg_cgpath_parse(ev.str, ev.str_len, &pp) ||
	    pp.kind != PCG_CG_CONTAINER || pp.runtime != PCG_RT_UNKNOWN)
		return; /* sub-cgroups may be made by a runtime nested in the container */
	for (unsigned i = 0; i < sizeof(a->hinted) / sizeof(a->hinted[0]); i++)
		if (!strcmp(a->hinted[i], pp.container_id))
			return;
	pid = ev.writer_pid;
	if (ev.type != PCG_EV_CGROUP_MKDIR) {
		char path[PCG_PATH_MAX];

		snprintf(path, sizeof(path), "%.*s", (int)pp.container_end, ev.str);
		pid = pcg_scan_first_pid(a->layout, ev.hier, path);
		pid = pid > 0 ? pcg_scan_parent_of(pid) : 0; /* the shim, not the workload */
	}
	h.runtime = pid > 0 ? pcg_scan_runtime_of(pid) : PCG_RT_UNKNOWN;
	if (h.runtime == PCG_RT_UNKNOWN)
		return;
	snprintf(a->hinted[a->nr_hinted++ % (sizeof(a->hinted) / sizeof(a->hinted[0]))],
		 sizeof(a->hinted[0]), "%s", pp.container_id);
	memcpy(h.container_id, pp.container_id, sizeof(h.container_id));
	h.hdr.ts = ev.ts;
	pcg_pipeline__feed(a->pl, &h, sizeof(h));
}

static int live_feed(void *ctx, const void *rec, size_t len)
{
	struct app *a = ctx;
	const struct pcg_ev_hdr *h = rec;

	if (len >= sizeof(*h) &&
	    (h->type == PCG_EV_CGROUP_MKDIR || h->type == PCG_EV_EXISTING_CGROUP))
		hint_runtime(a, rec, len);
	return pcg_pipeline__feed(a->pl, rec, len);
}

static int seed(void *ctx, __u32 hier, __u64 cgid)
{
	return pcg_loader__track(ctx, hier, cgid);
}

static void fill_header(struct app *a, const struct pcg_layout *l)
{
	struct pcg_rec_header *h = &a->hdr;
	struct utsname un;
	FILE *f;

	memset(h, 0, sizeof(*h));
	h->abi_version = PCG_ABI_VERSION;
	snprintf(h->tool_version, sizeof(h->tool_version), "%s", PCG_VERSION);
	if (uname(&un) == 0) {
		snprintf(h->hostname, sizeof(h->hostname), "%s", un.nodename);
		snprintf(h->kernel_release, sizeof(h->kernel_release), "%s", un.release);
	}
	f = fopen("/proc/sys/kernel/random/boot_id", "re");
	if (f) {
		if (fgets(h->boot_id, sizeof(h->boot_id), f))
			h->boot_id[strcspn(h->boot_id, "\n")] = 0;
		fclose(f);
	}
	h->boot_to_realtime_ns = pcg_boot_to_realtime_ns();
	h->cgroup_mode = l->mode;
	h->key_v1_hier = l->key_hier;
	h->traced_hier_mask = l->traced_mask;
	h->nsfs_dev = l->nsfs_dev;
	h->flags = a->opts.all ? PCG_REC_F_ALL : 0;
	for (unsigned i = 0; i < l->nr && i < PCG_REC_MAX_HIER; i++) {
		h->hier[i].id = l->h[i].id;
		snprintf(h->hier[i].controllers, sizeof(h->hier[i].controllers), "%s",
			 l->h[i].id ? l->h[i].controllers : "cgroup2");
		h->nr_hier++;
	}
}

/* Pipeline options from a header: live and replay build the pipeline the same way. */
static void pipeline_opts(const struct app *a, const struct pcg_rec_header *h,
			  struct pcg_pipeline_opts *ret)
{
	memset(ret, 0, sizeof(*ret));
	ret->corr.traced_hier_mask = h->traced_hier_mask;
	ret->corr.key_v1_hier = h->key_v1_hier;
	ret->corr.all = h->flags & PCG_REC_F_ALL;
	ret->fmt.json = a->opts.json;
	ret->fmt.boot_to_realtime_ns = h->boot_to_realtime_ns;
	ret->pod_filter = a->opts.pod;
	ret->container_filter = a->opts.container;
}

static int check_drops(struct app *a, struct pcg_loader *ld, __u64 seen[PCG_LOST_SLOTS])
{
	struct pcg_ev_lost ev = { 0 };
	__u64 now[PCG_LOST_SLOTS];
	bool any = false;

	if (pcg_loader__drops(ld, now))
		return 0;
	for (int i = 0; i < PCG_LOST_SLOTS; i++) {
		ev.count[i] = now[i] - seen[i];
		any |= ev.count[i] != 0;
		seen[i] = now[i];
	}
	if (!any)
		return 0;
	ev.hdr.type = PCG_EV_LOST;
	ev.hdr.size = sizeof(ev);
	ev.hdr.ts = pcg_boottime_ns();
	return feed(a, &ev, sizeof(ev));
}

/* Least privilege after attach: the programs are attached and every fd the loop needs
 * (ring buffer, maps, recording) is open, so all capabilities go, from every set and from the
 * bounding set, and no exec can regain any.  Root's uid stays, so a rotated recording can
 * still be created in a root-owned directory; reading the ring buffer and the drop counters
 * through their open fds needs no capability. */
static int drop_privileges(void)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3] = { 0 };

	for (int cap = 0; cap <= 63; cap++)
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) && errno != EINVAL && errno != EPERM)
			return -errno;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		return -errno;
	if (syscall(SYS_capset, &hdr, data))
		return -errno;
	return 0;
}

static int preflight(void)
{
	struct stat st;

	if (stat("/sys/kernel/btf/vmlinux", &st)) {
		pcg_err("cannot find kernel BTF at '/sys/kernel/btf/vmlinux': this kernel was built "
			"without CONFIG_DEBUG_INFO_BTF, which podcg-trace needs");
		return -ENOENT;
	}
	/* not root: capabilities may still allow it; the load says why if they do not */
	return 0;
}

static int run_live(struct app *a)
{
	struct pcg_loader_opts lo = { 0 };
	struct pcg_pipeline_opts po;
	struct pcg_loader *ld = NULL;
	struct pcg_layout layout;
	struct epoll_event ev = { .events = EPOLLIN };
	__u64 drops_seen[PCG_LOST_SLOTS] = { 0 };
	__u64 t0, deadline = 0, last_data = 0, last_tick = 0, last_house = 0;
	struct pcg_pipeline_stats st;
	sigset_t mask;
	int err, sfd = -1, ep = -1, ret = EXIT_FAIL;
	bool stop = false;

	t0 = pcg_boottime_ns();
	if (preflight())
		return EXIT_FAIL;
	err = pcg_scan_layout(a->opts.all_hier, &layout);
	if (err) {
		pcg_err("cannot find a mounted cgroup filesystem in '/proc/self/mountinfo': %s (in "
			"a container: run it with the host's PID namespace and CAP_SYS_PTRACE, so the "
			"host's view is read through /proc/1/root)",
			strerror(-err));
		return EXIT_FAIL;
	}
	fill_header(a, &layout);
	pipeline_opts(a, &a->hdr, &po);
	a->pl = pcg_pipeline__new(&po, sink_stdout, a->opts.write ? tap_record : NULL, a);
	if (!a->pl) {
		pcg_err("cannot set up the pipeline: %s", strerror(errno));
		return EXIT_FAIL;
	}
	if (a->opts.write) {
		struct pcg_recio_rotator_opts ro = {
			.file_size = a->opts.rotate_bytes,
			.nr_files = a->opts.rotate_count,
			.force = a->opts.force,
		};

		a->rot = pcg_recio_rotator__new(a->opts.write, &ro);
		if (!a->rot) {
			pcg_err("cannot create '%s': %s%s", a->opts.write, strerror(errno),
				errno == EEXIST ? " (use --force to overwrite)" : "");
			goto out;
		}
		a->snapshotting = true;
		pcg_sbuf_init(&a->snapshot);
		a->snapshot.max = PCG_REC_SNAPSHOT_MAX;
	}

	lo.all = a->opts.all;
	lo.hier_mask = layout.traced_mask;
	lo.v1_ctrl = layout.key_ctrl;
	lo.v1_hier = layout.key_hier;
	lo.ringbuf_mb = a->opts.ringbuf_mb;
	lo.verbose = a->opts.verbose;
	ld = pcg_loader__load(&lo);
	if (!ld)
		goto out;

	/* Seed the in-kernel filter, attach, then look at what already exists: a container
	 * that appears in between is seen by both, and the correlator keeps one. */
	if (!a->opts.all && pcg_scan_seed(&layout, seed, ld) < 0)
		pcg_warn("cannot seed the kubepods filter from the cgroup filesystem");
	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGHUP);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	sfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
	a->layout = &layout;
	if (pcg_loader__attach(ld, live_feed, a))
		goto out;
	err = pcg_scan_existing(&layout, a->opts.all, live_feed, a);
	if (err < 0) {
		pcg_err("cannot scan existing containers: %s", strerror(-err));
		goto out;
	}
	if (!a->opts.all && pcg_scan_seed(&layout, seed, ld) < 0)
		pcg_warn("cannot seed the kubepods filter from the cgroup filesystem");
	if (a->opts.write) {
		a->snapshotting = false;
		a->hdr.snapshot = a->snapshot.buf;
		a->hdr.snapshot_len = a->snapshot.len;
		err = rec_start(a);
		if (err) {
			pcg_err("cannot write the recording header to '%s': %s", a->opts.write,
				strerror(-err));
			goto out;
		}
	}
	if (!a->opts.json && !a->opts.quiet) {
		struct pcg_sbuf hb;

		pcg_sbuf_init(&hb);
		pcg_fmt_header(&hb, &po.fmt);
		fputs(hb.buf, stdout);
		pcg_sbuf_done(&hb);
	}
	fflush(stdout);
	pcg_info("attached in %llu ms (cgroup %s, hierarchies traced: 0x%llx, key v1 hierarchy "
		 "%u%s)",
		 (unsigned long long)(pcg_boottime_ns() - t0) / 1000000,
		 layout.mode == 3 ? "hybrid" :
		 layout.mode == 2 ? "v2" :
				    "v1",
		 (unsigned long long)layout.traced_mask, layout.key_hier,
		 layout.host_view ? ", host view through /proc/1/root" : "");
	err = drop_privileges();
	if (err)
		pcg_warn("cannot drop capabilities after attaching: %s", strerror(-err));
	fprintf(stderr, "podcg-trace: attached\n");

	ep = epoll_create1(EPOLL_CLOEXEC);
	ev.data.fd = pcg_loader__fd(ld);
	epoll_ctl(ep, EPOLL_CTL_ADD, ev.data.fd, &ev);
	ev.data.fd = sfd;
	epoll_ctl(ep, EPOLL_CTL_ADD, sfd, &ev);
	if (a->opts.duration > 0)
		deadline = pcg_boottime_ns() + (__u64)(a->opts.duration * 1e9);

	while (!stop && !a->stdout_gone) {
		struct epoll_event evs[2];
		__u64 now = pcg_boottime_ns();
		int timeout = now - last_data < ACTIVE_WINDOW_NS ? ACTIVE_POLL_MS : IDLE_POLL_MS;
		int n;

		if (pcg_pipeline__has_pending(a->pl) && timeout > (int)(TICK_EVERY_NS / 1000000))
			timeout = TICK_EVERY_NS / 1000000;
		if (deadline) {
			if (now >= deadline)
				break;
			if ((deadline - now) / 1000000 + 1 < (__u64)timeout)
				timeout = (deadline - now) / 1000000 + 1;
		}
		n = epoll_wait(ep, evs, 2, timeout);
		if (n < 0 && errno != EINTR) {
			pcg_err("cannot wait for events: %s", strerror(errno));
			goto out;
		}
		for (int i = 0; i < n; i++) {
			struct signalfd_siginfo si;

			if (evs[i].data.fd == sfd && read(sfd, &si, sizeof(si)) == sizeof(si))
				stop = true;
		}
		err = pcg_loader__consume(ld);
		if (err < 0) {
			pcg_err("cannot process events: %s", strerror(-err));
			goto out;
		}
		now = pcg_boottime_ns();
		if (err > 0) {
			last_data = now;
			/* we poll every ms until last_data + ACTIVE_WINDOW_NS; the kernel side may
			 * skip wakeups until a margin before that */
			pcg_loader__set_active_until(ld, now + ACTIVE_WINDOW_NS - ACTIVE_MARGIN_NS);
		}
		if (now - last_house >= HOUSEKEEP_NS) {
			last_house = now;
			check_drops(a, ld, drops_seen);
			if (a->rec && !a->rec_err && (err = pcg_rec_writer__flush(a->rec))) {
				pcg_err("cannot write the recording: %s; live tracing goes on",
					strerror(-err));
				a->rec_err = err;
			}
		}
		if (pcg_pipeline__has_pending(a->pl) && now - last_tick >= TICK_EVERY_NS) {
			struct pcg_ev_hdr tick = { .type = PCG_EV_TICK,
						   .size = sizeof(tick),
						   .ts = now };

			last_tick = now;
			feed(a, &tick, sizeof(tick));
		}
		if (a->wrote) {
			flush_stdout(a);
			a->wrote = false;
		}
	}
	/* drain what the kernel still holds, then say what was lost */
	if (pcg_loader__consume(ld) < 0)
		goto out;
	check_drops(a, ld, drops_seen);
	pcg_pipeline__flush(a->pl);
	ret = finish_stdout(a, EXIT_OK);
out:
	if (a->rec) {
		err = pcg_rec_writer__finish(a->rec);
		if (err && !a->rec_err) {
			pcg_err("cannot finish the recording: %s", strerror(-err));
			ret = EXIT_FAIL;
		}
		pcg_rec_writer__free(a->rec);
	}
	if (a->rot) {
		if (pcg_recio_rotator__close(a->rot) && ret == EXIT_OK && !a->rec_err) {
			pcg_err("cannot close the recording '%s'", pcg_recio_rotator__path(a->rot));
			ret = EXIT_FAIL;
		}
		pcg_recio_rotator__free(a->rot);
	}
	if (a->rec_err)
		ret = EXIT_FAIL;
	if (a->pl) {
		pcg_pipeline__stats(a->pl, &st);
		if (ret == EXIT_OK)
			pcg_info("%llu events, %llu records, %llu lost", st.records_in,
				 st.lines_out, st.lost);
		if (st.table_full)
			pcg_warn("%llu cgroups or processes were not tracked: the correlator's "
				 "tables were full",
				 st.table_full);
	}
	if (ep >= 0)
		close(ep);
	if (sfd >= 0)
		close(sfd);
	pcg_loader__free(ld);
	pcg_pipeline__free(a->pl);
	pcg_sbuf_done(&a->snapshot);
	return ret;
}

/* --- replay ---------------------------------------------------------------------------- */

static int replay_event(void *ctx, const void *ev, size_t len)
{
	struct app *a = ctx;

	if (!a->pl)
		return 0;
	return pcg_pipeline__feed(a->pl, ev, len);
}

static int replay_header(void *ctx, const struct pcg_rec_header *h)
{
	struct app *a = ctx;
	struct pcg_pipeline_opts po;
	int err;

	if (h->abi_version != PCG_ABI_VERSION) {
		pcg_err("cannot replay: the recording holds events of ABI version %u, this build "
			"reads %u",
			h->abi_version, PCG_ABI_VERSION);
		return -EPROTONOSUPPORT;
	}
	pipeline_opts(a, h, &po);
	a->pl = pcg_pipeline__new(&po, sink_stdout, NULL, a);
	if (!a->pl)
		return -errno;
	a->replay_header_seen = true;
	if (!a->opts.json) {
		struct pcg_sbuf hb;

		pcg_sbuf_init(&hb);
		pcg_fmt_header(&hb, &po.fmt);
		fputs(hb.buf, stdout);
		pcg_sbuf_done(&hb);
	}
	err = pcg_rec_foreach_event(h->snapshot, h->snapshot_len, replay_event, a);
	if (err == -EBADMSG) {
		pcg_warn("the recording's start-up snapshot is damaged; replaying the rest");
		err = 0;
	}
	return err;
}

static void replay_damage(void *ctx, __u64 offset, __u64 skipped, const char *what)
{
	struct app *a = ctx;

	a->damage++;
	fflush(stdout);
	pcg_warn("recording damaged at byte %llu (%llu bytes lost): %s", (unsigned long long)offset,
		 (unsigned long long)skipped, what);
}

static int run_replay(struct app *a)
{
	struct pcg_rec_reader_cbs cbs = {
		.header = replay_header,
		.event = replay_event,
		.damage = replay_damage,
	};
	struct pcg_rec_reader *r = pcg_rec_reader__new(&cbs, a, 0);
	struct pcg_rec_stats rs;
	int err, ret = EXIT_FAIL;

	if (!r) {
		pcg_err("cannot set up the reader: %s", strerror(errno));
		return EXIT_FAIL;
	}
	err = pcg_recio_read_all(a->opts.read, r);
	if (err == 0 && a->pl)
		err = pcg_pipeline__flush(a->pl);
	pcg_rec_reader__stats(r, &rs);
	switch (err) {
	case 0:
		ret = EXIT_OK;
		break;
	case -ENOMSG:
		pcg_err("cannot replay '%s': not a podcg-trace recording", a->opts.read);
		break;
	case -EPROTONOSUPPORT:
		pcg_err("cannot replay '%s': recorded by a newer podcg-trace (format version "
			"unknown to %s)",
			a->opts.read, PCG_VERSION);
		break;
	case -EBADMSG:
		pcg_err("cannot replay '%s': no readable header (empty, cut or corrupt file)",
			a->opts.read);
		break;
	default:
		pcg_err("cannot replay '%s': %s", a->opts.read, strerror(-err));
		break;
	}
	ret = finish_stdout(a, ret);
	if (ret == EXIT_OK && a->damage)
		pcg_warn("replayed %llu events from %llu blocks; %llu blocks and %llu bytes lost",
			 (unsigned long long)rs.events, (unsigned long long)rs.blocks,
			 (unsigned long long)rs.bad_blocks, (unsigned long long)rs.bytes_skipped);
	pcg_rec_reader__free(r);
	pcg_pipeline__free(a->pl);
	return ret;
}

int main(int argc, char **argv)
{
	struct app a = { 0 };
	const char *reason;

	pcg_sbuf_init(&a.snapshot);
	if (pcg_cli_parse(argc, argv, &a.opts, &reason)) {
		fprintf(stderr, "podcg-trace: %s\nTry 'podcg-trace --help'.\n", reason);
		return EXIT_USAGE;
	}
	if (a.opts.help) {
		fputs(pcg_cli_usage(), stdout);
		return EXIT_OK;
	}
	if (a.opts.version) {
		printf("podcg-trace %s (event ABI %d)\n", PCG_VERSION, PCG_ABI_VERSION);
		return EXIT_OK;
	}
	pcg_log_verbose = a.opts.verbose;
	setvbuf(stdout, NULL, _IOFBF, 1 << 16);
	signal(SIGPIPE, SIG_IGN);
	if (a.opts.read)
		return run_replay(&a);
	return run_live(&a);
}
