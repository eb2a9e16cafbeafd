/* Static initialisers: constant tables, pointers to other globals, designated initialisers. */
#include <stdio.h>
#include <string.h>
#define CHECK(c) do { if (!(c)) { printf("FAIL %s:%d %s\n", __FILE__, __LINE__, #c); return 1; } } while (0)

static const int primes[] = {2, 3, 5, 7, 11, 13, 17, 19, 23, 29};
static int storage[4] = {[2] = 7, [0] = 1};
static int *const slot = &storage[2];
static const char *const names[] = {"zero", "one", "two"};
struct entry { const char *key; const int *value; };
static const struct entry registry[] = {{"second_prime", &primes[1]}, {"slot", &storage[2]}};
static char message[] = "initialised";
static double ratio = 1.0 / 3;

int main(void) {
  int s = 0;
  for (unsigned i = 0; i < sizeof primes / sizeof primes[0]; i++) s += primes[i];
  CHECK(s == 129);
  CHECK(storage[0] == 1 && storage[1] == 0 && storage[2] == 7 && storage[3] == 0);
  *slot += 5;
  CHECK(*registry[1].value == 12 && *registry[0].value == 3);
  CHECK(strcmp(names[2], "two") == 0 && strcmp(registry[0].key, "second_prime") == 0);
  message[0] = 'I';
  CHECK(strcmp(message, "Initialised") == 0 && sizeof message == 12);
  CHECK(ratio * 3 == 1.0);
  printf("%d %d %s %.17g\n", s, storage[2], message, ratio);
  return 0;
}
