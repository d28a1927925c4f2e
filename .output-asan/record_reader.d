.output-asan/record_reader.o: user/record_reader.c bpf/pcg_abi.h \
 user/record.h user/record_wire.h
bpf/pcg_abi.h:
user/record.h:
user/record_wire.h:
