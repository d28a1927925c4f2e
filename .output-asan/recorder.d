.output-asan/recorder.o: user/recorder.c user/log.h user/pipeline.h \
 user/correlate.h user/cgpath.h bpf/pcg_abi.h user/fmt.h user/recio.h \
 user/record.h user/recorder.h user/sbuf.h
user/log.h:
user/pipeline.h:
user/correlate.h:
user/cgpath.h:
bpf/pcg_abi.h:
user/fmt.h:
user/recio.h:
user/record.h:
user/recorder.h:
user/sbuf.h:
