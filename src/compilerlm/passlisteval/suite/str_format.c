/* snprintf into fixed buffers: truncation, padding, precision and return values. */
#include <stdio.h>
#include <string.h>
#define CHECK(c) do { if (!(c)) { printf("FAIL %s:%d %s\n", __FILE__, __LINE__, #c); return 1; } } while (0)

int main(void) {
  char buf[32];
  CHECK(snprintf(buf, sizeof buf, "%5d|%-5d|%05d", 42, 42, 42) == 17 && strcmp(buf, "   42|42   |00042") == 0);
  CHECK(snprintf(buf, sizeof buf, "%.3f %e", 3.14159, 12345.678) == 18);
  CHECK(strcmp(buf, "3.142 1.234568e+04") == 0);
  CHECK(snprintf(buf, 6, "%s", "truncate me") == 11 && strcmp(buf, "trunc") == 0);
  CHECK(snprintf(buf, sizeof buf, "%x %X %o %#x", 255, 255, 8, 16) == 13 && strcmp(buf, "ff FF 10 0x10") == 0);
  CHECK(snprintf(NULL, 0, "%d", -1234567) == 8);
  CHECK(snprintf(buf, sizeof buf, "%c%c%c", 'a', 'b', 'c') == 3 && strcmp(buf, "abc") == 0);
  char table[128] = "";
  for (int i = 0; i < 5; i++) { char row[24]; snprintf(row, sizeof row, "[%d:%3.1f]", i, i / 3.0); strcat(table, row); }
  printf("%s\n", table);
  return 0;
}
