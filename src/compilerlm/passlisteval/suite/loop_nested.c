/* Nested loops with triangular bounds, break and continue. */
#include <stdio.h>
#define CHECK(c) do { if (!(c)) { printf("FAIL %s:%d %s\n", __FILE__, __LINE__, #c); return 1; } } while (0)

static long triangle(int n) { long s = 0; for (int i = 0; i < n; i++) for (int j = 0; j <= i; j++) s += i - j; return s; }
static int first_pair(int target, int *pi, int *pj) {
  for (int i = 1; i < 100; i++) {
    if (i % 7 == 0) continue;
    for (int j = i; j < 100; j++) {
      if (j % 5 == 0) continue;
      if (i * j == target) { *pi = i; *pj = j; return 1; }
      if (i * j > target) break;
    }
  }
  return 0;
}

int main(void) {
  CHECK(triangle(10) == 165);
  int i = 0, j = 0;
  CHECK(first_pair(391, &i, &j) && i == 17 && j == 23);
  CHECK(!first_pair(9973 * 2, &i, &j));
  int grid[12][12], paths = 0;
  for (int r = 0; r < 12; r++)
    for (int c = 0; c < 12; c++)
      grid[r][c] = (r == 0 || c == 0) ? 1 : grid[r - 1][c] + grid[r][c - 1];
  paths = grid[11][11];
  CHECK(paths == 705432);
  printf("%ld %d %d %d\n", triangle(100), i, j, paths);
  return 0;
}
