#include "stack.h"

void push(Stack *s, int x) { if (s->top < 64) s->items[s->top++] = x; }
int pop(Stack *s) { return s->top > 0 ? s->items[--s->top] : 0; }
int empty(const Stack *s) { return s->top == 0; }
