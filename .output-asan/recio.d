.output-asan/recio.o: user/recio.c user/record.h user/recio.h
user/record.h:
user/recio.h:
