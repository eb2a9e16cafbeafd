// Constructors and destructors in order, copies and moves counted, RAII scopes.
#include <cstdio>
#include <utility>
#define CHECK(c) do { if (!(c)) { std::printf("FAIL %s:%d %s\n", __FILE__, __LINE__, #c); return 1; } } while (0)

static int constructed, destroyed, copied, moved;
static char order[32];
static int order_len;

struct Tracker {
  char id;
  explicit Tracker(char c) : id(c) { constructed++; order[order_len++] = c; }
  Tracker(const Tracker &o) : id(o.id) { copied++; }
  Tracker(Tracker &&o) noexcept : id(o.id) { o.id = '-'; moved++; }
  ~Tracker() { destroyed++; order[order_len++] = static_cast<char>(id ^ 0x20); }
};

struct Pair { Tracker a, b; Pair() : a('a'), b('b') {} };

static Tracker make(char c) { return Tracker(c); }

int main() {
  {
    Pair p;
    Tracker t('c');
    Tracker u = std::move(t);
    Tracker v = u;
    (void)v;
  }
  order[order_len] = 0;
  CHECK(constructed == 3 && copied == 1 && moved == 1 && destroyed == 5);
  // destruction in reverse: v (c), u (c), t (moved-from '-'), then p.b, p.a
  CHECK(order[0] == 'a' && order[1] == 'b' && order[2] == 'c' && order[3] == 'C' && order[4] == 'C');
  CHECK(order[6] == 'B' && order[7] == 'A');
  Tracker m = make('m');
  CHECK(m.id == 'm');
  std::printf("%s %d %d\n", order, constructed, destroyed);
  return 0;
}
