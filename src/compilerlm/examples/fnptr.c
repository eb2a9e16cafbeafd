/* Function pointers: callbacks, a dispatch table, qsort with comparators, higher-order folds. */
#include <stdio.h>
#include <stdlib.h>

typedef int (*binop)(int, int);

static int add(int a, int b) { return a + b; }
static int sub(int a, int b) { return a - b; }
static int mul(int a, int b) { return a * b; }
static int max(int a, int b) { return a > b ? a : b; }

static const binop table[] = {add, sub, mul, max};

static int fold(const int *v, int n, int init, binop op) {
  for (int i = 0; i < n; i++) init = op(init, v[i]);
  return init;
}

static int cmp_asc(const void *a, const void *b) {
  int x = *(const int *)a, y = *(const int *)b;
  return (x > y) - (x < y);
}
static int cmp_desc(const void *a, const void *b) { return cmp_asc(b, a); }

static void apply(int *v, int n, int (*f)(int)) {
  for (int i = 0; i < n; i++) v[i] = f(v[i]);
}
static int square(int x) { return x * x; }
static int negate(int x) { return -x; }

int main(void) {
  int v[8] = {5, -3, 8, 1, 9, -7, 2, 4};
  int results[4];
  for (int i = 0; i < 4; i++) results[i] = fold(v, 8, i == 2 ? 1 : 0, table[i]);
  qsort(v, 8, sizeof v[0], cmp_desc);
  int first_desc = v[0];
  qsort(v, 8, sizeof v[0], cmp_asc);
  apply(v, 8, square);
  apply(v, 4, negate);
  printf("add=%d sub=%d mul=%d max=%d first=%d v0=%d v7=%d\n", results[0], results[1], results[2],
         results[3], first_desc, v[0], v[7]);
  return 0;
}
