/* A table of function pointers indexed at run time, including a NULL entry. */
#include <stdio.h>
#define CHECK(c) do { if (!(c)) { printf("FAIL %s:%d %s\n", __FILE__, __LINE__, #c); return 1; } } while (0)

typedef long (*op_fn)(long, long);
static long add(long a, long b) { return a + b; }
static long sub(long a, long b) { return a - b; }
static long mul(long a, long b) { return a * b; }
static long mod(long a, long b) { return b ? a % b : 0; }
static long pick_a(long a, long b) { (void)b; return a; }
static op_fn table[] = {add, sub, mul, mod, pick_a, NULL};

static long run(const unsigned char *prog, int n, long acc) {
  for (int i = 0; i < n; i++) {
    op_fn f = table[prog[i] % 6];
    if (f) acc = f(acc, i + 1);
  }
  return acc;
}

int main(void) {
  unsigned char prog[] = {0, 2, 1, 3, 5, 4, 2, 0};
  CHECK(run(prog, 8, 0) == 1);
  CHECK(table[5] == NULL && table[2](6, 7) == 42);
  unsigned char big[200];
  for (int i = 0; i < 200; i++) big[i] = (unsigned char)(i * 7 + 3);
  long r = run(big, 200, 1);
  printf("%ld %ld\n", run(prog, 8, 0), r);
  return 0;
}
