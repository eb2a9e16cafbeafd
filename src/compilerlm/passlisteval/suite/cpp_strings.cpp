// std::string and string streams: building, searching, splitting, number formatting.
#include <cstdio>
#include <sstream>
#include <string>
#include <vector>
#define CHECK(c) do { if (!(c)) { std::printf("FAIL %s:%d %s\n", __FILE__, __LINE__, #c); return 1; } } while (0)

static std::vector<std::string> split(const std::string &s, char sep) {
  std::vector<std::string> out; std::string cur;
  for (char c : s) { if (c == sep) { out.push_back(cur); cur.clear(); } else cur += c; }
  out.push_back(cur);
  return out;
}

int main() {
  std::string s = "the quick brown fox";
  CHECK(s.find("quick") == 4 && s.rfind('o') == 17 && s.find("cat") == std::string::npos);
  s.replace(4, 5, "slow");
  CHECK(s == "the slow brown fox" && s.size() == 18);
  auto parts = split("a,,b,c", ',');
  CHECK(parts.size() == 4 && parts[1].empty() && parts[3] == "c");
  std::ostringstream os;
  os << 42 << ' ' << 3.5 << ' ' << std::hex << 255;
  CHECK(os.str() == "42 3.5 ff");
  std::istringstream is("10 20 30 x");
  int a, total = 0;
  while (is >> a) total += a;
  CHECK(total == 60);
  std::string big;
  for (int i = 0; i < 100; i++) big += std::to_string(i);
  CHECK(big.size() == 190 && big.substr(10, 4) == "1011");
  CHECK(std::stoi("-123") == -123 && std::string(3, 'z') == "zzz");
  std::printf("%s|%zu|%s\n", s.c_str(), big.size(), os.str().c_str());
  return 0;
}
