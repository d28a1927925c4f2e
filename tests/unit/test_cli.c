/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* test_cli.c - option parsing: every option, every forbidden combination, every bad value. */
#include <errno.h>
#include <stdarg.h>
#include <string.h>

#include "cli.h"
#include "test.h"

#define UID	 "7e44ee88-1e65-4a16-8cdf-9a90c819180e"
#define UID_	 "7e44ee88_1e65_4a16_8cdf_9a90c819180e"
#define CID	 "4f1b8e0c2d3a49e8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4"
#define MAX_ARGS 32

/* Parses the NULL-terminated argument list (argv[0] is added).  On failure *o is checked to
 * be untouched (systemd: never clobber an output parameter on failure). */
static int parse_v(struct pcg_opts *o, const char **reason, va_list ap)
{
	char *argv[MAX_ARGS + 2] = { (char *)"podcg-trace" };
	struct pcg_opts sentinel;
	const char *a;
	int argc = 1, rc;

	while ((a = va_arg(ap, const char *)) && argc <= MAX_ARGS)
		argv[argc++] = (char *)a;
	argv[argc] = NULL;
	memset(o, 0x5a, sizeof(*o));
	memcpy(&sentinel, o, sizeof(sentinel));
	*reason = "not set";
	rc = pcg_cli_parse(argc, argv, o, reason);
	if (rc)
		ASSERT_TRUE(memcmp(o, &sentinel, sizeof(*o)) == 0, "opts untouched on failure");
	return rc;
}

static int parse(struct pcg_opts *o, const char **reason, ...)
{
	va_list ap;
	int rc;

	va_start(ap, reason);
	rc = parse_v(o, reason, ap);
	va_end(ap);
	return rc;
}

/* Expects success and a NULL reason. */
static bool ok(struct pcg_opts *o, ...)
{
	const char *reason;
	va_list ap;
	int rc;

	va_start(ap, o);
	rc = parse_v(o, &reason, ap);
	va_end(ap);
	if (rc)
		fprintf(stderr, "  parse failed: %s\n", reason ? reason : "(null)");
	return ASSERT_OK(rc, "parse") && ASSERT_TRUE(reason == NULL, "no reason on success");
}

/* Expects -EINVAL and a reason containing @needle. */
static bool bad(const char *needle, ...)
{
	struct pcg_opts o;
	const char *reason;
	va_list ap;
	int rc;

	va_start(ap, needle);
	rc = parse_v(&o, &reason, ap);
	va_end(ap);
	if (!ASSERT_EQ(rc, -EINVAL, needle) || !ASSERT_TRUE(reason != NULL, "reason set"))
		return false;
	if (!ASSERT_TRUE(strstr(reason, needle) != NULL, needle)) {
		fprintf(stderr, "  reason was: %s\n", reason);
		return false;
	}
	return true;
}

PCG_TEST(cli_defaults)
{
	struct pcg_opts o;

	if (!ok(&o, NULL))
		return;
	ASSERT_TRUE(!o.json && !o.all && !o.all_hier && !o.quiet && !o.force, "flags off");
	ASSERT_TRUE(!o.help && !o.version, "help/version off");
	ASSERT_EQ(o.verbose, 0, "verbose");
	ASSERT_TRUE(o.pod == NULL && o.container == NULL, "filters");
	ASSERT_TRUE(o.write == NULL && o.read == NULL, "files");
	ASSERT_TRUE(o.duration == 0, "duration");
	ASSERT_EQ(o.rotate_bytes, 0, "rotate_bytes");
	ASSERT_EQ(o.rotate_count, 0, "rotate_count");
	ASSERT_EQ(o.ringbuf_mb, 4, "ringbuf default 4");
}

PCG_TEST(cli_flags)
{
	struct pcg_opts o;

	if (ok(&o, "--json", NULL))
		ASSERT_TRUE(o.json, "json");
	if (ok(&o, "--all", NULL))
		ASSERT_TRUE(o.all && !o.all_hier, "--all is not --all-hierarchies");
	if (ok(&o, "--all-hierarchies", NULL))
		ASSERT_TRUE(o.all_hier && !o.all, "all_hier");
	if (ok(&o, "-h", NULL))
		ASSERT_TRUE(o.help, "-h");
	if (ok(&o, "--help", NULL))
		ASSERT_TRUE(o.help, "--help");
	if (ok(&o, "--version", NULL))
		ASSERT_TRUE(o.version && !o.help, "version");
	if (ok(&o, "-v", NULL))
		ASSERT_EQ(o.verbose, 1, "-v");
	if (ok(&o, "-vv", NULL))
		ASSERT_EQ(o.verbose, 2, "-vv");
	if (ok(&o, "-v", "--verbose", "-vv", NULL))
		ASSERT_EQ(o.verbose, 4, "-v --verbose -vv");
	if (ok(&o, "--json", "--all", "--all-hierarchies", "-v", NULL))
		ASSERT_TRUE(o.json && o.all && o.all_hier && o.verbose == 1, "together");
}

PCG_TEST(cli_values)
{
	struct pcg_opts o;

	if (ok(&o, "--pod", UID, NULL))
		ASSERT_STREQ(o.pod, UID, "pod dashed");
	if (ok(&o, "--pod=" UID_, NULL))
		ASSERT_STREQ(o.pod, UID_, "pod underscored, = form");
	if (ok(&o, "--container", "4f1b", NULL))
		ASSERT_STREQ(o.container, "4f1b", "container prefix");
	if (ok(&o, "--container=" CID, NULL))
		ASSERT_STREQ(o.container, CID, "container full id");
	if (ok(&o, "--container", "ABCdef0189", NULL))
		ASSERT_STREQ(o.container, "ABCdef0189", "container mixed case");
	if (ok(&o, "--duration", "1.5", NULL))
		ASSERT_TRUE(o.duration == 1.5, "duration 1.5");
	if (ok(&o, "--duration=30", NULL))
		ASSERT_TRUE(o.duration == 30, "duration 30");
	if (ok(&o, "--duration", "1e3", NULL))
		ASSERT_TRUE(o.duration == 1000, "duration 1e3");
	if (ok(&o, "--duration", "31536000", NULL))
		ASSERT_TRUE(o.duration == 31536000, "duration 365 days");
	if (ok(&o, "--duration", "0.001", NULL))
		ASSERT_TRUE(o.duration == 0.001, "duration 1 ms");
	for (unsigned mb = 1; mb <= 1024; mb *= 2) {
		char arg[8];

		snprintf(arg, sizeof(arg), "%u", mb);
		if (ok(&o, "--ringbuf-mb", arg, NULL))
			ASSERT_EQ(o.ringbuf_mb, mb, "ringbuf power of two");
	}
	if (ok(&o, "-w", "out.pcgt", NULL))
		ASSERT_STREQ(o.write, "out.pcgt", "-w");
	if (ok(&o, "--write", "out.pcgt", NULL))
		ASSERT_STREQ(o.write, "out.pcgt", "--write");
	if (ok(&o, "-wout.pcgt", NULL))
		ASSERT_STREQ(o.write, "out.pcgt", "-wFILE");
	if (ok(&o, "-r", "in.pcgt", NULL))
		ASSERT_STREQ(o.read, "in.pcgt", "-r");
	if (ok(&o, "--read=in.pcgt", NULL))
		ASSERT_STREQ(o.read, "in.pcgt", "--read=");
	if (ok(&o, "-r", "-", NULL))
		ASSERT_STREQ(o.read, "-", "-r -");
	if (ok(&o, "-w", "f", "-q", NULL))
		ASSERT_TRUE(o.quiet, "-q");
	if (ok(&o, "-w", "f", "--quiet", NULL))
		ASSERT_TRUE(o.quiet, "--quiet");
	if (ok(&o, "-w", "f", "--force", NULL))
		ASSERT_TRUE(o.force, "--force");
	if (ok(&o, "-w", "f", "-C", "10", NULL))
		ASSERT_EQ(o.rotate_bytes, 10000000, "-C");
	if (ok(&o, "-w", "f", "-C", "1048576", NULL))
		ASSERT_EQ(o.rotate_bytes, 1048576000000ull, "-C max");
	if (ok(&o, "-w", "f", "-C", "1", "-W", "3", NULL)) {
		ASSERT_EQ(o.rotate_bytes, 1000000, "-C with -W");
		ASSERT_EQ(o.rotate_count, 3, "-W");
	}
	if (ok(&o, "-w", "f", "-C", "1", "-W", "100000", NULL))
		ASSERT_EQ(o.rotate_count, 100000, "-W max");
	if (ok(&o, "-w", "-", "-q", NULL)) {
		ASSERT_STREQ(o.write, "-", "-w -");
		ASSERT_TRUE(o.quiet, "-w - -q");
	}
}

PCG_TEST(cli_combos_ok)
{
	struct pcg_opts o;

	if (ok(&o, "--json", "--pod", UID, "--container", "4f1b", "--duration", "5", "--all",
	       "--all-hierarchies", "--ringbuf-mb", "64", "-w", "f", "-C", "2", "-W", "4",
	       "--force", "-q", "-vv", NULL)) {
		ASSERT_TRUE(o.json && o.all && o.all_hier && o.force && o.quiet, "flags");
		ASSERT_STREQ(o.pod, UID, "pod");
		ASSERT_STREQ(o.container, "4f1b", "container");
		ASSERT_TRUE(o.duration == 5, "duration");
		ASSERT_EQ(o.ringbuf_mb, 64, "ringbuf");
		ASSERT_STREQ(o.write, "f", "write");
		ASSERT_EQ(o.rotate_bytes, 2000000, "C");
		ASSERT_EQ(o.rotate_count, 4, "W");
		ASSERT_EQ(o.verbose, 2, "v");
	}
	/* replay with the filters and output options that make sense for it */
	if (ok(&o, "-r", "in", "--json", "--pod", UID_, "--container", CID, NULL)) {
		ASSERT_STREQ(o.read, "in", "read");
		ASSERT_TRUE(o.json, "json");
	}
	/* -w alone keeps the live output */
	if (ok(&o, "-w", "f", NULL))
		ASSERT_TRUE(!o.quiet, "not quiet");
	/* option order does not matter */
	if (ok(&o, "-q", "-W", "2", "-C", "1", "-w", "f", NULL))
		ASSERT_TRUE(o.quiet && o.rotate_count == 2, "any order");
}

PCG_TEST(cli_combos_rejected)
{
	bad("-r and -w", "-r", "a", "-w", "b", NULL);
	bad("-r and -w", "-w", "b", "-r", "a", NULL);
	bad("-r and -w", "-r", "-", "-w", "-", "-q", NULL);
	bad("-W goes with -C", "-w", "f", "-W", "3", NULL);
	bad("with -w", "-q", NULL);
	bad("with -w", "--quiet", "--json", NULL);
	bad("with -w", "--force", NULL);
	bad("with -w", "-C", "1", NULL);
	bad("with -w", "-C", "1", "-W", "2", NULL);
	bad("with -w", "-W", "2", NULL);
	bad("-w -", "-w", "-", NULL);
	bad("-w -", "-w", "-", "--json", NULL);
	bad("-w -", "-w", "-", "-q", "-C", "1", NULL);
	/* replay: live-only options */
	bad("-r replays", "-r", "f", "--all", NULL);
	bad("-r replays", "-r", "f", "--all-hierarchies", NULL);
	bad("-r replays", "-r", "f", "--duration", "3", NULL);
	bad("-r replays", "-r", "f", "-C", "1", NULL);
	bad("-r replays", "-r", "f", "-q", NULL);
	bad("with -w", "-r", "f", "--force", NULL);
	bad("with -w", "-r", "f", "-W", "2", NULL);
}

PCG_TEST(cli_bad_values)
{
	static const char *const durations[] = {
		"",    "0",    "-1",   "-0.5",	   "abc",    "1x", "5s", "nan",
		"inf", "-inf", "1e10", "31536001", "1e-400", " ",  "0x",
	};
	static const char *const ringbufs[] = {
		"0",  "3",  "6",  "12", "1000", "2048", "4096",
		"-1", "-8", "8x", "",	"0x8",	"1.0",	"99999999999999999999",
	};
	static const char *const sizes[] = {
		"0", "-1", "abc", "1M", "", "1048577", "18446744073709551617"
	};
	static const char *const containers[] = {
		"", "abc ", CID "0", "4f1b\n", "Nginx", "a_b", "ABC-def", "a/b",
	};

	for (size_t i = 0; i < sizeof(durations) / sizeof(durations[0]); i++)
		bad("--duration", "--duration", durations[i], NULL);
	for (size_t i = 0; i < sizeof(ringbufs) / sizeof(ringbufs[0]); i++)
		bad("--ringbuf-mb", "--ringbuf-mb", ringbufs[i], NULL);
	struct pcg_opts o;
	static const char *const csizes[] = { "0",
					      "-1",
					      "abc",
					      "",
					      "1048577",
					      "0k",
					      "1049g",
					      "k",
					      "1x",
					      "1kk",
					      "18446744073709551617" };

	for (size_t i = 0; i < sizeof(csizes) / sizeof(csizes[0]); i++)
		bad("-C", "-w", "f", "-C", csizes[i], NULL);
	if (ok(&o, "-w", "f", "-C", "100k", NULL))
		ASSERT_EQ(o.rotate_bytes, 100000, "-C 100k");
	if (ok(&o, "-w", "f", "-C", "2G", NULL))
		ASSERT_EQ(o.rotate_bytes, 2000000000ull, "-C 2G");
	if (ok(&o, "-w", "f", "-C", "1M", NULL))
		ASSERT_EQ(o.rotate_bytes, 1000000, "-C 1M");
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
		if (strcmp(sizes[i], "1048577") != 0)
			bad("-W", "-w", "f", "-C", "1", "-W", sizes[i], NULL);
	bad("-W", "-w", "f", "-C", "1", "-W", "100001", NULL);
	for (size_t i = 0; i < sizeof(containers) / sizeof(containers[0]); i++)
		bad("--container", "--container", containers[i], NULL);
	bad("--pod", "--pod", "", NULL);
	bad("--pod", "--pod", "My-Pod", NULL);
	bad("--pod", "--pod", "a b", NULL);
	bad("--namespace", "--namespace", "", NULL);
	bad("--namespace", "--namespace", "kube.system", NULL);
	bad("--namespace", "--namespace", "Default", NULL);
	bad("--host-root", "--host-root", "rel/dir", NULL);
	bad("--host-root", "-r", "f", "--host-root", "/host", NULL);
	/* neither a UID nor a Kubernetes name */
	bad("--pod", "--pod", UID "_", NULL);
	bad("--pod", "--pod", "a b", NULL);
	bad("--pod", "--pod", "-web", NULL);
	bad("--pod", "--pod", "web-", NULL);
	bad("--pod", "--pod", "Web", NULL);
	bad("--pod", "--pod", "web\n", NULL);
	bad("--pod", "--pod", "ns/web/x", NULL);
	bad("--pod", "--pod", "kube-system/web", NULL); /* --namespace says that */
	bad("--pod", "--pod", "/web", NULL);
	bad("--pod", "--pod", "7e44ee88-1e65-4a16-8cdf-9a90c819180G", NULL);
}

/* --pod takes a UID in either spelling or a pod name (DNS subdomain, optionally ns/name). */
PCG_TEST(cli_pod_uid_or_name)
{
	static const char *const good[] = {
		"7e44ee88-1e65-4a16-8cdf-9a90c819180e",
		"7e44ee88_1e65_4a16_8cdf_9a90c819180e",
		"7E44EE88-1E65-4A16-8CDF-9A90C819180E",
		"web",
		"web-0",
		"coredns-5d78c9869d-x2x8p",
		"a.b.c",
		"7e44ee88-1e65-4a16-8cdf-9a90c819180e0", /* a valid name too */
	};
	struct pcg_opts o;

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		if (ok(&o, "--pod", good[i], NULL))
			ASSERT_STREQ(o.pod, good[i], good[i]);
}

/* Messages name the option: "--bogus", "-x", "--pod", "-w". */
PCG_TEST(cli_messages_name_the_option)
{
	bad("unknown option --bogus", "--bogus", NULL);
	bad("unknown option --bogus", "--bogus=3", NULL);
	bad("unknown option -x", "-x", NULL);
	bad("unknown option -Z", "-vZv", NULL);
	bad("option --json takes no argument", "--json=1", NULL);
	bad("option --pod is missing its argument", "--pod", NULL);
	bad("option -w is missing its argument", "-w", NULL);
	bad("option -w is missing its argument", "-qw", NULL);
	bad("option --write is missing its argument", "--json", "--write", NULL);
	bad("option --ringbuf-mb is missing its argument", "--ringbuf-mb", NULL);
	bad("unknown option --x?y", "--x\x1by", NULL); /* no control byte echoed */
}

PCG_TEST(cli_names)
{
	struct pcg_opts o;

	if (ok(&o, "--pod", "web-0", NULL))
		ASSERT_STREQ(o.pod, "web-0", "pod name");
	if (ok(&o, "--container", "nginx", NULL))
		ASSERT_STREQ(o.container, "nginx", "container name");
	if (ok(&o, "--container", "4f1g", NULL))
		ASSERT_STREQ(o.container, "4f1g", "a name that is not hex");
	if (ok(&o, "--namespace", "kube-system", NULL))
		ASSERT_STREQ(o.pod_namespace, "kube-system", "namespace");
	if (ok(&o, "-r", "f", "--namespace", "default", "--pod", "web-0", NULL))
		ASSERT_STREQ(o.pod_namespace, "default", "namespace in replay");
	if (ok(&o, "--host-root", "/host", NULL))
		ASSERT_STREQ(o.host_root, "/host", "host root");
	ok(&o, NULL);
	ASSERT_TRUE(o.host_root == NULL && o.pod_namespace == NULL, "defaults");
}

PCG_TEST(cli_usage_errors)
{
	bad("unknown option", "--nope", NULL);
	bad("unknown option", "-x", NULL);
	bad("takes no argument", "--json=1", NULL); /* a flag given a value */
	bad("unknown option", "--al", NULL);	    /* ambiguous: --all, --all-hierarchies */
	bad("unexpected argument", "file", NULL);
	bad("unexpected argument", "--json", "extra", NULL);
	bad("unexpected argument", "--", "--json", NULL);
	bad("unexpected argument", "-", NULL);
	bad("missing its argument", "-w", NULL);
	bad("missing its argument", "-r", NULL);
	bad("missing its argument", "-C", NULL);
	bad("missing its argument", "-W", NULL);
	bad("missing its argument", "--pod", NULL);
	bad("missing its argument", "--container", NULL);
	bad("missing its argument", "--duration", NULL);
	bad("missing its argument", "--ringbuf-mb", NULL);
	bad("missing its argument", "--json", "--write", NULL);
}

/* The parser resets getopt, so it can be called again: the tests above rely on it, and a
 * failure in one call must not leak into the next. */
PCG_TEST(cli_reparse_after_error)
{
	struct pcg_opts o;
	const char *reason;

	/* stops at 'x' in the middle of a cluster, with "q" still unread */
	ASSERT_EQ(parse(&o, &reason, "-xq", NULL), -EINVAL, "first parse fails");
	if (ok(&o, "--json", NULL)) {
		ASSERT_TRUE(o.json, "second parse sees only its own arguments");
		ASSERT_TRUE(!o.quiet, "no -q leaked from the first call");
	}
	ASSERT_EQ(parse(&o, &reason, "-vZv", NULL), -EINVAL, "fails mid-cluster");
	if (ok(&o, "-w", "f", NULL))
		ASSERT_EQ(o.verbose, 0, "no -v leaked");
	/* and plain repeated success */
	for (int i = 0; i < 3; i++)
		if (ok(&o, "-v", "--pod", UID, NULL))
			ASSERT_EQ(o.verbose, 1, "repeat");
}

PCG_TEST(cli_usage_text)
{
	static const char *const opts[] = { "--json",	    "--all",	   "--all-hierarchies",
					    "--pod",	    "--container", "--duration",
					    "--write",	    "-C",	   "-W",
					    "--force",	    "--quiet",	   "--read",
					    "--ringbuf-mb", "--verbose",   "--help",
					    "--version" };
	const char *u = pcg_cli_usage();

	if (!ASSERT_TRUE(u != NULL && *u, "usage"))
		return;
	for (size_t i = 0; i < sizeof(opts) / sizeof(opts[0]); i++)
		ASSERT_TRUE(strstr(u, opts[i]) != NULL, opts[i]);
	ASSERT_EQ(u[strlen(u) - 1], '\n', "ends with a newline");
}

PCG_TEST(cli_several_reads_node_health)
{
	struct pcg_opts o;

	if (ok(&o, "-r", "a.pcgt", "-r", "dir", "--read", "c.pcgt", NULL)) {
		ASSERT_EQ(o.nr_reads, 3, "three inputs");
		ASSERT_STREQ(o.read, "a.pcgt", "the first");
		ASSERT_STREQ(o.reads[1], "dir", "the second");
		ASSERT_STREQ(o.reads[2], "c.pcgt", "the third");
	}
	bad("stdin", "-r", "-", "-r", "b.pcgt", NULL);
	if (ok(&o, "-r", "-", NULL))
		ASSERT_EQ(o.nr_reads, 1, "stdin alone");
	if (ok(&o, "--node", "worker-1.example_2", "--health-file", "/run/x", NULL)) {
		ASSERT_STREQ(o.node, "worker-1.example_2", "node");
		ASSERT_STREQ(o.health_file, "/run/x", "health file");
	}
	bad("--node takes a node name", "--node", "", NULL);
	bad("--node takes a node name", "--node", "a b", NULL);
	bad("--node takes a node name", "--node", "$(NODE_NAME)", NULL);
	bad("live tracing", "-r", "a.pcgt", "--node", "n1", NULL);
	bad("live tracing", "-r", "a.pcgt", "--health-file", "/run/x", NULL);
	if (ok(&o, "--check-health", "/run/x", NULL))
		ASSERT_STREQ(o.check_health, "/run/x", "check-health");
	bad("only checks a health file", "--check-health", "/run/x", "-r", "a.pcgt", NULL);
	bad("--check-health takes a file name", "--check-health", "", NULL);
}

PCG_TEST(cli_check_timeline)
{
	struct pcg_opts o;

	if (ok(&o, "--check", NULL))
		ASSERT_TRUE(o.check && !o.timeline, "--check");
	if (ok(&o, "--check", "--json", "--all-hierarchies", "-v", NULL))
		ASSERT_TRUE(o.check && o.json && o.all_hier, "--check with --json");
	bad("--check runs alone", "--check", "-r", "x", NULL);
	bad("--check runs alone", "--check", "-w", "x", NULL);
	bad("--check runs alone", "--check", "--timeline", NULL);
	bad("--check runs alone", "--check", "--pod", UID, NULL);
	if (ok(&o, "--timeline", "-r", "rec.pcgt", "--json", NULL))
		ASSERT_TRUE(o.timeline && !o.timeline_svg && o.read, "--timeline in replay");
	if (ok(&o, "--timeline-svg", "t.svg", "-w", "rec.pcgt", NULL))
		ASSERT_TRUE(o.timeline && o.timeline_svg && !strcmp(o.timeline_svg, "t.svg"),
			    "--timeline-svg implies --timeline");
	bad("--timeline-svg takes a file name", "--timeline-svg", "", NULL);
	bad("missing its argument", "--timeline-svg", NULL);
}
