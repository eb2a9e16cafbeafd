/* Hash functions (FNV-1a, MurmurHash3 finaliser, djb2) over known inputs. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#define CHECK(c) do { if (!(c)) { printf("FAIL %s:%d %s\n", __FILE__, __LINE__, #c); return 1; } } while (0)

static uint32_t fnv1a(const char *s) { uint32_t h = 2166136261u; for (; *s; s++) { h ^= (uint8_t)*s; h *= 16777619u; } return h; }
static uint64_t fmix64(uint64_t k) { k ^= k >> 33; k *= 0xff51afd7ed558ccdull; k ^= k >> 33; k *= 0xc4ceb9fe1a85ec53ull; k ^= k >> 33; return k; }
static unsigned long djb2(const char *s) { unsigned long h = 5381; int c; while ((c = (unsigned char)*s++)) h = h * 33 + (unsigned long)c; return h; }

int main(void) {
  CHECK(fnv1a("") == 2166136261u && fnv1a("a") == 0xe40c292cu && fnv1a("foobar") == 0xbf9cf968u);
  CHECK(fmix64(0) == 0);
  CHECK(djb2("") == 5381 && djb2("a") == 5381 * 33 + 'a');
  uint32_t buckets[8] = {0};
  char key[16];
  for (int i = 0; i < 4000; i++) { snprintf(key, sizeof key, "key-%d", i); buckets[fnv1a(key) & 7]++; }
  for (int i = 0; i < 8; i++) CHECK(buckets[i] > 400 && buckets[i] < 600);
  uint64_t acc = 0;
  for (uint64_t i = 1; i < 1000; i++) acc ^= fmix64(i);
  printf("%08x %016llx %lu\n", (unsigned)fnv1a("compilerlm"), (unsigned long long)acc, djb2("llvm"));
  return 0;
}
