/* Mutable global arrays changed by several functions: global optimisations must keep them. */
#include <stdio.h>
#define CHECK(c) do { if (!(c)) { printf("FAIL %s:%d %s\n", __FILE__, __LINE__, #c); return 1; } } while (0)

int histogram[16];
static int sieve[200];
static int initialised;
static long weights[8] = {1, 2, 4, 8, 16, 32, 64, 128};

static void init_sieve(void) {
  if (initialised) return;
  for (int i = 2; i < 200; i++) sieve[i] = 1;
  for (int i = 2; i * i < 200; i++) if (sieve[i]) for (int j = i * i; j < 200; j += i) sieve[j] = 0;
  initialised = 1;
}
static int count_primes(int below) { init_sieve(); int c = 0; for (int i = 0; i < below; i++) c += sieve[i]; return c; }
static void record(int x) { histogram[x & 15]++; }
static void rescale(long k) { for (int i = 0; i < 8; i++) weights[i] *= k; }

int main(void) {
  CHECK(count_primes(100) == 25 && count_primes(200) == 46);
  for (int i = 0; i < 100; i++) record(i * 7);
  int total = 0;
  for (int i = 0; i < 16; i++) total += histogram[i];
  CHECK(total == 100 && histogram[0] == 7);
  rescale(3);
  rescale(-1);
  CHECK(weights[0] == -3 && weights[7] == -384);
  long s = 0;
  for (int i = 0; i < 8; i++) s += weights[i];
  printf("%d %ld %d\n", count_primes(150), s, histogram[5]);
  return 0;
}
