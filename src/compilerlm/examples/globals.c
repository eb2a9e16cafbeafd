/* Globals and static initialisers: lookup tables, constant strings, static locals, counters. */
#include <stdio.h>

static const unsigned char popcount_table[16] = {0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4};
static const char *const colours[] = {"red", "green", "blue", "cyan", "magenta", "yellow"};
int counter = 42;
static int histogram[9];
struct config { const char *name; int level; double ratio; };
static struct config configs[] = {{"fast", 1, 0.5}, {"small", 3, 0.25}, {"balanced", 2, 0.75}};

static int popcount(unsigned x) {
  int n = 0;
  for (; x; x >>= 4) n += popcount_table[x & 15];
  return n;
}

static int next_id(void) {
  static int id = 100;
  return id++;
}

int main(void) {
  for (unsigned i = 0; i < 256; i++) histogram[popcount(i)] += 1;
  int ids = 0;
  for (int i = 0; i < 5; i++) ids += next_id();
  size_t letters = 0;
  for (unsigned i = 0; i < sizeof colours / sizeof colours[0]; i++)
    for (const char *p = colours[i]; *p; p++) letters++;
  double r = 0;
  for (unsigned i = 0; i < 3; i++) r += configs[i].level * configs[i].ratio;
  counter += histogram[4];
  printf("h4=%d ids=%d letters=%zu r=%.2f counter=%d\n", histogram[4], ids, letters, r, counter);
  return 0;
}
