/* A tiny integer stack, in its own unit. */
#ifndef STACK_H
#define STACK_H
typedef struct { int items[64]; int top; } Stack;
void push(Stack *s, int x);
int pop(Stack *s);
int empty(const Stack *s);
#endif
