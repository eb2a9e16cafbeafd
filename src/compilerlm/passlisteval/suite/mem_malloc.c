/* Heap use: malloc, calloc zeroing, realloc growth keeping contents, free. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#define CHECK(c) do { if (!(c)) { printf("FAIL %s:%d %s\n", __FILE__, __LINE__, #c); return 1; } } while (0)

static char *join(const char *const *parts, int n, char sep) {
  size_t len = 0;
  for (int i = 0; i < n; i++) len += strlen(parts[i]) + 1;
  char *out = malloc(len ? len : 1), *p = out;
  if (!out) return NULL;
  for (int i = 0; i < n; i++) { size_t k = strlen(parts[i]); memcpy(p, parts[i], k); p += k; if (i + 1 < n) *p++ = sep; }
  *p = 0;
  return out;
}

int main(void) {
  int *z = calloc(100, sizeof *z);
  if (!z) return 2;
  for (int i = 0; i < 100; i++) CHECK(z[i] == 0);
  int *v = NULL;
  size_t cap = 0;
  for (int i = 0; i < 10000; i++) {
    if ((size_t)i == cap) { cap = cap ? cap * 2 : 1; int *nv = realloc(v, cap * sizeof *v); if (!nv) return 2; v = nv; }
    v[i] = i ^ 0x55;
  }
  long s = 0;
  for (int i = 0; i < 10000; i++) s += v[i];
  CHECK(v[0] == 0x55 && v[9999] == (9999 ^ 0x55));
  const char *parts[] = {"a", "bc", "", "def"};
  char *j = join(parts, 4, '/');
  CHECK(j && strcmp(j, "a/bc//def") == 0);
  printf("%ld %zu %s\n", s, cap, j);
  free(j); free(v); free(z);
  return 0;
}
