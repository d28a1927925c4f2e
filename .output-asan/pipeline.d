.output-asan/pipeline.o: user/pipeline.c user/cli.h user/decode.h \
 bpf/pcg_abi.h user/pipeline.h user/correlate.h user/cgpath.h user/fmt.h \
 user/record.h user/sbuf.h
user/cli.h:
user/decode.h:
bpf/pcg_abi.h:
user/pipeline.h:
user/correlate.h:
user/cgpath.h:
user/fmt.h:
user/record.h:
user/sbuf.h:
