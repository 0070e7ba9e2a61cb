/*
 * LD_PRELOAD shim for pcscd in tests: sets TCP_NODELAY on every accepted socket. vpcd writes a
 * frame's length and payload separately; without TCP_NODELAY each APDU waits ~40 ms on delayed
 * ACKs, so card timings would measure the network stack. Harmless on pcscd's Unix socket
 * (setsockopt fails there and errno is restored).
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

typedef int (*accept_fn)(int, struct sockaddr *, socklen_t *);
typedef int (*accept4_fn)(int, struct sockaddr *, socklen_t *, int);

static int no_delay(int fd) {
  if (fd >= 0) {
    int saved = errno, one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    errno = saved;
  }
  return fd;
}

int accept(int fd, struct sockaddr *addr, socklen_t *len) {
  static accept_fn real;
  if (!real) real = (accept_fn)dlsym(RTLD_NEXT, "accept");
  return no_delay(real(fd, addr, len));
}

int accept4(int fd, struct sockaddr *addr, socklen_t *len, int flags) {
  static accept4_fn real;
  if (!real) real = (accept4_fn)dlsym(RTLD_NEXT, "accept4");
  return no_delay(real(fd, addr, len, flags));
}
