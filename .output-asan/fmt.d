.output-asan/fmt.o: user/fmt.c user/correlate.h user/cgpath.h \
 bpf/pcg_abi.h user/decode.h user/fmt.h user/sbuf.h
user/correlate.h:
user/cgpath.h:
bpf/pcg_abi.h:
user/decode.h:
user/fmt.h:
user/sbuf.h:
