.output-asan/main.o: user/main.c user/cli.h user/log.h user/modes.h \
 bpf/pcg_abi.h
user/cli.h:
user/log.h:
user/modes.h:
bpf/pcg_abi.h:
