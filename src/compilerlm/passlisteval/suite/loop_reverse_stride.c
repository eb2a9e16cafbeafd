/* Loops that count down, step by more than one, and count unsigned down to zero. */
#include <stddef.h>
#include <stdio.h>
#define CHECK(c) do { if (!(c)) { printf("FAIL %s:%d %s\n", __FILE__, __LINE__, #c); return 1; } } while (0)

static void reverse(int *v, size_t n) { for (size_t i = 0, j = n; i + 1 < j; i++, j--) { int t = v[i]; v[i] = v[j - 1]; v[j - 1] = t; } }
static long stride_sum(const int *v, int n, int step) { long s = 0; for (int i = 0; i < n; i += step) s += v[i]; return s; }
static long down_sum(const int *v, unsigned n) { long s = 0; for (unsigned i = n; i-- > 0;) s += v[i] * (long)(i + 1); return s; }

int main(void) {
  int v[37];
  for (int i = 0; i < 37; i++) v[i] = i * i - 10;
  reverse(v, 37);
  CHECK(v[0] == 1286 && v[36] == -10 && v[18] == 314);
  CHECK(stride_sum(v, 37, 3) == 5720);
  CHECK(stride_sum(v, 37, 37) == 1286 && stride_sum(v, 0, 2) == 0);
  long d = down_sum(v, 37);
  CHECK(down_sum(v, 0) == 0);
  int countdown = 0;
  for (int i = 100; i > 0; i -= 7) countdown += i;
  CHECK(countdown == 765);
  printf("%ld %d %ld\n", d, countdown, stride_sum(v, 37, 5));
  return 0;
}
