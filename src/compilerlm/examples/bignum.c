/* Arbitrary-precision arithmetic in base 10^9: factorials, Fibonacci, powers, long division.
   Usage: bignum [N] */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BASE 1000000000u

typedef struct { uint32_t *d; int n, cap; } Big;

static void reserve(Big *a, int n) {
  if (n > a->cap) {
    a->cap = n * 2;
    a->d = realloc(a->d, sizeof(uint32_t) * (size_t)a->cap);
  }
}

static void set_small(Big *a, uint32_t v) { reserve(a, 1); a->d[0] = v; a->n = 1; }

static void mul_small(Big *a, uint32_t m) {
  uint64_t carry = 0;
  for (int i = 0; i < a->n; i++) {
    uint64_t t = (uint64_t)a->d[i] * m + carry;
    a->d[i] = (uint32_t)(t % BASE);
    carry = t / BASE;
  }
  while (carry) { reserve(a, a->n + 1); a->d[a->n++] = (uint32_t)(carry % BASE); carry /= BASE; }
}

static void add(Big *r, const Big *a, const Big *b) {
  int n = a->n > b->n ? a->n : b->n;
  reserve(r, n + 1);
  uint32_t carry = 0;
  for (int i = 0; i < n; i++) {
    uint32_t s = carry + (i < a->n ? a->d[i] : 0) + (i < b->n ? b->d[i] : 0);
    carry = s >= BASE;
    r->d[i] = carry ? s - BASE : s;
  }
  r->n = n;
  if (carry) r->d[r->n++] = 1;
}

static uint32_t div_small(Big *a, uint32_t m) {
  uint64_t rem = 0;
  for (int i = a->n - 1; i >= 0; i--) {
    uint64_t cur = a->d[i] + rem * BASE;
    a->d[i] = (uint32_t)(cur / m);
    rem = cur % m;
  }
  while (a->n > 1 && a->d[a->n - 1] == 0) a->n--;
  return (uint32_t)rem;
}

static int digits(const Big *a) {
  int k = 0;
  for (uint32_t top = a->d[a->n - 1]; top; top /= 10) k++;
  return (a->n - 1) * 9 + (k ? k : 1);
}

static unsigned digit_sum(const Big *a) {
  unsigned s = 0;
  for (int i = 0; i < a->n; i++)
    for (uint32_t v = a->d[i]; v; v /= 10) s += v % 10;
  return s;
}

static void print_head(const char *what, const Big *a) {
  char buf[32];
  snprintf(buf, sizeof buf, "%u", a->d[a->n - 1]);
  printf("%s digits %d sum %u head %.6s\n", what, digits(a), digit_sum(a), buf);
}

int main(int argc, char **argv) {
  int n = argc > 1 ? atoi(argv[1]) : 400;
  Big f = {0}, a = {0}, b = {0}, c = {0}, p = {0};
  set_small(&f, 1);
  for (int i = 2; i <= n; i++) mul_small(&f, (uint32_t)i);
  print_head("factorial", &f);
  set_small(&a, 0); set_small(&b, 1);
  for (int i = 0; i < n * 4; i++) {
    add(&c, &a, &b);
    Big t = a; a = b; b = c; c = t;
  }
  print_head("fibonacci", &a);
  set_small(&p, 1);
  for (int i = 0; i < n; i++) mul_small(&p, 3);
  print_head("power3", &p);
  /* n! is divisible by every k <= n: dividing them all out leaves 1. */
  unsigned bad = 0;
  for (int i = n; i >= 2; i--) bad += div_small(&f, (uint32_t)i) != 0;
  printf("division remainder-free %s, left %u\n", bad ? "NO" : "yes", f.d[0]);
  free(f.d); free(a.d); free(b.d); free(c.d); free(p.d);
  return bad != 0;
}
