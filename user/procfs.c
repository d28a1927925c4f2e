/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* procfs.c - pure parsers of /proc and cgroupfs text (see procfs.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgpath.h"
#include "procfs.h"

static const struct {
	const char *name;
	int ctrl; /* PCG_V1_* */
} key_ctrls[] = {
	{ "memory", PCG_V1_MEMORY }, { "pids", PCG_V1_PIDS },	    { "cpuset", PCG_V1_CPUSET },
	{ "cpu", PCG_V1_CPU },	     { "devices", PCG_V1_DEVICES }, { "freezer", PCG_V1_FREEZER },
	{ "blkio", PCG_V1_BLKIO },
};

bool pcg_has_token(const char *list, const char *tok)
{
	size_t n = strlen(tok);

	for (const char *p = list; p && *p;) {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);

		if (len == n && !strncmp(p, tok, n))
			return true;
		p = end ? end + 1 : NULL;
	}
	return false;
}

int pcg_layout_decide(struct pcg_layout *l, bool all_hier)
{
	bool have_v2 = false, have_v1 = false;

	if (!l->nr)
		return -ENOENT;
	for (unsigned i = 0; i < l->nr; i++) {
		if (l->h[i].id == 0)
			have_v2 = true;
		else
			have_v1 = true;
	}
	l->mode = have_v1 && have_v2 ? 3 : have_v2 ? 2 : 1;
	l->key_ctrl = PCG_V1_NONE;
	l->key_hier = 0;
	for (size_t k = 0; k < sizeof(key_ctrls) / sizeof(key_ctrls[0]) && !l->key_ctrl; k++)
		for (unsigned i = 0; i < l->nr; i++)
			if (l->h[i].id && pcg_has_token(l->h[i].controllers, key_ctrls[k].name)) {
				l->key_ctrl = key_ctrls[k].ctrl;
				l->key_hier = l->h[i].id;
				break;
			}
	l->traced_mask = 0;
	for (unsigned i = 0; i < l->nr; i++) {
		if (l->h[i].id >= 64)
			continue;
		if (all_hier || l->h[i].id == 0 || (l->key_ctrl && l->h[i].id == l->key_hier))
			l->traced_mask |= 1ull << l->h[i].id;
	}
	return 0;
}

int pcg_parse_mountinfo(char *line, struct pcg_mountinfo *ret)
{
	char *sep = strstr(line, " - "), *fields[5], *save = NULL, *tok, *rest;
	int n = 0;

	if (!sep)
		return -EINVAL;
	*sep = 0;
	/* before " - ": id parent major:minor root mount-point options [optional fields] */
	for (tok = strtok_r(line, " ", &save); tok && n < 5; tok = strtok_r(NULL, " ", &save))
		fields[n++] = tok;
	if (n < 5)
		return -EINVAL;
	/* after it: fstype source super-options */
	rest = sep + 3;
	save = NULL;
	ret->fstype = strtok_r(rest, " \n", &save);
	if (!ret->fstype || !strtok_r(NULL, " \n", &save))
		return -EINVAL;
	ret->opts = strtok_r(NULL, " \n", &save);
	if (!ret->opts)
		return -EINVAL;
	ret->root = fields[3];
	ret->mnt = fields[4];
	return 0;
}

bool pcg_mount_is_hier(const struct pcg_mountinfo *m, __u32 id, const char *controllers)
{
	char ctl[64], *save = NULL;

	if (strcmp(m->root, "/"))
		return false; /* a bind mount of a sub-tree */
	if (id == 0)
		return !strcmp(m->fstype, "cgroup2");
	if (strcmp(m->fstype, "cgroup"))
		return false;
	snprintf(ctl, sizeof(ctl), "%s", controllers);
	for (char *c = strtok_r(ctl, ",", &save); c; c = strtok_r(NULL, ",", &save))
		if (!pcg_has_token(m->opts, c))
			return false;
	return true;
}

int pcg_parse_cgroup_line(char *line, __u32 *ret_id, char **ret_controllers, char **ret_path)
{
	char *c1 = strchr(line, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL, *end;
	unsigned long id;

	if (!c2)
		return -EINVAL;
	*c1 = *c2 = 0;
	id = strtoul(line, &end, 10);
	if (end == line || *end || id > 0xffffffffu)
		return -EINVAL;
	c2[1 + strcspn(c2 + 1, "\n")] = 0;
	*ret_id = id;
	*ret_controllers = c1 + 1;
	*ret_path = c2 + 1;
	return 0;
}

int pcg_parse_stat(const char *buf, char ret_comm[PCG_COMM_LEN], __u32 *ret_ppid,
		   __u64 *ret_start_ticks)
{
	const char *s = strchr(buf, '('), *e = strrchr(buf, ')');
	unsigned long long start;
	size_t n;
	char state;
	int ppid;

	if (!s || !e || e < s)
		return -EBADMSG;
	/* after ") ": state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt
	 * utime stime cutime cstime priority nice threads itrealvalue starttime */
	if (sscanf(e + 1,
		   " %c %d %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s "
		   "%*s %*s %*s %llu",
		   &state, &ppid, &start) != 3)
		return -EBADMSG;
	n = e - s - 1;
	if (n > PCG_COMM_LEN - 1)
		n = PCG_COMM_LEN - 1;
	memset(ret_comm, 0, PCG_COMM_LEN);
	memcpy(ret_comm, s + 1, n);
	*ret_ppid = ppid;
	*ret_start_ticks = start;
	return 0;
}

void pcg_parse_status(const char *buf, __u32 *ret_uid, __u32 *ret_nspid)
{
	for (const char *l = buf; l && *l; l = strchr(l, '\n'), l = l ? l + 1 : NULL) {
		if (!strncmp(l, "Uid:", 4)) {
			*ret_uid = strtoul(l + 4, NULL, 10);
		} else if (!strncmp(l, "NSpid:", 6)) {
			/* tab-separated pids, outermost first: the last is the innermost */
			const char *p = l + 6, *last = NULL;

			while (*p && *p != '\n') {
				while (*p == ' ' || *p == '\t')
					p++;
				if (*p && *p != '\n')
					last = p;
				while (*p && *p != ' ' && *p != '\t' && *p != '\n')
					p++;
			}
			if (last)
				*ret_nspid = strtoul(last, NULL, 10);
		}
	}
}

/* The value after "-namespace"/"--namespace", "" if absent. */
static const char *arg_after(const char *args, size_t len, const char *a1, const char *a2)
{
	for (size_t i = 0; i < len; i += strnlen(args + i, len - i) + 1) {
		size_t next = i + strnlen(args + i, len - i) + 1;

		if ((!strcmp(args + i, a1) || !strcmp(args + i, a2)) && next < len)
			return args + next;
	}
	return "";
}

int pcg_runtime_from_cmdline(const char *args, size_t len)
{
	const char *base;

	if (!len || args[len - 1])
		return PCG_RT_UNKNOWN; /* not NUL-terminated: not what the kernel shows */
	base = strrchr(args, '/') ? strrchr(args, '/') + 1 : args;
	if (!strncmp(base, "containerd-shim", 15)) {
		const char *ns = arg_after(args, len, "-namespace", "--namespace");

		return !strcmp(ns, "moby") ? PCG_RT_DOCKER : PCG_RT_CONTAINERD;
	}
	if (!strcmp(base, "conmon")) {
		/* podman passes its own binary as the exit command */
		for (size_t i = 0; i < len; i += strnlen(args + i, len - i) + 1)
			if (strstr(args + i, "podman"))
				return PCG_RT_PODMAN;
		return PCG_RT_CRIO;
	}
	return PCG_RT_UNKNOWN;
}
