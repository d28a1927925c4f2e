.output-asan/cli.o: user/cli.c user/cli.h
user/cli.h:
