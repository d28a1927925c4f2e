#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# t_robust_corpus.sh - issue 11's bounded-cost target on crafted recordings generated here
# (tests/robust/gen_corpus.py, from docs/record-format.md): every field at its extremes,
# duplicated/reordered/zero-length blocks, decompression bombs, 65 KB strings, 65,536
# sub-cgroups with long paths, 65,536 pods, 200k-task snapshots, 200,000 bad blocks, floods of
# exits and forks.  Each replays (--json, the plain binary) in <= 20 s with <= 256 MB RSS,
# <= 50 stderr lines, only valid JSON lines on stdout, and the documented exit code.
# ROBUST_ONLY="name ..." runs those cases only; ROBUST_CORPUS=DIR reuses a generated corpus;
# ROBUST_ALL=1 runs the disabled cases too.
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
bin=${PODCG:-$root/podcg-trace}
max_s=${ROBUST_MAX_S:-20}
max_kb=$((256 * 1024))
# Cases that still fail, with the reason; they are reported as "# disabled" and not run.
declare -A disabled=(
)
command -v python3 >/dev/null || { echo "skip robust_corpus (no python3)"; exit 0; }
[[ -x /usr/bin/time ]] || { echo "skip robust_corpus (no /usr/bin/time)"; exit 0; }
tmp=$(mktemp -d /tmp/podcg-robust.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
corpus=${ROBUST_CORPUS:-$tmp/corpus}
if [[ ! -f $corpus/cases.txt ]]; then
	python3 "$root/tests/robust/gen_corpus.py" "$corpus" || { echo "not ok robust_corpus_generate"; exit 1; }
fi
fail=0
while read -r name want; do
	if [[ -n ${ROBUST_ONLY:-} && " $ROBUST_ONLY " != *" $name "* ]]; then
		continue
	fi
	if [[ -n ${disabled[$name]:-} && -z ${ROBUST_ALL:-} ]]; then
		echo "# disabled robust_$name: ${disabled[$name]}"
		continue
	fi
	/usr/bin/time -f '%e %M' -o "$tmp/time" timeout 120 "$bin" -r "$corpus/$name.pcgt" --json \
		>"$tmp/out" 2>"$tmp/err"
	rc=$?
	read -r secs kb < <(tail -1 "$tmp/time")
	lines=$(wc -l <"$tmp/err")
	why=()
	[[ $rc == "$want" ]] || why+=("exit $rc, want $want")
	awk -v s="$secs" -v m="$max_s" 'BEGIN { exit !(s + 0 <= m + 0) }' || why+=("took ${secs}s > ${max_s}s")
	((kb <= max_kb)) || why+=("max RSS ${kb} KB > $max_kb KB")
	((lines <= 50)) || why+=("$lines stderr lines > 50")
	if ! python3 -c '
import json, sys
n = 0
for line in open(sys.argv[1], "rb"):
    n += 1
    if not line.endswith(b"\n"):
        sys.exit("line %d: no newline" % n)
    o = json.loads(line.decode("utf-8"))
    if not isinstance(o, dict) or o.get("schema") != 1 or "event" not in o:
        sys.exit("line %d: not a schema 1 object" % n)
' "$tmp/out" 2>"$tmp/jerr"; then
		why+=("invalid JSON: $(tail -1 "$tmp/jerr")")
	fi
	if ((${#why[@]})); then
		echo "not ok robust_$name"
		printf '# %s\n' "${why[@]}"
		head -3 "$tmp/err" | sed 's/^/# stderr: /'
		fail=1
	else
		echo "ok robust_$name"
	fi
	echo "# $name: exit $rc, ${secs}s, ${kb} KB, $lines stderr lines, $(wc -l <"$tmp/out") JSON lines"
done <"$corpus/cases.txt"
exit $fail
