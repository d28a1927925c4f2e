/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* cli.c - command line -> struct pcg_opts (pure: never prints, never exits). */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

enum {
	OPT_JSON = 256,
	OPT_ALL,
	OPT_ALL_HIER,
	OPT_POD,
	OPT_CONTAINER,
	OPT_DURATION,
	OPT_FORCE,
	OPT_VERSION,
	OPT_RINGBUF,
	OPT_NODE,
	OPT_HEALTH_FILE,
	OPT_CHECK_HEALTH,
	OPT_CHECK,
	OPT_TIMELINE,
	OPT_TIMELINE_SVG,
	OPT_NAMESPACE,
	OPT_HOST_ROOT,
	OPT_SNAPSHOT,
};

static const struct option long_opts[] = {
	{ "json", no_argument, NULL, OPT_JSON },
	{ "all", no_argument, NULL, OPT_ALL },
	{ "all-hierarchies", no_argument, NULL, OPT_ALL_HIER },
	{ "pod", required_argument, NULL, OPT_POD },
	{ "container", required_argument, NULL, OPT_CONTAINER },
	{ "duration", required_argument, NULL, OPT_DURATION },
	{ "force", no_argument, NULL, OPT_FORCE },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ "ringbuf-mb", required_argument, NULL, OPT_RINGBUF },
	{ "node", required_argument, NULL, OPT_NODE },
	{ "health-file", required_argument, NULL, OPT_HEALTH_FILE },
	{ "check-health", required_argument, NULL, OPT_CHECK_HEALTH },
	{ "check", no_argument, NULL, OPT_CHECK },
	{ "timeline", no_argument, NULL, OPT_TIMELINE },
	{ "timeline-svg", required_argument, NULL, OPT_TIMELINE_SVG },
	{ "namespace", required_argument, NULL, OPT_NAMESPACE },
	{ "host-root", required_argument, NULL, OPT_HOST_ROOT },
	{ "snapshot", no_argument, NULL, OPT_SNAPSHOT },
	{ "write", required_argument, NULL, 'w' },
	{ "read", required_argument, NULL, 'r' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

const char *pcg_cli_usage(void)
{
	return "Usage: podcg-trace [OPTIONS]\n"
	       "Trace, live, how starting Kubernetes pods become cgroups, processes and namespaces.\n"
	       "\n"
	       "  --json               JSON Lines output (schema in README.md)\n"
	       "  --all                report every container and process, not only kubepods ones\n"
	       "  --all-hierarchies    trace cgroup events in every v1 hierarchy, not only the key one\n"
	       "  --pod UID|NAME       only this pod (dashed or underscored UID, or pod name)\n"
	       "  --container ID|NAME  only containers whose id starts with ID, or named NAME\n"
	       "  --namespace NS       only pods in the Kubernetes namespace NS\n"
	       "  --host-root DIR      read the host's runtime files under DIR (default /)\n"
	       "  --duration SEC       stop after SEC seconds\n"
	       "  --snapshot           print the pods, containers and processes that exist now and\n"
	       "                       exit (no BPF); with -r, those a recording started with\n"
	       "  -w, --write FILE     record raw events to FILE ('-' = stdout)\n"
	       "  -C SIZE              with -w: start a new file past SIZE million bytes (or 100k, 2g)\n"
	       "  -W N                 with -C: keep at most N files, reusing names (ring)\n"
	       "  --force              with -w: overwrite an existing regular file\n"
	       "  -q, --quiet          with -w: no live output\n"
	       "  -r, --read FILE      replay a recording ('-' = stdin); needs no privileges.  Several\n"
	       "                       -r (or a directory, or a rotated set) merge into one stream\n"
	       "  --node NAME          the node's name in the recording and the output (default:\n"
	       "                       the host name)\n"
	       "  --health-file PATH   touch PATH every second while events are read and written\n"
	       "  --check-health PATH  exit 0 if PATH was touched in the last 10 s, else 1\n"
	       "  --ringbuf-mb N       BPF ring buffer size (default 4, a power of two)\n"
	       "  -v, --verbose        libbpf debug output (-vv: verifier log)\n"
	       "  --check              say whether this node can be traced, and why not; exit 0/1\n"
	       "  --timeline           per-pod start-up timelines instead of events (live or -r)\n"
	       "  --timeline-svg FILE  with --timeline: also draw them as an SVG Gantt chart\n"
	       "  -h, --help           this text\n"
	       "  --version            print the version\n"
	       "\n"
	       "Exit status: 0 ok, 1 runtime failure, 2 usage error.\n";
}

/* Kubernetes names: lowercase DNS names */
#define NAME_CHARS "abcdefghijklmnopqrstuvwxyz0123456789.-"

static int parse_ulong(const char *s, unsigned long max, unsigned long *ret)
{
	char *end;
	unsigned long v;

	if (!s || !*s || *s == '-')
		return -EINVAL;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v > max)
		return -EINVAL;
	*ret = v;
	return 0;
}

/* tcpdump's -C: millions of bytes, or with a k/m/g suffix thousands/millions/billions. */
static int parse_size(const char *s, unsigned long long *ret)
{
	unsigned long long mult = 1000000, v;
	char num[32];
	size_t n = strlen(s);
	unsigned long u;

	if (!n || n >= sizeof(num))
		return -EINVAL;
	memcpy(num, s, n + 1);
	switch (num[n - 1]) {
	case 'k':
	case 'K':
		mult = 1000;
		num[--n] = 0;
		break;
	case 'm':
	case 'M':
		mult = 1000000;
		num[--n] = 0;
		break;
	case 'g':
	case 'G':
		mult = 1000000000;
		num[--n] = 0;
		break;
	}
	if (parse_ulong(num, 1 << 20, &u) || !u)
		return -EINVAL;
	v = u * mult;
	if (v < 1000 || v > (1ull << 20) * 1000000)
		return -EINVAL;
	*ret = v;
	return 0;
}

/* A pod UID, dashed or underscored (either case of hex), or a Kubernetes object name: a DNS
 * subdomain (RFC 1123: at most 253 characters of [a-z0-9.-], alphanumeric at both ends); the
 * namespace is --namespace's. */
static bool uid_ok(const char *s)
{
	if (strlen(s) != 36)
		return false;
	for (int i = 0; i < 36; i++) {
		bool sep = i == 8 || i == 13 || i == 18 || i == 23;

		if (sep ? s[i] != '-' && s[i] != '_' :
			  !strchr("0123456789abcdefABCDEF", s[i]) || !s[i])
			return false;
	}
	return true;
}

/* ASCII only, whatever the locale (a pure module calls no locale function). */
static bool a_lower_digit(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

static bool a_print(int c)
{
	return c >= 0x20 && c < 0x7f;
}

static bool dns_name_ok(const char *s, size_t n)
{
	if (!n || n > 253 || !a_lower_digit(s[0]) || !a_lower_digit(s[n - 1]))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!(a_lower_digit(s[i]) || s[i] == '-' || s[i] == '.'))
			return false;
	return true;
}

static bool pod_arg_ok(const char *s)
{
	return uid_ok(s) || dns_name_ok(s, strlen(s));
}

/* The option getopt just complained about, as the user wrote it ("--bogus", "-x"), in
 * reason_buf with @fmt ("unknown option %s"). */
static char reason_buf[192];

static const char *name_opt(const char *fmt, int argc, char **argv)
{
	char opt[72];
	size_t n = 0;

	if (optopt > 0 && optopt < 256 &&
	    (optind - 1 >= argc || optind < 1 || strncmp(argv[optind - 1], "--", 2) != 0)) {
		snprintf(opt, sizeof(opt), "-%c", a_print(optopt) ? optopt : '?');
	} else if (optind >= 1 && optind - 1 < argc) {
		const char *a = argv[optind - 1];

		for (; a[n] && a[n] != '=' && n < sizeof(opt) - 4; n++)
			opt[n] = a_print((unsigned char)a[n]) ? a[n] : '?';
		if (a[n] && a[n] != '=')
			opt[n++] = '.', opt[n++] = '.', opt[n++] = '.';
		opt[n] = 0;
	} else {
		snprintf(opt, sizeof(opt), "?");
	}
	snprintf(reason_buf, sizeof(reason_buf), fmt, opt);
	return reason_buf;
}

int pcg_cli_parse(int argc, char **argv, struct pcg_opts *ret, const char **ret_reason)
{
	struct pcg_opts o = { .ringbuf_mb = 4 };
	unsigned long v;
	char *end;
	int c;

	*ret_reason = NULL;
	optind = 0; /* 0, not 1: glibc then also forgets a previous parse cut short */
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":w:r:C:W:qvh", long_opts, NULL)) != -1) {
		switch (c) {
		case OPT_JSON:
			o.json = true;
			break;
		case OPT_ALL:
			o.all = true;
			break;
		case OPT_ALL_HIER:
			o.all_hier = true;
			break;
		case OPT_FORCE:
			o.force = true;
			break;
		case OPT_SNAPSHOT:
			o.snapshot = true;
			break;
		case OPT_VERSION:
			o.version = true;
			break;
		case 'q':
			o.quiet = true;
			break;
		case 'v':
			o.verbose++;
			break;
		case 'h':
			o.help = true;
			break;
		case 'w':
			o.write = optarg;
			break;
		case 'r':
			if (o.nr_reads >= PCG_CLI_MAX_READS) {
				*ret_reason =
					"too many -r (256 at most; a directory counts as one)";
				return -EINVAL;
			}
			if (!o.read)
				o.read = optarg;
			o.reads[o.nr_reads++] = optarg;
			break;
		case OPT_NODE:
			if (!*optarg || strlen(optarg) > 253 ||
			    strspn(optarg, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
					   "0123456789-._") != strlen(optarg)) {
				*ret_reason =
					"--node takes a node name (letters, digits, '-', '.', '_'; "
					"253 characters at most)";
				return -EINVAL;
			}
			o.node = optarg;
			break;
		case OPT_HEALTH_FILE:
			if (!*optarg) {
				*ret_reason = "--health-file takes a file name";
				return -EINVAL;
			}
			o.health_file = optarg;
			break;
		case OPT_CHECK_HEALTH:
			if (!*optarg) {
				*ret_reason = "--check-health takes a file name";
				return -EINVAL;
			}
			o.check_health = optarg;
			break;
		case OPT_POD:
			if (!pod_arg_ok(optarg)) {
				*ret_reason =
					"--pod takes a pod UID (dashed or underscored) or a pod "
					"name";
				return -EINVAL;
			}
			o.pod = optarg;
			break;
		case OPT_CONTAINER:
			if (!*optarg || strlen(optarg) > 253 ||
			    strspn(optarg, NAME_CHARS "ABCDEF") != strlen(optarg) ||
			    (strspn(optarg, "0123456789abcdefABCDEF") == strlen(optarg) ?
				     strlen(optarg) > 64 :
				     strspn(optarg, NAME_CHARS) != strlen(optarg))) {
				*ret_reason =
					"--container takes a container id prefix (hexadecimal) or a "
					"container name";
				return -EINVAL;
			}
			o.container = optarg;
			break;
		case OPT_NAMESPACE:
			if (!*optarg || strlen(optarg) > 63 ||
			    strspn(optarg, "abcdefghijklmnopqrstuvwxyz0123456789-") !=
				    strlen(optarg)) {
				*ret_reason = "--namespace takes a Kubernetes namespace name";
				return -EINVAL;
			}
			o.pod_namespace = optarg;
			break;
		case OPT_HOST_ROOT:
			if (optarg[0] != '/') {
				*ret_reason = "--host-root takes an absolute directory";
				return -EINVAL;
			}
			o.host_root = optarg;
			break;
		case OPT_DURATION:
			errno = 0;
			o.duration = strtod(optarg, &end);
			if (errno || *end || end == optarg || !(o.duration > 0) ||
			    o.duration > 365.0 * 86400) {
				*ret_reason = "--duration takes a positive number of seconds";
				return -EINVAL;
			}
			break;
		case 'C':
			if (parse_size(optarg, &o.rotate_bytes)) {
				*ret_reason =
					"-C takes a file size: millions of bytes, or a number "
					"with a k, m or g suffix (at least 1k)";
				return -EINVAL;
			}
			break;
		case 'W':
			if (parse_ulong(optarg, 100000, &v) || !v) {
				*ret_reason = "-W takes a file count (1 or more)";
				return -EINVAL;
			}
			o.rotate_count = v;
			break;
		case OPT_RINGBUF:
			if (parse_ulong(optarg, 1024, &v) || !v || (v & (v - 1))) {
				*ret_reason = "--ringbuf-mb takes a power of two from 1 to 1024";
				return -EINVAL;
			}
			o.ringbuf_mb = v;
			break;
		case OPT_CHECK:
			o.check = true;
			break;
		case OPT_TIMELINE:
			o.timeline = true;
			break;
		case OPT_TIMELINE_SVG:
			if (!*optarg) {
				*ret_reason = "--timeline-svg takes a file name";
				return -EINVAL;
			}
			o.timeline = true;
			o.timeline_svg = optarg;
			break;
		case ':':
			*ret_reason = name_opt("option %s is missing its argument", argc, argv);
			return -EINVAL;
		default:
			/* a known flag given a value (--json=1): getopt sets optopt to its val */
			if (optopt >= 256)
				*ret_reason = name_opt("option %s takes no argument", argc, argv);
			else
				*ret_reason = name_opt("unknown option %s", argc, argv);
			return -EINVAL;
		}
	}
	if (optind < argc) {
		*ret_reason = "unexpected argument";
		return -EINVAL;
	}
	if (o.check_health && (o.read || o.write)) {
		*ret_reason = "--check-health only checks a health file";
		return -EINVAL;
	}
	if (o.read && (o.node || o.health_file)) {
		*ret_reason = "--node and --health-file apply to live tracing, not to -r";
		return -EINVAL;
	}
	if (o.nr_reads > 1)
		for (unsigned i = 0; i < o.nr_reads; i++)
			if (!strcmp(o.reads[i], "-")) {
				*ret_reason = "-r - (stdin) cannot be merged with other inputs";
				return -EINVAL;
			}
	if (o.check &&
	    (o.read || o.write || o.timeline || o.duration > 0 || o.pod || o.container)) {
		*ret_reason = "--check runs alone (with --json, -v at most)";
		return -EINVAL;
	}
	if (o.read && o.write) {
		*ret_reason = "-r and -w cannot be combined";
		return -EINVAL;
	}
	if (o.read && (o.all || o.all_hier || o.duration > 0 || o.rotate_bytes || o.quiet)) {
		*ret_reason =
			"-r replays a recording: --all, --all-hierarchies, --duration, -C and -q "
			"apply to live tracing only";
		return -EINVAL;
	}
	if (o.read && o.host_root) {
		*ret_reason = "--host-root applies to live tracing only";
		return -EINVAL;
	}
	if ((o.rotate_bytes || o.rotate_count || o.quiet || o.force) && !o.write) {
		*ret_reason = "-C, -W, -q and --force go with -w";
		return -EINVAL;
	}
	if (o.snapshot && (o.duration > 0 || o.rotate_bytes || o.health_file || o.check_health ||
			   o.nr_reads > 1)) {
		*ret_reason = "--snapshot takes no --duration, -C, -W, --health-file, "
			      "--check-health, nor more than one -r";
		return -EINVAL;
	}
	if (o.rotate_count && !o.rotate_bytes) {
		*ret_reason = "-W goes with -C";
		return -EINVAL;
	}
	if (o.write && !strcmp(o.write, "-") && (o.rotate_bytes || !o.quiet)) {
		*ret_reason = "-w - writes the recording to stdout: add -q, and -C cannot apply";
		return -EINVAL;
	}
	*ret = o;
	return 0;
}
