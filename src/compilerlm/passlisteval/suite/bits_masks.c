/* Bit sets and masks: subsets enumeration, Gray code, lowest set bit tricks. */
#include <stdint.h>
#include <stdio.h>
#define CHECK(c) do { if (!(c)) { printf("FAIL %s:%d %s\n", __FILE__, __LINE__, #c); return 1; } } while (0)

static unsigned gray(unsigned x) { return x ^ (x >> 1); }
static unsigned gray_inverse(unsigned g) { unsigned x = 0; for (; g; g >>= 1) x ^= g; return x; }
static int count_subsets(unsigned mask) { int n = 0; unsigned s = mask; do { n++; s = (s - 1) & mask; } while (s != mask); return n; }
static uint32_t next_same_popcount(uint32_t x) { uint32_t c = x & -x, r = x + c; return (((r ^ x) >> 2) / c) | r; }

int main(void) {
  for (unsigned i = 0; i < 1024; i++) {
    CHECK(gray_inverse(gray(i)) == i);
    CHECK(__builtin_popcount(gray(i) ^ gray(i + 1)) == 1);
  }
  CHECK(count_subsets(0) == 1 && count_subsets(0xb) == 8 && count_subsets(0xff) == 256);
  CHECK(next_same_popcount(0x7) == 0xb && next_same_popcount(0xb) == 0xd);
  uint32_t x = 0x3;
  int n = 0;
  while (x < (1u << 10)) { x = next_same_popcount(x); n++; }
  CHECK(n == 45);  /* C(10,2) = 45 two-bit values below 1024, starting after 0x3 */
  uint64_t set = 0;
  for (int i = 0; i < 64; i += 3) set |= 1ull << i;
  CHECK(__builtin_popcountll(set) == 22 && (set & (set - 1)) != set && (set & -set) == 1);
  printf("%u %llx\n", gray(1000), (unsigned long long)set);
  return 0;
}
