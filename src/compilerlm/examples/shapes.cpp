// C++: classes, virtual calls, templates, the standard library and an exception.
#include <cstdio>
#include <memory>
#include <numeric>
#include <stdexcept>
#include <vector>

struct Shape {
  virtual ~Shape() = default;
  virtual double area() const = 0;
  virtual int sides() const { return 0; }
};

struct Rect : Shape {
  double w, h;
  Rect(double w, double h) : w(w), h(h) {}
  double area() const override { return w * h; }
  int sides() const override { return 4; }
};

struct Circle : Shape {
  double r;
  explicit Circle(double r) : r(r) {}
  double area() const override { return 3.14159265358979 * r * r; }
};

template <typename T> T clamp_sum(const std::vector<T> &v, T lo, T hi) {
  T s = std::accumulate(v.begin(), v.end(), T{});
  return s < lo ? lo : (s > hi ? hi : s);
}

static int checked_div(int a, int b) {
  if (b == 0) throw std::invalid_argument("division by zero");
  return a / b;
}

int main() {
  std::vector<std::unique_ptr<Shape>> shapes;
  for (int i = 1; i <= 4; i++) {
    shapes.push_back(std::make_unique<Rect>(i, i + 1));
    shapes.push_back(std::make_unique<Circle>(i * 0.5));
  }
  double total = 0;
  int sides = 0;
  for (const auto &s : shapes) { total += s->area(); sides += s->sides(); }
  int caught = 0;
  try { checked_div(1, 0); } catch (const std::invalid_argument &) { caught = 1; }
  std::vector<int> v{3, 1, 4, 1, 5, 9, 2, 6};
  std::printf("area=%.3f sides=%d caught=%d sum=%d div=%d\n", total, sides, caught,
              clamp_sum(v, 0, 30), checked_div(17, 5));
  return 0;
}
