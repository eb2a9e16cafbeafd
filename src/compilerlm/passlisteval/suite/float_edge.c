/* IEEE-754 edge cases: NaN never equals itself, signed zeros, infinities, subnormals. */
#include <float.h>
#include <math.h>
#include <stdio.h>
#define CHECK(c) do { if (!(c)) { printf("FAIL %s:%d %s\n", __FILE__, __LINE__, #c); return 1; } } while (0)

static int is_nan(double x) { return x != x; }
static double div(double a, double b) { return a / b; }

int main(void) {
  volatile double zero = 0.0, one = 1.0;
  double nan = zero / zero, inf = one / zero;
  CHECK(is_nan(nan) && !(nan < 1) && !(nan >= 1) && nan != nan);
  CHECK(isinf(inf) && inf > DBL_MAX && -inf < -DBL_MAX);
  CHECK(1.0 / -zero < 0 && signbit(-zero) && -zero == zero);
  CHECK(is_nan(inf - inf) && is_nan(zero * inf));
  double sub = DBL_MIN / 4;
  CHECK(sub > 0 && sub < DBL_MIN && fpclassify(sub) == FP_SUBNORMAL);
  CHECK(div(1.0, 3.0) * 3.0 == 1.0);
  CHECK(0.1 + 0.2 != 0.3);
  CHECK(fmax(nan, 1.0) == 1.0 && fmin(2.0, nan) == 2.0);
  CHECK(nextafter(1.0, 2.0) == 1.0 + DBL_EPSILON);
  float f = 1.0f;
  int steps = 0;
  while (f + 1.0f != f) { f *= 2.0f; steps++; }
  CHECK(steps == 24);
  printf("%g %g %d %a\n", inf, -zero, steps, sub);
  return 0;
}
