/* memcpy, memset, memcmp and memchr on buffers of odd sizes (lowered inline or as calls). */
#include <stdio.h>
#include <string.h>
#define CHECK(c) do { if (!(c)) { printf("FAIL %s:%d %s\n", __FILE__, __LINE__, #c); return 1; } } while (0)

struct rec { char tag; int id; double w; short s[3]; };

int main(void) {
  unsigned char a[257], b[257];
  for (int i = 0; i < 257; i++) a[i] = (unsigned char)(i * 13);
  memcpy(b, a, sizeof a);
  CHECK(memcmp(a, b, sizeof a) == 0);
  b[200]++;
  CHECK(memcmp(a, b, sizeof a) < 0 && memcmp(a, b, 200) == 0);
  memset(b + 3, 0xAB, 17);
  CHECK(b[2] == a[2] && b[3] == 0xAB && b[19] == 0xAB && b[20] == a[20]);
  CHECK(memchr(a, 13 * 5 & 0xff, sizeof a) == a + 5 && memchr(a, 1, 10) == NULL);
  struct rec r1 = {'x', 7, 2.5, {1, 2, 3}}, r2;
  memcpy(&r2, &r1, sizeof r1);
  CHECK(r2.id == 7 && r2.w == 2.5 && r2.s[2] == 3 && r2.tag == 'x');
  char small[7];
  for (int n = 0; n <= 7; n++) { memset(small, 'q', sizeof small); memset(small, 0, (size_t)n); for (int i = 0; i < 7; i++) CHECK(small[i] == (i < n ? 0 : 'q')); }
  unsigned sum = 0;
  for (int i = 0; i < 257; i++) sum = sum * 31 + b[i];
  printf("%u\n", sum);
  return 0;
}
