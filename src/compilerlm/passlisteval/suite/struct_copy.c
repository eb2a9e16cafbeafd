/* Structs passed and returned by value, nested structs and struct assignment. */
#include <stdio.h>
#define CHECK(c) do { if (!(c)) { printf("FAIL %s:%d %s\n", __FILE__, __LINE__, #c); return 1; } } while (0)

struct vec3 { double x, y, z; };
struct big { int v[32]; char tag; };
struct pair { struct vec3 a, b; long id; };

static struct vec3 cross(struct vec3 a, struct vec3 b) {
  struct vec3 r = {a.y * b.z - a.z * b.y, a.z * b.x - a.x * b.z, a.x * b.y - a.y * b.x};
  return r;
}
static struct big fill(int seed) { struct big b; for (int i = 0; i < 32; i++) b.v[i] = seed * i; b.tag = (char)('a' + seed); return b; }
static long total(struct big b) { long s = b.tag; for (int i = 0; i < 32; i++) s += b.v[i]; return s; }
static struct pair swap(struct pair p) { struct vec3 t = p.a; p.a = p.b; p.b = t; p.id = -p.id; return p; }

int main(void) {
  struct vec3 x = {1, 0, 0}, y = {0, 1, 0}, z = cross(x, y);
  CHECK(z.x == 0 && z.y == 0 && z.z == 1);
  struct big b = fill(3), c = b;
  c.v[5] = 0;
  CHECK(b.v[5] == 15 && total(b) == 3 * 496 + 'd' && total(c) == total(b) - 15);
  struct pair p = {{1, 2, 3}, {4, 5, 6}, 9}, q = swap(p);
  CHECK(q.a.x == 4 && q.b.z == 3 && q.id == -9 && p.a.x == 1);
  struct pair arr[3] = {p, q, p};
  arr[1] = arr[2];
  CHECK(arr[1].id == 9);
  printf("%g %ld %ld\n", cross(z, x).y, total(fill(7)), swap(q).id);
  return 0;
}
