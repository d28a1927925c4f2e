.output-asan/sbuf.o: user/sbuf.c user/sbuf.h
user/sbuf.h:
