// Lambdas: captures by value and reference, mutable state, std::function, recursion.
#include <cstdio>
#include <functional>
#include <vector>
#define CHECK(c) do { if (!(c)) { std::printf("FAIL %s:%d %s\n", __FILE__, __LINE__, #c); return 1; } } while (0)

static std::function<int(int)> compose(std::function<int(int)> f, std::function<int(int)> g) { return [f, g](int x) { return f(g(x)); }; }
static auto make_counter() { int n = 0; return [n]() mutable { return ++n; }; }

int main() {
  int base = 10;
  auto add_base = [base](int x) { return x + base; };
  auto add_ref = [&base](int x) { return x + base; };
  base = 100;
  CHECK(add_base(1) == 11 && add_ref(1) == 101);
  auto inc = make_counter(), other = make_counter();
  inc(); inc();
  CHECK(inc() == 3 && other() == 1);
  auto f = compose([](int x) { return x * 2; }, [](int x) { return x + 3; });
  CHECK(f(4) == 14);
  std::function<long(int)> fact = [&fact](int n) -> long { return n <= 1 ? 1 : n * fact(n - 1); };
  CHECK(fact(12) == 479001600L);
  std::vector<std::function<int(int)>> pipeline;
  for (int k = 1; k <= 4; k++) pipeline.push_back([k](int x) { return x * k + 1; });
  int v = 0;
  for (auto &step : pipeline) v = step(v);
  CHECK(v == 41);
  std::printf("%d %ld %d\n", f(10), fact(15), v);
  return 0;
}
