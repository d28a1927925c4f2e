#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# check-pure.sh OBJ... - the pure modules (libpcg_core.a) call nothing outside this allowlist:
# memory, strings, formatting into buffers, sorting, zlib, json-c's in-memory parser (meta.c),
# getopt (cli.c), gmtime_r (a pure calendar conversion), the sanitizers' own instrumentation
# (make SANITIZE=1), and each other (pcg_*).  No
# open/read/write, no clock, no BPF: that is what lets them be unit-tested and fuzzed as any
# user, and keeps replay identical to live.
set -euo pipefail
allow='^(pcg_.*|__errno_location|__stack_chk_fail|__assert_fail|__isoc99_sscanf|sscanf|calloc|malloc|realloc|free|mem(chr|cmp|cpy|move|set)|bcmp|str(chr|cmp|cspn|dup|len|ncmp|ndup|nlen|rchr|spn|str|tod|tok_r|toul|toull|tol|toll)|v?snprintf|qsort|bsearch|crc32|deflate.*|inflate.*|getopt_long|optarg|opterr|optind|optopt|gmtime_r|json_(object|tokener)_[a-z_]+|__(asan|ubsan|sanitizer)_[a-zA-Z0-9_]+)$'
bad=0
for o in "$@"; do
	while read -r _ sym; do
		[[ $sym =~ $allow ]] && continue
		echo "check-pure: ${o##*/} calls '$sym', which a pure module must not" >&2
		bad=1
	done < <(nm -u "$o")
done
if ((bad)); then exit 1; fi
echo "check-pure: $# pure objects call only allowed functions"
