/* while and do-while loops, loops that run zero times, early returns from inside loops. */
#include <stdio.h>
#define CHECK(c) do { if (!(c)) { printf("FAIL %s:%d %s\n", __FILE__, __LINE__, #c); return 1; } } while (0)

static int digits(unsigned n) { int d = 0; do { d++; n /= 10; } while (n); return d; }
static int isqrt(int n) { int r = 0; while ((r + 1) * (r + 1) <= n) r++; return r; }
static int index_of(const int *v, int n, int x) { int i = 0; while (i < n) { if (v[i] == x) return i; i++; } return -1; }
static unsigned gcd(unsigned a, unsigned b) { while (b) { unsigned t = a % b; a = b; b = t; } return a; }

int main(void) {
  CHECK(digits(0) == 1 && digits(9) == 1 && digits(10) == 2 && digits(4294967295u) == 10);
  CHECK(isqrt(0) == 0 && isqrt(15) == 3 && isqrt(16) == 4 && isqrt(1000000) == 1000);
  int v[] = {4, 8, 15, 16, 23, 42};
  CHECK(index_of(v, 6, 23) == 4 && index_of(v, 6, 5) == -1 && index_of(v, 0, 4) == -1);
  CHECK(gcd(1071, 462) == 21 && gcd(0, 9) == 9 && gcd(17, 0) == 17);
  int n = 0, runs = 0;
  while (n > 0) runs++;  /* runs zero times */
  do runs++; while (n > 0);
  CHECK(runs == 1);
  unsigned long s = 0;
  for (unsigned i = 1; i < 3000; i++) s += gcd(i, 360) + digits(i * i);
  printf("%lu %d\n", s, isqrt(123456789));
  return 0;
}
