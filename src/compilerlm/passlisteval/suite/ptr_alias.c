/* Pointers that may alias: the optimiser must reload after every store through them. */
#include <stdio.h>
#include <string.h>
#define CHECK(c) do { if (!(c)) { printf("FAIL %s:%d %s\n", __FILE__, __LINE__, #c); return 1; } } while (0)

static int store_then_load(int *a, int *b) { *a = 1; *b = 2; return *a; }
static void add_into(int *dst, const int *src, int n) { for (int i = 0; i < n; i++) dst[i] += src[i]; }
static long sum_twice(long *p, long *q) { *p += 10; *q += 20; return *p + *q; }

int main(void) {
  int x = 0, y = 0;
  CHECK(store_then_load(&x, &y) == 1);
  CHECK(store_then_load(&x, &x) == 2);  /* same object */
  int v[8] = {1, 2, 3, 4, 5, 6, 7, 8};
  add_into(v + 1, v, 7);  /* overlapping: each step reads what the previous one wrote */
  CHECK(v[0] == 1 && v[1] == 3 && v[2] == 6 && v[7] == 36);
  char s[16] = "abcdefgh";
  memmove(s + 2, s, 6);
  CHECK(strcmp(s, "ababcdef") == 0);
  long a = 1, b = 1;
  CHECK(sum_twice(&a, &b) == 32 && sum_twice(&a, &a) == 82);
  printf("%d %ld %s\n", v[5], a, s);
  return 0;
}
