/* Huffman coding of generated text: build the tree with a binary heap, encode, decode, check.
   Usage: huffman [LENGTH] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct { long freq; int sym, left, right; } Node;

static Node nodes[512];
static int heap[512], heap_len;
static char codes[256][64];
static int code_len[256];

static int less(int a, int b) {
  if (nodes[a].freq != nodes[b].freq) return nodes[a].freq < nodes[b].freq;
  return a < b;
}

static void push(int n) {
  int i = heap_len++;
  heap[i] = n;
  while (i > 0 && less(heap[i], heap[(i - 1) / 2])) {
    int p = (i - 1) / 2, t = heap[p];
    heap[p] = heap[i]; heap[i] = t; i = p;
  }
}

static int pop(void) {
  int top = heap[0], i = 0;
  heap[0] = heap[--heap_len];
  for (;;) {
    int l = 2 * i + 1, r = l + 1, m = i;
    if (l < heap_len && less(heap[l], heap[m])) m = l;
    if (r < heap_len && less(heap[r], heap[m])) m = r;
    if (m == i) break;
    int t = heap[m]; heap[m] = heap[i]; heap[i] = t; i = m;
  }
  return top;
}

static void assign(int n, char *prefix, int depth) {
  if (nodes[n].sym >= 0) {
    prefix[depth] = 0;
    strcpy(codes[nodes[n].sym], depth ? prefix : "0");
    code_len[nodes[n].sym] = depth ? depth : 1;
    return;
  }
  prefix[depth] = '0'; assign(nodes[n].left, prefix, depth + 1);
  prefix[depth] = '1'; assign(nodes[n].right, prefix, depth + 1);
}

int main(int argc, char **argv) {
  long n = argc > 1 ? atol(argv[1]) : 20000;
  static const char *words[] = {"the ", "compiler ", "pass ", "list ", "size ", "of ",
                                "binary ", "loop ", "inline ", "vector ", "x", "\n"};
  char *text = malloc(n + 64);
  long len = 0;
  unsigned seed = 12345;
  while (len < n) {
    seed = seed * 1103515245u + 12345u;
    const char *w = words[(seed >> 16) % 12];
    size_t k = strlen(w);
    memcpy(text + len, w, k);
    len += k;
  }
  long freq[256] = {0};
  for (long i = 0; i < len; i++) freq[(unsigned char)text[i]]++;
  int count = 0;
  for (int s = 0; s < 256; s++)
    if (freq[s]) { nodes[count] = (Node){freq[s], s, -1, -1}; push(count++); }
  while (heap_len > 1) {
    int a = pop(), b = pop();
    nodes[count] = (Node){nodes[a].freq + nodes[b].freq, -1, a, b};
    push(count++);
  }
  char prefix[64];
  int root = pop();
  assign(root, prefix, 0);
  long bits = 0;
  for (int s = 0; s < 256; s++) bits += freq[s] * code_len[s];
  unsigned char *packed = calloc(bits / 8 + 1, 1);
  long pos = 0;
  for (long i = 0; i < len; i++) {
    const char *c = codes[(unsigned char)text[i]];
    for (; *c; c++, pos++)
      if (*c == '1') packed[pos / 8] |= (unsigned char)(1 << (pos % 8));
  }
  long decoded = 0, mismatches = 0;
  int node = root;
  for (long p = 0; p < pos; p++) {
    int bit = (packed[p / 8] >> (p % 8)) & 1;
    if (nodes[node].sym < 0) node = bit ? nodes[node].right : nodes[node].left;
    if (nodes[node].sym >= 0) {
      if (text[decoded] != nodes[node].sym) mismatches++;
      decoded++;
      node = root;
    }
  }
  printf("symbols %d chars %ld bits %ld decoded %ld mismatches %ld\n", count / 2 + 1, len,
         bits, decoded, mismatches);
  free(packed);
  free(text);
  return mismatches != 0;
}
