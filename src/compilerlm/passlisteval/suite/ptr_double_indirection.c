/* Pointers to pointers: removing from a linked list through a pointer to the link. */
#include <stdio.h>
#include <stdlib.h>
#define CHECK(c) do { if (!(c)) { printf("FAIL %s:%d %s\n", __FILE__, __LINE__, #c); return 1; } } while (0)

struct item { int v; struct item *next; };
static void push(struct item **head, int v) { struct item *n = malloc(sizeof *n); if (!n) exit(2); n->v = v; n->next = *head; *head = n; }
static int remove_if(struct item **link, int (*pred)(int)) {
  int removed = 0;
  while (*link) {
    if (pred((*link)->v)) { struct item *dead = *link; *link = dead->next; free(dead); removed++; }
    else link = &(*link)->next;
  }
  return removed;
}
static int is_even(int v) { return v % 2 == 0; }
static int is_big(int v) { return v > 15; }
static void set_min(int **slot, int *candidate) { if (!*slot || **slot > *candidate) *slot = candidate; }

int main(void) {
  struct item *head = NULL;
  for (int i = 0; i < 20; i++) push(&head, i);
  CHECK(remove_if(&head, is_even) == 10);
  CHECK(remove_if(&head, is_big) == 2);
  int n = 0, s = 0;
  for (struct item *p = head; p; p = p->next) { n++; s += p->v; }
  CHECK(n == 8 && s == 1 + 3 + 5 + 7 + 9 + 11 + 13 + 15);
  int vals[] = {5, 3, 9, 1, 7}, *best = NULL;
  for (int i = 0; i < 5; i++) set_min(&best, &vals[i]);
  CHECK(best == &vals[3]);
  printf("%d %d %d\n", n, s, head->v);
  remove_if(&head, is_big);
  while (head) { struct item *t = head->next; free(head); head = t; }
  return 0;
}
