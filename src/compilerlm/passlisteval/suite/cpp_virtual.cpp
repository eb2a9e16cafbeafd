// Virtual dispatch, multiple inheritance, dynamic_cast and virtual destructors.
#include <cstdio>
#include <memory>
#include <vector>
#define CHECK(c) do { if (!(c)) { std::printf("FAIL %s:%d %s\n", __FILE__, __LINE__, #c); return 1; } } while (0)

static int alive;
struct Named { virtual ~Named() = default; virtual const char *name() const = 0; };
struct Animal { Animal() { alive++; } virtual ~Animal() { alive--; } virtual int legs() const { return 4; } virtual int sound() const = 0; };
struct Dog : Animal, Named { int sound() const override { return 1; } const char *name() const override { return "dog"; } };
struct Bird : Animal, Named { int legs() const override { return 2; } int sound() const override { return 2; } const char *name() const override { return "bird"; } };
struct Puppy final : Dog { int sound() const override { return 3; } const char *name() const override { return "puppy"; } };

int main() {
  {
    std::vector<std::unique_ptr<Animal>> zoo;
    zoo.emplace_back(new Dog);
    zoo.emplace_back(new Bird);
    zoo.emplace_back(new Puppy);
    int legs = 0, sounds = 0, dogs = 0;
    for (auto &a : zoo) {
      legs += a->legs();
      sounds = sounds * 10 + a->sound();
      if (dynamic_cast<Dog *>(a.get())) dogs++;
    }
    CHECK(alive == 3 && legs == 10 && sounds == 123 && dogs == 2);
    Named *n = dynamic_cast<Named *>(zoo[2].get());
    CHECK(n && n->name()[0] == 'p');
    CHECK(dynamic_cast<Bird *>(zoo[0].get()) == nullptr);
  }
  CHECK(alive == 0);
  Bird b;
  const Animal &ref = b;
  std::printf("%d %d %s\n", ref.legs(), ref.sound(), static_cast<const Named &>(b).name());
  return 0;
}
