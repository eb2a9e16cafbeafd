/* Mutual recursion and deep (non-tail) recursion. */
#include <stdio.h>
#define CHECK(c) do { if (!(c)) { printf("FAIL %s:%d %s\n", __FILE__, __LINE__, #c); return 1; } } while (0)

static int is_odd(unsigned n);
static int is_even(unsigned n) { return n == 0 ? 1 : is_odd(n - 1); }
static int is_odd(unsigned n) { return n == 0 ? 0 : is_even(n - 1); }
static int ackermann(int m, int n) { return m == 0 ? n + 1 : n == 0 ? ackermann(m - 1, 1) : ackermann(m - 1, ackermann(m, n - 1)); }
static long hofstadter_f(int n);
static long hofstadter_m(int n) { return n == 0 ? 0 : n - hofstadter_f((int)hofstadter_m(n - 1)); }
static long hofstadter_f(int n) { return n == 0 ? 1 : n - hofstadter_m((int)hofstadter_f(n - 1)); }
static int depth(int n) { return n == 0 ? 0 : 1 + depth(n - 1); }

int main(void) {
  CHECK(is_even(1000) && is_odd(777) && !is_odd(0));
  CHECK(ackermann(2, 3) == 9 && ackermann(3, 3) == 61);
  CHECK(hofstadter_f(10) == 6 && hofstadter_m(10) == 6);
  CHECK(depth(20000) == 20000);
  long s = 0;
  for (int i = 0; i < 60; i++) s += hofstadter_f(i) * 2 + hofstadter_m(i);
  printf("%ld %d\n", s, ackermann(2, 10));
  return 0;
}
