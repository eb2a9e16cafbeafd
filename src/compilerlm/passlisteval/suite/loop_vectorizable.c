/* Reductions and element-wise loops that vectorisers transform. */
#include <stdio.h>
#define CHECK(c) do { if (!(c)) { printf("FAIL %s:%d %s\n", __FILE__, __LINE__, #c); return 1; } } while (0)
#define N 1003

static int a[N], b[N], c[N];
static float fx[N], fy[N];

static long sum(const int *v, int n) { long s = 0; for (int i = 0; i < n; i++) s += v[i]; return s; }
static int max_of(const int *v, int n) { int m = v[0]; for (int i = 1; i < n; i++) m = v[i] > m ? v[i] : m; return m; }
static void add(int *restrict out, const int *restrict x, const int *restrict y, int n) { for (int i = 0; i < n; i++) out[i] = x[i] + 3 * y[i]; }
static void saxpy(float *restrict y, const float *restrict x, float k, int n) { for (int i = 0; i < n; i++) y[i] = k * x[i] + y[i]; }
static int count_if(const int *v, int n) { int k = 0; for (int i = 0; i < n; i++) k += (v[i] & 3) == 1; return k; }

int main(void) {
  for (int i = 0; i < N; i++) { a[i] = (i * 37) % 101 - 50; b[i] = i % 13; fx[i] = (float)i; fy[i] = 0.5f; }
  add(c, a, b, N);
  CHECK(sum(a, N) == -28 && sum(c, N) == sum(a, N) + 3 * sum(b, N));
  CHECK(max_of(a, N) == 50 && max_of(b, N) == 12);
  saxpy(fy, fx, 2.0f, N);
  CHECK(fy[0] == 0.5f && fy[1000] == 2000.5f);
  int k = count_if(c, N);
  unsigned char bytes[64];
  for (int i = 0; i < 64; i++) bytes[i] = (unsigned char)(i * 7);
  unsigned x = 0;
  for (int i = 0; i < 64; i++) x ^= bytes[i];
  printf("%ld %d %d %u %.1f\n", sum(c, N), max_of(c, N), k, x, fy[N - 1]);
  return 0;
}
