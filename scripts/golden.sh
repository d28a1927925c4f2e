#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# golden.sh - replay the committed recordings in tests/golden and compare with the expected
# output (check), or regenerate the expected output on purpose (update; review the diff).
# Each tests/golden/NAME.pcgt has NAME.jsonl (--json) and NAME.txt (text) beside it.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
mode=${1:-check}
bin=${PODCG:-./podcg-trace}
rc=0
for rec in tests/golden/*.pcgt; do
	name=${rec%.pcgt}
	for fmt in jsonl txt; do
		flag=; [[ $fmt == jsonl ]] && flag=--json
		if [[ $mode == update ]]; then
			"$bin" -r "$rec" $flag >"$name.$fmt" || { echo "not ok golden ${name##*/}.$fmt (replay failed)"; rc=1; }
			echo "updated $name.$fmt"
			continue
		fi
		if diff -u "$name.$fmt" <("$bin" -r "$rec" $flag 2>/dev/null) >/tmp/golden.$$.diff; then
			echo "ok golden_${name##*/}.$fmt"
		else
			echo "not ok golden_${name##*/}.$fmt"
			sed 's/^/# /' /tmp/golden.$$.diff | head -40
			rc=1
		fi
		rm -f /tmp/golden.$$.diff
	done
done
exit $rc
