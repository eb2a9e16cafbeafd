/* Integer limits: arithmetic near INT_MIN/INT_MAX done without signed overflow. */
#include <limits.h>
#include <stdio.h>
#define CHECK(c) do { if (!(c)) { printf("FAIL %s:%d %s\n", __FILE__, __LINE__, #c); return 1; } } while (0)

static int add_checked(int a, int b, int *out) { return __builtin_add_overflow(a, b, out); }
static int mul_checked(int a, int b, int *out) { return __builtin_mul_overflow(a, b, out); }
static long safe_abs(int x) { return x < 0 ? -(long)x : x; }
static int div_or_zero(int a, int b) { return (b == 0 || (a == INT_MIN && b == -1)) ? 0 : a / b; }

int main(void) {
  int r;
  CHECK(add_checked(INT_MAX, 1, &r) == 1);
  CHECK(add_checked(INT_MAX - 1, 1, &r) == 0 && r == INT_MAX);
  CHECK(add_checked(INT_MIN, -1, &r) == 1);
  CHECK(mul_checked(65536, 65536, &r) == 1);
  CHECK(mul_checked(46340, 46340, &r) == 0 && r == 2147395600);
  CHECK(safe_abs(INT_MIN) == 2147483648L);
  CHECK(div_or_zero(INT_MIN, -1) == 0 && div_or_zero(7, 0) == 0 && div_or_zero(-7, 2) == -3);
  volatile int big = INT_MAX;
  long wide = (long)big + big;
  CHECK(wide == 4294967294L);
  CHECK((unsigned)INT_MIN == 2147483648u);
  CHECK(LLONG_MAX / 3 == 3074457345618258602LL);
  printf("%d %ld %ld\n", r, wide, safe_abs(INT_MIN + 1));
  return 0;
}
