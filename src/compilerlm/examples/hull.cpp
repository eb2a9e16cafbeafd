// Convex hulls and polygon areas with a small templated geometry library.
// Usage: hull [POINTS]
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <vector>

template <typename T>
struct Vec2 {
  T x, y;
  Vec2 operator-(const Vec2 &o) const { return {x - o.x, y - o.y}; }
  bool operator<(const Vec2 &o) const { return x != o.x ? x < o.x : y < o.y; }
  bool operator==(const Vec2 &o) const { return x == o.x && y == o.y; }
};

template <typename T>
T cross(const Vec2<T> &a, const Vec2<T> &b) { return a.x * b.y - a.y * b.x; }

template <typename T>
std::vector<Vec2<T>> hull(std::vector<Vec2<T>> pts) {
  std::sort(pts.begin(), pts.end());
  pts.erase(std::unique(pts.begin(), pts.end()), pts.end());
  if (pts.size() < 3) return pts;
  std::vector<Vec2<T>> h(2 * pts.size());
  size_t k = 0;
  for (size_t i = 0; i < pts.size(); i++) {
    while (k >= 2 && cross(h[k - 1] - h[k - 2], pts[i] - h[k - 2]) <= 0) k--;
    h[k++] = pts[i];
  }
  for (size_t i = pts.size() - 1, lo = k + 1; i-- > 0;) {
    while (k >= lo && cross(h[k - 1] - h[k - 2], pts[i] - h[k - 2]) <= 0) k--;
    h[k++] = pts[i];
  }
  h.resize(k - 1);
  return h;
}

template <typename T>
T twice_area(const std::vector<Vec2<T>> &poly) {
  T a = 0;
  for (size_t i = 0; i < poly.size(); i++) a += cross(poly[i], poly[(i + 1) % poly.size()]);
  return a < 0 ? -a : a;
}

int main(int argc, char **argv) {
  int n = argc > 1 ? std::atoi(argv[1]) : 20000;
  unsigned s = 5;
  std::vector<Vec2<long>> pts;
  std::vector<Vec2<double>> fpts;
  for (int i = 0; i < n; i++) {
    s = s * 1664525u + 1013904223u;
    long x = static_cast<long>(s >> 20) - 2048;
    s = s * 1664525u + 1013904223u;
    long y = static_cast<long>(s >> 20) - 2048;
    if (x * x + y * y > 2048L * 2048L) continue;  // a disc, so the hull has many vertices
    pts.push_back({x, y});
    fpts.push_back({x * 0.5, y * 0.25});
  }
  auto h = hull(pts);
  auto fh = hull(fpts);
  std::printf("points %zu hull %zu area2 %ld\n", pts.size(), h.size(), twice_area(h));
  std::printf("scaled hull %zu area2 %.2f\n", fh.size(), twice_area(fh));
  return h.size() != fh.size();
}
