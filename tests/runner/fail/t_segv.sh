#!/bin/sh
# a C program that prints ok, then dereferences NULL (a real SIGSEGV)
exec "$PCG_FAKE_BIN/fake-plain" segv
