.output-asan/encode.o: user/encode.c user/encode.h bpf/pcg_abi.h
user/encode.h:
bpf/pcg_abi.h:
