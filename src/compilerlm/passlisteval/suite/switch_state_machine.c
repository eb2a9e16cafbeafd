/* A state machine driven by a switch in a loop: a CSV field counter with quotes. */
#include <stdio.h>
#define CHECK(c) do { if (!(c)) { printf("FAIL %s:%d %s\n", __FILE__, __LINE__, #c); return 1; } } while (0)

enum st { FIELD_START, UNQUOTED, QUOTED, QUOTE_IN_QUOTED };
static int count_fields(const char *s, int *rows) {
  enum st st = FIELD_START;
  int fields = 0;
  *rows = 0;
  for (;; s++) {
    char c = *s;
    switch (st) {
    case FIELD_START:
      if (c == '"') { st = QUOTED; break; }
      fields++;
      if (c == ',') break;
      if (c == '\n' || c == 0) { (*rows)++; if (!c) return fields; break; }
      st = UNQUOTED;
      break;
    case UNQUOTED:
      if (c == ',') st = FIELD_START;
      else if (c == '\n' || c == 0) { (*rows)++; st = FIELD_START; if (!c) return fields; }
      break;
    case QUOTED:
      if (c == '"') st = QUOTE_IN_QUOTED;
      else if (c == 0) return -1;
      break;
    case QUOTE_IN_QUOTED:
      if (c == '"') { st = QUOTED; break; }
      fields++;
      if (c == ',') st = FIELD_START;
      else if (c == '\n' || c == 0) { (*rows)++; st = FIELD_START; if (!c) return fields; }
      else return -2;
      break;
    }
  }
}

int main(void) {
  int rows;
  CHECK(count_fields("a,b,c", &rows) == 3 && rows == 1);
  CHECK(count_fields("a,\"b,c\",d\n1,2,3", &rows) == 6 && rows == 2);
  CHECK(count_fields("\"x\"\"y\",z", &rows) == 2 && rows == 1);
  CHECK(count_fields("\"open", &rows) == -1);
  CHECK(count_fields("\"a\"b", &rows) == -2);
  CHECK(count_fields(",,", &rows) == 3);
  printf("%d %d\n", count_fields("q,\"w\",e\nr,t\n", &rows), rows);
  return 0;
}
