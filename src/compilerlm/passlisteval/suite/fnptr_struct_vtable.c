/* C-style objects: structs with a pointer to a table of methods. */
#include <stdio.h>
#define CHECK(c) do { if (!(c)) { printf("FAIL %s:%d %s\n", __FILE__, __LINE__, #c); return 1; } } while (0)

struct shape;
struct shape_ops { double (*area)(const struct shape *); int (*corners)(const struct shape *); const char *name; };
struct shape { const struct shape_ops *ops; double a, b; };

static double rect_area(const struct shape *s) { return s->a * s->b; }
static int rect_corners(const struct shape *s) { (void)s; return 4; }
static double tri_area(const struct shape *s) { return s->a * s->b / 2; }
static int tri_corners(const struct shape *s) { (void)s; return 3; }
static double circle_area(const struct shape *s) { return 3.0 * s->a * s->a; }
static int no_corners(const struct shape *s) { (void)s; return 0; }

static const struct shape_ops RECT = {rect_area, rect_corners, "rect"};
static const struct shape_ops TRI = {tri_area, tri_corners, "tri"};
static const struct shape_ops CIRCLE = {circle_area, no_corners, "circle"};

int main(void) {
  struct shape shapes[] = {{&RECT, 2, 3}, {&TRI, 4, 5}, {&CIRCLE, 2, 0}, {&RECT, 1.5, 2}};
  double area = 0;
  int corners = 0;
  for (int i = 0; i < 4; i++) { area += shapes[i].ops->area(&shapes[i]); corners += shapes[i].ops->corners(&shapes[i]); }
  CHECK(area == 6 + 10 + 12 + 3 && corners == 11);
  shapes[1].ops = &RECT;
  CHECK(shapes[1].ops->area(&shapes[1]) == 20);
  printf("%g %d %s\n", area, corners, shapes[2].ops->name);
  return 0;
}
