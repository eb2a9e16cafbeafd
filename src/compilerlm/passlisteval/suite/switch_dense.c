/* A dense switch (jump table or lookup table) over every case and the default. */
#include <stdio.h>
#define CHECK(c) do { if (!(c)) { printf("FAIL %s:%d %s\n", __FILE__, __LINE__, #c); return 1; } } while (0)

static int weekday_len(int d) {
  switch (d) {
  case 0: return 6; case 1: return 6; case 2: return 7; case 3: return 9;
  case 4: return 8; case 5: return 6; case 6: return 8; default: return -1;
  }
}
static const char *roman(int d) {
  switch (d) {
  case 1: return "I"; case 2: return "II"; case 3: return "III"; case 4: return "IV"; case 5: return "V";
  case 6: return "VI"; case 7: return "VII"; case 8: return "VIII"; case 9: return "IX"; case 10: return "X";
  default: return "";
  }
}
static int op(char c, int a, int b) {
  switch (c) {
  case '+': return a + b; case '-': return a - b; case '*': return a * b;
  case '/': return b ? a / b : 0; case '%': return b ? a % b : 0; case '&': return a & b;
  case '|': return a | b; case '^': return a ^ b; default: return 0;
  }
}

int main(void) {
  int total = 0;
  for (int d = -2; d < 10; d++) total += weekday_len(d);
  CHECK(total == 50 - 5);
  int chars = 0;
  for (int d = 0; d <= 11; d++) for (const char *p = roman(d); *p; p++) chars++;
  CHECK(chars == 21);
  const char *ops = "+-*/%&|^?";
  long acc = 0;
  for (const char *p = ops; *p; p++) acc = acc * 7 + op(*p, 29, 6);
  CHECK(op('/', 7, 0) == 0 && op('?', 1, 1) == 0);
  printf("%d %d %ld\n", total, chars, acc);
  return 0;
}
