/* Non-local exits with setjmp/longjmp; volatile locals keep their values across the jump. */
#include <setjmp.h>
#include <stdio.h>
#define CHECK(c) do { if (!(c)) { printf("FAIL %s:%d %s\n", __FILE__, __LINE__, #c); return 1; } } while (0)

static jmp_buf env;
static int depth_reached;
static void dive(int depth, int limit) {
  depth_reached = depth;
  if (depth == limit) longjmp(env, depth * 10);
  dive(depth + 1, limit);
}
static int safe_div(int a, int b, int *out) {
  jmp_buf local;
  int code = setjmp(local);
  if (code) return 0;
  if (b == 0) longjmp(local, 1);
  *out = a / b;
  return 1;
}

int main(void) {
  volatile int attempts = 0;
  int code = setjmp(env);
  attempts++;
  if (code == 0) dive(0, 25);
  CHECK(code == 250 && depth_reached == 25 && attempts == 2);
  int q = -1;
  CHECK(safe_div(17, 5, &q) == 1 && q == 3);
  CHECK(safe_div(1, 0, &q) == 0 && q == 3);
  printf("%d %d %d\n", code, attempts, q);
  return 0;
}
