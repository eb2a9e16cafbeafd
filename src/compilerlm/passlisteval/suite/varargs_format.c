/* A printf-like formatter over va_list, with va_copy for a two-pass size computation. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#define CHECK(c) do { if (!(c)) { printf("FAIL %s:%d %s\n", __FILE__, __LINE__, #c); return 1; } } while (0)

static int put_uint(char *out, unsigned long v) {
  char tmp[24]; int n = 0;
  do { tmp[n++] = (char)('0' + v % 10); v /= 10; } while (v);
  for (int i = 0; i < n; i++) if (out) out[i] = tmp[n - 1 - i];
  return n;
}
static int vformat(char *out, const char *fmt, va_list ap) {
  int len = 0;
  for (; *fmt; fmt++) {
    if (*fmt != '%') { if (out) out[len] = *fmt; len++; continue; }
    fmt++;
    if (*fmt == 'd') { int v = va_arg(ap, int); if (v < 0) { if (out) out[len] = '-'; len++; } len += put_uint(out ? out + len : NULL, v < 0 ? -(unsigned long)(long)v : (unsigned long)v); }
    else if (*fmt == 's') { const char *s = va_arg(ap, const char *); size_t n = strlen(s); if (out) memcpy(out + len, s, n); len += (int)n; }
    else if (*fmt == '%') { if (out) out[len] = '%'; len++; }
  }
  if (out) out[len] = 0;
  return len;
}
static int format(char *out, size_t cap, const char *fmt, ...) {
  va_list ap, again;
  va_start(ap, fmt);
  va_copy(again, ap);
  int need = vformat(NULL, fmt, ap);
  int n = (size_t)need < cap ? vformat(out, fmt, again) : -1;
  va_end(again);
  va_end(ap);
  return n;
}

int main(void) {
  char buf[64];
  CHECK(format(buf, sizeof buf, "%d items at %s: %d%%", 12, "home", -40) == 22);
  CHECK(strcmp(buf, "12 items at home: -40%") == 0);
  CHECK(format(buf, 5, "%s", "too long") == -1);
  CHECK(format(buf, sizeof buf, "%d", -2147483647 - 1) == 11 && strcmp(buf, "-2147483648") == 0);
  printf("%s\n", buf);
  return 0;
}
