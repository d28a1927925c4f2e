.output-asan/procfs.o: user/procfs.c user/cgpath.h user/procfs.h \
 bpf/pcg_abi.h
user/cgpath.h:
user/procfs.h:
bpf/pcg_abi.h:
