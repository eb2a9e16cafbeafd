/* Rotations and byte swaps written portably (recognised as rol/ror/bswap). */
#include <stdint.h>
#include <stdio.h>
#define CHECK(c) do { if (!(c)) { printf("FAIL %s:%d %s\n", __FILE__, __LINE__, #c); return 1; } } while (0)

static uint32_t rotl(uint32_t x, unsigned r) { r &= 31; return (x << r) | (x >> ((32 - r) & 31)); }
static uint32_t rotr(uint32_t x, unsigned r) { r &= 31; return (x >> r) | (x << ((32 - r) & 31)); }
static uint32_t bswap32(uint32_t x) { return (x >> 24) | ((x >> 8) & 0xff00u) | ((x << 8) & 0xff0000u) | (x << 24); }
static uint64_t bswap64(uint64_t x) { return ((uint64_t)bswap32((uint32_t)x) << 32) | bswap32((uint32_t)(x >> 32)); }
static uint8_t reverse_bits(uint8_t b) { b = (uint8_t)((b & 0xf0) >> 4 | (b & 0x0f) << 4); b = (uint8_t)((b & 0xcc) >> 2 | (b & 0x33) << 2); return (uint8_t)((b & 0xaa) >> 1 | (b & 0x55) << 1); }

int main(void) {
  CHECK(rotl(0x80000001u, 1) == 3u && rotr(3u, 1) == 0x80000001u && rotl(0x12345678u, 0) == 0x12345678u);
  CHECK(bswap32(0x11223344u) == 0x44332211u && bswap32(0x11223344u) == __builtin_bswap32(0x11223344u));
  CHECK(bswap64(0x0102030405060708ull) == 0x0807060504030201ull);
  CHECK(reverse_bits(1) == 0x80 && reverse_bits(0x0f) == 0xf0 && reverse_bits(0xa5) == 0xa5);
  uint32_t h = 0x811c9dc5u;
  for (unsigned i = 0; i < 1000; i++) { h = rotl(h ^ i, i % 29) * 0x01000193u; CHECK(rotr(rotl(h, i), i) == h); }
  printf("%08x %08x\n", (unsigned)h, (unsigned)bswap32(h));
  return 0;
}
