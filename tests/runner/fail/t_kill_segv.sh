#!/bin/bash
# prints ok, then the shell itself dies of SIGSEGV
echo "ok fake_kill_segv_before"
kill -SEGV $$
echo "ok fake_kill_segv_after"
