/* Sparse switches (binary decision trees) with large and negative case values. */
#include <stdio.h>
#define CHECK(c) do { if (!(c)) { printf("FAIL %s:%d %s\n", __FILE__, __LINE__, #c); return 1; } } while (0)

static int http_class(int code) {
  switch (code) {
  case 200: case 201: case 204: return 2;
  case 301: case 302: case 304: return 3;
  case 400: case 401: case 403: case 404: return 4;
  case 500: case 502: case 503: return 5;
  case -1: return -1;
  case 1000000: return 9;
  default: return 0;
  }
}
static long big_switch(long x) {
  switch (x) {
  case -9000000000L: return 1; case 9000000000L: return 2; case 0: return 3; case 77: return 4;
  default: return x % 5;
  }
}

int main(void) {
  int codes[] = {200, 201, 204, 301, 302, 304, 400, 401, 403, 404, 500, 502, 503, -1, 1000000, 0, 999, 305};
  int sum = 0;
  for (unsigned i = 0; i < sizeof codes / sizeof codes[0]; i++) sum += http_class(codes[i]);
  CHECK(sum == 2 * 3 + 3 * 3 + 4 * 4 + 5 * 3 - 1 + 9);
  CHECK(big_switch(-9000000000L) == 1 && big_switch(9000000000L) == 2 && big_switch(0) == 3);
  CHECK(big_switch(77) == 4 && big_switch(-13) == -3);
  long s = 0;
  for (long i = -50; i < 50; i++) s += big_switch(i * 11);
  printf("%d %ld\n", sum, s);
  return 0;
}
