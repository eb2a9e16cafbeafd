/* Irreducible control flow built with goto: two entries into one loop. */
#include <stdio.h>
#define CHECK(c) do { if (!(c)) { printf("FAIL %s:%d %s\n", __FILE__, __LINE__, #c); return 1; } } while (0)

static int irreducible(int n, int start_odd) {
  int i = 0, acc = 0;
  if (start_odd) goto odd;
even:
  if (i >= n) return acc;
  acc += i * 2;
  i++;
odd:
  if (i >= n) return acc;
  acc += i * 3 + 1;
  i++;
  if (acc % 7 == 0) goto odd;
  goto even;
}

static int retry_loop(const int *v, int n) {
  int i = 0, tries = 0;
again:
  if (i < n) {
    if (v[i] < 0 && tries < 3) { tries++; goto again; }
    i++;
    goto again;
  }
  return tries * 100 + i;
}

int main(void) {
  int a = irreducible(10, 0), b = irreducible(10, 1), c = irreducible(0, 1);
  CHECK(c == 0);
  CHECK(irreducible(1, 0) == 0 && irreducible(1, 1) == 1);
  int v[] = {1, -2, 3, -4};
  CHECK(retry_loop(v, 4) == 304);
  long s = 0;
  for (int n = 0; n < 50; n++) s += irreducible(n, n & 1) * (n + 1);
  printf("%d %d %ld\n", a, b, s);
  return 0;
}
