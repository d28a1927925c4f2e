#!/bin/sh
# a passing fake test
echo "ok fake_pass_1"
echo "# a comment line"
echo "ok fake_pass_2"
