/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* live.c - live tracing: set up (layout, pipeline, recorder, BPF), look at what exists, drop
 * privileges, run the event loop, tear down.  Everything it learns from the system goes into
 * the pipeline as a record (scan results, runtime hints, drops, ticks), so a recording
 * replays to the same output. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/capability.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "cgpath.h"
#include "cli.h"
#include "clock.h"
#include "decode.h"
#include "encode.h"
#include "health.h"
#include "loader.h"
#include "log.h"
#include "names.h"
#include "modes.h"
#include "output.h"
#include "pipeline.h"
#include "record.h"
#include "recorder.h"
#include "scan.h"
#include "timeline_io.h"

#ifndef PCG_VERSION
#define PCG_VERSION "0.0.0"
#endif

/* How the reader waits.  When it sleeps, the kernel side wakes it as a cgroup comes to exist
 * in every traced hierarchy and at a container's first exec (pod_create's, container_create's
 * and container_start's latency): three wakeups per container.  The rest of the records wait
 * for a poll every LAZY_POLL_MS while records flow, and wake it when none did for
 * LAZY_WINDOW_NS.  A wakeup is dear for the traced task, though: the program queues irq_work
 * and the wakeup's IPIs run on its time (16-22 us on this kind of VM, about 20 us of the
 * reader's CPU besides), which a container churn slowed by 14% at 3 wakeups per container,
 * against 2% when the reader polled.  So when WAKE_POLL_TRIGGER wakeups come within
 * WAKE_BUCKET_NS (two containers' worth: containers made faster than about 20 a second;
 * fewer would keep the reader polling after a lone pod of two containers) the reader
 * polls every ACTIVE_POLL_MS, asks for no wakeup, and stays so until no cgroup record came
 * for ACTIVE_WINDOW_NS.  A node starting pods now and then gets its lines within a wakeup
 * (0.1-0.4 ms) for about a third of the CPU the 1 ms polls cost per container. */
#define ACTIVE_POLL_MS	  1
#define LAZY_POLL_MS	  20
#define IDLE_POLL_MS	  1000
#define ACTIVE_WINDOW_NS  (50ull * 1000 * 1000)
#define WAKE_BUCKET_NS	  (100ull * 1000 * 1000)
#define WAKE_POLL_TRIGGER 6
#define LAZY_WINDOW_NS	  (200ull * 1000 * 1000)
#define LAZY_MARGIN_NS	  (50ull * 1000 * 1000)
#define TICK_EVERY_NS	  (20ull * 1000 * 1000)
#define HOUSEKEEP_NS	  (1000ull * 1000 * 1000) /* drop counters, recording flush */
#define DRAIN_MAX_BATCHES 64 /* at exit: 64 x PCG_LOADER_BUDGET records at most */
/* After lost events, the kubepods cgroups and their processes are scanned again (what the
 * start-up scan does) so the tables match the system; at most once per this interval, so a
 * flood that keeps overflowing the ring buffer does not turn into a rescan loop. */
#define RESCAN_EVERY_NS (5000ull * 1000 * 1000)

struct live {
	const struct pcg_opts *opts;
	struct pcg_output out;
	struct pcg_rec_header hdr; /* also what a recording's header says */
	struct pcg_layout layout;
	struct pcg_pipeline *pl;
	struct pcg_recorder *rec;
	struct pcg_loader *ld;
	struct pcg_names *names; /* pod and container names, images; NULL = no lookups */
	__u64 drops_seen[PCG_LOST_SLOTS];
	bool rescan_due;   /* events were lost since the last rescan */
	bool in_rescan;	   /* no rotation in the middle of one: a file would hold half of it */
	__u64 last_rescan; /* CLOCK_BOOTTIME of the last rescan, 0 if none */
	unsigned long long rescans;
	int sfd, ep;
	int health_fd;	/* --health-file, -1 if none */
	int health_err; /* said once */
};

/* Every record of the live side enters the pipeline here: the recorder rotates, if due, between
 * records and outside the pipeline. */
static int live_ingest(struct live *l, const void *rec, size_t len)
{
	const struct pcg_ev_hdr *h = rec;

	if (l->rec && !l->in_rescan && pcg_recorder__due(l->rec))
		pcg_recorder__rotate(l->rec, l->pl, h->ts);
	return pcg_pipeline__feed(l->pl, rec, len);
}

/* When a container's cgroup name does not tell its runtime, ask the process tree (the runtime
 * that made the cgroup, or a process already in it) and put the answer in the stream as a
 * PCG_EV_HINT record ahead of the cgroup event, so a replay sees it too. */
static void hint_runtime(struct live *l, const void *rec, size_t len)
{
	union pcg_enc_buf b;
	size_t n = pcg_scan_hint(&l->layout, l->pl, rec, len, &b);

	if (n)
		live_ingest(l, &b, n);
}

static int names_feed(void *ctx, const void *rec, size_t len)
{
	return live_ingest(ctx, rec, len);
}

/* pcg_ring_fn and pcg_scan_fn: a record from the kernel or the start-up scan.  What the live
 * side learns about it (the runtime, names) goes in first, as records of its own. */
static int live_record(void *ctx, const void *rec, size_t len)
{
	const struct pcg_ev_hdr *h = rec;
	struct live *l = ctx;

	if (len >= sizeof(*h) &&
	    (h->type == PCG_EV_CGROUP_MKDIR || h->type == PCG_EV_EXISTING_CGROUP))
		hint_runtime(l, rec, len);
	pcg_names__before(l->names, rec, len, names_feed, l);
	return live_ingest(l, rec, len);
}

static int seed(void *ctx, __u32 hier, __u64 cgid)
{
	return pcg_loader__track(ctx, hier, cgid);
}

/* Seeding during the scan: a refusal (full map) is warned about once, never stops the scan. */
static int seed_quiet(void *ctx, __u32 hier, __u64 cgid)
{
	static bool warned;

	if (pcg_loader__track(ctx, hier, cgid) < 0 && !warned) {
		pcg_warn("cannot seed the kubepods filter from the cgroup filesystem");
		warned = true;
	}
	return 0;
}

static void fill_header(struct live *l)
{
	pcg_scan_header(&l->layout, l->opts->node, l->opts->all, &l->hdr);
}

/* Feeds a PCG_EV_LOST record when the kernel side dropped something since the last look. */
static int check_drops(struct live *l)
{
	__u64 now[PCG_LOST_SLOTS], delta[PCG_LOST_SLOTS];
	union pcg_enc_buf b;
	bool any = false;

	if (pcg_loader__drops(l->ld, now))
		return 0;
	for (int i = 0; i < PCG_LOST_SLOTS; i++) {
		delta[i] = now[i] - l->drops_seen[i];
		any |= delta[i] != 0;
		l->drops_seen[i] = now[i];
	}
	if (!any)
		return 0;
	l->rescan_due = true;
	return live_ingest(l, &b, pcg_enc_lost(&b, pcg_boottime_ns(), delta));
}

/* pcg_scan_fn of a rescan: the start-up scan's records, flagged PCG_F_RESCAN, in-band (a
 * recording holds them, so a replay reconciles the same way). */
static int rescan_record(void *ctx, const void *rec, size_t len)
{
	union pcg_enc_buf b;

	if (len < sizeof(struct pcg_ev_hdr) || len > sizeof(b))
		return 0;
	memcpy(&b, rec, len);
	b.hdr.flags |= PCG_F_RESCAN;
	return live_record(ctx, &b, len);
}

/* Reconciles with the system after lost events: drains the ring buffer (what is in it is
 * older than the rescan), then scans the kubepods cgroups and their processes again. */
static int maybe_rescan(struct live *l, __u64 now)
{
	int err;

	if (!l->rescan_due || (l->last_rescan && now - l->last_rescan < RESCAN_EVERY_NS))
		return 0;
	l->rescan_due = false;
	l->last_rescan = now;
	l->rescans++;
	err = pcg_loader__consume(l->ld);
	if (err < 0)
		return err;
	l->in_rescan = true;
	err = pcg_scan_existing(&l->layout, l->opts->all, rescan_record, l);
	l->in_rescan = false;
	if (err < 0 && !(l->out.err && -err == l->out.err))
		pcg_warn("cannot rescan the cgroups after lost events: %s", strerror(-err));
	return err < 0 && l->out.err ? err : 0;
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

/* Asks the scheduler (EEVDF, Linux 6.12+) for a short time slice, so that a reader woken for
 * a container's first exec runs soon on a busy machine: the tail of the exec -> container_start
 * latency is the wait for a CPU.  Best effort: older kernels refuse it, and that is fine. */
static void prefer_short_slice(void)
{
	struct {
		__u32 size, policy;
		__u64 flags;
		__s32 nice;
		__u32 prio;
		__u64 runtime, deadline, period;
	} sa = { .size = 48, .runtime = 100000 /* ns */ };

	errno = 0;
	sa.nice = getpriority(PRIO_PROCESS, 0); /* keep the nice value the user chose */
	if (errno)
		return;
	(void)syscall(SYS_sched_setattr, 0, &sa, 0);
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

/* Signals become readable on a signalfd (watched with the ring buffer, see watch_fds()). */
static int block_signals(struct live *l)
{
	sigset_t mask;

	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &mask, NULL))
		return pcg_err("cannot block signals: %s", strerror(errno)), -errno;
	l->sfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
	if (l->sfd < 0)
		return pcg_err("cannot create a signalfd: %s", strerror(errno)), -errno;
	return 0;
}

/* The ring buffer (which exists once attached) and the signalfd, in one epoll set. */
static int watch_fds(struct live *l)
{
	struct epoll_event ev = { .events = EPOLLIN };

	l->ep = epoll_create1(EPOLL_CLOEXEC);
	if (l->ep < 0)
		return pcg_err("cannot create an epoll instance: %s", strerror(errno)), -errno;
	ev.data.fd = pcg_loader__fd(l->ld);
	if (epoll_ctl(l->ep, EPOLL_CTL_ADD, ev.data.fd, &ev))
		return pcg_err("cannot watch the ring buffer: %s", strerror(errno)), -errno;
	ev.data.fd = l->sfd;
	if (epoll_ctl(l->ep, EPOLL_CTL_ADD, l->sfd, &ev))
		return pcg_err("cannot watch the signalfd: %s", strerror(errno)), -errno;
	return 0;
}

/* Layout, pipeline, recorder, BPF; then what already exists; then no privileges.  Returns 0 or
 * -errno, every failure said once on stderr. */
static int live_setup(struct live *l)
{
	const struct pcg_opts *o = l->opts;
	struct pcg_loader_opts lo = { 0 };
	struct pcg_pipeline_opts po;
	__u64 t0 = pcg_boottime_ns();
	int err;

	err = preflight();
	if (err)
		return err;
	err = pcg_scan_layout_said(o->all_hier, &l->layout);
	if (err)
		return err;
	fill_header(l);
	pcg_pipeline_opts_init(&po, &l->hdr, o);
	pcg_timeline_io_attach(o, &po);
	if (o->write) {
		struct pcg_recorder_opts ro = {
			.path = o->write,
			.file_size = o->rotate_bytes,
			.nr_files = o->rotate_count,
			.force = o->force,
		};

		l->rec = pcg_recorder__new(&ro);
		if (!l->rec) {
			err = -errno;
			pcg_recorder_say_create_error(o->write, err);
			return err;
		}
	}
	l->pl = pcg_pipeline__new(&po, pcg_output_sink, NULL, &l->out);
	if (!l->pl) {
		err = -errno;
		pcg_err("cannot set up the pipeline: %s", strerror(-err));
		return err;
	}
	if (l->rec)
		pcg_pipeline__set_tap(l->pl, pcg_recorder__tap, l->rec);

	/* before the capabilities go: the runtimes' files are read through the host root */
	err = pcg_names__start(o->host_root, &l->names);
	if (err)
		return err;
	pcg_names__share_path_memo(l->names, pcg_pipeline__path_memo(l->pl));

	lo.all = o->all;
	lo.hier_mask = l->layout.traced_mask;
	lo.v1_ctrl = l->layout.key_ctrl;
	lo.v1_hier = l->layout.key_hier;
	lo.ringbuf_mb = o->ringbuf_mb;
	lo.verbose = o->verbose;
	l->ld = pcg_loader__load(&lo);
	if (!l->ld)
		return -errno ?: -EINVAL;

	/* Seed the in-kernel filter, attach, then look at what already exists: a container
	 * that appears in between is seen by both, and the correlator keeps one. */
	if (!o->all && pcg_scan_seed(&l->layout, seed, l->ld) < 0)
		pcg_warn("cannot seed the kubepods filter from the cgroup filesystem");
	err = block_signals(l);
	if (err)
		return err;
	err = pcg_loader__attach(l->ld, live_record, l);
	if (err)
		return err;
	/* the scan seeds again what appeared since the first seed: one walk, not two */
	err = pcg_scan_existing_seed(&l->layout, o->all, live_record, l, o->all ? NULL : seed_quiet,
				     l->ld);
	if (err < 0) {
		if (l->out.err && -err == l->out.err) /* the output failed, not the scan */
			pcg_err("cannot write the output: %s", strerror(-err));
		else
			pcg_err("cannot scan existing containers: %s", strerror(-err));
		return err;
	}
	pcg_loader__filter_complete(l->ld);
	if (l->rec) {
		err = pcg_recorder__start(l->rec, &l->hdr);
		if (err) {
			pcg_err("cannot write the recording header to '%s': %s", o->write,
				strerror(-err));
			return err;
		}
	}
	err = watch_fds(l);
	if (err)
		return err;
	if (o->health_file) {
		l->health_fd = pcg_health_open(o->health_file);
		if (l->health_fd < 0) {
			err = l->health_fd;
			pcg_err("cannot create the health file '%s': %s", o->health_file,
				strerror(-err));
			return err;
		}
	}
	if (!o->json && !o->quiet)
		pcg_output_header(&l->out, &po.fmt);
	pcg_output_flush(&l->out); /* a full device fails here already: kept, said at exit */
	pcg_info("attached in %llu ms (cgroup %s, hierarchies traced: 0x%llx, key v1 hierarchy "
		 "%u%s)",
		 (unsigned long long)(pcg_boottime_ns() - t0) / 1000000,
		 l->layout.mode == 3 ? "hybrid" :
		 l->layout.mode == 2 ? "v2" :
				       "v1",
		 (unsigned long long)l->layout.traced_mask, l->layout.key_hier,
		 l->layout.host_view ? ", host view through /proc/1/root" : "");
	prefer_short_slice();
	err = drop_privileges();
	if (err)
		pcg_warn("cannot drop capabilities after attaching: %s", strerror(-err));
	fprintf(stderr, "podcg-trace: attached\n");
	return 0;
}

/* Until a signal, --duration, or the reader of stdout going away.  Returns 0 or -errno. */
static int live_loop(struct live *l)
{
	__u64 deadline = 0, last_data = 0, last_tick = 0, last_house = 0;
	__u64 poll_until = 0, bucket = 0; /* polling every ms until; wakeups counted since */
	unsigned wakes = 0;
	bool stop = false, more = false;
	int err;

	if (l->opts->duration > 0)
		deadline = pcg_boottime_ns() + (__u64)(l->opts->duration * 1e9);
	while (!stop && !l->out.gone) {
		struct epoll_event evs[2];
		__u64 now = pcg_boottime_ns();
		bool polling = now < poll_until, armed = false, woken = false;
		int timeout = polling			       ? ACTIVE_POLL_MS :
			      now - last_data < LAZY_WINDOW_NS ? LAZY_POLL_MS :
								 IDLE_POLL_MS;
		int n;

		if (pcg_pipeline__has_pending(l->pl) && timeout > (int)(TICK_EVERY_NS / 1000000))
			timeout = TICK_EVERY_NS / 1000000;
		if (deadline) {
			if (now >= deadline)
				break;
			if ((deadline - now) / 1000000 + 1 < (__u64)timeout)
				timeout = (deadline - now) / 1000000 + 1;
		}
		/* arming fails if records wait already: read them first */
		if (more)
			timeout = 0;
		else if (!polling && !(armed = pcg_loader__arm_wakeup(l->ld)))
			timeout = 0;
		n = epoll_wait(l->ep, evs, 2, timeout);
		if (armed)
			pcg_loader__disarm_wakeup(l->ld);
		if (n < 0 && errno != EINTR) {
			err = -errno;
			pcg_err("cannot wait for events: %s", strerror(-err));
			return err;
		}
		for (int i = 0; i < n; i++) {
			struct signalfd_siginfo si;

			if (evs[i].data.fd == l->sfd && read(l->sfd, &si, sizeof(si)) == sizeof(si))
				stop = true;
			else if (armed)
				woken = true;
		}
		err = pcg_loader__consume(l->ld);
		more = err == PCG_LOADER_BUDGET;
		if (err < 0) {
			if (l->out.err && -err == l->out.err) /* the output failed */
				pcg_err("cannot write the output: %s", strerror(-err));
			else
				pcg_err("cannot process events: %s", strerror(-err));
			return err;
		}
		now = pcg_boottime_ns();
		if (woken) {
			if (now - bucket >= WAKE_BUCKET_NS) {
				bucket = now;
				wakes = 0;
			}
			if (++wakes >= WAKE_POLL_TRIGGER) {
				poll_until = now + ACTIVE_WINDOW_NS;
				wakes = 0;
			}
		}
		if (err > 0) {
			/* the kernel side wakes us for the rest of the records again only from a
			 * margin before the end of the lazy window */
			last_data = now;
			pcg_loader__set_lazy_until(l->ld, now + LAZY_WINDOW_NS - LAZY_MARGIN_NS);
			if (polling && pcg_loader__cgroup_records(l->ld))
				poll_until = now + ACTIVE_WINDOW_NS;
		}
		if (now - last_house >= HOUSEKEEP_NS) {
			last_house = now;
			check_drops(l);
			if (l->rec)
				pcg_recorder__flush(l->rec);
			/* alive: the ring buffer was read and the output written this second */
			if (!l->out.err && (err = pcg_health_touch(l->health_fd)) &&
			    !l->health_err) {
				pcg_warn("cannot touch the health file: %s", strerror(-err));
				l->health_err = err;
			}
		}
		err = maybe_rescan(l, now);
		if (err < 0) {
			pcg_err("cannot write the output: %s", strerror(-err));
			return err;
		}
		if (pcg_pipeline__has_pending(l->pl) && now - last_tick >= TICK_EVERY_NS) {
			union pcg_enc_buf b;

			last_tick = now;
			live_ingest(l, &b, pcg_enc_mark(&b, PCG_EV_TICK, now));
		}
		if (l->out.wrote)
			pcg_output_flush(&l->out);
	}
	/* drain what the kernel held when we stopped (bounded: a flood that goes on does not
	 * keep us from exiting), then say what was lost */
	for (int i = 0; i < DRAIN_MAX_BATCHES; i++) {
		err = pcg_loader__consume(l->ld);
		if (err < 0)
			return err;
		if (err < PCG_LOADER_BUDGET)
			break;
	}
	check_drops(l);
	pcg_pipeline__flush(l->pl);
	return 0;
}

/* Finishes the recording and the output, says what happened, frees; returns the exit code. */
static int live_teardown(struct live *l, int ret)
{
	struct pcg_pipeline_stats st;

	if (l->rec && pcg_recorder__close(l->rec))
		ret = PCG_EXIT_FAIL;
	pcg_names__free(l->names); /* its summary line first: the events' is the last line */
	l->names = NULL;
	if (l->pl) {
		pcg_pipeline__stats(l->pl, &st);
		if (ret == PCG_EXIT_OK)
			pcg_info("%llu events, %llu records, %llu lost", st.records_in,
				 st.lines_out, st.lost);
		if (l->rescans)
			pcg_info("%llu rescans after lost events", l->rescans);
		if (st.table_full)
			pcg_warn("%llu cgroups or processes were not tracked: the correlator's "
				 "tables were full",
				 st.table_full);
	}
	if (l->ep >= 0)
		close(l->ep);
	if (l->sfd >= 0)
		close(l->sfd);
	if (l->health_fd >= 0)
		close(l->health_fd);
	pcg_loader__free(l->ld);
	pcg_pipeline__free(l->pl);
	pcg_recorder__free(l->rec);
	return ret;
}

int pcg_live_run(const struct pcg_opts *o)
{
	struct live *l = calloc(1, sizeof(*l));
	int ret = PCG_EXIT_FAIL;

	if (!l) {
		pcg_err("cannot start: %s", strerror(errno));
		return PCG_EXIT_FAIL;
	}
	l->opts = o;
	l->out.quiet = o->quiet;
	l->sfd = l->ep = l->health_fd = -1;
	if (!live_setup(l) && !live_loop(l))
		ret = pcg_output_finish(&l->out, PCG_EXIT_OK);
	ret = live_teardown(l, ret);
	free(l);
	return ret;
}
