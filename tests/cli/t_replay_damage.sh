#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# t_replay_damage.sh - replay (no root) of damaged and hostile inputs through the real binary:
# each gives the documented result (docs/record-format.md), never a crash or a hang: exit 0
# with a damage report while anything was readable, exit 1 with one clear line otherwise.
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
bin=${PODCG:-$root/podcg-trace}
gold=$root/tests/golden/hybrid-besteffort-pod.pcgt
tmp=$(mktemp -d /tmp/podcg-cli.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
fail=0

# expect NAME EXIT-CODE STDERR-REGEX FILE [extra check]
expect() {
	local name=$1 want=$2 re=$3 file=$4 rc
	timeout 20 "$bin" -r "$file" --json >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [[ $rc != "$want" ]] || ! grep -Eq "$re" "$tmp/err"; then
		echo "not ok replay_$name"
		echo "# exit $rc (want $want), stderr: $(head -3 "$tmp/err")"
		fail=1
	elif [[ $(grep -c . "$tmp/err") -gt 6 ]]; then
		echo "not ok replay_$name"
		echo "# more than a few lines of errors: $(wc -l <"$tmp/err")"
		fail=1
	else
		echo "ok replay_$name"
	fi
}

size=$(stat -c %s "$gold")
hdr_end=$((24 + $(od -An -tu4 -j12 -N4 "$gold" | tr -d ' ')))
full=$("$bin" -r "$gold" --json | wc -l)

: >"$tmp/empty"
expect empty_file 1 'no readable header' "$tmp/empty"
mkdir "$tmp/emptydir"
expect empty_directory 1 'no recordings in the inputs given' "$tmp/emptydir"
expect dev_zero 1 'not a podcg-trace recording' /dev/zero
head -c 100000 /dev/urandom >"$tmp/random"
expect random_bytes 1 'not a podcg-trace recording' "$tmp/random"
head -c 20 "$gold" >"$tmp/prefix"
expect cut_in_header 1 'no readable header' "$tmp/prefix"
head -c "$hdr_end" "$gold" >"$tmp/header-only"
expect header_only 0 'truncated' "$tmp/header-only"
head -c $((size - 30)) "$gold" >"$tmp/cut"
expect cut_mid_block 0 'damaged' "$tmp/cut"
# a flipped byte inside the first block: that block is skipped, reported, the rest replays
cp "$gold" "$tmp/flip"
printf '\xff' | dd of="$tmp/flip" bs=1 seek=$((hdr_end + 40)) conv=notrunc status=none
expect flipped_block_byte 0 'damaged at byte' "$tmp/flip"
# a newer major version is refused with a clear message
cp "$gold" "$tmp/major"
printf '\x09' | dd of="$tmp/major" bs=1 seek=8 conv=notrunc status=none
expect newer_major 1 'newer podcg-trace' "$tmp/major"
# a huge declared header length: refused without allocating it
cp "$gold" "$tmp/huge"
printf '\xff\xff\xff\x7f' | dd of="$tmp/huge" bs=1 seek=12 conv=notrunc status=none
expect huge_header_length 1 'cannot replay' "$tmp/huge"
# stdin works like a file, and the intact file replays whole
"$bin" -r - --json <"$gold" >"$tmp/stdin.out" 2>/dev/null
if cmp -s "$tmp/stdin.out" <("$bin" -r "$gold" --json 2>/dev/null) && [[ $full -gt 0 ]]; then
	echo "ok replay_stdin"
else
	echo "not ok replay_stdin"
	fail=1
fi
# usage errors exit 2
if "$bin" -r "$gold" -w "$tmp/x" >/dev/null 2>&1; [[ $? == 2 ]] && "$bin" --bogus >/dev/null 2>&1; [[ $? == 2 ]]; then
	echo "ok usage_exit_2"
else
	echo "not ok usage_exit_2"
	fail=1
fi
exit $fail
