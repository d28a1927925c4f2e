.output-asan/output.o: user/output.c user/fmt.h user/log.h user/modes.h \
 user/output.h user/sbuf.h
user/fmt.h:
user/log.h:
user/modes.h:
user/output.h:
user/sbuf.h:
