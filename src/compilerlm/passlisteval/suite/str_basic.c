/* The string library: length, copy, concatenation, comparison, character search. */
#include <stdio.h>
#include <string.h>
#define CHECK(c) do { if (!(c)) { printf("FAIL %s:%d %s\n", __FILE__, __LINE__, #c); return 1; } } while (0)

static size_t my_strlen(const char *s) { const char *p = s; while (*p) p++; return (size_t)(p - s); }
static int my_strcmp(const char *a, const char *b) { while (*a && *a == *b) { a++; b++; } return (unsigned char)*a - (unsigned char)*b; }

int main(void) {
  char buf[64];
  strcpy(buf, "compiler");
  strcat(buf, " ");
  strncat(buf, "optimisation!!", 12);
  CHECK(strcmp(buf, "compiler optimisation") == 0 && strlen(buf) == 21 && my_strlen(buf) == 21);
  CHECK(my_strcmp("abc", "abd") < 0 && my_strcmp("b", "a") > 0 && my_strcmp("same", "same") == 0);
  CHECK(my_strcmp("\xff", "a") > 0);  /* compares as unsigned char */
  CHECK(strchr(buf, 'o') == buf + 1 && strrchr(buf, 'o') == buf + 19 && strchr(buf, 'z') == NULL);
  CHECK(strncmp("prefix-a", "prefix-b", 7) == 0 && strspn("aaab", "a") == 3 && strcspn("abc;d", ";") == 3);
  char copy[8];
  strncpy(copy, "abcdefghij", sizeof copy - 1);
  copy[sizeof copy - 1] = 0;
  CHECK(strcmp(copy, "abcdefg") == 0);
  printf("%s|%zu|%s\n", buf, my_strlen(copy), strstr(buf, "tim"));
  return 0;
}
