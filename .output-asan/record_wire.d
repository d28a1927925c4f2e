.output-asan/record_wire.o: user/record_wire.c user/record_wire.h \
 bpf/pcg_abi.h
user/record_wire.h:
bpf/pcg_abi.h:
