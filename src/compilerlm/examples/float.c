/* Floating point: Newton's method, Simpson integration, a dot product the SLP vectoriser likes. */
#include <math.h>
#include <stdio.h>

static double newton_sqrt(double x) {
  if (x <= 0) return 0;
  double g = x > 1 ? x / 2 : 1;
  for (int i = 0; i < 60; i++) {
    double next = 0.5 * (g + x / g);
    if (fabs(next - g) < 1e-15 * g) break;
    g = next;
  }
  return g;
}

static double f(double x) { return x * x * x - 2 * x + 1; }

static double simpson(double a, double b, int n) {
  double h = (b - a) / n, s = f(a) + f(b);
  for (int i = 1; i < n; i++) s += f(a + i * h) * (i % 2 ? 4 : 2);
  return s * h / 3;
}

static void axpy4(float *restrict y, const float *restrict x, float a) {
  y[0] += a * x[0];
  y[1] += a * x[1];
  y[2] += a * x[2];
  y[3] += a * x[3];
}

static float dot(const float *x, const float *y, int n) {
  float s = 0;
  for (int i = 0; i < n; i++) s += x[i] * y[i];
  return s;
}

int main(void) {
  double r = 0;
  for (int i = 1; i <= 100; i++) r += newton_sqrt(i);
  double integral = simpson(0, 2, 1000);
  float x[16], y[16];
  for (int i = 0; i < 16; i++) { x[i] = i * 0.5f; y[i] = 1.0f / (i + 1); }
  for (int i = 0; i < 16; i += 4) axpy4(y + i, x + i, 0.25f);
  printf("sqrt_sum=%.6f integral=%.6f dot=%.4f\n", r, integral, dot(x, y, 16));
  return 0;
}
