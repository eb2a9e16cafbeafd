/* Callbacks through the C library: qsort and bsearch with comparators. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#define CHECK(c) do { if (!(c)) { printf("FAIL %s:%d %s\n", __FILE__, __LINE__, #c); return 1; } } while (0)

static int by_value(const void *a, const void *b) { int x = *(const int *)a, y = *(const int *)b; return (x > y) - (x < y); }
static int by_abs_desc(const void *a, const void *b) { int x = abs(*(const int *)a), y = abs(*(const int *)b); return (y > x) - (y < x); }
static int by_string(const void *a, const void *b) { return strcmp(*(const char *const *)a, *(const char *const *)b); }
static int calls;
static int counting(const void *a, const void *b) { calls++; return by_value(a, b); }

int main(void) {
  int v[12] = {5, -9, 3, 0, 12, -4, 7, 7, -1, 10, 2, -12};
  qsort(v, 12, sizeof v[0], by_value);
  for (int i = 1; i < 12; i++) CHECK(v[i - 1] <= v[i]);
  int key = 7;
  int *hit = bsearch(&key, v, 12, sizeof v[0], by_value);
  CHECK(hit && *hit == 7);
  key = 6;
  CHECK(bsearch(&key, v, 12, sizeof v[0], by_value) == NULL);
  qsort(v, 12, sizeof v[0], by_abs_desc);
  CHECK(abs(v[0]) == 12 && v[11] == 0);
  const char *words[] = {"pear", "apple", "fig", "banana", "cherry"};
  qsort(words, 5, sizeof words[0], by_string);
  CHECK(strcmp(words[0], "apple") == 0 && strcmp(words[4], "pear") == 0);
  int w[50];
  for (int i = 0; i < 50; i++) w[i] = (i * 31) % 50;
  qsort(w, 50, sizeof w[0], counting);
  CHECK(calls > 0 && w[0] == 0 && w[49] == 49);
  printf("%d %d %s\n", v[0], v[5], words[2]);
  return 0;
}
