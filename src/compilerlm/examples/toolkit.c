/* A toolkit of classic algorithms in one translation unit: the "large" bundled program.
   SHA-256, CRC-32, Adler-32, Base64, an LZ77 codec, a hash map, big-number arithmetic,
   four sorting algorithms, a tiny regular-expression matcher, a JSON tokenizer, calendar
   arithmetic and a rational-number determinant. Every part checks itself; main prints a
   summary line and exits 0 only when all checks pass. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int failures;
#define CHECK(cond) do { if (!(cond)) { failures++; printf("check failed: %s\n", #cond); } } while (0)

/* ---------------------------------------------------------------- SHA-256 */
static const uint32_t K256[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

struct sha256 { uint32_t h[8]; uint8_t buf[64]; uint64_t len; size_t fill; };

static uint32_t rotr(uint32_t x, int n) { return (x >> n) | (x << (32 - n)); }

static void sha256_block(struct sha256 *s, const uint8_t *p) {
  uint32_t w[64];
  for (int i = 0; i < 16; i++)
    w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 | (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
  for (int i = 16; i < 64; i++) {
    uint32_t s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >> 3);
    uint32_t s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >> 10);
    w[i] = w[i - 16] + s0 + w[i - 7] + s1;
  }
  uint32_t a = s->h[0], b = s->h[1], c = s->h[2], d = s->h[3];
  uint32_t e = s->h[4], f = s->h[5], g = s->h[6], h = s->h[7];
  for (int i = 0; i < 64; i++) {
    uint32_t t1 = h + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + K256[i] + w[i];
    uint32_t t2 = (rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
    h = g; g = f; f = e; e = d + t1; d = c; c = b; b = a; a = t1 + t2;
  }
  s->h[0] += a; s->h[1] += b; s->h[2] += c; s->h[3] += d;
  s->h[4] += e; s->h[5] += f; s->h[6] += g; s->h[7] += h;
}

static void sha256_init(struct sha256 *s) {
  static const uint32_t iv[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
  memcpy(s->h, iv, sizeof iv);
  s->len = 0;
  s->fill = 0;
}

static void sha256_update(struct sha256 *s, const void *data, size_t n) {
  const uint8_t *p = data;
  s->len += n;
  while (n--) {
    s->buf[s->fill++] = *p++;
    if (s->fill == 64) { sha256_block(s, s->buf); s->fill = 0; }
  }
}

static void sha256_final(struct sha256 *s, uint8_t out[32]) {
  uint64_t bits = s->len * 8;
  uint8_t pad = 0x80;
  sha256_update(s, &pad, 1);
  pad = 0;
  while (s->fill != 56) sha256_update(s, &pad, 1);
  uint8_t lenbuf[8];
  for (int i = 0; i < 8; i++) lenbuf[i] = (uint8_t)(bits >> (56 - 8 * i));
  sha256_update(s, lenbuf, 8);
  for (int i = 0; i < 8; i++) {
    out[4 * i] = (uint8_t)(s->h[i] >> 24); out[4 * i + 1] = (uint8_t)(s->h[i] >> 16);
    out[4 * i + 2] = (uint8_t)(s->h[i] >> 8); out[4 * i + 3] = (uint8_t)s->h[i];
  }
}

static void to_hex(const uint8_t *p, size_t n, char *out) {
  static const char digits[] = "0123456789abcdef";
  for (size_t i = 0; i < n; i++) { out[2 * i] = digits[p[i] >> 4]; out[2 * i + 1] = digits[p[i] & 15]; }
  out[2 * n] = 0;
}

static void test_sha256(void) {
  struct sha256 s;
  uint8_t d[32];
  char hex[65];
  sha256_init(&s);
  sha256_update(&s, "abc", 3);
  sha256_final(&s, d);
  to_hex(d, 32, hex);
  CHECK(strcmp(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad") == 0);
  sha256_init(&s);
  sha256_final(&s, d);
  to_hex(d, 32, hex);
  CHECK(strcmp(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855") == 0);
}

/* ---------------------------------------------------------- CRC-32, Adler-32 */
static uint32_t crc_table[256];

static void crc32_init(void) {
  for (uint32_t i = 0; i < 256; i++) {
    uint32_t c = i;
    for (int k = 0; k < 8; k++) c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
    crc_table[i] = c;
  }
}

static uint32_t crc32(const void *data, size_t n) {
  const uint8_t *p = data;
  uint32_t c = 0xffffffffu;
  while (n--) c = crc_table[(c ^ *p++) & 0xff] ^ (c >> 8);
  return c ^ 0xffffffffu;
}

static uint32_t adler32(const void *data, size_t n) {
  const uint8_t *p = data;
  uint32_t a = 1, b = 0;
  while (n--) { a = (a + *p++) % 65521; b = (b + a) % 65521; }
  return b << 16 | a;
}

static void test_checksums(void) {
  crc32_init();
  CHECK(crc32("123456789", 9) == 0xcbf43926u);
  CHECK(adler32("Wikipedia", 9) == 0x11e60398u);
}

/* ---------------------------------------------------------------- Base64 */
static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static size_t base64_encode(const uint8_t *in, size_t n, char *out) {
  size_t o = 0;
  for (size_t i = 0; i < n; i += 3) {
    uint32_t v = (uint32_t)in[i] << 16;
    if (i + 1 < n) v |= (uint32_t)in[i + 1] << 8;
    if (i + 2 < n) v |= in[i + 2];
    out[o++] = b64[v >> 18 & 63];
    out[o++] = b64[v >> 12 & 63];
    out[o++] = i + 1 < n ? b64[v >> 6 & 63] : '=';
    out[o++] = i + 2 < n ? b64[v & 63] : '=';
  }
  out[o] = 0;
  return o;
}

static int b64_value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

static long base64_decode(const char *in, uint8_t *out) {
  size_t n = strlen(in), o = 0;
  if (n % 4) return -1;
  for (size_t i = 0; i < n; i += 4) {
    int v[4];
    for (int k = 0; k < 4; k++) v[k] = in[i + k] == '=' ? 0 : b64_value(in[i + k]);
    if (v[0] < 0 || v[1] < 0 || v[2] < 0 || v[3] < 0) return -1;
    uint32_t x = (uint32_t)v[0] << 18 | (uint32_t)v[1] << 12 | (uint32_t)v[2] << 6 | (uint32_t)v[3];
    out[o++] = (uint8_t)(x >> 16);
    if (in[i + 2] != '=') out[o++] = (uint8_t)(x >> 8);
    if (in[i + 3] != '=') out[o++] = (uint8_t)x;
  }
  return (long)o;
}

static void test_base64(void) {
  char enc[64];
  uint8_t dec[64];
  base64_encode((const uint8_t *)"any carnal pleasure.", 20, enc);
  CHECK(strcmp(enc, "YW55IGNhcm5hbCBwbGVhc3VyZS4=") == 0);
  long n = base64_decode(enc, dec);
  CHECK(n == 20 && memcmp(dec, "any carnal pleasure.", 20) == 0);
  CHECK(base64_decode("abc", dec) == -1);
}

/* ------------------------------------------------------------------- LZ77 */
/* Token stream: literal byte 0x00 <byte>, or match 0x01 <offset:2> <length:1>. */
static size_t lz_compress(const uint8_t *in, size_t n, uint8_t *out) {
  size_t i = 0, o = 0;
  while (i < n) {
    size_t best_len = 0, best_off = 0;
    size_t start = i > 4096 ? i - 4096 : 0;
    for (size_t j = start; j < i; j++) {
      size_t len = 0;
      while (i + len < n && len < 255 && in[j + len] == in[i + len]) len++;
      if (len > best_len) { best_len = len; best_off = i - j; }
    }
    if (best_len >= 4) {
      out[o++] = 1;
      out[o++] = (uint8_t)(best_off >> 8);
      out[o++] = (uint8_t)best_off;
      out[o++] = (uint8_t)best_len;
      i += best_len;
    } else {
      out[o++] = 0;
      out[o++] = in[i++];
    }
  }
  return o;
}

static long lz_decompress(const uint8_t *in, size_t n, uint8_t *out, size_t cap) {
  size_t i = 0, o = 0;
  while (i < n) {
    if (in[i] == 0) {
      if (i + 1 >= n || o >= cap) return -1;
      out[o++] = in[i + 1];
      i += 2;
    } else if (in[i] == 1) {
      if (i + 3 >= n) return -1;
      size_t off = (size_t)in[i + 1] << 8 | in[i + 2], len = in[i + 3];
      if (off == 0 || off > o || o + len > cap) return -1;
      for (size_t k = 0; k < len; k++, o++) out[o] = out[o - off];
      i += 4;
    } else {
      return -1;
    }
  }
  return (long)o;
}

static void test_lz(void) {
  static uint8_t text[2000], packed[4100], unpacked[2000];
  const char *phrase = "the rain in spain falls mainly on the plain; ";
  size_t pl = strlen(phrase);
  for (size_t i = 0; i < sizeof text; i++) text[i] = (uint8_t)phrase[(i * 7 / 5) % pl];
  size_t c = lz_compress(text, sizeof text, packed);
  long d = lz_decompress(packed, c, unpacked, sizeof unpacked);
  CHECK(c < sizeof text);
  CHECK(d == (long)sizeof text && memcmp(text, unpacked, sizeof text) == 0);
  printf("lz: %zu -> %zu bytes\n", sizeof text, c);
}

/* --------------------------------------------------------------- hash map */
struct entry { char key[24]; int value; int used; };
struct map { struct entry *slots; size_t cap, len; };

static uint64_t fnv1a(const char *s) {
  uint64_t h = 1469598103934665603ull;
  for (; *s; s++) { h ^= (uint8_t)*s; h *= 1099511628211ull; }
  return h;
}

static void map_init(struct map *m, size_t cap) {
  m->slots = calloc(cap, sizeof *m->slots);
  m->cap = cap;
  m->len = 0;
}

static int map_put(struct map *m, const char *key, int value);

static void map_grow(struct map *m) {
  struct map bigger;
  map_init(&bigger, m->cap * 2);
  for (size_t i = 0; i < m->cap; i++)
    if (m->slots[i].used) map_put(&bigger, m->slots[i].key, m->slots[i].value);
  free(m->slots);
  *m = bigger;
}

static int map_put(struct map *m, const char *key, int value) {
  if (strlen(key) >= sizeof m->slots[0].key) return -1;
  if ((m->len + 1) * 4 > m->cap * 3) map_grow(m);
  size_t i = fnv1a(key) & (m->cap - 1);
  while (m->slots[i].used && strcmp(m->slots[i].key, key) != 0) i = (i + 1) & (m->cap - 1);
  if (!m->slots[i].used) { m->slots[i].used = 1; strcpy(m->slots[i].key, key); m->len++; }
  m->slots[i].value = value;
  return 0;
}

static int *map_get(struct map *m, const char *key) {
  size_t i = fnv1a(key) & (m->cap - 1);
  while (m->slots[i].used) {
    if (strcmp(m->slots[i].key, key) == 0) return &m->slots[i].value;
    i = (i + 1) & (m->cap - 1);
  }
  return NULL;
}

static void test_map(void) {
  struct map m;
  char key[24];
  map_init(&m, 8);
  for (int i = 0; i < 500; i++) { snprintf(key, sizeof key, "key%d", i); map_put(&m, key, i * i); }
  long sum = 0;
  for (int i = 0; i < 500; i += 7) {
    snprintf(key, sizeof key, "key%d", i);
    int *v = map_get(&m, key);
    CHECK(v && *v == i * i);
    if (v) sum += *v;
  }
  CHECK(map_get(&m, "missing") == NULL);
  CHECK(m.len == 500);
  free(m.slots);
  printf("map: sum=%ld cap=%zu\n", sum, m.cap);
}

/* ---------------------------------------------------------------- big numbers */
#define BIG_DIGITS 200
struct big { int d[BIG_DIGITS]; int n; }; /* base 10000, little-endian */

static void big_set(struct big *b, int v) {
  b->n = 0;
  do { b->d[b->n++] = v % 10000; v /= 10000; } while (v);
}

static void big_mul_small(struct big *b, int m) {
  int carry = 0;
  for (int i = 0; i < b->n; i++) {
    int x = b->d[i] * m + carry;
    b->d[i] = x % 10000;
    carry = x / 10000;
  }
  while (carry && b->n < BIG_DIGITS) { b->d[b->n++] = carry % 10000; carry /= 10000; }
}

static void big_add(struct big *r, const struct big *a, const struct big *b) {
  int carry = 0, n = a->n > b->n ? a->n : b->n;
  for (int i = 0; i < n; i++) {
    int x = (i < a->n ? a->d[i] : 0) + (i < b->n ? b->d[i] : 0) + carry;
    r->d[i] = x % 10000;
    carry = x / 10000;
  }
  r->n = n;
  if (carry && r->n < BIG_DIGITS) r->d[r->n++] = carry;
}

static int big_digit_sum(const struct big *b) {
  int s = 0;
  for (int i = 0; i < b->n; i++)
    for (int x = b->d[i]; x; x /= 10) s += x % 10;
  return s;
}

static void test_big(void) {
  struct big f, a, b, c;
  big_set(&f, 1);
  for (int i = 2; i <= 100; i++) big_mul_small(&f, i);
  CHECK(big_digit_sum(&f) == 648); /* Project Euler 20 */
  big_set(&a, 1);
  big_set(&b, 1);
  for (int i = 3; i <= 100; i++) { big_add(&c, &a, &b); a = b; b = c; }
  CHECK(b.n == 6 && b.d[5] == 3 && b.d[0] == 5075); /* F(100) = 354224848179261915075 */
  printf("big: 100! digit sum=%d\n", big_digit_sum(&f));
}

/* ---------------------------------------------------------------- sorting */
static void insertion_sort(int *v, int n) {
  for (int i = 1; i < n; i++) {
    int x = v[i], j = i;
    while (j > 0 && v[j - 1] > x) { v[j] = v[j - 1]; j--; }
    v[j] = x;
  }
}

static void shell_sort(int *v, int n) {
  for (int gap = n / 2; gap > 0; gap /= 2)
    for (int i = gap; i < n; i++) {
      int x = v[i], j = i;
      while (j >= gap && v[j - gap] > x) { v[j] = v[j - gap]; j -= gap; }
      v[j] = x;
    }
}

static void sift_down(int *v, int start, int end) {
  int root = start;
  while (2 * root + 1 <= end) {
    int child = 2 * root + 1, swap = root;
    if (v[swap] < v[child]) swap = child;
    if (child + 1 <= end && v[swap] < v[child + 1]) swap = child + 1;
    if (swap == root) return;
    int t = v[root]; v[root] = v[swap]; v[swap] = t;
    root = swap;
  }
}

static void heap_sort(int *v, int n) {
  for (int start = (n - 2) / 2; start >= 0; start--) sift_down(v, start, n - 1);
  for (int end = n - 1; end > 0; end--) {
    int t = v[0]; v[0] = v[end]; v[end] = t;
    sift_down(v, 0, end - 1);
  }
}

static void merge_sort(int *v, int *tmp, int n) {
  if (n < 2) return;
  int h = n / 2;
  merge_sort(v, tmp, h);
  merge_sort(v + h, tmp, n - h);
  int i = 0, j = h, k = 0;
  while (i < h && j < n) tmp[k++] = v[i] <= v[j] ? v[i++] : v[j++];
  while (i < h) tmp[k++] = v[i++];
  while (j < n) tmp[k++] = v[j++];
  memcpy(v, tmp, (size_t)n * sizeof *v);
}

static int is_sorted(const int *v, int n) {
  for (int i = 1; i < n; i++) if (v[i - 1] > v[i]) return 0;
  return 1;
}

static void test_sorting(void) {
  enum { N = 300 };
  int base[N], v[N], tmp[N];
  uint32_t x = 2463534242u;
  for (int i = 0; i < N; i++) { x ^= x << 13; x ^= x >> 17; x ^= x << 5; base[i] = (int)(x % 10000) - 5000; }
  void (*sorts[])(int *, int) = {insertion_sort, shell_sort, heap_sort};
  for (int s = 0; s < 3; s++) {
    memcpy(v, base, sizeof v);
    sorts[s](v, N);
    CHECK(is_sorted(v, N));
  }
  memcpy(v, base, sizeof v);
  merge_sort(v, tmp, N);
  CHECK(is_sorted(v, N));
  printf("sort: min=%d max=%d\n", v[0], v[N - 1]);
}

/* ------------------------------------------------- regular expressions (Pike) */
static int match_here(const char *re, const char *text);

static int match_star(int c, const char *re, const char *text) {
  do {
    if (match_here(re, text)) return 1;
  } while (*text != '\0' && (*text++ == c || c == '.'));
  return 0;
}

static int match_here(const char *re, const char *text) {
  if (re[0] == '\0') return 1;
  if (re[1] == '*') return match_star(re[0], re + 2, text);
  if (re[0] == '$' && re[1] == '\0') return *text == '\0';
  if (*text != '\0' && (re[0] == '.' || re[0] == *text)) return match_here(re + 1, text + 1);
  return 0;
}

static int match(const char *re, const char *text) {
  if (re[0] == '^') return match_here(re + 1, text);
  do {
    if (match_here(re, text)) return 1;
  } while (*text++ != '\0');
  return 0;
}

static void test_regex(void) {
  CHECK(match("^ab*c$", "abbbc"));
  CHECK(!match("^ab*c$", "abbbd"));
  CHECK(match("o.*r", "hello world"));
  CHECK(match("x*", ""));
  CHECK(!match("^$", "a"));
}

/* ------------------------------------------------------------ JSON tokenizer */
enum tok { T_LBRACE, T_RBRACE, T_LBRACK, T_RBRACK, T_COLON, T_COMMA, T_STRING, T_NUMBER,
           T_TRUE, T_FALSE, T_NULL, T_END, T_ERROR };

static enum tok next_token(const char **s, double *num) {
  while (**s == ' ' || **s == '\n' || **s == '\t' || **s == '\r') (*s)++;
  char c = **s;
  switch (c) {
  case '\0': return T_END;
  case '{': (*s)++; return T_LBRACE;
  case '}': (*s)++; return T_RBRACE;
  case '[': (*s)++; return T_LBRACK;
  case ']': (*s)++; return T_RBRACK;
  case ':': (*s)++; return T_COLON;
  case ',': (*s)++; return T_COMMA;
  case '"':
    for ((*s)++; **s && **s != '"'; (*s)++)
      if (**s == '\\' && (*s)[1]) (*s)++;
    if (**s != '"') return T_ERROR;
    (*s)++;
    return T_STRING;
  case 't': if (strncmp(*s, "true", 4) == 0) { *s += 4; return T_TRUE; } return T_ERROR;
  case 'f': if (strncmp(*s, "false", 5) == 0) { *s += 5; return T_FALSE; } return T_ERROR;
  case 'n': if (strncmp(*s, "null", 4) == 0) { *s += 4; return T_NULL; } return T_ERROR;
  default:
    if (c == '-' || (c >= '0' && c <= '9')) {
      char *end;
      *num = strtod(*s, &end);
      if (end == *s) return T_ERROR;
      *s = end;
      return T_NUMBER;
    }
    return T_ERROR;
  }
}

static void test_json(void) {
  const char *doc = "{\"name\": \"llvm\", \"version\": 17.06, \"tags\": [\"opt\", \"clang\\\"\"], "
                    "\"stable\": true, \"parent\": null, \"n\": -3}";
  int counts[T_ERROR + 1] = {0};
  double num = 0, numsum = 0;
  enum tok t;
  while ((t = next_token(&doc, &num)) != T_END && t != T_ERROR) {
    counts[t]++;
    if (t == T_NUMBER) numsum += num;
  }
  CHECK(t == T_END);
  CHECK(counts[T_STRING] == 9 && counts[T_NUMBER] == 2 && counts[T_TRUE] == 1 && counts[T_NULL] == 1);
  printf("json: tokens ok, numbers sum to %.2f\n", numsum);
}

/* ---------------------------------------------------------------- calendar */
static int is_leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

static int day_of_week(int y, int m, int d) { /* Sakamoto: 0 = Sunday */
  static const int t[] = {0, 3, 2, 5, 0, 3, 5, 1, 4, 6, 2, 4};
  if (m < 3) y -= 1;
  return (y + y / 4 - y / 100 + y / 400 + t[m - 1] + d) % 7;
}

static long days_from_civil(int y, int m, int d) {
  y -= m <= 2;
  long era = (y >= 0 ? y : y - 399) / 400;
  long yoe = y - era * 400;
  long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

static void test_calendar(void) {
  CHECK(is_leap(2000) && !is_leap(1900) && is_leap(2024));
  CHECK(day_of_week(2024, 7, 4) == 4);
  CHECK(days_from_civil(1970, 1, 1) == 0);
  CHECK(days_from_civil(2000, 3, 1) - days_from_civil(2000, 2, 1) == 29);
  int sundays = 0;
  for (int y = 1901; y <= 2000; y++)
    for (int m = 1; m <= 12; m++) sundays += day_of_week(y, m, 1) == 0;
  CHECK(sundays == 171); /* Project Euler 19 */
}

/* -------------------------------------------------------- rational determinant */
struct q { long num, den; };

static long gcd(long a, long b) {
  if (a < 0) a = -a;
  if (b < 0) b = -b;
  while (b) { long t = a % b; a = b; b = t; }
  return a;
}

static struct q q_make(long n, long d) {
  if (d < 0) { n = -n; d = -d; }
  long g = gcd(n, d);
  if (g == 0) g = 1;
  struct q r = {n / g, d / g};
  return r;
}
static struct q q_sub(struct q a, struct q b) { return q_make(a.num * b.den - b.num * a.den, a.den * b.den); }
static struct q q_mul(struct q a, struct q b) { return q_make(a.num * b.num, a.den * b.den); }
static struct q q_div(struct q a, struct q b) { return q_make(a.num * b.den, a.den * b.num); }

static struct q determinant(struct q m[4][4], int n) {
  struct q det = {1, 1};
  for (int c = 0; c < n; c++) {
    int p = c;
    while (p < n && m[p][c].num == 0) p++;
    if (p == n) { struct q zero = {0, 1}; return zero; }
    if (p != c) {
      for (int k = 0; k < n; k++) { struct q t = m[p][k]; m[p][k] = m[c][k]; m[c][k] = t; }
      det.num = -det.num;
    }
    det = q_mul(det, m[c][c]);
    for (int r = c + 1; r < n; r++) {
      struct q f = q_div(m[r][c], m[c][c]);
      for (int k = c; k < n; k++) m[r][k] = q_sub(m[r][k], q_mul(f, m[c][k]));
    }
  }
  return det;
}

static void test_determinant(void) {
  static const int raw[4][4] = {{2, -1, 0, 3}, {1, 3, 2, -2}, {0, 1, 4, 1}, {5, 2, -1, 0}};
  struct q m[4][4];
  for (int i = 0; i < 4; i++)
    for (int j = 0; j < 4; j++) m[i][j] = q_make(raw[i][j], 1);
  struct q d = determinant(m, 4);
  CHECK(d.den == 1 && d.num == -22);
  printf("det=%ld/%ld\n", d.num, d.den);
}

int main(void) {
  test_sha256();
  test_checksums();
  test_base64();
  test_lz();
  test_map();
  test_big();
  test_sorting();
  test_regex();
  test_json();
  test_calendar();
  test_determinant();
  printf("toolkit: %d failures\n", failures);
  return failures != 0;
}
