/* Type punning through unions (defined in C) and memcpy, with known IEEE encodings. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#define CHECK(c) do { if (!(c)) { printf("FAIL %s:%d %s\n", __FILE__, __LINE__, #c); return 1; } } while (0)

union fbits { float f; uint32_t u; unsigned char b[4]; };
union dbits { double d; uint64_t u; };
static uint32_t float_bits(float f) { union fbits x; x.f = f; return x.u; }
static float from_bits(uint32_t u) { float f; memcpy(&f, &u, sizeof f); return f; }
static int exponent(double d) { union dbits x = {d}; return (int)((x.u >> 52) & 0x7ff) - 1023; }

int main(void) {
  CHECK(float_bits(1.0f) == 0x3f800000u && float_bits(-2.0f) == 0xc0000000u);
  CHECK(from_bits(0x40490fdbu) > 3.14159f && from_bits(0x40490fdbu) < 3.14160f);
  CHECK(exponent(1.0) == 0 && exponent(1024.0) == 10 && exponent(0.25) == -2);
  union fbits x = {.u = 0x3f800000u};
  CHECK(x.b[3] == 0x3f && x.b[0] == 0);  /* little-endian x86-64 */
  x.b[3] = 0x40;
  CHECK(x.f == 4.0f);
  uint32_t h = 0;
  for (int i = -50; i < 50; i++) h = h * 33 ^ float_bits((float)i / 7.0f);
  printf("%08x %d %u\n", (unsigned)float_bits(0.1f), exponent(1e300), h);
  return 0;
}
