# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# podcg-trace: bpf -> skeleton -> libpcg_core.a -> podcg-trace.  `make help` lists the targets.
# make SANITIZE=1: ./podcg-trace-san, the tracer itself with ASan/UBSan, built in its own output
# dir by clang (one sanitizer runtime, so UBSan reports too go to ASAN_OPTIONS' log_path files).
ifeq ($(SANITIZE),1)
ifeq ($(STATIC),1)
$(error SANITIZE=1 and STATIC=1 do not mix: the sanitizer runtimes cannot be linked fully static)
endif
OUTPUT ?= .output-san
BIN ?= podcg-trace-san
CC = $(CLANG)
BIN_SAN := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
endif
OUTPUT ?= .output
BIN ?= podcg-trace
CLANG ?= clang
CC ?= cc
BPFTOOL ?= $(shell command -v bpftool 2>/dev/null || echo /usr/sbin/bpftool)
LLVM_STRIP ?= llvm-strip
PKG_CONFIG ?= pkg-config
ARCH ?= $(shell uname -m | sed -e 's/x86_64/x86/' -e 's/aarch64/arm64/' -e 's/ppc64le/powerpc/' -e 's/s390x/s390/')
VMLINUX_H ?= vmlinux/$(ARCH)/vmlinux.h
VERSION := $(shell cat VERSION 2>/dev/null || echo 0.0.0)

ifeq ($(wildcard vmlinux/$(ARCH)/),)
$(error architecture $(ARCH) has no vmlinux/$(ARCH)/ header; run scripts/gen-vmlinux.sh)
endif

ifeq ($(V),1)
Q =
msg =
else
Q = @
msg = @printf '  %-8s %s\n' "$(1)" "$(2)";
endif

WARN := -Wall -Wextra -Werror -Wmissing-prototypes -Wno-unused-parameter
CFLAGS ?= -g -O2
USER_CFLAGS := $(CFLAGS) $(WARN) -std=gnu11 -D_GNU_SOURCE -Ibpf -Iuser -I$(OUTPUT) \
	-DPCG_VERSION='"$(VERSION)"' -MMD -MP $(BIN_SAN) $(EXTRA_CFLAGS)
LIBBPF_CFLAGS := $(shell $(PKG_CONFIG) --cflags libbpf 2>/dev/null)
ifeq ($(STATIC),1)
LDLIBS := -static $(shell $(PKG_CONFIG) --static --libs libbpf 2>/dev/null || echo -lbpf -lelf -lz) -lnettle
else
LDLIBS := $(shell $(PKG_CONFIG) --libs libbpf 2>/dev/null || echo -lbpf) -lelf -lz -lnettle
endif
# json-c parses the runtimes' metadata files (user/meta.c)
JSONC_LIBS := -ljson-c
LDLIBS += $(JSONC_LIBS)

# clang's system include dirs for -target bpf (from libbpf-bootstrap)
CLANG_BPF_SYS_INCLUDES ?= $(shell $(CLANG) -v -E - </dev/null 2>&1 \
	| sed -n '/<...> search starts here:/,/End of search list./{ s| \(/.*\)|-idirafter \1|p }')
BPF_CFLAGS := -g -O2 -target bpf -D__TARGET_ARCH_$(ARCH) -Wall -Werror -Ibpf \
	-I$(dir $(VMLINUX_H)) $(CLANG_BPF_SYS_INCLUDES)

# Pure modules: no syscalls, unit-tested and fuzzed without root.
CORE_SRCS := $(wildcard user/cgpath.c user/sbuf.c user/decode.c user/correlate.c user/fmt.c \
	user/pipeline.c user/encode.c user/procfs.c user/record_wire.c user/record_writer.c user/record_reader.c user/cli.c \
	user/timeline.c user/check_report.c user/meta.c user/fmt_snapshot.c)
IMPURE_SRCS := user/loader.c user/clock.c user/scan.c user/recio.c user/log.c user/output.c user/health.c \
	user/recorder.c user/live.c user/replay.c user/snapshot.c user/check.c user/timeline_io.c \
	user/evidence.c user/names.c user/main.c
IMPURE_SRCS := $(wildcard $(IMPURE_SRCS))
CORE_OBJS := $(CORE_SRCS:user/%.c=$(OUTPUT)/%.o)
IMPURE_OBJS := $(IMPURE_SRCS:user/%.c=$(OUTPUT)/%.o)
UNIT_SRCS := $(wildcard tests/unit/test_*.c)

.DELETE_ON_ERROR:
.SECONDARY:
.PHONY: pipebench bench-floor
.PHONY: all deps deps-check demo test test-bins test-unit test-e2e fuzz fuzz-corpus static bench vmlinux clean help golden-update check-pure format check-format

all: $(BIN)

help:
	@echo 'make            build ./podcg-trace (needs: scripts/install-deps.sh)'
	@echo 'make deps       install the Debian packages this project needs'
	@echo 'make demo       install, build, and trace a real demo pod (root)'
	@echo 'make test       the whole suite: unit, fuzz corpus, golden, e2e with real BPF (root)'
	@echo 'make test-unit  unit + fuzz corpus + golden tests only (no root)'
	@echo 'make fuzz       run the libFuzzer targets for FUZZ_SECONDS each (default 60)'
	@echo 'make static     a fully static ./podcg-trace-static'
	@echo 'make image      the container image localhost/podcg-trace (offline, podman)'
	@echo 'make install    binary, man page, bash completion (PREFIX, DESTDIR); make uninstall'
	@echo 'make SANITIZE=1 ./podcg-trace-san with ASan/UBSan; make test SANITIZE=1 tests it'
	@echo 'make bench      overhead benchmark against bpftrace and perf (root)'
	@echo 'make vmlinux    regenerate vmlinux/$(ARCH)/ from this kernel'

$(OUTPUT):
	$(Q)mkdir -p $@

# Installs the build dependencies when one is missing (a fresh machine), nothing otherwise.
deps-check:
	$(Q)command -v $(CLANG) >/dev/null && command -v $(BPFTOOL) >/dev/null && \
		test -e /usr/include/bpf/libbpf.h && test -e /usr/include/gelf.h && \
		test -e /usr/include/zlib.h && test -e /usr/include/nettle/sha2.h && \
		test -e /usr/include/json-c/json.h || scripts/install-deps.sh

$(OUTPUT)/podcg.bpf.o: bpf/podcg.bpf.c bpf/pcg_abi.h bpf/core_compat.bpf.h $(VMLINUX_H) | $(OUTPUT) deps-check
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $(@:.o=.tmp.o)
	$(Q)$(BPFTOOL) gen object $@ $(@:.o=.tmp.o)
	$(Q)rm -f $(@:.o=.tmp.o)

$(OUTPUT)/podcg.skel.h: $(OUTPUT)/podcg.bpf.o
	$(call msg,GEN-SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name podcg_bpf > $@

$(OUTPUT)/loader.o: $(OUTPUT)/podcg.skel.h

$(OUTPUT)/%.o: user/%.c | $(OUTPUT)
	$(call msg,CC,$@)
	$(Q)$(CC) $(USER_CFLAGS) $(LIBBPF_CFLAGS) -c $< -o $@

$(OUTPUT)/libpcg_core.a: $(CORE_OBJS)
	$(call msg,AR,$@)
	$(Q)rm -f $@ # ar keeps members whose source is gone (record.o after the split)
	$(Q)$(AR) rcs $@ $^


$(BIN): $(IMPURE_OBJS) $(OUTPUT)/libpcg_core.a
	$(call msg,BINARY,$@)
	$(Q)$(CC) $(CFLAGS) $(BIN_SAN) $(EXTRA_LDFLAGS) $^ $(LDLIBS) -o $@

# A fully static binary for incident-response kits (libbpf, libelf, zlib and libc inside).
static:
	$(Q)$(MAKE) --no-print-directory OUTPUT=.output-static STATIC=1 SANITIZE= BIN=podcg-trace-static \
		podcg-trace-static

# --- container image, install ------------------------------------------------------------
# The image (Containerfile): FROM scratch + the static binary, built offline (nothing pulled).
# PODMAN_FLAGS suit a host without systemd as PID 1 and without journald.
PODMAN ?= podman
PODMAN_FLAGS ?= --cgroup-manager=cgroupfs --events-backend=file
IMAGE ?= localhost/podcg-trace
# reproducible: the same binary at the same commit gives the same image id
IMAGE_TIMESTAMP ?= $(shell git log -1 --format=%ct 2>/dev/null || echo 0)
.PHONY: image install uninstall

image: static
	$(call msg,IMAGE,$(IMAGE):$(VERSION))
	$(Q)command -v $(PODMAN) >/dev/null || { echo "make image: needs $(PODMAN) (scripts/install-deps.sh)" >&2; exit 1; }
	$(Q)old=$$($(PODMAN) $(PODMAN_FLAGS) image inspect --format '{{.Id}}' $(IMAGE):latest 2>/dev/null); \
	$(PODMAN) $(PODMAN_FLAGS) build --pull=never --network=none --layers=false \
		--timestamp=$(IMAGE_TIMESTAMP) -f Containerfile --build-arg VERSION=$(VERSION) \
		-t $(IMAGE):latest -t $(IMAGE):$(VERSION) . && \
	new=$$($(PODMAN) $(PODMAN_FLAGS) image inspect --format '{{.Id}}' $(IMAGE):latest) && \
	if [ -n "$$old" ] && [ "$$old" != "$$new" ] && \
		[ -z "$$($(PODMAN) $(PODMAN_FLAGS) image inspect --format '{{.RepoTags}}' $$old | tr -d '[]')" ]; then \
		$(PODMAN) $(PODMAN_FLAGS) rmi $$old >/dev/null; fi

# `make install PREFIX=/usr DESTDIR=/tmp/pkg`: binary, man page, bash completion.
PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/sbin
MANDIR ?= $(PREFIX)/share/man
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
INSTALL ?= install

install: $(BIN)
	$(Q)$(INSTALL) -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man8 $(DESTDIR)$(BASHCOMPDIR)
	$(Q)$(INSTALL) -m 0755 $(BIN) $(DESTDIR)$(BINDIR)/podcg-trace
	$(Q)$(INSTALL) -m 0644 docs/podcg-trace.8 $(DESTDIR)$(MANDIR)/man8/podcg-trace.8
	$(Q)$(INSTALL) -m 0644 scripts/podcg-trace.bash-completion $(DESTDIR)$(BASHCOMPDIR)/podcg-trace

uninstall:
	$(Q)rm -f $(DESTDIR)$(BINDIR)/podcg-trace $(DESTDIR)$(MANDIR)/man8/podcg-trace.8 \
		$(DESTDIR)$(BASHCOMPDIR)/podcg-trace

# --- tests -------------------------------------------------------------------------------
# Unit tests and fuzz-corpus replays build the pure modules again with ASan/UBSan.
SAN := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
TEST_OUT := $(OUTPUT)/test
TEST_CFLAGS := -g -O1 $(SAN) $(WARN) -Wno-missing-prototypes -std=gnu11 -D_GNU_SOURCE -Ibpf -Iuser -Itests/unit -DPCG_VERSION='"$(VERSION)"'

$(TEST_OUT)/unit: tests/unit/main.c $(UNIT_SRCS) $(CORE_SRCS) $(wildcard user/*.h tests/unit/*.h bpf/pcg_abi.h) | $(OUTPUT)
	$(Q)mkdir -p $(TEST_OUT)
	$(call msg,TEST-CC,$@)
	$(Q)$(CC) $(TEST_CFLAGS) tests/unit/main.c $(UNIT_SRCS) $(CORE_SRCS) -lz $(JSONC_LIBS) -o $@

FUZZ_TARGETS := $(patsubst tests/fuzz/fuzz_%.c,%,$(wildcard tests/fuzz/fuzz_*.c))
# The corpus runner: each fuzz target linked with a plain main() that feeds it files.
$(TEST_OUT)/corpus_%: tests/fuzz/fuzz_%.c tests/fuzz/corpus_main.c $(CORE_SRCS) | $(OUTPUT)
	$(Q)mkdir -p $(TEST_OUT)
	$(call msg,TEST-CC,$@)
	$(Q)$(CC) $(TEST_CFLAGS) $^ -lz $(JSONC_LIBS) -o $@

$(TEST_OUT)/fuzz_%: tests/fuzz/fuzz_%.c $(CORE_SRCS) | $(OUTPUT)
	$(Q)mkdir -p $(TEST_OUT)
	$(call msg,FUZZ-CC,$@)
	$(Q)$(CLANG) -g -O1 -fsanitize=fuzzer,address,undefined -std=gnu11 -D_GNU_SOURCE -Ibpf -Iuser $^ -lz $(JSONC_LIBS) -o $@

TEST_BINS := $(BIN) $(TEST_OUT)/unit $(FUZZ_TARGETS:%=$(TEST_OUT)/corpus_%)

test-bins: $(TEST_BINS)

# The runner sets ASAN_OPTIONS/UBSAN_OPTIONS; a sanitized tracer is slower: timeouts x3.
RUN_TESTS := OUTPUT=$(OUTPUT) PODCG=$(CURDIR)/$(BIN) $(if $(BIN_SAN),PCG_TEST_TIME_SCALE=3) \
	scripts/run-tests.sh

test-unit: $(TEST_BINS)
	$(Q)$(RUN_TESTS) unit

# The README's test command: installs what is missing, builds, runs every suite.
test:
	$(Q)scripts/install-deps.sh
	$(Q)$(MAKE) --no-print-directory test-bins
	$(Q)$(RUN_TESTS) all

test-e2e: $(BIN)
	$(Q)$(RUN_TESTS) e2e

FUZZ_SECONDS ?= 60
fuzz: $(FUZZ_TARGETS:%=$(TEST_OUT)/fuzz_%)
	$(Q)for t in $(FUZZ_TARGETS); do \
		mkdir -p $(OUTPUT)/fuzz-corpus/$$t; \
		$(TEST_OUT)/fuzz_$$t -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 \
			$(OUTPUT)/fuzz-corpus/$$t tests/fuzz/corpus/$$t || exit 1; \
	done

golden-update: podcg-trace
	$(Q)scripts/golden.sh update

FORMAT_SRCS = $(wildcard user/*.[ch] bpf/*.[ch] tests/unit/*.[ch] tests/fuzz/*.c tests/bench/*.c)
format:
	$(Q)clang-format -i $(FORMAT_SRCS)

check-format:
	$(Q)clang-format --dry-run --Werror $(FORMAT_SRCS)

check-pure: $(CORE_OBJS)
	$(Q)scripts/check-pure.sh $(CORE_OBJS)

bench: podcg-trace
	$(Q)scripts/bench.sh

# The bench's in-kernel floor (scripts/bench.sh builds it): empty tp_btf programs on the process
# tracepoints, built like the tracer's own, and the loader that holds them
bench-floor: $(OUTPUT)/bench/emptyprog.bpf.o $(OUTPUT)/bench/emptyload
$(OUTPUT)/bench/emptyprog.bpf.o: tests/bench/emptyprog.bpf.c $(VMLINUX_H)
	$(Q)mkdir -p $(@D)
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@
$(OUTPUT)/bench/emptyload: tests/bench/emptyload.c
	$(Q)mkdir -p $(@D)
	$(call msg,BINARY,$@)
	$(Q)$(CC) $(CFLAGS) $(WARN) $(LIBBPF_CFLAGS) $< $(LDLIBS) -o $@

# The pure ingestion path at scale, no root (tests/bench/pipebench.c)
pipebench: $(OUTPUT)/pipebench
$(OUTPUT)/pipebench: tests/bench/pipebench.c $(OUTPUT)/libpcg_core.a
	$(call msg,BINARY,$@)
	$(Q)$(CC) $(USER_CFLAGS) $^ -lz $(JSONC_LIBS) -o $@

deps:
	$(Q)scripts/install-deps.sh

demo:
	$(Q)scripts/install-deps.sh
	$(Q)$(MAKE) --no-print-directory podcg-trace
	$(Q)scripts/demo.sh

vmlinux:
	$(Q)scripts/gen-vmlinux.sh

clean:
	$(call msg,CLEAN)
	$(Q)rm -rf $(OUTPUT) .output-static podcg-trace podcg-trace-static .output-san podcg-trace-san

-include $(wildcard $(OUTPUT)/*.d)
