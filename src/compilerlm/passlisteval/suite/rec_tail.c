/* Tail-recursive functions (candidates for tail-call elimination) with accumulators. */
#include <stdio.h>
#define CHECK(c) do { if (!(c)) { printf("FAIL %s:%d %s\n", __FILE__, __LINE__, #c); return 1; } } while (0)

static unsigned long gcd(unsigned long a, unsigned long b) { return b == 0 ? a : gcd(b, a % b); }
static long sum_to(long n, long acc) { return n == 0 ? acc : sum_to(n - 1, acc + n); }
static unsigned long long powm(unsigned long long b, unsigned e, unsigned long long m, unsigned long long acc) {
  return e == 0 ? acc : powm(b * b % m, e / 2, m, (e & 1) ? acc * b % m : acc);
}
static int count_digits(unsigned long n, int acc) { return n < 10 ? acc + 1 : count_digits(n / 10, acc + 1); }

int main(void) {
  CHECK(gcd(1071, 462) == 21 && gcd(12, 0) == 12);
  CHECK(sum_to(10000, 0) == 50005000L);
  CHECK(powm(2, 10, 1000000007ull, 1) == 1024 && powm(7, 0, 13, 1) == 1);
  CHECK(powm(2, 30, 1000000007ull, 1) == 73741817ull);
  CHECK(count_digits(0, 0) == 1 && count_digits(18446744073709551615ul, 0) == 20);
  unsigned long g = 0;
  for (unsigned long i = 1; i < 500; i++) g += gcd(i * 7, 1000);
  printf("%lu %ld\n", g, sum_to(5000, 1));
  return 0;
}
