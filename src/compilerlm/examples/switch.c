/* Switch statements: a dense switch (jump table), a sparse one, and a tokenizer state machine. */
#include <stdio.h>

static int days_in_month(int m) {
  switch (m) {
  case 1: case 3: case 5: case 7: case 8: case 10: case 12: return 31;
  case 4: case 6: case 9: case 11: return 30;
  case 2: return 28;
  default: return -1;
  }
}

static const char *opcode_name(int op) {
  switch (op) {
  case 0: return "nop";
  case 1: return "load";
  case 2: return "store";
  case 3: return "add";
  case 4: return "sub";
  case 5: return "mul";
  case 6: return "div";
  case 7: return "jmp";
  case 8: return "call";
  case 9: return "ret";
  default: return "?";
  }
}

static int sparse(int x) {
  switch (x) {
  case 7: return 1;
  case 100: return 2;
  case 1000: return 3;
  case 31337: return 4;
  case -5: return 5;
  default: return 0;
  }
}

enum state { START, IN_NUMBER, IN_WORD, IN_SPACE };

static void tokenize(const char *s, int *numbers, int *words) {
  enum state st = START;
  *numbers = *words = 0;
  for (; *s; s++) {
    char ch = *s;
    int digit = ch >= '0' && ch <= '9';
    int alpha = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z');
    switch (st) {
    case START:
    case IN_SPACE:
      if (digit) { st = IN_NUMBER; ++*numbers; }
      else if (alpha) { st = IN_WORD; ++*words; }
      else st = IN_SPACE;
      break;
    case IN_NUMBER:
      if (!digit) st = alpha ? (++*words, IN_WORD) : IN_SPACE;
      break;
    case IN_WORD:
      if (!alpha && !digit) st = IN_SPACE;
      break;
    }
  }
}

int main(void) {
  int total = 0;
  for (int m = 0; m <= 13; m++)
    total += days_in_month(m);
  unsigned h = 0;
  for (int op = 0; op < 12; op++)
    for (const char *p = opcode_name(op); *p; p++)
      h = h * 31 + (unsigned char)*p;
  int sp = sparse(7) + sparse(100) * 10 + sparse(31337) * 100 + sparse(-5) * 1000 + sparse(3);
  int nums, words;
  tokenize("abc 123 x9 42 hello, world 7", &nums, &words);
  printf("days=%d names=%u sparse=%d numbers=%d words=%d\n", total, h, sp, nums, words);
  return 0;
}
