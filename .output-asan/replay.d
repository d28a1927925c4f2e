.output-asan/replay.o: user/replay.c user/cli.h user/log.h user/modes.h \
 user/output.h user/pipeline.h user/correlate.h user/cgpath.h \
 bpf/pcg_abi.h user/fmt.h user/recio.h user/record.h
user/cli.h:
user/log.h:
user/modes.h:
user/output.h:
user/pipeline.h:
user/correlate.h:
user/cgpath.h:
bpf/pcg_abi.h:
user/fmt.h:
user/recio.h:
user/record.h:
