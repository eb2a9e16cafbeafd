/* Sudoku by constraint propagation and backtracking over bitmasks.
   Usage: sudoku [ROUNDS] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *puzzles[] = {
    "530070000600195000098000060800060003400803001700020006060000280000419005000080079",
    "000000907000420180000705026100904000050000040000507009920108000034059000507000000",
    "800000000003600000070090200050007000000045700000100030001000068008500010090000400",
    "000260701680070090190004500820100040004602900050003028009300074040050036703018000",
};

static int grid[81], rows[9], cols[9], boxes[9];
static long nodes;

static int box_of(int i) { return (i / 27) * 3 + (i % 9) / 3; }

static void place(int i, int v) {
  grid[i] = v;
  rows[i / 9] |= 1 << v; cols[i % 9] |= 1 << v; boxes[box_of(i)] |= 1 << v;
}

static void clear(int i, int v) {
  grid[i] = 0;
  rows[i / 9] &= ~(1 << v); cols[i % 9] &= ~(1 << v); boxes[box_of(i)] &= ~(1 << v);
}

static int popcount(int x) { int c = 0; while (x) { x &= x - 1; c++; } return c; }

static int solve(void) {
  int best = -1, best_free = 10, best_mask = 0;
  nodes++;
  for (int i = 0; i < 81; i++) {
    if (grid[i]) continue;
    int mask = ~(rows[i / 9] | cols[i % 9] | boxes[box_of(i)]) & 0x3fe;
    int n = popcount(mask);
    if (n < best_free) { best = i; best_free = n; best_mask = mask; if (n <= 1) break; }
  }
  if (best < 0) return 1;
  for (int v = 1; v <= 9; v++)
    if (best_mask & (1 << v)) {
      place(best, v);
      if (solve()) return 1;
      clear(best, v);
    }
  return 0;
}

static int valid(void) {
  for (int u = 0; u < 9; u++) {
    int r = 0, c = 0, b = 0;
    for (int k = 0; k < 9; k++) {
      r |= 1 << grid[u * 9 + k];
      c |= 1 << grid[k * 9 + u];
      b |= 1 << grid[(u / 3) * 27 + (u % 3) * 3 + (k / 3) * 9 + k % 3];
    }
    if (r != 0x3fe || c != 0x3fe || b != 0x3fe) return 0;
  }
  return 1;
}

int main(int argc, char **argv) {
  int rounds = argc > 1 ? atoi(argv[1]) : 3, failures = 0;
  unsigned long check = 0;
  for (int r = 0; r < rounds; r++)
    for (unsigned p = 0; p < sizeof puzzles / sizeof *puzzles; p++) {
      memset(rows, 0, sizeof rows); memset(cols, 0, sizeof cols); memset(boxes, 0, sizeof boxes);
      for (int i = 0; i < 81; i++) {
        grid[i] = 0;
        if (puzzles[p][i] != '0') place(i, puzzles[p][i] - '0');
      }
      if (!solve() || !valid()) failures++;
      for (int i = 0; i < 81; i++) check = check * 10 % 1000000007u + (unsigned long)grid[i];
    }
  printf("solved %d/%d nodes %ld check %lu\n", rounds * 4 - failures, rounds * 4, nodes, check);
  return failures != 0;
}
