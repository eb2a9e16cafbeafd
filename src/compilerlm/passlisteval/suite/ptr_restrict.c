/* restrict used correctly: disjoint buffers, the contract the optimiser may rely on. */
#include <stdio.h>
#define CHECK(c) do { if (!(c)) { printf("FAIL %s:%d %s\n", __FILE__, __LINE__, #c); return 1; } } while (0)

static void blend(float *restrict out, const float *restrict a, const float *restrict b, float t, int n) {
  for (int i = 0; i < n; i++) out[i] = a[i] * (1 - t) + b[i] * t;
}
static int copy_count(char *restrict dst, const char *restrict src, char stop) {
  int n = 0;
  while (*src && *src != stop) { *dst++ = *src++; n++; }
  *dst = 0;
  return n;
}

int main(void) {
  float a[64], b[64], out[64];
  for (int i = 0; i < 64; i++) { a[i] = (float)i; b[i] = (float)(64 - i); }
  blend(out, a, b, 0.25f, 64);
  CHECK(out[0] == 16.0f && out[32] == 32.0f && out[63] == 47.5f);
  char dst[32];
  CHECK(copy_count(dst, "hello, world", ',') == 5 && dst[5] == 0 && dst[4] == 'o');
  double s = 0;
  for (int i = 0; i < 64; i++) s += out[i];
  printf("%.2f %s\n", s, dst);
  return 0;
}
