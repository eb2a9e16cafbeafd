/* Conversions: sign and zero extension, narrowing (two's complement in clang), bool. */
#include <stdint.h>
#include <stdio.h>
#define CHECK(c) do { if (!(c)) { printf("FAIL %s:%d %s\n", __FILE__, __LINE__, #c); return 1; } } while (0)

static int64_t sext8(uint8_t b) { return (int8_t)b; }
static uint64_t zext8(int8_t b) { return (uint8_t)b; }
static int to_bool(double d) { return (_Bool)d; }

int main(void) {
  CHECK(sext8(0xff) == -1 && sext8(0x7f) == 127);
  CHECK(zext8(-1) == 255);
  CHECK((int16_t)(uint16_t)40000 == -25536);
  CHECK((uint32_t)(int32_t)-1 == 4294967295u);
  CHECK((int64_t)(int32_t)0x80000000u == -2147483648LL);
  CHECK(to_bool(0.0) == 0 && to_bool(-0.0) == 0 && to_bool(0.1) == 1);
  CHECK((int)3.99 == 3 && (int)-3.99 == -3);
  CHECK((unsigned)255.5 == 255u);
  CHECK((float)16777217 == 16777216.0f);
  volatile double d = 1e10;
  CHECK((long long)d == 10000000000LL);
  long long acc = 0;
  for (int i = -300; i < 300; i += 7) acc += (int8_t)i + (uint8_t)i * 3 + (int16_t)(i * 300);
  printf("%lld %d\n", acc, (int8_t)200);
  return 0;
}
