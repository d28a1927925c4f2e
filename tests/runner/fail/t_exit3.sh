#!/bin/sh
# prints ok, then exits 3 without a "not ok" line
echo "ok fake_exit3_before"
exit 3
