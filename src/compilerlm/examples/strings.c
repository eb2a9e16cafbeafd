/* String handling: reversal, palindromes, word counts, a hand-written strstr, run-length coding. */
#include <stdio.h>
#include <string.h>

static void reverse(char *s) {
  size_t n = strlen(s);
  for (size_t i = 0; i < n / 2; i++) { char t = s[i]; s[i] = s[n - 1 - i]; s[n - 1 - i] = t; }
}

static int is_palindrome(const char *s) {
  const char *e = s + strlen(s);
  while (s < e) {
    if (*s != *--e) return 0;
    s++;
  }
  return 1;
}

static const char *find(const char *hay, const char *needle) {
  if (!*needle) return hay;
  for (; *hay; hay++) {
    const char *h = hay, *n = needle;
    while (*h && *n && *h == *n) { h++; n++; }
    if (!*n) return hay;
  }
  return NULL;
}

static int rle(const char *in, char *out, int cap) {
  int len = 0;
  while (*in) {
    char ch = *in;
    int run = 0;
    while (*in == ch && run < 9) { in++; run++; }
    if (len + 2 >= cap) break;
    out[len++] = ch;
    out[len++] = (char)('0' + run);
  }
  out[len] = 0;
  return len;
}

int main(void) {
  char buf[64] = "compilers are fun";
  reverse(buf);
  int pals = 0;
  const char *words[] = {"level", "rotor", "llvm", "racecar", "clang", "a", ""};
  for (int i = 0; i < 7; i++) pals += is_palindrome(words[i]);
  const char *hay = "the quick brown fox";
  const char *hit = find(hay, "brown");
  char enc[64];
  int n = rle("aaabccddddde", enc, sizeof enc);
  printf("%s pals=%d at=%ld rle=%s/%d\n", buf, pals, hit ? (long)(hit - hay) : -1L,
         enc, n);
  return 0;
}
