/* Loops of several shapes: counted, nested, while with early exit, do-while, reductions. */
#include <stdio.h>

#define N 64

static int a[N][N], b[N][N], c[N][N];

static void matmul(void) {
  for (int i = 0; i < N; i++)
    for (int j = 0; j < N; j++) {
      int s = 0;
      for (int k = 0; k < N; k++)
        s += a[i][k] * b[k][j];
      c[i][j] = s;
    }
}

static unsigned collatz_steps(unsigned n) {
  unsigned steps = 0;
  while (n != 1 && steps < 1000) {
    n = (n & 1) ? 3 * n + 1 : n / 2;
    steps++;
  }
  return steps;
}

static int find_first(const int *v, int n, int key) {
  int i = 0;
  do {
    if (v[i] == key)
      return i;
    i++;
  } while (i < n);
  return -1;
}

static long prefix_sums(int *v, int n) {
  long total = 0;
  for (int i = 1; i < n; i++)
    v[i] += v[i - 1];
  for (int i = n - 1; i >= 0; i -= 3)
    total += v[i];
  return total;
}

int main(void) {
  for (int i = 0; i < N; i++)
    for (int j = 0; j < N; j++) {
      a[i][j] = (i * 7 + j * 3) % 11 - 5;
      b[i][j] = (i * 5 + j * 2) % 13 - 6;
    }
  matmul();
  long trace = 0;
  for (int i = 0; i < N; i++)
    trace += c[i][i];
  unsigned steps = 0;
  for (unsigned n = 1; n < 200; n++)
    steps += collatz_steps(n);
  int row[N];
  for (int i = 0; i < N; i++)
    row[i] = c[3][i];
  int pos = find_first(row, N, c[3][17]);
  long sums = prefix_sums(row, N);
  printf("trace=%ld steps=%u pos=%d sums=%ld\n", trace, steps, pos, sums);
  return 0;
}
