.output-asan/cgpath.o: user/cgpath.c user/cgpath.h
user/cgpath.h:
