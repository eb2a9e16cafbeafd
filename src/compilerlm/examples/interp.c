/* A small bytecode interpreter: an expression compiler (recursive descent) feeding a stack VM.
   Medium-sized program for the benchmarks: parsing, a big switch loop, and a symbol table. */
#include <stdio.h>
#include <string.h>

enum op { OP_PUSH, OP_LOAD, OP_STORE, OP_ADD, OP_SUB, OP_MUL, OP_DIV, OP_MOD, OP_NEG, OP_LT,
          OP_EQ, OP_JZ, OP_JMP, OP_PRINT, OP_HALT, OP_DUP, OP_POP, OP_AND, OP_OR, OP_NOT };

#define MAX_CODE 1024
#define MAX_VARS 26
#define STACK 256

struct vm {
  int code[MAX_CODE];
  int ncode;
  long vars[MAX_VARS];
  long stack[STACK];
  int sp;
  long output[64];
  int nout;
  int error;
};

struct parser {
  const char *src;
  int pos;
  struct vm *vm;
  int error;
};

static void emit(struct parser *p, int x) {
  if (p->vm->ncode >= MAX_CODE) { p->error = 1; return; }
  p->vm->code[p->vm->ncode++] = x;
}

static void skip_space(struct parser *p) {
  while (p->src[p->pos] == ' ' || p->src[p->pos] == '\n' || p->src[p->pos] == '\t') p->pos++;
}

static int peek(struct parser *p) { skip_space(p); return p->src[p->pos]; }

static int accept(struct parser *p, char c) {
  if (peek(p) == c) { p->pos++; return 1; }
  return 0;
}

static void expect(struct parser *p, char c) {
  if (!accept(p, c)) p->error = 1;
}

static void expr(struct parser *p);

static void primary(struct parser *p) {
  int c = peek(p);
  if (c >= '0' && c <= '9') {
    long v = 0;
    while (p->src[p->pos] >= '0' && p->src[p->pos] <= '9') v = v * 10 + (p->src[p->pos++] - '0');
    emit(p, OP_PUSH);
    emit(p, (int)v);
  } else if (c >= 'a' && c <= 'z') {
    p->pos++;
    emit(p, OP_LOAD);
    emit(p, c - 'a');
  } else if (accept(p, '(')) {
    expr(p);
    expect(p, ')');
  } else if (accept(p, '-')) {
    primary(p);
    emit(p, OP_NEG);
  } else if (accept(p, '!')) {
    primary(p);
    emit(p, OP_NOT);
  } else {
    p->error = 1;
  }
}

static void term(struct parser *p) {
  primary(p);
  for (;;) {
    if (accept(p, '*')) { primary(p); emit(p, OP_MUL); }
    else if (accept(p, '/')) { primary(p); emit(p, OP_DIV); }
    else if (accept(p, '%')) { primary(p); emit(p, OP_MOD); }
    else break;
  }
}

static void arith(struct parser *p) {
  term(p);
  for (;;) {
    if (accept(p, '+')) { term(p); emit(p, OP_ADD); }
    else if (accept(p, '-')) { term(p); emit(p, OP_SUB); }
    else break;
  }
}

static void compare(struct parser *p) {
  arith(p);
  for (;;) {
    if (accept(p, '<')) { arith(p); emit(p, OP_LT); }
    else if (accept(p, '=')) { expect(p, '='); arith(p); emit(p, OP_EQ); }
    else break;
  }
}

static void expr(struct parser *p) {
  compare(p);
  for (;;) {
    if (accept(p, '&')) { compare(p); emit(p, OP_AND); }
    else if (accept(p, '|')) { compare(p); emit(p, OP_OR); }
    else break;
  }
}

/* statement := 'print' expr ';' | var ':' expr ';' | 'while' expr '{' stmts '}' | 'if' expr '{' stmts '}' */
static void statements(struct parser *p, char end);

static int keyword(struct parser *p, const char *kw) {
  size_t n = strlen(kw);
  skip_space(p);
  if (strncmp(p->src + p->pos, kw, n) == 0) {
    char next = p->src[p->pos + n];
    if (!(next >= 'a' && next <= 'z')) { p->pos += (int)n; return 1; }
  }
  return 0;
}

static void statement(struct parser *p) {
  if (keyword(p, "print")) {
    expr(p);
    emit(p, OP_PRINT);
    expect(p, ';');
  } else if (keyword(p, "while")) {
    int top = p->vm->ncode;
    expr(p);
    emit(p, OP_JZ);
    int patch = p->vm->ncode;
    emit(p, 0);
    expect(p, '{');
    statements(p, '}');
    expect(p, '}');
    emit(p, OP_JMP);
    emit(p, top);
    if (!p->error) p->vm->code[patch] = p->vm->ncode;
  } else if (keyword(p, "if")) {
    expr(p);
    emit(p, OP_JZ);
    int patch = p->vm->ncode;
    emit(p, 0);
    expect(p, '{');
    statements(p, '}');
    expect(p, '}');
    if (!p->error) p->vm->code[patch] = p->vm->ncode;
  } else {
    int c = peek(p);
    if (c < 'a' || c > 'z') { p->error = 1; return; }
    p->pos++;
    expect(p, ':');
    expr(p);
    emit(p, OP_STORE);
    emit(p, c - 'a');
    expect(p, ';');
  }
}

static void statements(struct parser *p, char end) {
  while (!p->error && peek(p) && peek(p) != end) statement(p);
}

static int compile(struct vm *vm, const char *src) {
  struct parser p = {src, 0, vm, 0};
  vm->ncode = 0;
  statements(&p, 0);
  emit(&p, OP_HALT);
  return p.error ? -1 : vm->ncode;
}

static long pop(struct vm *vm) {
  if (vm->sp <= 0) { vm->error = 1; return 0; }
  return vm->stack[--vm->sp];
}

static void push(struct vm *vm, long v) {
  if (vm->sp >= STACK) { vm->error = 1; return; }
  vm->stack[vm->sp++] = v;
}

static int run(struct vm *vm, long fuel) {
  int pc = 0;
  vm->sp = 0;
  vm->nout = 0;
  while (!vm->error && fuel-- > 0) {
    int op = vm->code[pc++];
    long a, b;
    switch (op) {
    case OP_PUSH: push(vm, vm->code[pc++]); break;
    case OP_LOAD: push(vm, vm->vars[vm->code[pc++]]); break;
    case OP_STORE: vm->vars[vm->code[pc++]] = pop(vm); break;
    case OP_ADD: b = pop(vm); a = pop(vm); push(vm, a + b); break;
    case OP_SUB: b = pop(vm); a = pop(vm); push(vm, a - b); break;
    case OP_MUL: b = pop(vm); a = pop(vm); push(vm, a * b); break;
    case OP_DIV: b = pop(vm); a = pop(vm); if (b == 0) vm->error = 2; else push(vm, a / b); break;
    case OP_MOD: b = pop(vm); a = pop(vm); if (b == 0) vm->error = 2; else push(vm, a % b); break;
    case OP_NEG: push(vm, -pop(vm)); break;
    case OP_NOT: push(vm, !pop(vm)); break;
    case OP_LT: b = pop(vm); a = pop(vm); push(vm, a < b); break;
    case OP_EQ: b = pop(vm); a = pop(vm); push(vm, a == b); break;
    case OP_AND: b = pop(vm); a = pop(vm); push(vm, a && b); break;
    case OP_OR: b = pop(vm); a = pop(vm); push(vm, a || b); break;
    case OP_JZ: a = pop(vm); if (!a) pc = vm->code[pc]; else pc++; break;
    case OP_JMP: pc = vm->code[pc]; break;
    case OP_DUP: a = pop(vm); push(vm, a); push(vm, a); break;
    case OP_POP: pop(vm); break;
    case OP_PRINT: a = pop(vm); if (vm->nout < 64) vm->output[vm->nout++] = a; break;
    case OP_HALT: return 0;
    default: vm->error = 3; break;
    }
  }
  return vm->error ? -vm->error : -4;
}

static const char *programs[] = {
    "n: 10; a: 0; b: 1; while 0 < n { t: a + b; a: b; b: t; n: n - 1; } print a;",
    "i: 2; c: 0; while i < 200 { j: 2; p: 1; while j * j < i + 1 { if i % j == 0 { p: 0; } j: j + 1; }"
    " if p { c: c + 1; } i: i + 1; } print c;",
    "x: 12345; s: 0; while 0 < x { s: s + x % 10; x: x / 10; } print s; print -s * 3 + 7;",
    "a: 1071; b: 462; while !(b == 0) { t: a % b; a: b; b: t; } print a;",
    "print (1 + 2) * (3 + 4) - 5 / (2 - 2);",
};

int main(void) {
  static struct vm vm;
  long checksum = 0;
  for (unsigned k = 0; k < sizeof programs / sizeof programs[0]; k++) {
    memset(&vm, 0, sizeof vm);
    int n = compile(&vm, programs[k]);
    int rc = n < 0 ? -9 : run(&vm, 1000000);
    checksum = checksum * 31 + rc;
    for (int i = 0; i < vm.nout; i++) {
      printf("%ld ", vm.output[i]);
      checksum = checksum * 31 + vm.output[i];
    }
    printf("(rc=%d)\n", rc);
  }
  printf("checksum=%ld\n", checksum);
  return 0;
}
