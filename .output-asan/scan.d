.output-asan/scan.o: user/scan.c user/cgpath.h user/clock.h user/encode.h \
 bpf/pcg_abi.h user/procfs.h user/scan.h
user/cgpath.h:
user/clock.h:
user/encode.h:
bpf/pcg_abi.h:
user/procfs.h:
user/scan.h:
