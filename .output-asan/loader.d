.output-asan/loader.o: user/loader.c user/loader.h bpf/pcg_abi.h \
 user/log.h .output-asan/podcg.skel.h
user/loader.h:
bpf/pcg_abi.h:
user/log.h:
.output-asan/podcg.skel.h:
