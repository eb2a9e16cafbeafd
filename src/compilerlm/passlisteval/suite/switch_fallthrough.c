/* Switch fall-through: Duff's device and cumulative cases. */
#include <stdio.h>
#include <string.h>
#define CHECK(c) do { if (!(c)) { printf("FAIL %s:%d %s\n", __FILE__, __LINE__, #c); return 1; } } while (0)

static void duff_copy(char *to, const char *from, int count) {
  if (count <= 0) return;
  int n = (count + 7) / 8;
  switch (count % 8) {
  case 0: do { *to++ = *from++;
  case 7: *to++ = *from++;
  case 6: *to++ = *from++;
  case 5: *to++ = *from++;
  case 4: *to++ = *from++;
  case 3: *to++ = *from++;
  case 2: *to++ = *from++;
  case 1: *to++ = *from++;
          } while (--n > 0);
  }
}
static int perms(int level) {
  int p = 0;
  switch (level) {
  case 3: p |= 4; /* fall through */
  case 2: p |= 2; /* fall through */
  case 1: p |= 1; break;
  default: p = -1;
  }
  return p;
}

int main(void) {
  const char *src = "The quick brown fox jumps over the lazy dog";
  for (int n = 0; n <= 43; n++) {
    char dst[64];
    memset(dst, '#', sizeof dst);
    duff_copy(dst, src, n);
    CHECK(memcmp(dst, src, (size_t)n) == 0 && dst[n] == '#');
  }
  CHECK(perms(3) == 7 && perms(2) == 3 && perms(1) == 1 && perms(0) == -1);
  printf("%d %d %d\n", perms(3), perms(2), perms(9));
  return 0;
}
