/* C99 division truncates toward zero; the remainder takes the dividend's sign. */
#include <stdio.h>
#define CHECK(c) do { if (!(c)) { printf("FAIL %s:%d %s\n", __FILE__, __LINE__, #c); return 1; } } while (0)

static int floor_div(int a, int b) { int q = a / b; return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q; }
static int euclid_mod(int a, int b) { int m = a % b; return m < 0 ? m + (b < 0 ? -b : b) : m; }

int main(void) {
  volatile int a = -7, b = 2, c = -2;
  CHECK(a / b == -3 && a % b == -1);
  CHECK(7 / c == -3 && 7 % c == 1);
  CHECK(a / c == 3 && a % c == -1);
  CHECK(floor_div(-7, 2) == -4 && floor_div(7, -2) == -4 && floor_div(7, 2) == 3);
  CHECK(euclid_mod(-7, 3) == 2 && euclid_mod(7, -3) == 1);
  long total = 0;
  for (int i = -50; i <= 50; i++)
    for (int d = -7; d <= 7; d++)
      if (d != 0) { CHECK((i / d) * d + i % d == i); total += i / d * 3 + i % d; }
  for (int d = 1; d < 20; d++) CHECK(-100 / d == -(100 / d));
  printf("%ld %d %d\n", total, floor_div(-100, 7), euclid_mod(-100, 7));
  return 0;
}
