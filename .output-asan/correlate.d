.output-asan/correlate.o: user/correlate.c user/correlate.h user/cgpath.h \
 bpf/pcg_abi.h user/encode.h user/decode.h
user/correlate.h:
user/cgpath.h:
bpf/pcg_abi.h:
user/encode.h:
user/decode.h:
