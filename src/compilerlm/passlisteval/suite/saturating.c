/* Saturating arithmetic written with comparisons the optimiser likes to turn into selects. */
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#define CHECK(c) do { if (!(c)) { printf("FAIL %s:%d %s\n", __FILE__, __LINE__, #c); return 1; } } while (0)

static int32_t sat_add(int32_t a, int32_t b) {
  if (b > 0 && a > INT32_MAX - b) return INT32_MAX;
  if (b < 0 && a < INT32_MIN - b) return INT32_MIN;
  return a + b;
}
static uint8_t sat_u8(int x) { return x < 0 ? 0 : x > 255 ? 255 : (uint8_t)x; }
static int16_t sat_mul16(int16_t a, int16_t b) {
  int32_t p = (int32_t)a * b;
  return p > INT16_MAX ? INT16_MAX : p < INT16_MIN ? INT16_MIN : (int16_t)p;
}

int main(void) {
  CHECK(sat_add(INT32_MAX, 5) == INT32_MAX && sat_add(INT32_MIN, -5) == INT32_MIN);
  CHECK(sat_add(100, -300) == -200);
  CHECK(sat_u8(-4) == 0 && sat_u8(300) == 255 && sat_u8(77) == 77);
  CHECK(sat_mul16(300, 300) == INT16_MAX && sat_mul16(-300, 300) == INT16_MIN && sat_mul16(-3, 7) == -21);
  long acc = 0;
  for (int i = -1000; i <= 1000; i += 13) acc += sat_u8(i) + sat_mul16((int16_t)i, (int16_t)(i / 3));
  uint8_t img[16];
  for (int i = 0; i < 16; i++) img[i] = sat_u8(i * 40 - 100);
  CHECK(img[0] == 0 && img[3] == 20 && img[15] == 255);
  printf("%ld %d\n", acc, img[5]);
  return 0;
}
