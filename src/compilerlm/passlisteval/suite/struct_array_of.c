/* Arrays of structs: sorting by several keys and grouping. */
#include <stdio.h>
#include <string.h>
#define CHECK(c) do { if (!(c)) { printf("FAIL %s:%d %s\n", __FILE__, __LINE__, #c); return 1; } } while (0)

struct emp { char name[12]; int dept; int salary; };
static int before(const struct emp *a, const struct emp *b) {
  if (a->dept != b->dept) return a->dept < b->dept;
  if (a->salary != b->salary) return a->salary > b->salary;
  return strcmp(a->name, b->name) < 0;
}
static void sort(struct emp *v, int n) {
  for (int i = 1; i < n; i++) { struct emp k = v[i]; int j = i - 1; while (j >= 0 && before(&k, &v[j])) { v[j + 1] = v[j]; j--; } v[j + 1] = k; }
}

int main(void) {
  struct emp v[] = {{"ann", 2, 500}, {"bob", 1, 700}, {"cy", 2, 500}, {"di", 1, 900}, {"ed", 3, 100}, {"al", 2, 800}};
  int n = (int)(sizeof v / sizeof v[0]);
  sort(v, n);
  CHECK(strcmp(v[0].name, "di") == 0 && strcmp(v[1].name, "bob") == 0);
  CHECK(strcmp(v[2].name, "al") == 0 && strcmp(v[3].name, "ann") == 0 && strcmp(v[4].name, "cy") == 0);
  int totals[4] = {0};
  for (int i = 0; i < n; i++) totals[v[i].dept] += v[i].salary;
  CHECK(totals[1] == 1600 && totals[2] == 1800 && totals[3] == 100);
  for (int i = 1; i < n; i++) CHECK(!before(&v[i], &v[i - 1]));
  printf("%s %s %d\n", v[0].name, v[n - 1].name, totals[2]);
  return 0;
}
