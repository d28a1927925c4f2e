#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# t_install.sh - `make install` / `make uninstall` into a DESTDIR (no root): the binary, the
# man page and the bash completion land under PREFIX with the right modes and work from
# there (the binary runs, the man page renders, the completion completes options, recordings
# and pod UIDs); the completion knows exactly the options of `podcg-trace --help`; uninstall
# removes every file again.
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d /tmp/podcg-cli.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
fail=0
dest=$tmp/dest

# result NAME PROBLEM...: ok if no problem was given
result() {
	local name=$1
	shift
	local p=() x
	for x in "$@"; do [[ -n $x ]] && p+=("$x"); done
	if ((${#p[@]})); then
		echo "not ok install_$name"
		printf '# %s\n' "${p[@]}"
		fail=1
	else
		echo "ok install_$name"
	fi
}

if ! make -C "$root" --no-print-directory -s install DESTDIR="$dest" PREFIX=/usr >"$tmp/make.log" 2>&1; then
	result make "make install failed: $(tail -5 "$tmp/make.log")"
	exit 1
fi
bin=$dest/usr/sbin/podcg-trace
man=$dest/usr/share/man/man8/podcg-trace.8
comp=$dest/usr/share/bash-completion/completions/podcg-trace

modes=()
for f in "$bin:755" "$man:644" "$comp:644"; do
	p=${f%:*} want=${f##*:}
	if [[ ! -f $p ]]; then
		modes+=("missing: ${p#"$dest"}")
	elif [[ $(stat -c %a "$p") != "$want" ]]; then
		modes+=("${p#"$dest"}: mode $(stat -c %a "$p"), expected $want")
	fi
done
unexpected=$(cd "$dest" && find . -type f | sort | grep -v -x -e ./usr/sbin/podcg-trace \
	-e ./usr/share/man/man8/podcg-trace.8 -e ./usr/share/bash-completion/completions/podcg-trace)
result files "${modes[@]}" "${unexpected:+unexpected files: $unexpected}"

out=$("$bin" --version 2>&1)
result binary_runs "$([[ $out == "podcg-trace $(cat "$root/VERSION") "* ]] || echo "--version: $out")" \
	"$(cmp -s "$bin" "${PODCG:-$root/podcg-trace}" || echo "not the built ${PODCG:-./podcg-trace}")"

manerr=
if command -v man >/dev/null; then
	rendered=$(MANWIDTH=100 man --warnings -l "$man" 2>"$tmp/man.err" | col -b)
	grep -q "^NAME" <<<"$rendered" || manerr="man -l renders no NAME section"
	[[ -s $tmp/man.err ]] && manerr="man warnings: $(head -3 "$tmp/man.err")"
else
	grep -q '^\.TH PODCG-TRACE 8' "$man" || manerr="no .TH PODCG-TRACE 8 line"
fi
result man_page "$manerr"

# every long option the binary documents has an entry in the man page
missing=
for opt in $("$bin" --help | grep -oE '(^|[ ,])--[a-z][a-z-]*' | tr -d ' ,' | sort -u); do
	grep -qF -- "$(sed 's/-/\\-/g' <<<"$opt")" "$man" || missing="$missing $opt"
done
result man_page_options "${missing:+not in the man page:$missing}"

# complete WORDS...: what the installed completion offers for the last word, one per line
complete_words() {
	COMP_WORDS=("$@") bash -c '
		source "$1"; shift
		COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
		_podcg_trace
		printf "%s\n" "${COMPREPLY[@]}"' _ "$comp" "$@"
}
# the options the binary documents vs the ones the completion offers
help_opts=$("$bin" --help | grep -oE '(^|[ ,])--?[a-zA-Z][a-z-]*' | tr -d ' ,' | sort -u)
comp_opts=$(complete_words podcg-trace - | sort -u)
optdiff=$(diff <(echo "$help_opts") <(echo "$comp_opts"))
touch "$tmp/node1.pcgt" "$tmp/node1.pcgt1" "$tmp/notes.txt"
r=$(cd "$tmp" && complete_words podcg-trace -r node | sort | tr '\n' ' ')
j=$(complete_words podcg-trace --js)
result bash_completion \
	"${optdiff:+options differ from --help (< help, > completion): $optdiff}" \
	"$([[ $j == --json ]] || echo "--js completes to '$j'")" \
	"$([[ $r == "node1.pcgt node1.pcgt1 " ]] || echo "-r node completes to '$r'")"

# --pod offers the pods of this node (when there are any to compare with)
node_pods() {
	find /sys/fs/cgroup -maxdepth 5 -type d -name '*pod*' -path '*kubepods*' 2>/dev/null |
		grep -oE 'pod[0-9a-f]{8}[-_][0-9a-f]{4}[-_][0-9a-f]{4}[-_][0-9a-f]{4}[-_][0-9a-f]{12}' |
		sed 's/^pod//; s/_/-/g' | sort -u
}
pods=$(node_pods)
got=$(complete_words podcg-trace --pod "" | sort -u)
pods=$(comm -12 <(echo "$pods") <(node_pods))  # the ones there before and after
if [[ -n $pods ]]; then
	miss=$(comm -23 <(echo "$pods") <(echo "$got"))
	result bash_completion_pods "${miss:+pods not offered: $miss}"
fi

# the default PREFIX is /usr/local
dry=$(make -C "$root" --no-print-directory -s -n install DESTDIR=/x 2>&1)
result default_prefix "$(grep -q '/x/usr/local/sbin/podcg-trace' <<<"$dry" || echo "make -n install: $dry")"

make -C "$root" --no-print-directory -s uninstall DESTDIR="$dest" PREFIX=/usr >"$tmp/make.log" 2>&1 ||
	result uninstall "make uninstall failed: $(tail -5 "$tmp/make.log")"
left=$(cd "$dest" && find . -type f)
result uninstall "${left:+left behind: $left}"
exit $fail
