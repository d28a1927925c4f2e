#!/bin/sh
# an ordinary failing check: one "not ok" line, exit 1 (no second line from the runner)
echo "ok fake_not_ok_first"
echo "not ok fake_not_ok_second"
exit 1
