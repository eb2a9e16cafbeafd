// Standard algorithms: sort, stable_sort, unique, lower_bound, accumulate, transform, partition.
#include <algorithm>
#include <cstdio>
#include <numeric>
#include <utility>
#include <vector>
#define CHECK(c) do { if (!(c)) { std::printf("FAIL %s:%d %s\n", __FILE__, __LINE__, #c); return 1; } } while (0)

int main() {
  std::vector<int> v(200);
  std::iota(v.begin(), v.end(), -100);
  std::vector<int> w(v.size());
  std::transform(v.begin(), v.end(), w.begin(), [](int x) { return (x * 37) % 23; });
  std::sort(w.begin(), w.end());
  CHECK(std::is_sorted(w.begin(), w.end()) && w.front() == -22 && w.back() == 22);
  auto last = std::unique(w.begin(), w.end());
  w.erase(last, w.end());
  CHECK(w.size() == 45);
  CHECK(std::lower_bound(w.begin(), w.end(), 0) - w.begin() == 22);
  CHECK(std::accumulate(v.begin(), v.end(), 0L) == -100);
  std::vector<std::pair<int, int>> p{{3, 0}, {1, 1}, {3, 2}, {1, 3}, {2, 4}};
  std::stable_sort(p.begin(), p.end(), [](auto a, auto b) { return a.first < b.first; });
  CHECK(p[0].second == 1 && p[1].second == 3 && p[3].second == 0 && p[4].second == 2);
  auto mid = std::partition(v.begin(), v.end(), [](int x) { return x % 3 == 0; });
  CHECK(mid - v.begin() == 67);
  std::vector<int> r{5, 1, 4};
  std::next_permutation(r.begin(), r.end());
  CHECK(r[0] == 5 && r[1] == 4 && r[2] == 1);
  std::printf("%zu %d %d\n", w.size(), *std::max_element(v.begin(), v.end()), r[2]);
  return 0;
}
