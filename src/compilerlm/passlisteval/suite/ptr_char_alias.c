/* Character types may alias anything: byte-wise views of integers and doubles. */
#include <stdint.h>
#include <stdio.h>
#define CHECK(c) do { if (!(c)) { printf("FAIL %s:%d %s\n", __FILE__, __LINE__, #c); return 1; } } while (0)

static uint32_t load_le32(const unsigned char *p) { return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24; }
static void bump_bytes(void *obj, size_t n) { unsigned char *p = obj; for (size_t i = 0; i < n; i++) p[i]++; }

int main(void) {
  uint32_t x = 0x11223344u;
  unsigned char *p = (unsigned char *)&x;
  CHECK(p[0] == 0x44 && p[3] == 0x11);  /* little-endian */
  CHECK(load_le32(p) == x);
  bump_bytes(&x, sizeof x);
  CHECK(x == 0x12233445u);  /* the store through char* is visible through x */
  double d = 0.0;
  ((unsigned char *)&d)[7] = 0x3f;
  ((unsigned char *)&d)[6] = 0xf0;
  CHECK(d == 1.0);
  int arr[4] = {0, 0, 0, 0};
  bump_bytes(arr, sizeof arr);
  CHECK(arr[2] == 0x01010101);
  printf("%08x %g %d\n", (unsigned)x, d, arr[3]);
  return 0;
}
