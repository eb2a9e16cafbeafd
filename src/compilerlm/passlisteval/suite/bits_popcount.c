/* Counting bits: builtins against portable loops (instcombine turns loops into ctpop). */
#include <stdint.h>
#include <stdio.h>
#define CHECK(c) do { if (!(c)) { printf("FAIL %s:%d %s\n", __FILE__, __LINE__, #c); return 1; } } while (0)

static int pop_loop(uint64_t x) { int n = 0; while (x) { x &= x - 1; n++; } return n; }
static int clz_loop(uint32_t x) { int n = 0; if (!x) return 32; while (!(x & 0x80000000u)) { x <<= 1; n++; } return n; }
static int ctz_loop(uint32_t x) { int n = 0; if (!x) return 32; while (!(x & 1)) { x >>= 1; n++; } return n; }
static int parity(uint32_t x) { x ^= x >> 16; x ^= x >> 8; x ^= x >> 4; x ^= x >> 2; x ^= x >> 1; return (int)(x & 1); }

int main(void) {
  uint64_t seed = 0x9e3779b97f4a7c15ull;
  long total = 0;
  for (int i = 0; i < 500; i++) {
    seed ^= seed << 13; seed ^= seed >> 7; seed ^= seed << 17;
    uint32_t lo = (uint32_t)seed | 1u, hi = (uint32_t)(seed >> 32) | 0x100u;
    CHECK(pop_loop(seed) == __builtin_popcountll(seed));
    CHECK(clz_loop(hi) == __builtin_clz(hi) && ctz_loop(lo) == __builtin_ctz(lo));
    CHECK(parity((uint32_t)seed) == __builtin_parity((uint32_t)seed));
    total += pop_loop(seed) + clz_loop(hi) * 3;
  }
  CHECK(clz_loop(0) == 32 && ctz_loop(0) == 32 && pop_loop(0) == 0 && pop_loop(~0ull) == 64);
  printf("%ld\n", total);
  return 0;
}
