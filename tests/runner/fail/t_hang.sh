#!/bin/sh
# prints ok, then hangs past the timeout (its child too: both must be gone afterwards)
echo "ok fake_hang_before"
sleep 1000 &
echo $! >"$PCG_FAKE_BIN/hang.pid"
wait
