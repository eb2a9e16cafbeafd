/* 128-bit integers: multiplication, division and shifts lowered to library calls or pairs. */
#include <stdint.h>
#include <stdio.h>
#define CHECK(c) do { if (!(c)) { printf("FAIL %s:%d %s\n", __FILE__, __LINE__, #c); return 1; } } while (0)

typedef unsigned __int128 u128;
static u128 factorial(int n) { u128 r = 1; for (int i = 2; i <= n; i++) r *= i; return r; }
static uint64_t lo(u128 x) { return (uint64_t)x; }
static uint64_t hi(u128 x) { return (uint64_t)(x >> 64); }
static u128 powmod(u128 b, u128 e, u128 m) {
  u128 r = 1; b %= m;
  while (e) { if (e & 1) r = r * b % m; b = b * b % m; e >>= 1; }
  return r;
}

int main(void) {
  u128 f = factorial(30);  /* 265252859812191058636308480000000 */
  CHECK(hi(f) == 14379386343318ull && lo(f) == 9682165104862298112ull);
  CHECK(f / factorial(29) == 30 && f % 7 == 0);
  CHECK(powmod(2, 61, (((u128)1) << 61) - 1) == 1);  /* Mersenne prime M61 */
  CHECK(powmod(3, 1000000, 1000000007) == 64935414);
  __int128 neg = -(__int128)f;
  CHECK(neg < 0 && -neg == (__int128)f && (neg >> 120) == -1);
  printf("%llu %llu\n", (unsigned long long)hi(f), (unsigned long long)lo(f));
  return 0;
}
