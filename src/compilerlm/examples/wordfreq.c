/* Word frequencies with an open-addressing hash table, then the top words by qsort.
   Usage: wordfreq [WORDS] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct { char *word; int count; } Entry;

static Entry *table;
static size_t capacity, used;

static unsigned long fnv1a(const char *s) {
  unsigned long h = 1469598103934665603ul;
  for (; *s; s++) h = (h ^ (unsigned char)*s) * 1099511628211ul;
  return h;
}

static void grow(void);

static void count_word(const char *w) {
  if (2 * (used + 1) > capacity) grow();
  size_t i = fnv1a(w) & (capacity - 1);
  while (table[i].word && strcmp(table[i].word, w) != 0) i = (i + 1) & (capacity - 1);
  if (!table[i].word) {
    size_t n = strlen(w) + 1;
    table[i].word = memcpy(malloc(n), w, n);
    used++;
  }
  table[i].count++;
}

static void grow(void) {
  Entry *old = table;
  size_t old_cap = capacity;
  capacity = capacity ? capacity * 2 : 64;
  table = calloc(capacity, sizeof(Entry));
  for (size_t i = 0; i < old_cap; i++)
    if (old[i].word) {
      size_t j = fnv1a(old[i].word) & (capacity - 1);
      while (table[j].word) j = (j + 1) & (capacity - 1);
      table[j] = old[i];
    }
  free(old);
}

static int by_count(const void *a, const void *b) {
  const Entry *x = a, *y = b;
  if (x->count != y->count) return y->count - x->count;
  return strcmp(x->word, y->word);
}

int main(int argc, char **argv) {
  long words = argc > 1 ? atol(argv[1]) : 30000;
  static const char *syll[] = {"ka", "lo", "mi", "ne", "ru", "ta", "so", "vi"};
  unsigned x = 2024;
  char w[32];
  for (long k = 0; k < words; k++) {
    x ^= x << 13; x ^= x >> 17; x ^= x << 5;
    int parts = 1 + (int)(x % 3), len = 0;
    unsigned y = x >> 8;
    for (int p = 0; p < parts; p++, y >>= 3) {
      const char *s = syll[(y % 8) * (y % 8) / 8];  /* skewed: some syllables dominate */
      w[len++] = s[0]; w[len++] = s[1];
    }
    w[len] = 0;
    count_word(w);
  }
  Entry *all = malloc(sizeof(Entry) * used);
  size_t n = 0;
  for (size_t i = 0; i < capacity; i++) if (table[i].word) all[n++] = table[i];
  qsort(all, n, sizeof(Entry), by_count);
  printf("distinct %zu\n", n);
  for (size_t i = 0; i < 5 && i < n; i++) printf("%s %d\n", all[i].word, all[i].count);
  for (size_t i = 0; i < capacity; i++) free(table[i].word);
  free(table);
  free(all);
  return 0;
}
