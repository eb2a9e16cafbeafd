// Exceptions: throw, catch by type, rethrow, destructors during unwinding, noexcept.
#include <cstdio>
#include <stdexcept>
#include <string>
#define CHECK(c) do { if (!(c)) { std::printf("FAIL %s:%d %s\n", __FILE__, __LINE__, #c); return 1; } } while (0)

static int unwound;
struct Guard { ~Guard() { unwound++; } };
struct MyError : std::runtime_error { int code; MyError(int c) : std::runtime_error("my error"), code(c) {} };

static int parse_digit(char c) { if (c < '0' || c > '9') throw std::invalid_argument(std::string("not a digit: ") + c); return c - '0'; }
static int deep(int n) { Guard g; if (n == 0) throw MyError(42); return deep(n - 1) + 1; }
static int rethrower() { try { deep(3); } catch (MyError &e) { e.code++; throw; } return 0; }
static int no_throw(int x) noexcept { return x * 2; }

int main() {
  int caught = 0;
  try { parse_digit('x'); } catch (const std::invalid_argument &e) { caught = std::string(e.what()) == "not a digit: x"; }
  CHECK(caught == 1);
  try { deep(5); } catch (const MyError &e) { caught = e.code; }
  CHECK(caught == 42 && unwound == 6);
  try { rethrower(); } catch (const MyError &e) { caught = e.code; } catch (...) { caught = -1; }
  CHECK(caught == 43 && unwound == 10);
  try { throw 7; } catch (long) { caught = 1; } catch (int v) { caught = v; }
  CHECK(caught == 7);
  int sum = 0;
  for (char c : std::string("12a3b4")) { try { sum += parse_digit(c); } catch (const std::exception &) { sum += 100; } }
  CHECK(sum == 210 && no_throw(21) == 42);
  std::printf("%d %d %d\n", caught, unwound, sum);
  return 0;
}
