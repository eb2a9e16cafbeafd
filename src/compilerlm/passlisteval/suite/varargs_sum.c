/* Variadic functions: integer and double arguments, counts and sentinels. */
#include <stdarg.h>
#include <stdio.h>
#define CHECK(c) do { if (!(c)) { printf("FAIL %s:%d %s\n", __FILE__, __LINE__, #c); return 1; } } while (0)

static long sum_ints(int n, ...) { va_list ap; va_start(ap, n); long s = 0; for (int i = 0; i < n; i++) s += va_arg(ap, int); va_end(ap); return s; }
static double mean(int n, ...) { va_list ap; va_start(ap, n); double s = 0; for (int i = 0; i < n; i++) s += va_arg(ap, double); va_end(ap); return n ? s / n : 0; }
static int until_negative(int first, ...) {
  va_list ap; va_start(ap, first);
  int count = 0;
  for (int v = first; v >= 0; v = va_arg(ap, int)) count++;
  va_end(ap);
  return count;
}
static long mixed(const char *types, ...) {
  va_list ap; va_start(ap, types);
  long s = 0;
  for (; *types; types++) {
    if (*types == 'i') s += va_arg(ap, int);
    else if (*types == 'l') s += va_arg(ap, long);
    else if (*types == 'd') s += (long)va_arg(ap, double);
    else if (*types == 'p') s += *va_arg(ap, int *);
  }
  va_end(ap);
  return s;
}

int main(void) {
  CHECK(sum_ints(0) == 0 && sum_ints(3, 1, 2, 3) == 6);
  CHECK(sum_ints(10, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10) == 55);  /* past the register area */
  CHECK(mean(4, 1.0, 2.0, 3.0, 4.0) == 2.5);
  CHECK(mean(9, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 10.0) == 2.0);
  CHECK(until_negative(5, 4, 3, -1) == 3 && until_negative(-1) == 0);
  int x = 40;
  CHECK(mixed("ildp", 1, 10000000000L, 2.9, &x) == 10000000043L);
  printf("%ld %g\n", sum_ints(5, -1, -2, -3, 100, 7), mean(3, 0.5, 0.25, 0.125));
  return 0;
}
