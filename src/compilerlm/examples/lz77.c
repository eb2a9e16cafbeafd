/* LZ77 with a hash chain: compress generated data, decompress, compare.
   Usage: lz77 [BYTES] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WINDOW 4096
#define MIN_MATCH 3
#define MAX_MATCH 258
#define HASH_BITS 12

typedef struct { unsigned char *data; size_t len, cap; } Buf;

static void put(Buf *b, unsigned char c) {
  if (b->len == b->cap) {
    b->cap = b->cap ? 2 * b->cap : 256;
    b->data = realloc(b->data, b->cap);
  }
  b->data[b->len++] = c;
}

static unsigned hash3(const unsigned char *p) {
  return ((p[0] << 8) ^ (p[1] << 4) ^ p[2]) & ((1 << HASH_BITS) - 1);
}

/* Tokens: 0x00 LIT byte | 0x01 dist(2) len(2). */
static Buf compress(const unsigned char *in, size_t n) {
  Buf out = {0};
  int *head = malloc(sizeof(int) << HASH_BITS), *prev = malloc(sizeof(int) * n);
  for (int i = 0; i < (1 << HASH_BITS); i++) head[i] = -1;
  size_t i = 0;
  while (i < n) {
    size_t best_len = 0, best_dist = 0;
    if (i + MIN_MATCH <= n) {
      unsigned h = hash3(in + i);
      int cand = head[h], tries = 32;
      while (cand >= 0 && i - (size_t)cand <= WINDOW && tries--) {
        size_t l = 0;
        while (i + l < n && l < MAX_MATCH && in[cand + l] == in[i + l]) l++;
        if (l > best_len) { best_len = l; best_dist = i - (size_t)cand; }
        cand = prev[cand];
      }
      prev[i] = head[h];
      head[h] = (int)i;
    }
    if (best_len >= MIN_MATCH) {
      put(&out, 1);
      put(&out, (unsigned char)(best_dist >> 8)); put(&out, (unsigned char)best_dist);
      put(&out, (unsigned char)(best_len >> 8)); put(&out, (unsigned char)best_len);
      for (size_t k = 1; k < best_len; k++)
        if (i + k + MIN_MATCH <= n) {
          unsigned h = hash3(in + i + k);
          prev[i + k] = head[h];
          head[h] = (int)(i + k);
        }
      i += best_len;
    } else {
      put(&out, 0);
      put(&out, in[i++]);
    }
  }
  free(head);
  free(prev);
  return out;
}

static Buf decompress(const Buf *in) {
  Buf out = {0};
  for (size_t i = 0; i < in->len;) {
    if (in->data[i] == 0) { put(&out, in->data[i + 1]); i += 2; continue; }
    size_t dist = (size_t)in->data[i + 1] << 8 | in->data[i + 2];
    size_t len = (size_t)in->data[i + 3] << 8 | in->data[i + 4];
    for (size_t k = 0; k < len; k++) put(&out, out.data[out.len - dist]);
    i += 5;
  }
  return out;
}

int main(int argc, char **argv) {
  size_t n = argc > 1 ? (size_t)atol(argv[1]) : 50000;
  unsigned char *data = malloc(n);
  unsigned x = 7;
  for (size_t i = 0; i < n; i++) {
    x = x * 1664525u + 1013904223u;
    /* Mostly repetitive: phrases from a small vocabulary, occasional noise. */
    data[i] = (x >> 28) < 1 ? (unsigned char)(x >> 8) : (unsigned char)("abracadabra, "[(i / 3 + (x >> 30)) % 13]);
  }
  Buf c = compress(data, n);
  Buf d = decompress(&c);
  int same = d.len == n && memcmp(d.data, data, n) == 0;
  unsigned long sum = 0;
  for (size_t i = 0; i < c.len; i++) sum = sum * 31 + c.data[i];
  printf("in %zu out %zu roundtrip %s checksum %lu\n", n, c.len, same ? "ok" : "BROKEN", sum);
  free(c.data);
  free(d.data);
  free(data);
  return !same;
}
