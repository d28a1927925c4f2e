.output-asan/clock.o: user/clock.c user/clock.h
user/clock.h:
