/* Code that runs before main (constructor attribute) and after it (atexit). */
#include <stdio.h>
#include <stdlib.h>
#define CHECK(c) do { if (!(c)) { printf("FAIL %s:%d %s\n", __FILE__, __LINE__, #c); return 1; } } while (0)

static int table[32];
static int ready;
__attribute__((constructor)) static void build_table(void) {
  for (int i = 0; i < 32; i++) table[i] = i * i;
  ready = 1;
}
static void goodbye(void) { printf("bye %d\n", table[31]); }

int main(void) {
  CHECK(ready == 1);
  CHECK(table[5] == 25 && table[31] == 961);
  CHECK(atexit(goodbye) == 0);
  int s = 0;
  for (int i = 0; i < 32; i++) s += table[i];
  printf("%d\n", s);
  return 0;
}
