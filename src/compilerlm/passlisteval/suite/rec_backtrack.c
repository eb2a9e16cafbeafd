/* Backtracking search: N-queens and subset sums. */
#include <stdio.h>
#include <stdlib.h>
#define CHECK(c) do { if (!(c)) { printf("FAIL %s:%d %s\n", __FILE__, __LINE__, #c); return 1; } } while (0)

static int queens(int n, int row, int cols[]) {
  if (row == n) return 1;
  int count = 0;
  for (int c = 0; c < n; c++) {
    int ok = 1;
    for (int r = 0; r < row && ok; r++) ok = cols[r] != c && abs(cols[r] - c) != row - r;
    if (ok) { cols[row] = c; count += queens(n, row + 1, cols); }
  }
  return count;
}
static int subsets(const int *v, int n, int target) {
  if (target == 0) return 1;
  if (n == 0 || target < 0) return 0;
  return subsets(v + 1, n - 1, target - v[0]) + subsets(v + 1, n - 1, target);
}

int main(void) {
  int cols[10];
  CHECK(queens(4, 0, cols) == 2 && queens(6, 0, cols) == 4 && queens(8, 0, cols) == 92);
  int v[] = {3, 34, 4, 12, 5, 2};
  CHECK(subsets(v, 6, 9) == 2 && subsets(v, 6, 30) == 0 && subsets(v, 6, 0) == 1);
  int w[16];
  for (int i = 0; i < 16; i++) w[i] = i + 1;
  printf("%d %d\n", queens(7, 0, cols), subsets(w, 16, 40));
  return 0;
}
