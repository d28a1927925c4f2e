#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# t_golden.sh - committed recordings replay (no root) to exactly the committed output, so a
# change of the file format or of the output that breaks old recordings fails the build.
exec "$(dirname "$0")/../../scripts/golden.sh" check
