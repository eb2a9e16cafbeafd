/* Loops with small constant trip counts: full unrolling and peeling candidates. */
#include <stdio.h>
#define CHECK(c) do { if (!(c)) { printf("FAIL %s:%d %s\n", __FILE__, __LINE__, #c); return 1; } } while (0)

static int dot4(const int *a, const int *b) { int s = 0; for (int i = 0; i < 4; i++) s += a[i] * b[i]; return s; }
static void mat3_mul(const int a[3][3], const int b[3][3], int c[3][3]) {
  for (int i = 0; i < 3; i++) for (int j = 0; j < 3; j++) { c[i][j] = 0; for (int k = 0; k < 3; k++) c[i][j] += a[i][k] * b[k][j]; }
}
static unsigned crc8(const unsigned char *p, int n) {
  unsigned c = 0;
  for (int i = 0; i < n; i++) { c ^= p[i]; for (int k = 0; k < 8; k++) c = (c & 0x80) ? ((c << 1) ^ 0x07) & 0xff : (c << 1) & 0xff; }
  return c;
}

int main(void) {
  int a[4] = {1, 2, 3, 4}, b[4] = {5, 6, 7, 8};
  CHECK(dot4(a, b) == 70);
  int m[3][3] = {{1, 2, 3}, {4, 5, 6}, {7, 8, 9}}, id[3][3] = {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}}, r[3][3], r2[3][3];
  mat3_mul(m, id, r);
  for (int i = 0; i < 3; i++) for (int j = 0; j < 3; j++) CHECK(r[i][j] == m[i][j]);
  mat3_mul(m, m, r2);
  CHECK(r2[0][0] == 30 && r2[1][1] == 81 && r2[2][2] == 150);
  CHECK(crc8((const unsigned char *)"123456789", 9) == 0xf4);
  int first = -1;
  for (int i = 0; i < 8; i++) if (i == 0) first = 100; else first += i;
  CHECK(first == 128);
  printf("%d %d %u\n", dot4(r2[0], r2[1]), r2[1][2], crc8((const unsigned char *)"llvm", 4));
  return 0;
}
