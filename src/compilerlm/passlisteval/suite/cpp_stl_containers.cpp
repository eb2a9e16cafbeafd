// Standard containers: vector, deque, list, map, set, unordered_map.
#include <cstdio>
#include <deque>
#include <list>
#include <map>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>
#define CHECK(c) do { if (!(c)) { std::printf("FAIL %s:%d %s\n", __FILE__, __LINE__, #c); return 1; } } while (0)

int main() {
  std::vector<int> v;
  for (int i = 0; i < 1000; i++) v.push_back(i * 3 % 101);
  v.erase(v.begin() + 10, v.begin() + 20);
  CHECK(v.size() == 990 && v[10] == 60);
  std::deque<int> d{1, 2, 3};
  d.push_front(0); d.push_back(4); d.pop_front();
  CHECK(d.front() == 1 && d.back() == 4 && d.size() == 4);
  std::list<std::string> l{"b", "c"};
  l.push_front("a"); l.remove("b");
  CHECK(l.size() == 2 && l.front() == "a" && l.back() == "c");
  std::map<std::string, int> m;
  for (const char *w : {"to", "be", "or", "not", "to", "be"}) m[w]++;
  CHECK(m.size() == 4 && m["to"] == 2 && m.begin()->first == "be");
  std::set<int> s(v.begin(), v.end());
  CHECK(s.size() == 101 && *s.begin() == 0 && *s.rbegin() == 100 && s.count(50) == 1);
  std::unordered_map<int, long> sq;
  for (int i = 0; i < 500; i++) sq[i] = (long)i * i;
  CHECK(sq.size() == 500 && sq.at(321) == 103041 && sq.find(600) == sq.end());
  long total = 0;
  for (auto &kv : m) total += kv.second * (long)kv.first.size();
  std::printf("%zu %ld %d\n", s.size(), total, v[500]);
  return 0;
}
