#!/bin/bash
# hangs and ignores SIGTERM: the runner's SIGKILL after PCG_TEST_KILL_AFTER must end it
trap '' TERM
echo "ok fake_hang_ignores_term_before"
echo $$ >"$PCG_FAKE_BIN/hang2.pid"
while :; do sleep 0.1; done
