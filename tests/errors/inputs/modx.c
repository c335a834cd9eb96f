/* A module's types, split on types.c's: base-byte-order, base-not-the-one. */
struct foo { int a; };
struct bar { struct foo f; int a; long b; };
int modfunc(struct bar *b) { return b->a; }
