.output-asan/live.o: user/live.c user/cgpath.h user/cli.h user/clock.h \
 user/decode.h bpf/pcg_abi.h user/encode.h user/loader.h user/log.h \
 user/modes.h user/output.h user/pipeline.h user/correlate.h user/fmt.h \
 user/record.h user/recorder.h user/scan.h user/procfs.h
user/cgpath.h:
user/cli.h:
user/clock.h:
user/decode.h:
bpf/pcg_abi.h:
user/encode.h:
user/loader.h:
user/log.h:
user/modes.h:
user/output.h:
user/pipeline.h:
user/correlate.h:
user/fmt.h:
user/record.h:
user/recorder.h:
user/scan.h:
user/procfs.h:
