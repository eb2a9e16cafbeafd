/* Function-local statics keep their values across calls; globals written by many functions. */
#include <stdio.h>
#define CHECK(c) do { if (!(c)) { printf("FAIL %s:%d %s\n", __FILE__, __LINE__, #c); return 1; } } while (0)

static int next_id(void) { static int id = 1000; return id++; }
static int calls_a, calls_b;
static int a(int x) { calls_a++; return x * 2; }
static int b(int x) { calls_b++; return a(x) + 1; }
static const char *cycle(void) { static const char *const words[] = {"red", "green", "blue"}; static unsigned i; return words[i++ % 3]; }
static unsigned long fib_cached(int n) {
  static unsigned long memo[64];
  if (n < 2) return (unsigned long)n;
  if (!memo[n]) memo[n] = fib_cached(n - 1) + fib_cached(n - 2);
  return memo[n];
}

int main(void) {
  CHECK(next_id() == 1000 && next_id() == 1001);
  for (int i = 0; i < 10; i++) b(i);
  CHECK(calls_a == 10 && calls_b == 10 && a(3) == 6 && calls_a == 11);
  CHECK(cycle()[0] == 'r' && cycle()[0] == 'g' && cycle()[0] == 'b' && cycle()[0] == 'r');
  CHECK(fib_cached(60) == 1548008755920ul);
  printf("%d %d %lu\n", next_id(), calls_a + calls_b, fib_cached(90 - 30));
  return 0;
}
