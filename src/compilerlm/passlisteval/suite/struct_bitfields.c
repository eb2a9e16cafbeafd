/* Bit-fields: packing, sign of signed fields, read-modify-write of neighbours. */
#include <stdio.h>
#define CHECK(c) do { if (!(c)) { printf("FAIL %s:%d %s\n", __FILE__, __LINE__, #c); return 1; } } while (0)

struct flags { unsigned ready : 1; unsigned mode : 3; signed level : 4; unsigned count : 8; unsigned rest : 16; };
struct pixel { unsigned r : 5, g : 6, b : 5; };

static unsigned pack(struct pixel p) { return (unsigned)p.r << 11 | (unsigned)p.g << 5 | p.b; }

int main(void) {
  struct flags f = {0};
  f.ready = 1; f.mode = 5; f.level = -3; f.count = 255; f.rest = 40000;
  CHECK(f.ready == 1 && f.mode == 5 && f.level == -3 && f.count == 255 && f.rest == 40000);
  f.count++;  /* wraps within the field */
  CHECK(f.count == 0 && f.mode == 5 && f.rest == 40000);
  f.level = 7;
  f.level++;  /* becomes -8 in clang (implementation-defined, not undefined) */
  CHECK(f.level == -8);
  f.mode = 9;  /* truncated to 3 bits */
  CHECK(f.mode == 1);
  struct pixel px = {31, 63, 31};
  CHECK(pack(px) == 0xffff);
  px.g = 0;
  CHECK(pack(px) == 0xf81f);
  unsigned acc = 0;
  for (int i = 0; i < 100; i++) { struct pixel q = {(unsigned)i, (unsigned)(i * 3), (unsigned)(i * 7)}; acc = acc * 31 + pack(q); }
  printf("%u %u %d\n", acc, (unsigned)sizeof(struct flags), f.level);
  return 0;
}
