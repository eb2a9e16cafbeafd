// Templates: function and class templates, specialisation, constexpr, variadic packs.
#include <cstdio>
#include <cstring>
#define CHECK(c) do { if (!(c)) { std::printf("FAIL %s:%d %s\n", __FILE__, __LINE__, #c); return 1; } } while (0)

template <typename T> T max3(T a, T b, T c) { T m = a > b ? a : b; return m > c ? m : c; }
template <> const char *max3(const char *a, const char *b, const char *c) {
  const char *m = std::strcmp(a, b) > 0 ? a : b;
  return std::strcmp(m, c) > 0 ? m : c;
}
template <typename T, int N> struct Ring {
  T items[N] = {};
  int head = 0, size = 0;
  void push(T x) { items[(head + size) % N] = x; if (size < N) size++; else head = (head + 1) % N; }
  T sum() const { T s{}; for (int i = 0; i < size; i++) s += items[(head + i) % N]; return s; }
};
constexpr long factorial(int n) { return n <= 1 ? 1 : n * factorial(n - 1); }
template <typename... Ts> constexpr int count(Ts...) { return sizeof...(Ts); }
template <typename T> T sum_all(T x) { return x; }
template <typename T, typename... Ts> T sum_all(T x, Ts... rest) { return x + sum_all(rest...); }

int main() {
  static_assert(factorial(10) == 3628800, "constexpr");
  CHECK(max3(3, 9, 4) == 9 && max3(2.5, -1.0, 2.25) == 2.5);
  CHECK(std::strcmp(max3("pear", "apple", "zoo"), "zoo") == 0);
  Ring<int, 4> r;
  for (int i = 1; i <= 10; i++) r.push(i);
  CHECK(r.sum() == 7 + 8 + 9 + 10);
  Ring<double, 3> d;
  d.push(0.5); d.push(0.25);
  CHECK(d.sum() == 0.75);
  CHECK(count(1, 'a', 2.0, "x") == 4 && sum_all(1, 2, 3, 4, 5) == 15);
  std::printf("%ld %d %g\n", factorial(15), r.sum(), sum_all(0.5, 0.25, 0.125));
  return 0;
}
