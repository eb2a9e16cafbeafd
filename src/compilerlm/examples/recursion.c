/* Recursion: naive and memoised Fibonacci, Ackermann, quicksort, a binary tree, Hanoi. */
#include <stdio.h>
#include <stdlib.h>

static int fib(int n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }

static long memo[90];
static long fib_memo(int n) {
  if (n < 2) return n;
  if (memo[n]) return memo[n];
  return memo[n] = fib_memo(n - 1) + fib_memo(n - 2);
}

static int ackermann(int m, int n) {
  if (m == 0) return n + 1;
  if (n == 0) return ackermann(m - 1, 1);
  return ackermann(m - 1, ackermann(m, n - 1));
}

static void quicksort(int *v, int lo, int hi) {
  if (lo >= hi) return;
  int pivot = v[(lo + hi) / 2], i = lo, j = hi;
  while (i <= j) {
    while (v[i] < pivot) i++;
    while (v[j] > pivot) j--;
    if (i <= j) { int t = v[i]; v[i] = v[j]; v[j] = t; i++; j--; }
  }
  quicksort(v, lo, j);
  quicksort(v, i, hi);
}

struct tree { int key; struct tree *left, *right; };

static struct tree *insert(struct tree *t, int key) {
  if (!t) {
    t = malloc(sizeof *t);
    t->key = key;
    t->left = t->right = NULL;
  } else if (key < t->key) t->left = insert(t->left, key);
  else t->right = insert(t->right, key);
  return t;
}
static int height(const struct tree *t) {
  if (!t) return 0;
  int l = height(t->left), r = height(t->right);
  return 1 + (l > r ? l : r);
}
static void free_tree(struct tree *t) {
  if (!t) return;
  free_tree(t->left);
  free_tree(t->right);
  free(t);
}

static int hanoi(int n, int from, int to, int via) {
  if (n == 0) return 0;
  return hanoi(n - 1, from, via, to) + 1 + hanoi(n - 1, via, to, from);
}

int main(void) {
  int v[100];
  unsigned seed = 12345;
  for (int i = 0; i < 100; i++) { seed = seed * 1103515245u + 12345u; v[i] = (seed >> 16) % 1000; }
  quicksort(v, 0, 99);
  int sorted = 1;
  for (int i = 1; i < 100; i++) sorted &= v[i - 1] <= v[i];
  struct tree *t = NULL;
  for (int i = 0; i < 100; i++) t = insert(t, v[(i * 37) % 100]);
  int h = height(t);
  free_tree(t);
  printf("fib=%d memo=%ld ack=%d sorted=%d height=%d hanoi=%d\n", fib(20), fib_memo(80),
         ackermann(2, 3), sorted, h, hanoi(10, 0, 2, 1));
  return 0;
}
