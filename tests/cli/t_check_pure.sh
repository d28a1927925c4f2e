#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# t_check_pure.sh - the pure modules call only allowed functions (scripts/check-pure.sh).
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root" || exit 1
if out=$(make --no-print-directory -s check-pure 2>&1); then
	echo "ok check_pure"
else
	echo "not ok check_pure"
	printf '# %s\n' "$out"
	exit 1
fi
