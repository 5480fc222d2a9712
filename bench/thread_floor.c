/* The floor under any signal-watching thread: what an empty C program pays for a
 * second thread, with no Rust and no cement. Built three ways:
 *
 *   cc -O2 -o empty bench/thread_floor.c
 *   cc -O2 -DPTHREAD -o pthread bench/thread_floor.c -lpthread
 *   cc -O2 -DRAW_CLONE -o raw_clone bench/thread_floor.c
 *
 * and timed alternately as compare.sh times start-up (see README, Performance). Each
 * thread blocks reading a pipe, as cement's watcher does. */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <unistd.h>

static int fds[2];

#ifdef PTHREAD
static void *watch(void *arg) {
  char byte;
  (void)arg;
  read(fds[0], &byte, 1);
  return 0;
}
#endif

#ifdef RAW_CLONE
static char stack[16384] __attribute__((aligned(16)));
static int watch(void *arg) {
  char byte;
  (void)arg;
  read(fds[0], &byte, 1);
  return 0;
}
#endif

int main(void) {
#ifdef PTHREAD
  pthread_t thread;
  pipe(fds);
  pthread_create(&thread, 0, watch, 0);
  pthread_detach(thread);
#endif
#ifdef RAW_CLONE
  pipe(fds);
  clone(watch, stack + sizeof stack,
        CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM, 0);
#endif
  return 0;
}
