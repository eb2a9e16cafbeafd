/* Structs, unions, arrays of records, a linked list and insertion sort over records. */
#include <stdio.h>
#include <string.h>

struct point { int x, y; };
struct rect { struct point lo, hi; };
struct record { char name[16]; int age; double score; };
union number { int i; float f; unsigned char bytes[4]; };
struct node { int value; struct node *next; };

static int area(struct rect r) { return (r.hi.x - r.lo.x) * (r.hi.y - r.lo.y); }

static struct rect intersect(struct rect a, struct rect b) {
  struct rect r;
  r.lo.x = a.lo.x > b.lo.x ? a.lo.x : b.lo.x;
  r.lo.y = a.lo.y > b.lo.y ? a.lo.y : b.lo.y;
  r.hi.x = a.hi.x < b.hi.x ? a.hi.x : b.hi.x;
  r.hi.y = a.hi.y < b.hi.y ? a.hi.y : b.hi.y;
  if (r.hi.x < r.lo.x) r.hi.x = r.lo.x;
  if (r.hi.y < r.lo.y) r.hi.y = r.lo.y;
  return r;
}

static void sort_records(struct record *rs, int n) {
  for (int i = 1; i < n; i++) {
    struct record key = rs[i];
    int j = i - 1;
    while (j >= 0 && (rs[j].age > key.age ||
                      (rs[j].age == key.age && strcmp(rs[j].name, key.name) > 0))) {
      rs[j + 1] = rs[j];
      j--;
    }
    rs[j + 1] = key;
  }
}

static int list_sum(const struct node *n) {
  int s = 0;
  for (; n; n = n->next) s += n->value;
  return s;
}

int main(void) {
  struct rect a = {{0, 0}, {10, 8}}, b = {{4, 2}, {15, 20}};
  int ar = area(intersect(a, b));
  struct record rs[5] = {
      {"carol", 35, 7.5}, {"alice", 30, 9.0}, {"bob", 30, 8.25}, {"dave", 25, 6.0}, {"eve", 40, 5.5}};
  sort_records(rs, 5);
  double weighted = 0;
  for (int i = 0; i < 5; i++) weighted += rs[i].score * (i + 1);
  union number u;
  u.f = 1.0f;
  unsigned bytesum = u.bytes[0] + u.bytes[1] + u.bytes[2] + u.bytes[3];
  struct node nodes[10];
  for (int i = 0; i < 10; i++) {
    nodes[i].value = i * i;
    nodes[i].next = i + 1 < 10 ? &nodes[i + 1] : 0;
  }
  printf("area=%d first=%s weighted=%.2f bytes=%u list=%d\n", ar, rs[0].name, weighted, bytesum,
         list_sum(nodes));
  return 0;
}
