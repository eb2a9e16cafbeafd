// Smart pointers: unique_ptr ownership transfer, shared_ptr counts, weak_ptr expiry.
#include <cstdio>
#include <memory>
#include <vector>
#define CHECK(c) do { if (!(c)) { std::printf("FAIL %s:%d %s\n", __FILE__, __LINE__, #c); return 1; } } while (0)

static int live;
struct Node {
  int v;
  std::shared_ptr<Node> next;
  std::weak_ptr<Node> prev;
  explicit Node(int x) : v(x) { live++; }
  ~Node() { live--; }
};

static std::unique_ptr<Node> take(std::unique_ptr<Node> p) { p->v *= 2; return p; }

int main() {
  {
    auto a = std::make_unique<Node>(21);
    auto b = take(std::move(a));
    CHECK(!a && b->v == 42 && live == 1);
  }
  CHECK(live == 0);
  std::weak_ptr<Node> watcher;
  {
    auto head = std::make_shared<Node>(1);
    auto cur = head;
    for (int i = 2; i <= 5; i++) { auto n = std::make_shared<Node>(i); n->prev = cur; cur->next = n; cur = n; }
    watcher = cur;
    CHECK(live == 5 && head.use_count() == 1 && cur.use_count() == 2);
    auto p = cur->prev.lock();
    CHECK(p && p->v == 4);
    int sum = 0;
    for (auto n = head; n; n = n->next) sum += n->v;
    CHECK(sum == 15 && !watcher.expired());
  }
  CHECK(live == 0 && watcher.expired());
  std::vector<std::shared_ptr<Node>> shared(3, std::make_shared<Node>(7));
  CHECK(shared[0].use_count() == 3 && live == 1);
  std::printf("%d %ld\n", live, shared[2].use_count());
  return 0;
}
