/* Pointer arithmetic within arrays, pointer differences and one-past-the-end pointers. */
#include <stddef.h>
#include <stdio.h>
#define CHECK(c) do { if (!(c)) { printf("FAIL %s:%d %s\n", __FILE__, __LINE__, #c); return 1; } } while (0)

static const int *find(const int *begin, const int *end, int x) { for (; begin != end; ++begin) if (*begin == x) return begin; return end; }
static int *partition(int *lo, int *hi, int pivot) {
  while (lo < hi) {
    if (*lo < pivot) lo++;
    else { --hi; int t = *lo; *lo = *hi; *hi = t; }
  }
  return lo;
}

int main(void) {
  int v[10] = {9, 3, 7, 1, 8, 2, 6, 4, 5, 0};
  const int *end = v + 10;
  CHECK(find(v, end, 8) - v == 4 && find(v, end, 42) == end);
  int *mid = partition(v, v + 10, 5);
  ptrdiff_t left = mid - v;
  CHECK(left == 5);
  for (int *p = v; p < mid; p++) CHECK(*p < 5);
  for (int *p = mid; p < v + 10; p++) CHECK(*p >= 5);
  int m[3][4];
  for (int i = 0; i < 12; i++) (&m[0][0])[i] = i;
  CHECK(m[2][1] == 9 && *(*(m + 1) + 3) == 7);
  char buf[5];
  char *p = buf + 5;
  CHECK(p - buf == 5 && (size_t)(p - buf) == sizeof buf);
  printf("%td %d %d\n", left, v[0], m[1][2]);
  return 0;
}
