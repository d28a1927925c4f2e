#!/bin/sh
# an ASan-built program that prints ok, then overflows the heap: ASan aborts it
exec "$PCG_FAKE_BIN/fake-san" asan
