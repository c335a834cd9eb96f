/* Valid input BTF for every case: a struct, a function. */
struct foo { int a; };
int func(struct foo *f) { return f->a; }
