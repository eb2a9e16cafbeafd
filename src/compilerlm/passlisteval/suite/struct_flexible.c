/* A flexible array member sized at run time with malloc, grown with realloc. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#define CHECK(c) do { if (!(c)) { printf("FAIL %s:%d %s\n", __FILE__, __LINE__, #c); return 1; } } while (0)

struct buf { size_t len, cap; int data[]; };
static struct buf *push(struct buf *b, int x) {
  if (!b || b->len == b->cap) {
    size_t cap = b ? b->cap * 2 : 4, len = b ? b->len : 0;
    struct buf *nb = realloc(b, sizeof *nb + cap * sizeof nb->data[0]);
    if (!nb) { free(b); return NULL; }
    nb->cap = cap; nb->len = len; b = nb;
  }
  b->data[b->len++] = x;
  return b;
}

int main(void) {
  struct buf *b = NULL;
  for (int i = 0; i < 1000; i++) { b = push(b, i * i % 97); if (!b) return 2; }
  CHECK(b->len == 1000 && b->cap == 1024);
  long s = 0;
  for (size_t i = 0; i < b->len; i++) s += b->data[i];
  CHECK(b->data[10] == 3 && b->data[999] == 999 * 999 % 97);
  struct buf *copy = malloc(sizeof *copy + b->len * sizeof(int));
  if (!copy) return 2;
  memcpy(copy, b, sizeof *b + b->len * sizeof(int));
  copy->data[0] = -1;
  CHECK(b->data[0] == 0 && copy->len == 1000);
  printf("%ld %zu\n", s, sizeof(struct buf));
  free(copy);
  free(b);
  return 0;
}
