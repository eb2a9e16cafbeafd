/* Unsigned arithmetic wraps modulo 2^N: the optimiser must keep every wrap. */
#include <stdint.h>
#include <stdio.h>
#define CHECK(c) do { if (!(c)) { printf("FAIL %s:%d %s\n", __FILE__, __LINE__, #c); return 1; } } while (0)

static uint32_t lcg(uint32_t x) { return x * 1664525u + 1013904223u; }
static uint64_t mulhi(uint64_t a, uint64_t b) { return (uint64_t)(((unsigned __int128)a * b) >> 64); }
static uint8_t add8(uint8_t a, uint8_t b) { return (uint8_t)(a + b); }
static uint16_t neg16(uint16_t a) { return (uint16_t)-a; }

int main(void) {
  volatile uint32_t zero = 0;
  CHECK(zero - 1u == 4294967295u);
  CHECK(UINT32_MAX + zero + 1u == 0u);
  uint32_t x = 1;
  for (int i = 0; i < 1000; i++) x = lcg(x);
  CHECK(add8(200, 100) == 44);
  CHECK(neg16(1) == 65535);
  CHECK(mulhi(UINT64_MAX, UINT64_MAX) == UINT64_MAX - 1);
  uint64_t sum = 0;
  for (uint32_t i = 4294967290u; i != 5u; i++) sum += i;  /* wraps through zero */
  CHECK(sum == 4294967290ull + 4294967291ull + 4294967292ull + 4294967293ull + 4294967294ull + 4294967295ull + 0 + 1 + 2 + 3 + 4);
  unsigned count = 0;
  for (unsigned char c = 250; c != 4; c++) count++;
  CHECK(count == 10);
  printf("%u %llu %u\n", x, (unsigned long long)sum, count);
  return 0;
}
