/* Knuth-Morris-Pratt substring search checked against a naive search. */
#include <stdio.h>
#include <string.h>
#define CHECK(c) do { if (!(c)) { printf("FAIL %s:%d %s\n", __FILE__, __LINE__, #c); return 1; } } while (0)

static int kmp(const char *text, const char *pat, int *hits, int max) {
  int m = (int)strlen(pat), fail[64], n = 0;
  if (m == 0 || m > 64) return 0;
  fail[0] = 0;
  for (int i = 1, k = 0; i < m; i++) { while (k && pat[i] != pat[k]) k = fail[k - 1]; if (pat[i] == pat[k]) k++; fail[i] = k; }
  for (int i = 0, k = 0; text[i]; i++) {
    while (k && text[i] != pat[k]) k = fail[k - 1];
    if (text[i] == pat[k]) k++;
    if (k == m) { if (n < max) hits[n] = i - m + 1; n++; k = fail[k - 1]; }
  }
  return n;
}
static int naive(const char *text, const char *pat) { int n = 0; size_t m = strlen(pat); for (const char *p = text; *p; p++) n += strncmp(p, pat, m) == 0; return n; }

int main(void) {
  int hits[16];
  CHECK(kmp("abababab", "abab", hits, 16) == 3 && hits[0] == 0 && hits[2] == 4);
  CHECK(kmp("aaaaa", "aa", hits, 16) == 4);
  CHECK(kmp("hello", "xyz", hits, 16) == 0);
  char text[600];
  for (int i = 0; i < 599; i++) text[i] = "abcab"[(i * i + i / 3) % 5];
  text[599] = 0;
  const char *pats[] = {"ab", "abca", "bb", "cab", "aab", "ca"};
  int total = 0;
  for (int i = 0; i < 6; i++) { int k = kmp(text, pats[i], hits, 16); CHECK(k == naive(text, pats[i])); total += k; }
  printf("%d %d\n", total, hits[0]);
  return 0;
}
