/* A binary search tree built, searched, traversed and freed recursively. */
#include <stdio.h>
#include <stdlib.h>
#define CHECK(c) do { if (!(c)) { printf("FAIL %s:%d %s\n", __FILE__, __LINE__, #c); return 1; } } while (0)

struct node { int key; struct node *l, *r; };
static struct node *insert(struct node *t, int k) {
  if (!t) { t = calloc(1, sizeof *t); t->key = k; return t; }
  if (k < t->key) t->l = insert(t->l, k); else if (k > t->key) t->r = insert(t->r, k);
  return t;
}
static int contains(const struct node *t, int k) { return t && (t->key == k || contains(k < t->key ? t->l : t->r, k)); }
static int size(const struct node *t) { return t ? 1 + size(t->l) + size(t->r) : 0; }
static int height(const struct node *t) { if (!t) return 0; int a = height(t->l), b = height(t->r); return 1 + (a > b ? a : b); }
static void inorder(const struct node *t, int *out, int *n) { if (!t) return; inorder(t->l, out, n); out[(*n)++] = t->key; inorder(t->r, out, n); }
static void destroy(struct node *t) { if (t) { destroy(t->l); destroy(t->r); free(t); } }

int main(void) {
  struct node *t = NULL;
  unsigned x = 7;
  for (int i = 0; i < 200; i++) { x = x * 1103515245u + 12345u; t = insert(t, (int)((x >> 8) % 500)); }
  int keys[500], n = 0;
  inorder(t, keys, &n);
  CHECK(n == size(t));
  for (int i = 1; i < n; i++) CHECK(keys[i - 1] < keys[i]);
  for (int i = 0; i < n; i++) CHECK(contains(t, keys[i]));
  CHECK(!contains(t, -1) && !contains(t, 500));
  int h = height(t);
  CHECK(h >= 8 && h <= n);
  printf("%d %d %d %d\n", n, h, keys[0], keys[n - 1]);
  destroy(t);
  return 0;
}
