#!/bin/sh
# a fake test that skips (a failure under CI=true)
echo "skip fake_skip (no such prerequisite)"
