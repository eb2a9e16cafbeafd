/* Loop-invariant code, and stores through pointers that may alias the invariant. */
#include <stdio.h>
#define CHECK(c) do { if (!(c)) { printf("FAIL %s:%d %s\n", __FILE__, __LINE__, #c); return 1; } } while (0)

static int scale(int *v, int n, const int *k) { int s = 0; for (int i = 0; i < n; i++) { v[i] *= *k; s += *k; } return s; }
static long poly(int n, int x) { long s = 0; for (int i = 0; i < n; i++) s += (long)x * x * 3 + x + i; return s; }
static int global_limit = 10;
static int bump(int *p, int n) { int c = 0; for (int i = 0; i < n; i++) { if (i < global_limit) { (*p)++; c++; } } return c; }

int main(void) {
  int v[5] = {1, 2, 3, 4, 5}, k = 3;
  CHECK(scale(v, 5, &k) == 15 && v[4] == 15);
  int w[5] = {1, 2, 3, 4, 5};
  int s = scale(w, 5, &w[2]);  /* k aliases the array: it changes mid-loop */
  CHECK(w[2] == 9 && w[3] == 36 && s == 3 + 3 + 9 + 9 + 9);
  CHECK(poly(4, 2) == 4 * 14 + 6);
  CHECK(bump(&global_limit, 30) == 30 && global_limit == 40);
  printf("%d %d %ld %d\n", w[4], s, poly(1000, 17), global_limit);
  return 0;
}
