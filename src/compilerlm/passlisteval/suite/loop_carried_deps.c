/* Loop-carried dependences a vectoriser must respect: recurrences and overlapping windows. */
#include <stdio.h>
#define CHECK(c) do { if (!(c)) { printf("FAIL %s:%d %s\n", __FILE__, __LINE__, #c); return 1; } } while (0)

static void prefix(int *v, int n) { for (int i = 1; i < n; i++) v[i] += v[i - 1]; }
static void shift_right(int *v, int n) { for (int i = n - 1; i > 0; i--) v[i] = v[i - 1]; }
static void smear(int *v, int n) { for (int i = 2; i < n; i++) v[i] = v[i - 2] + v[i - 1]; }
static void self_overlap(int *v, int n, int d) { for (int i = d; i < n; i++) v[i] = v[i - d] * 2 + 1; }

int main(void) {
  int v[20];
  for (int i = 0; i < 20; i++) v[i] = 1;
  prefix(v, 20);
  CHECK(v[0] == 1 && v[19] == 20);
  shift_right(v, 20);
  CHECK(v[0] == 1 && v[1] == 1 && v[19] == 19);
  int f[30] = {0, 1};
  smear(f, 30);
  CHECK(f[29] == 514229);
  int w[16];
  for (int i = 0; i < 16; i++) w[i] = i;
  self_overlap(w, 16, 3);
  CHECK(w[3] == 1 && w[6] == 3 && w[15] == 31 && w[14] == 47);
  long s = 0;
  for (int i = 0; i < 16; i++) s = s * 3 + w[i];
  printf("%d %d %ld\n", v[10], f[20], s);
  return 0;
}
