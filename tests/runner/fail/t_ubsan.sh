#!/bin/sh
# UBSan (signed overflow) in a child whose exit status the test ignores
"$PCG_FAKE_BIN/fake-san" ubsan >/dev/null 2>&1
echo "ok fake_ubsan_ignored"
