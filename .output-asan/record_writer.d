.output-asan/record_writer.o: user/record_writer.c bpf/pcg_abi.h \
 user/record.h user/record_wire.h
bpf/pcg_abi.h:
user/record.h:
user/record_wire.h:
