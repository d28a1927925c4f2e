.output-asan/decode.o: user/decode.c user/decode.h bpf/pcg_abi.h
user/decode.h:
bpf/pcg_abi.h:
