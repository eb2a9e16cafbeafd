/* Floating-point evaluation order matters: without fast-math nothing may be reassociated. */
#include <math.h>
#include <stdio.h>
#define CHECK(c) do { if (!(c)) { printf("FAIL %s:%d %s\n", __FILE__, __LINE__, #c); return 1; } } while (0)

static double naive_sum(const double *v, int n) { double s = 0; for (int i = 0; i < n; i++) s += v[i]; return s; }
static double kahan_sum(const double *v, int n) {
  double s = 0, c = 0;
  for (int i = 0; i < n; i++) { double y = v[i] - c; double t = s + y; c = (t - s) - y; s = t; }
  return s;
}

int main(void) {
  static double v[10001];
  v[0] = 1e16;
  for (int i = 1; i <= 10000; i++) v[i] = 1.0;
  double naive = naive_sum(v, 10001), kahan = kahan_sum(v, 10001);
  CHECK(naive == 1e16);          /* each +1 is lost to rounding */
  CHECK(kahan == 1e16 + 10000);  /* compensated summation keeps them */
  volatile double a = 1e308, b = 1e308;
  CHECK(isinf(a + b - b));        /* (a+b)-b overflows; a+(b-b) would not */
  float x = 0.1f;
  double widened = x;
  CHECK(widened != 0.1 && (float)widened == x);
  double h = 0;
  for (int i = 1; i <= 1000; i++) h += 1.0 / i;
  CHECK(fabs(h - 7.485470860550345) < 1e-12);
  printf("%.17g %.17g %.17g\n", naive, kahan, h);
  return 0;
}
