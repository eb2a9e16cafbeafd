/* Reverse Polish calculator: evaluates each argument line, prints the results. */
#include <stdio.h>
#include <stdlib.h>
#include <ctype.h>
#include "stack.h"

static int eval(const char *line) {
  Stack s = {{0}, 0};
  for (const char *p = line; *p; p++) {
    if (isdigit((unsigned char)*p)) {
      push(&s, (int)strtol(p, (char **)&p, 10));
      p--;
    } else if (*p == '+' || *p == '-' || *p == '*' || *p == '/') {
      int b = pop(&s), a = pop(&s);
      push(&s, *p == '+' ? a + b : *p == '-' ? a - b : *p == '*' ? a * b : (b ? a / b : 0));
    }
  }
  return empty(&s) ? 0 : pop(&s);
}

int main(int argc, char **argv) {
  const char *lines[] = {"3 4 +", "5 1 2 + 4 * + 3 -", "2 3 4 * +", "100 7 /"};
  int n = argc > 1 ? argc - 1 : 4;
  for (int i = 0; i < n; i++) printf("%d\n", eval(argc > 1 ? argv[i + 1] : lines[i]));
  return 0;
}
