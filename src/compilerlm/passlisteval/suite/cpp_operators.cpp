// Operator overloading: a fixed-point number and a small vector type with arithmetic.
#include <cstdio>
#define CHECK(c) do { if (!(c)) { std::printf("FAIL %s:%d %s\n", __FILE__, __LINE__, #c); return 1; } } while (0)

struct Fixed {
  long raw;  // 16.16 fixed point
  static Fixed of(double d) { return Fixed{static_cast<long>(d * 65536.0)}; }
  Fixed operator+(Fixed o) const { return Fixed{raw + o.raw}; }
  Fixed operator-(Fixed o) const { return Fixed{raw - o.raw}; }
  Fixed operator*(Fixed o) const { return Fixed{(raw * o.raw) / 65536}; }
  bool operator<(Fixed o) const { return raw < o.raw; }
  bool operator==(Fixed o) const { return raw == o.raw; }
  double value() const { return raw / 65536.0; }
};

struct V2 {
  int x, y;
  V2 operator+(const V2 &o) const { return {x + o.x, y + o.y}; }
  V2 &operator+=(const V2 &o) { x += o.x; y += o.y; return *this; }
  V2 operator*(int k) const { return {x * k, y * k}; }
  int operator[](int i) const { return i == 0 ? x : y; }
  bool operator!=(const V2 &o) const { return x != o.x || y != o.y; }
};

int main() {
  Fixed a = Fixed::of(1.5), b = Fixed::of(2.25);
  CHECK((a + b).value() == 3.75 && (a * b).value() == 3.375 && (b - a).value() == 0.75);
  CHECK(a < b && !(b < a) && a * Fixed::of(1.0) == a);
  V2 p{1, 2}, q{3, -1};
  V2 r = p + q * 2;
  CHECK(r[0] == 7 && r[1] == 0);
  r += p;
  CHECK(!(r != V2{8, 2}));
  Fixed acc = Fixed::of(0);
  for (int i = 1; i <= 10; i++) acc = acc + Fixed::of(i) * Fixed::of(0.5);
  CHECK(acc.value() == 27.5);
  std::printf("%g %d %d\n", acc.value(), r.x, r.y);
  return 0;
}
