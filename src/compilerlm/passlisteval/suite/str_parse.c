/* Parsing numbers from text by hand and with strtol/strtod, with error positions. */
#include <stdio.h>
#include <stdlib.h>
#define CHECK(c) do { if (!(c)) { printf("FAIL %s:%d %s\n", __FILE__, __LINE__, #c); return 1; } } while (0)

static int parse_int(const char *s, long *out) {
  long v = 0; int neg = 0, any = 0;
  if (*s == '-' || *s == '+') neg = *s++ == '-';
  for (; *s >= '0' && *s <= '9'; s++) { if (v > 100000000000L) return 0; v = v * 10 + (*s - '0'); any = 1; }
  if (!any || *s) return 0;
  *out = neg ? -v : v;
  return 1;
}
static int sum_csv(const char *s) { int total = 0; char *end; while (*s) { total += (int)strtol(s, &end, 10); if (*end != ',') break; s = end + 1; } return total; }

int main(void) {
  long v;
  CHECK(parse_int("12345", &v) && v == 12345);
  CHECK(parse_int("-42", &v) && v == -42 && parse_int("+7", &v) && v == 7);
  CHECK(!parse_int("", &v) && !parse_int("-", &v) && !parse_int("12a", &v));
  CHECK(sum_csv("1,2,3,40") == 46 && sum_csv("-5,5") == 0);
  char *end;
  CHECK(strtol("0x1F", &end, 16) == 31 && *end == 0);
  CHECK(strtol("777", &end, 8) == 511 && strtol("z", &end, 36) == 35);
  double d = strtod("3.5e2xyz", &end);
  CHECK(d == 350.0 && *end == 'x');
  CHECK(atoi("  -19 apples") == -19);
  printf("%ld %d %g\n", v, sum_csv("10,20,30"), strtod("-0.125", NULL));
  return 0;
}
